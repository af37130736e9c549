"""``aisafe-nb install``: make git clean every notebook on ``git add``, and diff them cleaned.

Sets, in the repository's git config (or ``--global``)::

    filter.aisafe-nb.clean     = <command> filter
    filter.aisafe-nb.smudge    = cat
    filter.aisafe-nb.required  = true
    diff.aisafe-nb.textconv    = <command> filter --textconv

and adds ``*.ipynb filter=aisafe-nb diff=aisafe-nb`` to ``.gitattributes`` (or the global
attributes file), replacing nbstripout's lines so a project switches in one step.

Why `<command>` is a small shell function: git stores the command once, but virtual
environments are moved and recreated. The function runs ``aisafe-nb`` from PATH when there
is one (an activated or recreated environment, pipx, a system install), else the Python that
ran ``install`` (git started from an IDE without the environment on PATH), else
``python3 -m aisafe_nb``. ``required = true`` makes git stop with an error when none of
them works, so a missing tool can never commit a notebook uncleaned.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisafe_nb.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK

FILTER_NAME = "aisafe-nb"
ATTRIBUTES_LINE = f"*.ipynb filter={FILTER_NAME} diff={FILTER_NAME}"
#: Filter names whose ``*.ipynb`` attribute lines we replace (ours and nbstripout's).
_REPLACED = ("filter=nbstripout", "diff=ipynb", f"filter={FILTER_NAME}", f"diff={FILTER_NAME}")


class InstallError(Exception):
    """Installing, removing or inspecting the git setup failed; `str()` is one line."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where the setup lives: git config scope and attributes file."""

    scope: str  # "--local" or "--global"
    attributes: Path
    cwd: Path


def register(subparsers: Any) -> None:
    """Add the ``install`` subcommand."""
    parser = subparsers.add_parser(
        "install",
        help="set up the git clean filter and diff driver for notebooks",
        description="Configure git so every notebook is cleaned when staged (outputs "
                    "stripped, secrets redacted) while the working copy keeps its outputs.",
    )
    parser.add_argument("--global", dest="is_global", action="store_true",
                        help="configure the user's global git config and attributes file")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--uninstall", action="store_true", help="remove the setup")
    action.add_argument("--status", action="store_true",
                        help="show the setup; exit 1 when it is not installed")
    parser.add_argument("--attributes", metavar="FILE",
                        help="attributes file to edit (default: .gitattributes at the top "
                             "of the repository, or the global attributes file)")
    parser.add_argument("--keep-output", "--keep-outputs", dest="keep_outputs",
                        action="store_true", help="filter keeps outputs (still redacted)")
    parser.add_argument("--keep-count", action="store_true", help="filter keeps execution counts")
    parser.add_argument("--drop-empty-cells", action="store_true", help="filter drops blank cells")
    parser.add_argument("--extra-keys", default="", help="extra metadata keys the filter strips")
    parser.add_argument("--pii", action="store_true", help="filter also redacts personal data")
    parser.add_argument("--no-redact", action="store_true", help="filter strips only")
    parser.set_defaults(func=run)


def run(ns: argparse.Namespace) -> int:
    """Run ``install``; returns the exit code."""
    try:
        target = resolve_target(ns.is_global, ns.attributes)
        if ns.status:
            lines, ok = status(target)
            print("\n".join(lines))
            return EXIT_OK if ok else EXIT_FOUND
        if ns.uninstall:
            uninstall(target)
            print(f"aisafe-nb: removed the git filter ({_where(target)})")
            return EXIT_OK
        install(target, filter_args(ns))
    except InstallError as exc:
        print(f"aisafe-nb install: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"aisafe-nb: git filter installed ({_where(target)}); notebooks are cleaned on "
          "`git add`, the working copy keeps its outputs")
    return EXIT_OK


def filter_args(ns: argparse.Namespace) -> list[str]:
    """Flags given to install that the filter command must carry."""
    args: list[str] = []
    if ns.keep_outputs:
        args.append("--keep-outputs")
    if ns.keep_count:
        args.append("--keep-count")
    if ns.drop_empty_cells:
        args.append("--drop-empty-cells")
    if ns.extra_keys.strip():
        args += ["--extra-keys", ns.extra_keys.strip()]
    if ns.pii:
        args.append("--pii")
    if ns.no_redact:
        args.append("--no-redact")
    return args


def launcher(python: str | None = None) -> str:
    """The shell function git runs: PATH's aisafe-nb, else this Python, else python3."""
    py = shlex.quote(python or sys.executable)
    return (
        "_aisafe_nb() { if command -v aisafe-nb >/dev/null 2>&1; then aisafe-nb \"$@\"; "
        f"elif [ -x {py} ]; then {py} -m aisafe_nb \"$@\"; "
        "else python3 -m aisafe_nb \"$@\"; fi; }; _aisafe_nb"
    )


