"""Crash-safe file writes: a reader (or a killed run) sees the old file or the new one.

The data goes to a temporary file in the same folder (so `os.replace` is a rename on one
file system), is fsynced, takes the old file's mode, and replaces the target; then the
folder itself is fsynced so the rename survives a power loss. Temporary files are named
``.<name>.aisafe-tmp-<random>`` so a later run can recognise and remove the leftovers of a
run that was killed between creating and renaming them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Marker in the names of our temporary files (see `temp_name_for` and `remove_stale_temps`).
TEMP_MARKER = ".aisafe-tmp-"

__all__ = [
    "TEMP_MARKER",
    "FileChangedError",
    "SpareInodes",
    "Staged",
    "atomic_write_bytes",
    "atomic_write_text",
    "discard",
    "fsync_dir",
    "is_temp_name",
    "publish",
    "remove_stale_temps",
    "stage",
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
    spares: SpareInodes | None = None,
) -> None:
    """Replace `path` with `data` atomically.

    The file keeps its permission bits (`mode` overrides; a new file gets 0o666 minus the
    umask, like `open`). With `expect_stat` (the `os.stat` taken when the old content was
    read), the write is abandoned with `FileChangedError` if the file's size or mtime moved
    in the meantime, so an edit made while we worked is not overwritten. Batch writers
    pass ``sync_dir=False`` and call `fsync_dir` once per folder after the batch: the
    folder's fsync only makes the renames durable; each rename is atomic without it.
    With `spares` (and `expect_stat`), the temporary file may be the inode of a file
    replaced earlier on the same file system (see `SpareInodes`).
    """
    target = Path(path)
    staged = stage(target, data, mode=mode, expect_stat=expect_stat, spares=spares)
    try:
        os.fsync(staged.fd)
    except BaseException:
        discard(staged)
        raise
    publish(staged, data, spares)
    if sync_dir:
        fsync_dir(target.parent)


@dataclass(slots=True)
class Staged:
    """New content written (not yet made durable) to a temporary file, open as `fd`."""

    target: Path
    tmp: Path
    fd: int
    mode: int
    expect_stat: os.stat_result | None
    recycled: bool


def stage(
    target: Path,
    data: bytes,
    *,
    mode: int | None = None,
    expect_stat: os.stat_result | None = None,
    spares: SpareInodes | None = None,
) -> Staged:
    """Write `data` to a temporary file for `target` with its mode; nothing is synced yet.

    `publish` renames it over `target` once the data is durable (an fsync of `fd`, or a
    sync of the whole file system: see `aisafe_nb.staged_writes`); `discard` drops it.
    """
    if mode is None:
        mode = stat.S_IMODE(expect_stat.st_mode) if expect_stat else _existing_mode(target)
    recycled = spares.take(target, expect_stat) if spares and expect_stat else None
    tmp, fd = recycled if recycled else _new_temp(target)
    staged = Staged(target, tmp, fd, mode, expect_stat, recycled is not None)
    try:
        _write_all(fd, data)
        if recycled is None or stat.S_IMODE(os.fstat(fd).st_mode) != mode:
            os.fchmod(fd, mode)
    except BaseException:
        discard(staged)
        raise
    return staged


def publish(staged: Staged, data: bytes, spares: SpareInodes | None = None) -> None:
    """Rename a staged file, whose data is durable, over its target; closes its `fd`.

    Raises `FileChangedError` (nothing replaced) if the target moved since `expect_stat`.
    A recycled inode that turns out to sit on another mount of the device (a bind mount:
    ``EXDEV``) is dropped, and `data` is written afresh next to the target.
    """
    target, before = staged.target, staged.expect_stat
    keep: Path | None = None
    try:
        if before is not None:
            _check_unchanged(target, before)
            if spares is not None:
                keep = spares.keep_old(target, before)
        os.replace(staged.tmp, target)
    except OSError as exc:
        _drop(staged.tmp, keep)
        if not (staged.recycled and exc.errno == errno.EXDEV):
            raise
        keep = None
    except BaseException:
        _drop(staged.tmp, keep)
        raise
    else:
        if keep is not None and spares is not None and before is not None:
            spares.put(before.st_dev, keep)
        return
    finally:
        os.close(staged.fd)
    # EXDEV: the spare lives on another mount of the device; write next to the target.
    atomic_write_bytes(target, data, mode=staged.mode, expect_stat=before, sync_dir=False)


def discard(staged: Staged) -> None:
    """Close and remove a staged file that will not be published."""
    with contextlib.suppress(OSError):
        os.close(staged.fd)
    _drop(staged.tmp, None)


def _drop(tmp: Path, keep: Path | None) -> None:
    for leftover in (tmp, keep):
        if leftover is not None:
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def _write_all(fd: int, data: bytes) -> None:
    """Write all of `data` (a regular file takes it in one call; a short write loops)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _new_temp(target: Path) -> tuple[Path, int]:
    tmp = temp_name_for(target)
    return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


