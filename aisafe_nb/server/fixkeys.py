"""Move inline keys of a whole notebook to the ``.env`` next to it (``/aisafe-nb/fix-keys``).

The per-cell rewriting is `aisafe_nb.fixkeys`'s job (shared with the CLI and the kernel
magic); this module only walks the code cells, threads the names already assigned from
one cell to the next, and writes ``.env`` once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class NotebookKeyFix:
    """What a fix-keys run changed: rewritten cells and the names moved to ``.env``."""

    cells: list[dict[str, Any]] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    manual: list[dict[str, Any]] = field(default_factory=list)
    gitignored: bool = False


def fix_notebook_keys(nb: dict[str, Any], folder: Path) -> NotebookKeyFix:
    """Rewrite the code cells of `nb` in place to read keys from the environment.

    Keys go to ``folder/.env`` (created if needed, then git-ignored). Returns the changed
    cells (index, id, new source) and the variable names, never the values.
    """
    from aisafe_nb.fixkeys import apply_env, ensure_gitignored, plan_fix, read_env
    from aisafe_nb.notebook.cells import source_text

    env_path = folder / ".env"
    existing: dict[str, str] = dict(read_env(env_path))
    result = NotebookKeyFix()
    moves: list[Any] = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        text = source_text(cell)
        fix = plan_fix(text, existing_env=existing)
        if fix is None:
            continue
        for m in fix.manual:
            result.manual.append(
                {
                    "cell": i,
                    "line": m.line,
                    "type": m.type,
                    "preview": m.preview,
                    "reason": m.reason,
                }
            )
        if fix.new_source == text:
            continue
        cell["source"] = fix.new_source
        result.cells.append({"index": i, "cell_id": cell.get("id"), "source": fix.new_source})
        for move in fix.moves:
            existing[move.name] = move.value
            moves.append(move)
            if move.name not in result.moved:
                result.moved.append(move.name)
    if moves:
        apply_env(env_path, moves)
        result.gitignored = ensure_gitignored(env_path).ok
    return result
