"""Keep secrets out of IPython's input history: the SQLite database, ``In``/``_ih``, ``_i*``.

IPython writes the raw cell to history before any transformer can stop the cell (see
PLATFORM-NOTES Q4), so the one reliable seam is ``history_manager.store_inputs``: it feeds
the database cache, ``In``/``_ih`` and the ``_i``, ``_ii``, ``_iii``, ``_iN`` variables.
The wrapper is set on the instance, so it covers cells that ran and cells that were refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aisafe_nb.kernel.outputs import Restore, _patch


def install_history(shell: Any, scrub: Callable[[str], str]) -> Restore:
    """Wrap ``store_inputs`` so both the source and the raw source are scrubbed first."""
    manager = getattr(shell, "history_manager", None)
    if manager is None:
        return lambda: None
    original = manager.store_inputs

    def store_inputs(line_num: int, source: str, source_raw: str | None = None) -> Any:
        return original(line_num, scrub(source), None if source_raw is None else scrub(source_raw))

    return _patch(manager, "store_inputs", store_inputs)
