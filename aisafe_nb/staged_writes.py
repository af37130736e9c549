"""Many atomic replacements made durable together: write all, sync once, then rename all.

Why: an fsync per file makes the disk write each file, its inode block and a cache flush
one file at a time; on the benchmark folder that was a sixth of ``clean``'s wall time.
Here a batch writes its temporary files, makes them durable with one ``syncfs`` per file
system (Linux), and only then renames each over its target. The guarantee is unchanged:
no rename happens before its data is on disk, so after a crash every file is its old or
its new version; a killed run leaves temporary files that the next run removes.

The price: ``syncfs`` also writes whatever else is waiting on that file system. That is
what ``sync`` does, and dirty data is capped by the kernel; where ``syncfs`` is missing
(other systems) or fails, each file is fsynced instead, and one that cannot be synced is
not renamed.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Generic, TypeVar

from aisafe_nb.atomic import SpareInodes, Staged, discard, fsync_dir, publish, stage

Key = TypeVar("Key", bound=Hashable)

#: Publish when this many files, or bytes, are waiting. Small groups keep the disk busy
#: early and return replaced inodes for reuse sooner (`SpareInodes`); 24 measured best
#: between 8 and 200 on the benchmark folder. The caps also bound descriptors and memory.
MAX_FILES = 24
MAX_BYTES = 32 * 1024 * 1024
#: Groups handed to the publishing thread and not yet published, at most.
MAX_GROUPS_IN_FLIGHT = 2


class StagedWrites(Generic[Key]):
    """Atomic writes, each named by a key; after the ``with`` block, `done` lists
    ``(key, error or None)`` for every one.

    Files are staged on the caller's thread; each full group is synced and renamed on one
    background thread while the caller goes on (the disk and the CPU work at once).
    Leaving the block publishes what is waiting and waits for it; on an exception, what
    is waiting is discarded. One instance per thread that adds.
    """

    def __init__(self, spares: SpareInodes | None = None) -> None:
        self.spares = spares
        self.done: list[tuple[Key, OSError | None]] = []
        self._waiting: list[tuple[Key, Staged, bytes]] = []
        self._bytes = 0
        self._publisher: _Publisher[Key] | None = None

    def add(
        self, key: Key, target: Path, data: bytes, *,
        mode: int | None = None, expect_stat: os.stat_result | None = None,
    ) -> None:
        """Write `data` for `target` now; it replaces `target` when its group is published."""
        try:
            staged = stage(target, data, mode=mode, expect_stat=expect_stat, spares=self.spares)
        except OSError as exc:
            self.fail(key, exc)
            return
        self._waiting.append((key, staged, data))
        self._bytes += len(data)
        if len(self._waiting) >= MAX_FILES or self._bytes >= MAX_BYTES:
            self._hand_off()

    def fail(self, key: Key, error: OSError) -> None:
        """Record a write that failed before it could be staged."""
        self.done.append((key, error))

    def _hand_off(self) -> None:
        waiting, self._waiting, self._bytes = self._waiting, [], 0
        if self._publisher is None:
            self._publisher = _Publisher(self._publish)
        self._publisher.submit(waiting)

    def _publish(
        self, waiting: list[tuple[Key, Staged, bytes]]
    ) -> list[tuple[Key, OSError | None]]:
        """Make a group durable, then rename each file over its target.

        Anything but an OSError (a bug) discards the files not yet renamed and is raised.
        """
        landed: list[tuple[Key, OSError | None]] = []
        try:
            unsynced = _sync([staged for _, staged, _ in waiting])
        except BaseException:
            _discard_all(waiting)
            raise
        for done, (key, staged, data) in enumerate(waiting, 1):
            error = unsynced.get(staged.fd)
            if error is not None:
                discard(staged)
                landed.append((key, error))
                continue
            try:
                publish(staged, data, self.spares)
            except OSError as exc:
                landed.append((key, exc))
            except BaseException:
                _discard_all(waiting[done:])
                raise
            else:
                landed.append((key, None))
        return landed

    def __enter__(self) -> StagedWrites[Key]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and self._waiting:
            self._hand_off()
        _discard_all(self._waiting)
        self._waiting = []
        if self._publisher is not None:
            self.done.extend(self._publisher.finish())


Group = list[tuple[Key, Staged, bytes]]


class _Publisher(Generic[Key]):
    """One thread that publishes the groups handed to it, in order.

    A plain thread rather than ``concurrent.futures``, whose import (with ``logging``
    behind it) cost every batch clean 8 ms of start-up. At most `MAX_GROUPS_IN_FLIGHT`
    groups wait or are being published: a slow disk must not let open descriptors and
    staged bytes pile up without end.
    """

    def __init__(self, publish: Callable[[Group[Key]], list[tuple[Key, OSError | None]]]) -> None:
        self._publish = publish
        self._slots = threading.Semaphore(MAX_GROUPS_IN_FLIGHT)
        self._ready = threading.Condition()
        self._queue: list[Group[Key] | None] = []
        self._landed: list[tuple[Key, OSError | None]] = []
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="aisafe-publish", daemon=True)
        self._thread.start()

    def submit(self, group: Group[Key]) -> None:
        """Queue `group`; waits while `MAX_GROUPS_IN_FLIGHT` groups are unfinished."""
        self._slots.acquire()
        self._put(group)

    def finish(self) -> list[tuple[Key, OSError | None]]:
        """Wait for every queued group; the outcome of each file, or the thread's error."""
        self._put(None)
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self._landed

    def _put(self, group: Group[Key] | None) -> None:
        with self._ready:
            self._queue.append(group)
            self._ready.notify()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                group = self._queue.pop(0)
            if group is None:
                return
            try:
                if self._failure is None:
                    self._landed.extend(self._publish(group))
                else:  # a bug stopped publishing: nothing more is renamed
                    _discard_all(group)
            except BaseException as exc:  # re-raised by `finish`
                self._failure = exc
            finally:
                self._slots.release()


def _discard_all(group: Group[Key]) -> None:
    for _, staged, _ in group:
        discard(staged)


def _sync(files: list[Staged]) -> dict[int, OSError]:
    """Make the files' data durable; the errors of those that could not be, by descriptor."""
    by_device: dict[int, list[int]] = {}
    errors: dict[int, OSError] = {}
    for staged in files:
        try:
            by_device.setdefault(os.fstat(staged.fd).st_dev, []).append(staged.fd)
        except OSError as exc:
            errors[staged.fd] = exc
    syncfs = syncfs_function()
    for fds in by_device.values():
        if syncfs is not None and syncfs(fds[0]) == 0:
            continue
        for fd in fds:  # no syncfs here, or it reported an error: find out which file
            try:
                os.fsync(fd)
            except OSError as exc:
                errors[fd] = exc
    return errors


def sync_folders(folders: Iterable[Path]) -> None:
    """Make the renames in `folders` durable: one ``syncfs`` per file system, or an fsync
    of each folder where there is no ``syncfs``."""
    syncfs = syncfs_function()
    if syncfs is None:
        for folder in folders:
            fsync_dir(folder)
        return
    synced: set[int] = set()
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            device = os.fstat(fd).st_dev
            if device not in synced and syncfs(fd) == 0:
                synced.add(device)
            elif device not in synced:
                os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


@functools.cache
def syncfs_function() -> Callable[[int], int] | None:
    """libc's ``syncfs(fd)`` (Linux 2.6.39+), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function