class SpareInodes:
    """Old inodes of replaced files, reused as the temporary files of later replacements.

    Why: replacing a file by rename allocates one inode and frees another, and some file
    systems make that dear: ext4 without a journal skips every recently freed inode when
    it allocates, so each new temporary file scans past all the files the batch has
    already replaced (an eighth of ``clean``'s CPU time on the benchmark folder here).
    Here the replaced file's inode is kept (hard-linked under a temporary name just before
    the rename) and a later file on the same file system is written into it, then renamed
    over that file: rename is atomic across folders of one file system, so a batch
    allocates and frees almost no inodes.

    Reuse is refused, and a fresh temporary file made next to the target instead, unless
    the old inode is ours alone and carries nothing of its old file: a regular file with
    one link, no extended attributes (no ACL, no label), the same owner and group as the
    file it will replace, and no other process holding it open (checked with a write
    lease, which the kernel grants only then); and the target has no extended attributes
    either (a fresh file would take its folder's default ACL). So the new file ends up with
    the old file's owner, group and mode, and a process that still had the old file open
    cannot see or change the new content. Spares are named like any temporary file, so a
    killed run leaves nothing the next run does not remove; `close` unlinks those left at
    the end. Thread-safe.

    A spare is emptied when it is put back (`put`), not when it is taken: freeing a file's
    blocks waits for the disk (on a file system mounted with ``discard``, for a TRIM of
    every freed extent: a fifth of a batch clean's time here), and `put` runs on the
    thread that publishes a batch's files, whose waits overlap the sanitizing of the next.
    """

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._by_device: dict[int, list[Path]] = {}

    def take(self, target: Path, owner: os.stat_result) -> tuple[Path, int] | None:
        """A spare, open and emptied, fit to replace `target` (whose stat is `owner`)."""
        with self._lock:
            spares = self._by_device.get(owner.st_dev)
            spare = spares.pop() if spares else None
        if spare is None:
            return None
        try:
            fd = os.open(spare, os.O_WRONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        try:
            if self._reusable(fd, target, owner):
                if os.fstat(fd).st_size:  # not emptied by `put` (another writer's spare)
                    os.ftruncate(fd, 0)
                _unlease(fd)
                return spare, fd
        except OSError:
            pass
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(spare)
        return None

    def keep_old(self, target: Path, before: os.stat_result) -> Path | None:
        """Hard-link `target`'s inode under a temporary name before it is replaced."""
        if before.st_nlink != 1:  # other names share it: it is not ours to reuse
            return None
        spare = temp_name_for(target)
        try:
            os.link(target, spare, follow_symlinks=False)
        except OSError:  # no hard links here (FAT, some network file systems)
            return None
        return spare

    def put(self, device: int, spare: Path) -> None:
        """Keep `spare` (an old inode linked by `keep_old`) for reuse, emptied first.

        An inode that another process has open, or that carries extended attributes, is
        not emptied (the other process would see its file vanish) but unlinked.
        """
        if not _empty(spare):
            with contextlib.suppress(OSError):
                os.unlink(spare)
            return
        with self._lock:
            self._by_device.setdefault(device, []).append(spare)

    def held(self) -> list[Path]:
        """The spares kept now (temporary names, each an emptied old inode)."""
        with self._lock:
            return self._all()

    def close(self) -> None:
        """Unlink the spares that were not reused."""
        with self._lock:
            left = self._all()
            self._by_device.clear()
        for spare in left:
            with contextlib.suppress(OSError):
                os.unlink(spare)

    def _all(self) -> list[Path]:
        return [p for spares in self._by_device.values() for p in spares]

    @staticmethod
    def _reusable(fd: int, target: Path, owner: os.stat_result) -> bool:
        st = os.fstat(fd)
        if (st.st_dev, st.st_uid, st.st_gid) != (owner.st_dev, owner.st_uid, owner.st_gid):
            return False
        # (a lease left by a refusal ends when the caller closes `fd`)
        return _ours_alone(fd, st) and not os.listxattr(target)


def _empty(spare: Path) -> bool:
    """Truncate `spare` to nothing if it is ours alone (see `SpareInodes`); True if done."""
    try:
        fd = os.open(spare, os.O_WRONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if not _ours_alone(fd, os.fstat(fd)):
            return False
        try:
            os.ftruncate(fd, 0)
        finally:
            _unlease(fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _ours_alone(fd: int, st: os.stat_result) -> bool:
    """A regular file with one link, no extended attributes, open nowhere else.

    True leaves a write lease on `fd` (`_unlease` it); a file system without extended
    attributes or leases makes this False (no spare is then reused).
    """
    if not (stat.S_ISREG(st.st_mode) and st.st_nlink == 1):
        return False
    if not hasattr(os, "listxattr") or os.listxattr(fd):
        return False
    return _lease(fd)


def _lease(fd: int) -> bool:
    """Take a write lease on `fd`: granted only when no other descriptor has the file open."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
    except (ImportError, AttributeError, OSError):
        return False
    return True


def _unlease(fd: int) -> None:
    import fcntl

    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)


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
