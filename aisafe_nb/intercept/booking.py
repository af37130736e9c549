"""Book costs in the ledger off the caller's thread.

A durable ledger update (lock, rewrite, fsync, rename) takes 1-6 ms on a busy disk; the
user's call should not wait for it. One worker thread applies the updates in order. The
guard keeps each call's worst-case reservation until its booking is done, so a budget
check in the meantime is conservative, never optimistic. `flush` waits for the queue (the
magics and an ``atexit`` hook call it, so nothing is lost at a normal exit).
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import deque
from collections.abc import Callable

log = logging.getLogger("aisafe_nb")


class Booker:
    """A single background worker running booking jobs in submission order."""

    def __init__(self) -> None:
        self._jobs: deque[Callable[[], None]] = deque()
        self._cond = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None
        atexit.register(self.flush, 10.0)

    def submit(self, job: Callable[[], None]) -> None:
        """Queue `job`; it runs soon on the worker thread."""
        with self._cond:
            self._jobs.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="aisafe-nb-ledger", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued job ran; False if `timeout` seconds passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._cond.wait_for(lambda: bool(self._jobs), timeout=30.0):
                    self._thread = None  # idle: let the thread end, a new job restarts it
                    return
                job = self._jobs.popleft()
                self._busy = True
            try:
                job()
            except Exception:  # a failed booking must not stop later ones
                log.exception("aisafe-nb: could not update the spending ledger")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
