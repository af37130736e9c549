"""``.env`` files: read them, add keys to them safely, and keep them out of git.

Writes are atomic and the file is kept private (mode 0600), because ``.env`` is exactly
where keys end up. An existing variable is never overwritten: the plan (see
`aisafe_nb.fixkeys.plan_fix`) picks a new name when a name holds another value, and
`apply_env` refuses a plan that has become stale. Git is asked directly (``check-ignore``,
``ls-files``) rather than re-implementing ignore rules.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aisafe_nb.atomic import atomic_write_text

ENV_MODE = 0o600
_BARE_VALUE = re.compile(r"[A-Za-z0-9_\-+/=.:@,~]*")


class EnvConflictError(ValueError):
    """A variable in ``.env`` already holds a different value; nothing was written."""


class _Move(Protocol):
    """What `apply_env` needs from a move (`aisafe_nb.fixkeys.KeyMove` has it)."""

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> str: ...


def read_env(env_path: str | os.PathLike[str]) -> dict[str, str]:
    """The variables of a ``.env`` file (name -> value); empty when there is no file."""
    path = Path(env_path)
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # imported here: only `.env` work pays for it

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def format_assignment(name: str, value: str) -> str:
    """One ``.env`` line that python-dotenv reads back as exactly `value`."""
    if _BARE_VALUE.fullmatch(value):
        return f"{name}={value}"
    if "'" not in value:
        return f"{name}='{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{name}="{escaped}"'


def apply_env(env_path: str | os.PathLike[str], moves: Iterable[_Move]) -> list[str]:
    """Add the moved keys to ``.env`` (atomic, mode 0600); return what was done, one line each.

    A name already present with the same value is reused; with a different value the whole
    write is refused with `EnvConflictError` (re-plan with the current ``.env``).
    """
    path = Path(env_path)
    existing = read_env(path)
    old_text = path.read_text(encoding="utf-8") if path.is_file() else ""
    messages: list[str] = []
    new_lines: list[str] = []
    added: dict[str, str] = {}
    for move in moves:
        current = existing.get(move.name, added.get(move.name))
        if current is not None:
            if current != move.value:
                raise EnvConflictError(
                    f"{path}: {move.name} already holds a different value; nothing written"
                )
            messages.append(f"{move.name} already in {path.name} with the same value; reused")
            continue
        new_lines.append(format_assignment(move.name, move.value))
        added[move.name] = move.value
        messages.append(f"{move.name} added to {path.name}")
    loose = path.is_file() and (path.stat().st_mode & 0o077)
    if not new_lines and not loose:
        return messages
    text = old_text
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(line + "\n" for line in new_lines)
    atomic_write_text(path, text, mode=ENV_MODE)
    if loose:
        messages.append(f"{path.name} was readable by others; now mode 600")
    return messages


@dataclass(frozen=True)
class GitignoreStatus:
    """Where a ``.env`` file stands with git."""

    in_repo: bool
    ignored: bool
    tracked: bool
    added: bool = False
    gitignore: Path | None = None

    @property
    def ok(self) -> bool:
        """True when git will never pick the file up."""
        return not self.in_repo or (self.ignored and not self.tracked)

    def describe(self, env_name: str = ".env") -> list[str]:
        """Warnings and actions, one line each (empty when all is well)."""
        out: list[str] = []
        if self.added and self.gitignore is not None:
            out.append(f"added {env_name} to {self.gitignore}")
        if self.tracked:
            out.append(
                f"{env_name} is already tracked by git: run `git rm --cached {env_name}` "
                "and rotate the keys it holds (they are in the history)"
            )
        elif self.in_repo and not self.ignored:
            out.append(f"{env_name} is not ignored by git: add it to .gitignore")
        return out


def _git(folder: Path, *args: str) -> int:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=10,
        ).returncode
    except (OSError, subprocess.SubprocessError):
        return -1


def check_gitignored(env_path: str | os.PathLike[str]) -> GitignoreStatus:
    """Ask git whether `env_path` is ignored and whether it is already tracked."""
    path = Path(env_path).absolute()
    folder = path.parent
    if _git(folder, "rev-parse", "--is-inside-work-tree") != 0:
        return GitignoreStatus(in_repo=False, ignored=False, tracked=False)
    tracked = _git(folder, "ls-files", "--error-unmatch", "--", path.name) == 0
    ignored = _git(folder, "check-ignore", "-q", "--no-index", "--", path.name) == 0
    return GitignoreStatus(in_repo=True, ignored=ignored, tracked=tracked)


def ensure_gitignored(env_path: str | os.PathLike[str]) -> GitignoreStatus:
    """Inside a git work tree, add the file's name to the ``.gitignore`` next to it if needed.

    A file already tracked stays tracked (untracking is the user's decision); the status
    says so, so the caller can warn.
    """
    status = check_gitignored(env_path)
    if not status.in_repo or status.ignored:
        return status
    path = Path(env_path).absolute()
    gitignore = path.parent / ".gitignore"
    old = gitignore.read_text(encoding="utf-8") if gitignore.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    atomic_write_text(gitignore, old + path.name + "\n")
    after = check_gitignored(path)
    return GitignoreStatus(
        in_repo=True, ignored=after.ignored, tracked=after.tracked, added=True, gitignore=gitignore
    )


def secret_env_values(environ: Mapping[str, str]) -> dict[str, str]:
    """The values of variables whose names say they hold secrets (``*_API_KEY``, ``*TOKEN*``...).

    Values too short to be credentials, and file paths (``SSH_KEY_PATH=/home/...``), are
    left out: masking them would only blank ordinary output.
    """
    return {
        k: v
        for k, v in environ.items()
        if is_secret_name(k) and len(v) >= 8 and not v.startswith(("/", "~", "./", "../"))
    }


_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """True for environment names that conventionally hold credentials."""
    return bool(_SECRET_NAME.search(name))
