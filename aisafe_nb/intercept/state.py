"""Where the guard keeps its files, and the lock that makes updates safe across processes.

Several kernels of one user share one ledger, so every read-modify-write happens under an
exclusive ``flock`` on a side lock file, and files are replaced atomically (temporary file
in the same folder, fsync, ``os.replace``): a crash leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

APP = "aisafe-nb"


def default_state_dir() -> Path:
    """The user's data folder for aisafe-nb (the platformdirs convention, no dependency)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP


def resolve_state_dir(configured: str | None) -> Path:
    """`configured` (``~`` expanded) or the default folder; created if missing."""
    folder = Path(configured).expanduser() if configured else default_state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (blocks until other processes release it)."""
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+b") as handle:
        if sys.platform == "win32":  # pragma: no cover - not tested here
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so readers see the old or the new content, never half."""
    from aisafe_nb.atomic import atomic_write_bytes

    atomic_write_bytes(path, data, mode=0o600)
