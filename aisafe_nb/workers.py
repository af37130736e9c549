"""Worker processes for the batch commands (`scan`, `clean`): a small fork pool.

Why not ``multiprocessing``: importing it with ``concurrent.futures.process`` costs a
batch command 30-40 ms before any work starts (sockets, tempfile, hmac, queues behind
it), and its pools pickle every task and start manager threads. Here workers are forked,
so they inherit the tasks and everything imported; only results travel, pickled, each
worker over its own pipe. Tasks are handed out one at a time through a shared pipe, so a
worker that finishes early takes the next one.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import selectors
import signal
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

_INDEX = struct.Struct("=I")  # a task number, written to the shared pipe in one write
_LENGTH = struct.Struct("=Q")  # the length of a pickled result


class WorkerDied(RuntimeError):
    """A worker process ended before returning all the results it had taken on.

    `how` says how the workers ended (" (killed by SIGKILL)"), or is empty.
    """

    def __init__(self, message: str, how: str = "") -> None:
        super().__init__(message + how)
        self.how = how


def can_fork() -> bool:
    """True where `fork_map` can run (POSIX systems)."""
    return sys.platform != "win32" and hasattr(os, "fork")


def quiet_gc() -> None:
    """Workers run without the cyclic garbage collector.

    Parsed notebooks are trees of dicts and lists (no reference cycles), freed by
    reference counting alone; but each parse allocates enough containers to trigger
    collections that walk every live one. On the 650-notebook benchmark folder this cut
    the scan's CPU time by about a sixth. A worker is short-lived, so nothing accumulates.
    """
    gc.disable()


def fork_map(
    function: Callable[[Task], Result], tasks: Sequence[Task], workers: int
) -> Iterator[Result]:
    """``function(task)`` for every task, computed in `workers` forked processes.

    Results come in the order they are finished (carry an index in them to reorder).
    Raises `WorkerDied` after yielding the rest when a worker is killed or `function`
    raises in it (its traceback goes to stderr). An exception in the caller (Ctrl-C)
    kills the workers. `function` and `tasks` must be ready before the call: the workers
    see them as they were at the fork.
    """
    if not tasks:
        return
    workers = max(1, min(workers, len(tasks)))
    sys.stdout.flush()
    sys.stderr.flush()
    task_read, task_write = os.pipe()
    tasks_out = _TaskPipe(task_write)
    # Every task number fits in the pipe at once when there are fewer than 16,384 tasks
    # (Linux's 64 KiB pipe); more are written as the workers take them (below).
    pids: dict[int, int] = {}  # result pipe -> worker pid
    try:
        for _ in range(workers):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                os.close(result_read)
                os.close(task_write)
                for other in pids:
                    os.close(other)
                _work(function, tasks, task_read, result_write)  # never returns
            os.close(result_write)
            pids[result_read] = pid
        os.close(task_read)
        yield from _collect(pids, tasks_out, len(tasks))
    except BaseException:  # the caller gave up (Ctrl-C, an error, an early break)
        for pid in pids.values():
            _kill(pid)
        raise
    finally:
        for fd in pids:
            _close(fd)
        tasks_out.close()
        for pid in pids.values():
            _reap(pid)


def _work(
    function: Callable[[Task], Result], tasks: Sequence[Task], task_read: int, out: int
) -> None:
    status = 0
    try:
        quiet_gc()
        while True:
            raw = os.read(task_read, _INDEX.size)  # one whole number: writes are atomic
            if not raw:
                break
            data = pickle.dumps(function(tasks[_INDEX.unpack(raw)[0]]), pickle.HIGHEST_PROTOCOL)
            _write_all(out, _LENGTH.pack(len(data)) + data)
    except BaseException:  # reported by the parent as WorkerDied
        import traceback

        if not isinstance(sys.exc_info()[1], KeyboardInterrupt):
            traceback.print_exc()
        status = 1
    finally:
        sys.stderr.flush()
        os._exit(status)


def _collect(pids: dict[int, int], tasks_out: _TaskPipe, count: int) -> Iterator[Result]:
    """Hand out the task numbers and yield each result as a worker sends it back."""
    selector = selectors.DefaultSelector()
    for fd in pids:
        selector.register(fd, selectors.EVENT_READ)
    task_write = tasks_out.fd
    numbers = b"".join(_INDEX.pack(i) for i in range(count))
    os.set_blocking(task_write, False)
    numbers = numbers[_write_some(task_write, numbers):]
    if numbers:
        selector.register(task_write, selectors.EVENT_WRITE)
    else:
        tasks_out.close()  # end of tasks: each worker exits when it reads this
    buffers = {fd: bytearray() for fd in pids}
    received = 0
    while selector.get_map():
        for key, _ in selector.select():
            fd = int(key.fd)
            if fd == task_write and tasks_out.fd >= 0:
                numbers = numbers[_write_some(task_write, numbers):]
                if not numbers:
                    selector.unregister(task_write)
                    tasks_out.close()
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                selector.unregister(fd)
                continue
            buffer = buffers[fd]
            buffer += chunk
            for result in _frames(buffer):
                received += 1
                yield result
    if received < count:
        raise WorkerDied(f"a worker process died before finishing ({count - received} of "
                         f"{count} tasks without a result)", _exit_reasons(pids))


def _write_some(fd: int, data: bytes) -> int:
    """Write whole task numbers of `data` without blocking; how many bytes went."""
    whole = len(data) - len(data) % _INDEX.size
    try:
        written = 0
        while written < whole:  # one number per write: a reader always gets a whole one
            written += os.write(fd, data[written : written + _INDEX.size])
        return written
    except BlockingIOError:
        return written
    except BrokenPipeError:  # every worker is gone; reported from the results
        return len(data)


def _frames(buffer: bytearray) -> Iterator[Any]:
    """The complete results at the start of `buffer` (removed from it)."""
    while len(buffer) >= _LENGTH.size:
        size = _LENGTH.unpack_from(buffer)[0]
        end = _LENGTH.size + size
        if len(buffer) < end:
            return
        result = pickle.loads(buffer[_LENGTH.size : end])
        del buffer[:end]
        yield result


def _exit_reasons(pids: dict[int, int]) -> str:
    """How the workers ended, once every result pipe is closed (so each has exited)."""
    reasons = []
    for pid in pids.values():
        status = _reap(pid)
        if status is not None and os.WIFSIGNALED(status):
            reasons.append(f"killed by {signal.Signals(os.WTERMSIG(status)).name}")
        elif status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status):
            reasons.append(f"exit status {os.WEXITSTATUS(status)}")
    return f" ({', '.join(reasons)})" if reasons else ""


def _reap(pid: int) -> int | None:
    """Wait for a worker to end; its wait status, or None when it was reaped before."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


class _TaskPipe:
    """The write end of the task pipe, closed once (closing twice could close a reused fd)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            _close(self.fd)
            self.fd = -1
