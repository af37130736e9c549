"""Crash-safe file writes: a reader (or a killed run) sees the old file or the new one.

The data goes to a temporary file in the same folder (so `os.replace` is a rename on one
file system), is fsynced, takes the old file's mode, and replaces the target; then the
folder itself is fsynced so the rename survives a power loss. Temporary files are named
``.<name>.aisafe-tmp-<random>`` so a later run can recognise and remove the leftovers of a
run that was killed between creating and renaming them.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

#: Marker in the names of our temporary files (see `temp_name_for` and `remove_stale_temps`).
TEMP_MARKER = ".aisafe-tmp-"

__all__ = [
    "TEMP_MARKER",
    "FileChangedError",
    "atomic_write_bytes",
    "atomic_write_text",
    "fsync_dir",
    "is_temp_name",
    "remove_stale_temps",
    "temp_name_for",
]


class FileChangedError(OSError):
    """The target changed on disk between reading it and replacing it; nothing was written."""


def temp_name_for(path: Path) -> Path:
    """A fresh temporary path next to `path`: ``.<name>.aisafe-tmp-<random>``."""
    # os.urandom is what secrets.token_hex uses; importing secrets (hmac, hashlib) costs
    # a batch clean's start-up several milliseconds.
    return path.with_name(f".{path.name}{TEMP_MARKER}{os.urandom(6).hex()}")


def is_temp_name(name: str) -> bool:
    """True for names made by `temp_name_for` (leftovers of an interrupted write)."""
    return name.startswith(".") and TEMP_MARKER in name


def atomic_write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    mode: int | None = None,
    expect_stat: os.stat_result | None = None,
    sync_dir: bool = True,
) -> None:
    """Replace `path` with `data` atomically.

    The file keeps its permission bits (`mode` overrides; a new file gets 0o666 minus the
    umask, like `open`). With `expect_stat` (the `os.stat` taken when the old content was
    read), the write is abandoned with `FileChangedError` if the file's size or mtime moved
    in the meantime, so an edit made while we worked is not overwritten. Batch writers
    pass ``sync_dir=False`` and call `fsync_dir` once per folder after the batch: the
    folder's fsync only makes the renames durable; each rename is atomic without it.
    """
    target = Path(path)
    if mode is None:
        mode = _existing_mode(target)
    tmp = temp_name_for(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if expect_stat is not None:
            _check_unchanged(target, expect_stat)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_dir:
        fsync_dir(target.parent)


def atomic_write_text(
    path: str | os.PathLike[str],
    text: str,
    *,
    encoding: str = "utf-8",
    mode: int | None = None,
    expect_stat: os.stat_result | None = None,
) -> None:
    """`atomic_write_bytes` for text (no newline translation: bytes land exactly as given)."""
    atomic_write_bytes(path, text.encode(encoding), mode=mode, expect_stat=expect_stat)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (the rename) to disk; a no-op where folders cannot be opened."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete our leftover temporary files directly inside `folder`; return what was removed."""
    removed: list[Path] = []
    for entry in _scandir(Path(folder)):
        if is_temp_name(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _scandir(folder: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            yield from it
    except OSError:
        return


def _existing_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_current_umask()


def _current_umask() -> int:
    """The process umask, read without changing it where the OS allows (threads share it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _check_unchanged(target: Path, before: os.stat_result) -> None:
    try:
        now = os.stat(target)
    except FileNotFoundError:
        raise FileChangedError(f"{target}: file was removed while it was being cleaned") from None
    if (now.st_size, now.st_mtime_ns, now.st_ino) != (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    ):
        raise FileChangedError(f"{target}: file changed while it was being cleaned; left as is")
