"""Execute a notebook in a real kernel that talks over Unix sockets in a private folder.

Why not nbclient's default: it starts the kernel on TCP ports of localhost, which any
local user can connect to while it runs, and ipykernel 7 warns about exactly that on
every start. Over IPC sockets in a fresh temporary folder (mode 0700) only this user can
connect, and nothing is printed. The kernel is always shut down and its client's sockets
closed afterwards: by default nbclient leaves both alone when it did not create the
kernel manager itself.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def execute_notebook(nb: Any, **client_options: Any) -> Any:
    """Run every cell of `nb` (an nbformat node, filled in place) and return it.

    `client_options` go to ``nbclient.NotebookClient`` (timeout, allow_errors, resources,
    ipython_hist_file...); ``kernel_name`` picks the kernel (default ``python3``).
    Raises what ``NotebookClient.execute`` raises (``CellExecutionError``...).
    """
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    kernel_name = client_options.pop("kernel_name", "python3")
    with tempfile.TemporaryDirectory(prefix="aisafe-kernel-") as sockets:
        kernel = KernelManager(
            kernel_name=kernel_name, transport="ipc", ip=str(Path(sockets) / "kernel")
        )
        try:
            NotebookClient(nb, km=kernel, **client_options).execute(cleanup_kc=True)
        finally:  # cleanup_kc shuts the kernel down unless starting it failed midway
            if kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    return nb