def filter_command(args: list[str], python: str | None = None) -> str:
    """``filter.aisafe-nb.clean``: the launcher running ``filter`` with `args`."""
    return " ".join([launcher(python), "filter", *(shlex.quote(a) for a in args)])


def textconv_command(args: list[str], python: str | None = None) -> str:
    """``diff.aisafe-nb.textconv``: git appends the file name to this."""
    return filter_command([*args, "--textconv"], python)


def resolve_target(is_global: bool, attributes: str | None) -> Target:
    """Find the git config scope and attributes file to use."""
    cwd = Path.cwd()
    if is_global:
        path = Path(attributes) if attributes else _global_attributes(cwd)
        return Target("--global", path, cwd)
    top = _git(["rev-parse", "--show-toplevel"], cwd, check=False)
    if top is None:
        raise InstallError("not inside a git repository (use --global for all repositories)")
    return Target("--local", Path(attributes) if attributes else Path(top) / ".gitattributes", cwd)


def install(target: Target, args: list[str]) -> None:
    """Write the git config entries and the attributes line (idempotent)."""
    _config(target, "filter.aisafe-nb.clean", filter_command(args))
    # A required filter needs a smudge side too, or checkouts and diffs fail: identity.
    _config(target, "filter.aisafe-nb.smudge", "cat")
    _config(target, "filter.aisafe-nb.required", "true")
    _config(target, "diff.aisafe-nb.textconv", textconv_command(args))
    lines = _read_lines(target.attributes)
    kept = [line for line in lines if not _is_notebook_filter_line(line)]
    kept.append(ATTRIBUTES_LINE)
    if kept != lines:
        _write_lines(target.attributes, kept)


def uninstall(target: Target) -> None:
    """Remove our config sections and attribute lines (nothing else)."""
    for section in ("filter.aisafe-nb", "diff.aisafe-nb"):
        _git(["config", target.scope, "--remove-section", section], target.cwd, check=False)
    lines = _read_lines(target.attributes)
    kept = [line for line in lines if line.strip() != ATTRIBUTES_LINE]
    if kept != lines:
        _write_lines(target.attributes, kept)


def status(target: Target) -> tuple[list[str], bool]:
    """Human-readable state of the setup, and whether it is complete."""
    clean = _git(["config", target.scope, "--get", "filter.aisafe-nb.clean"], target.cwd,
                 check=False)
    textconv = _git(["config", target.scope, "--get", "diff.aisafe-nb.textconv"], target.cwd,
                    check=False)
    has_line = ATTRIBUTES_LINE in (line.strip() for line in _read_lines(target.attributes))
    runner = _runner_found()
    lines = [
        f"git filter ({_where(target)}): {'installed' if clean else 'not installed'}",
        f"  clean:      {clean or '-'}",
        f"  textconv:   {textconv or '-'}",
        f"  attributes: {target.attributes} {'has' if has_line else 'lacks'} "
        f"'{ATTRIBUTES_LINE}'",
        f"  runs with:  {runner or 'NOTHING FOUND - git add of notebooks will fail'}",
    ]
    return lines, bool(clean and textconv and has_line and runner)


def _runner_found() -> str | None:
    import shutil

    found = shutil.which("aisafe-nb")
    if found:
        return found
    return sys.executable if os.access(sys.executable, os.X_OK) else None


def _is_notebook_filter_line(line: str) -> bool:
    parts = line.split()
    return bool(parts) and parts[0] == "*.ipynb" and any(p in _REPLACED for p in parts[1:])


def _config(target: Target, key: str, value: str) -> None:
    _git(["config", target.scope, key, value], target.cwd, check=True)


def _git(args: list[str], cwd: Path, *, check: bool) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False, timeout=30)
    except FileNotFoundError:
        raise InstallError("git is not installed (not found on PATH)") from None
    except subprocess.SubprocessError as exc:
        raise InstallError(f"git {args[0]} failed: {exc}") from None
    if proc.returncode != 0:
        if check:
            detail = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise InstallError(f"git {' '.join(args[:2])} failed: {detail}")
        return None
    return proc.stdout.strip()


def _global_attributes(cwd: Path) -> Path:
    configured = _git(["config", "--global", "--get", "core.attributesFile"], cwd, check=False)
    if configured:
        return Path(os.path.expanduser(configured))
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "git" / "attributes"


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InstallError(f"{path}: cannot read: {exc}") from None


def _write_lines(path: Path, lines: list[str]) -> None:
    from aisafe_nb.atomic import atomic_write_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, "".join(f"{line}\n" for line in lines))
    except OSError as exc:
        raise InstallError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _where(target: Target) -> str:
    return "global" if target.scope == "--global" else f"repository, {target.attributes}"
