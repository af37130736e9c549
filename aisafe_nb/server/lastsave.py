"""What the last save of each notebook redacted, kept in server memory.

The JupyterLab extension asks for it right after a save completes, to tell the user what
was caught. Only masked previews and fingerprints are kept, never the values; the table is
bounded so a long-running server does not grow without end.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any

#: How many paths are remembered; the oldest is forgotten first.
MAX_PATHS = 1000


@dataclass(frozen=True)
class Redaction:
    """One value a save removed, described safely."""

    cell: int | None
    field: str
    type: str
    kind: str
    preview: str
    fingerprint: str


@dataclass(frozen=True)
class SaveRecord:
    """The outcome of one save of one path."""

    path: str
    time: float
    mode: str
    blocked: bool = False
    redactions: tuple[Redaction, ...] = ()
    outputs_stripped: int = 0
    error: str | None = None
    elapsed_ms: float = 0.0
    #: cells not rescanned because an earlier save or scan found them clean
    cells_skipped: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True when the saved file differs from what the editor sent."""
        return bool(self.redactions) or self.outputs_stripped > 0

    def to_json(self) -> dict[str, Any]:
        """The record as the REST API returns it."""
        out = asdict(self)
        out["redactions"] = [asdict(r) for r in self.redactions]
        out["changed"] = self.changed
        return out


class SaveLog:
    """Thread-safe map from path to its latest `SaveRecord`."""

    def __init__(self, max_paths: int = MAX_PATHS) -> None:
        self._records: OrderedDict[str, SaveRecord] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_paths

    def put(self, record: SaveRecord) -> None:
        """Remember `record` as the latest save of its path."""
        with self._lock:
            self._records.pop(record.path, None)
            self._records[record.path] = record
            while len(self._records) > self._max:
                self._records.popitem(last=False)

    def get(self, path: str) -> SaveRecord | None:
        """The latest save of `path`, if this server saw one."""
        with self._lock:
            return self._records.get(path)


def now() -> float:
    """Wall-clock time for records (a function so tests can read it the same way)."""
    return time.time()
