"""`execute_notebook`: a real kernel over Unix sockets, shut down and closed afterwards."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from aisafe_nb.testing.kernel import execute_notebook
from tests.procs import children


def _notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_the_kernel_talks_over_ipc_and_is_gone_afterwards(tmp_path):
    before = children()
    show_connection = (
        "import json\n"
        "from ipykernel import get_connection_info\n"
        "info = get_connection_info(unpack=True)\n"
        "print(json.dumps({'transport': info['transport'], 'ip': info['ip']}))"
    )
    nb = execute_notebook(_notebook(show_connection), timeout=60,
                          resources={"metadata": {"path": str(tmp_path)}})
    info = json.loads(nb.cells[0].outputs[0].text)
    assert info["transport"] == "ipc"
    assert "aisafe-kernel-" in info["ip"]  # its sockets live in the private folder
    assert children() <= before


def test_a_failing_cell_raises_and_still_shuts_the_kernel_down(tmp_path):
    before = children()
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        execute_notebook(_notebook("1 / 0"), timeout=60,
                         resources={"metadata": {"path": str(tmp_path)}})
    assert children() <= before
