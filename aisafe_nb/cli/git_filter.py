"""``aisafe-nb filter``: the git clean filter (stdin -> stdout) and textconv diff driver.

Git runs this once per notebook on every ``git add``, ``git status`` and ``git diff``, so it
must start fast: it imports json, the policy and the detection engine, never nbformat.
It accepts nbstripout's common flags and reads nbstripout's git configuration keys
(``filter.nbstripout.extrakeys``; ours is ``filter.aisafe-nb.extrakeys``), so a project
switches from nbstripout by running ``aisafe-nb install`` and nothing else.

A notebook that cannot be parsed makes the filter fail (exit 2, one line on stderr): with
``filter.aisafe-nb.required`` set, git then refuses to stage it, instead of committing a
file whose secrets were never looked at. ``--textconv`` only shows a diff, so there an
unreadable notebook is shown as it is.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from aisafe_nb.cli import EXIT_ERROR, EXIT_OK
from aisafe_nb.cli.clean import add_policy_flags, build_policy, policy_overrides

#: git config keys whose space-separated values are extra metadata keys to strip.
EXTRA_KEYS_CONFIG = ("filter.aisafe-nb.extrakeys", "filter.nbstripout.extrakeys")
#: git config keys naming metadata keys to keep even though they would be stripped.
KEEP_KEYS_CONFIG = ("filter.aisafe-nb.keepmetadatakeys", "filter.nbstripout.keepmetadatakeys")


def register(subparsers: Any) -> None:
    """Add the ``filter`` subcommand."""
    parser = subparsers.add_parser(
        "filter",
        help="git clean filter: read a notebook on stdin, write it cleaned to stdout",
        description="Clean one notebook from stdin to stdout (used by git; see "
                    "`aisafe-nb install`). With --textconv FILE, print FILE cleaned.",
    )
    parser.add_argument("--textconv", "-t", metavar="FILE",
                        help="print FILE cleaned (git diff; nbstripout's -t too)")
    add_policy_flags(parser)
    parser.add_argument("--no-git-config", dest="git_config", action="store_false",
                        help="ignore filter.*.extrakeys in git config")
    # nbstripout flags that are meaningless here, accepted so existing setups keep working.
    parser.add_argument("--keep-id", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep-metadata-keys", default="", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(ns: argparse.Namespace) -> int:
    """Run the filter; returns the exit code."""
    from aisafe_nb.notebook.load import NotebookError, read_notebook_text
    from aisafe_nb.notebook.sanitize import sanitize_in_place
    from aisafe_nb.notebook.write import notebook_to_bytes
    from aisafe_nb.policy import Policy, PolicyError

    label = ns.textconv or "<stdin>"
    try:
        raw = Path(ns.textconv).read_bytes() if ns.textconv else sys.stdin.buffer.read()
    except OSError as exc:
        print(f"aisafe-nb filter: {label}: {exc.strerror}", file=sys.stderr)
        return EXIT_ERROR
    try:
        overrides = policy_overrides(ns)
        extra, keep = _git_keys(ns.git_config)
        strip = [k for k in (*extra, *overrides.get("strip_metadata", ()))
                 if k not in keep and k not in ns.keep_metadata_keys.split()]
        if strip:
            overrides["strip_metadata"] = tuple(strip)
        policy = build_policy(Policy.load(), overrides)
    except PolicyError as exc:
        print(f"aisafe-nb filter: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        nb = read_notebook_text(raw, label)
    except NotebookError as exc:
        if ns.textconv:
            sys.stdout.buffer.write(raw)
            return EXIT_OK
        print(f"aisafe-nb filter: {exc}", file=sys.stderr)
        return EXIT_ERROR
    report = sanitize_in_place(nb, policy)
    try:
        # Unchanged content is passed through byte for byte: no churn for other formatters.
        out = notebook_to_bytes(nb) if report.changed else raw
    except UnicodeEncodeError:
        print(f"aisafe-nb filter: {label}: invalid Unicode (a lone surrogate) in the text",
              file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return EXIT_OK


def _git_keys(enabled: bool) -> tuple[list[str], list[str]]:
    """Extra keys to strip and keys to keep, from git config (one ``git config`` call)."""
    if not enabled or not _config_may_set_keys():
        return [], []
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "config", "--get-regexp",
             r"^filter\.(aisafe-nb|nbstripout)\.(extrakeys|keepmetadatakeys)$"],
            capture_output=True, check=False, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return [], []
    extra: list[str] = []
    keep: list[str] = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        target = extra if key.lower().endswith(".extrakeys") else keep
        target.extend(value.split())
    return extra, keep


#: Words whose absence from every git config file proves none of our keys is set.
_CONFIG_WORDS = ("extrakeys", "keepmetadatakeys", "include")


def _config_may_set_keys() -> bool:
    """False only when no git config file can hold our keys (saves a ``git`` process).

    The filter runs on every ``git add`` of a notebook and must start fast; most users have
    no ``extrakeys`` anywhere, and reading a few small files costs far less than starting
    git. Anything unusual (``-c`` options in the environment, a ``.git`` file, includes)
    answers True, and ``git config`` itself decides.
    """
    env = os.environ
    if any(k in env for k in ("GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG")):
        return True
    home = Path.home()
    xdg = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    files = [Path(env.get("GIT_CONFIG_GLOBAL") or home / ".gitconfig"), xdg / "git" / "config"]
    if not env.get("GIT_CONFIG_NOSYSTEM"):
        files.append(Path(env.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig"))
    git_dir = _git_dir()
    if git_dir is None:
        return True
    files += [git_dir / "config", git_dir / "config.worktree"]
    for path in files:
        try:
            text = path.read_bytes().lower()
        except FileNotFoundError:
            continue
        except OSError:
            return True
        if any(word.encode() in text for word in _CONFIG_WORDS):
            return True
    return False


def _git_dir() -> Path | None:
    """The repository's git folder for the current directory, or None if unsure."""
    if os.environ.get("GIT_DIR"):
        return Path(os.environ["GIT_DIR"])
    here = Path.cwd()
    for folder in (here, *here.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.exists():
            return None  # a worktree or submodule: let git resolve it
    return None
