"""Make start-up timings measure the package as users run it: byte-compiled.

`pip install` writes each module's ``.pyc`` at install time, so a user's first command
loads compiled bytecode. An editable install has none, and with ``PYTHONDONTWRITEBYTECODE``
set (as on the machine the benchmarks were first run on) Python would recompile every
module of ours on every start: about 30 ms of the one-notebook scan that no user pays.
Start-up benchmarks call `byte_compile` first so both cases measure the same thing.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "aisafe_nb"


def byte_compile() -> None:
    """Write the ``.pyc`` files pip would write (``__pycache__`` is git-ignored)."""
    compileall.compile_dir(PACKAGE, quiet=1)
