"""``aisafe-nb fix-keys PATH...``: move inline keys from notebook cells into ``.env``.

Each code cell with a key is rewritten to read ``os.environ["NAME"]``; python-dotenv's
``load_dotenv()`` is added once per notebook (in the first rewritten cell, unless an
earlier cell already loads it). The change is shown as a diff with keys masked, and applied
only after a yes (or with ``--yes``): ``.env`` first (mode 0600, existing variables never
overwritten), then the notebook (atomically, refused if it changed meanwhile), then ``.env``
is added to ``.gitignore`` inside a git repository. Running it again changes nothing.

Exit codes: 0 done or nothing to do, 1 declined or keys left that need a manual fix,
2 a file could not be processed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisafe_nb.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK

if TYPE_CHECKING:
    from aisafe_nb.fixkeys import KeyMove, ManualFix


@dataclass
class NotebookPlan:
    """The planned change of one notebook."""

    path: Path
    env_path: Path
    nb: dict[str, Any]
    before: os.stat_result
    #: cell index -> (old source, new source)
    cells: dict[int, tuple[str, str]] = field(default_factory=dict)
    moves: list[KeyMove] = field(default_factory=list)
    manual: list[tuple[int, ManualFix]] = field(default_factory=list)


def register(subparsers: Any) -> None:
    """Add the ``fix-keys`` subcommand."""
    parser = subparsers.add_parser(
        "fix-keys",
        help="move inline API keys from notebook cells into .env",
        description="Rewrite code cells so keys are read from the environment "
                    "(os.environ + python-dotenv) and store the keys in .env (mode 0600).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="notebooks or folders")
    parser.add_argument("-y", "--yes", action="store_true", help="apply without asking")
    parser.add_argument("--dry-run", action="store_true", help="show the change, write nothing")
    parser.add_argument("--env-file", metavar="FILE",
                        help="the .env file to use (default: .env next to each notebook)")
    parser.set_defaults(func=run)


def run(ns: argparse.Namespace) -> int:
    """Run ``fix-keys``; returns the exit code."""
    from aisafe_nb.notebook.clean import notebook_paths
    from aisafe_nb.policy import Policy

    errors: list[str] = []
    policy = Policy.load()
    code = EXIT_OK
    for path, _ in notebook_paths(ns.paths, policy, errors, include_checkpoints=False):
        env_path = Path(ns.env_file) if ns.env_file else path.parent / ".env"
        try:
            plan = plan_notebook(path, env_path)
        except _Problem as exc:
            errors.append(str(exc))
            continue
        result = _handle(plan, ns)
        code = max(code, result)
    for line in errors:
        print(f"aisafe-nb fix-keys: {line}", file=sys.stderr)
    return EXIT_ERROR if errors else code


class _Problem(Exception):
    """One file could not be processed; `str()` is one line."""


def plan_notebook(path: Path, env_path: Path) -> NotebookPlan:
    """Plan the rewrite of every code cell of `path` against the current `env_path`."""
    from aisafe_nb.fixkeys import plan_fix, read_env
    from aisafe_nb.fixkeys.rewrite import HEADER_DOTENV
    from aisafe_nb.notebook.cells import source_text
    from aisafe_nb.notebook.load import NotebookError, read_notebook_dict

    try:
        before = os.stat(path)
        nb = read_notebook_dict(path)
        taken = read_env(env_path)
    except NotebookError as exc:
        raise _Problem(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise _Problem(f"{path}: {exc}") from None
    plan = NotebookPlan(path, env_path, nb, before)
    dotenv_loaded = False
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        old = source_text(cell)
        fix = plan_fix(old, existing_env=taken)
        new = old
        if fix is not None:
            plan.manual.extend((i, m) for m in fix.manual)
            if fix.moves:
                new = fix.new_source
                if dotenv_loaded and HEADER_DOTENV in new and HEADER_DOTENV not in old:
                    new = new.replace(HEADER_DOTENV, "", 1)  # once per notebook
                for move in fix.moves:
                    taken[move.name] = move.value
                    if move.name not in {m.name for m in plan.moves}:
                        plan.moves.append(move)
                plan.cells[i] = (old, new)
        if "load_dotenv(" in new or "%dotenv" in new:
            dotenv_loaded = True
    return plan


def _handle(plan: NotebookPlan, ns: argparse.Namespace) -> int:
    for i, manual in plan.manual:
        print(f"{plan.path}: cell {i + 1}: {manual.describe()}")
    if not plan.cells:
        if not plan.manual:
            print(f"{plan.path}: no inline keys to move")
        return EXIT_FOUND if plan.manual else EXIT_OK
    sys.stdout.write(render_diff(plan))
    for move in plan.moves:
        print(f"  {move.type} {move.preview} -> {plan.env_path} as {move.name}"
              + (" (already there)" if move.reused else ""))
    if ns.dry_run:
        return EXIT_FOUND
    if not ns.yes and not _confirm(f"Apply to {plan.path}?"):
        print(f"{plan.path}: left unchanged")
        return EXIT_FOUND
    try:
        messages = apply_plan(plan)
    except _Problem as exc:
        print(f"aisafe-nb fix-keys: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for line in messages:
        print(f"  {line}")
    print(f"{plan.path}: keys moved; outputs may still show them: run `aisafe-nb clean`")
    return EXIT_FOUND if plan.manual else EXIT_OK


def render_diff(plan: NotebookPlan) -> str:
    """A unified diff of the changed cells, every moved key shown as its preview."""
    chunks: list[str] = []
    for i, (old, new) in plan.cells.items():
        shown_old = old
        for move in plan.moves:
            shown_old = shown_old.replace(move.value, move.preview)
        chunks.extend(difflib.unified_diff(
            shown_old.splitlines(True), new.splitlines(True),
            fromfile=f"a/{plan.path} (cell {i + 1})", tofile=f"b/{plan.path} (cell {i + 1})",
        ))
        if chunks and not chunks[-1].endswith("\n"):
            chunks.append("\n")
    return "".join(chunks)


def apply_plan(plan: NotebookPlan) -> list[str]:
    """Write ``.env``, then the notebook, then ``.gitignore``; return what was done."""
    from aisafe_nb.atomic import FileChangedError, atomic_write_bytes
    from aisafe_nb.envfile import EnvConflictError
    from aisafe_nb.fixkeys import apply_env, ensure_gitignored
    from aisafe_nb.notebook.write import notebook_to_bytes

    for i, (_, new) in plan.cells.items():
        cell = plan.nb["cells"][i]
        cell["source"] = new.splitlines(True) if isinstance(cell.get("source"), list) else new
    try:
        data = notebook_to_bytes(plan.nb)
    except UnicodeEncodeError:
        raise _Problem(f"{plan.path}: invalid Unicode (a lone surrogate) in the text") from None
    # .env first: if the notebook write then fails, the keys are safe and a rerun reuses them.
    try:
        messages = apply_env(plan.env_path, plan.moves)
    except (EnvConflictError, OSError) as exc:
        raise _Problem(str(exc)) from None
    try:
        atomic_write_bytes(Path(os.path.realpath(plan.path)), data, expect_stat=plan.before)
    except FileChangedError:
        raise _Problem(f"{plan.path}: changed while being fixed; left as is (run again)") from None
    except OSError as exc:
        raise _Problem(f"{plan.path}: {exc.strerror or exc}") from None
    messages.extend(ensure_gitignored(plan.env_path).describe(plan.env_path.name))
    return messages


def _confirm(question: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        print(f"{question} not a terminal: pass --yes to apply", file=sys.stderr)
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
