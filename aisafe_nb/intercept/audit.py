"""The audit log: one JSON line per guarded request, beside the ledger.

A line records what happened (time, host, endpoint, model, tokens, cost, how many items
of each type were scrubbed, whether the call was refused and why) and never a scrubbed
value: it is built only from counts, names and amounts.
"""

from __future__ import annotations

import json
import os
from collections import deque
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from aisafe_nb.intercept.state import locked

AUDIT_FILE = "audit.jsonl"


@dataclass(slots=True)
class AuditEntry:
    """One request as the guard saw it."""

    time: float
    host: str
    endpoint: str
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    usage_estimated: bool = False
    stream: bool = False
    scrubbed: dict[str, int] = field(default_factory=dict)
    blocked: bool = False
    reason: str | None = None
    status: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The entry as a JSON-ready dict.

        Written out instead of `dataclasses.asdict`, whose recursive deep copy took a third
        of an append (~20 us) on the caller's thread; `scrubbed` is the only container.
        """
        out = {name: getattr(self, name) for name in _FIELDS}
        out["scrubbed"] = dict(self.scrubbed)
        return out


_FIELDS = tuple(f.name for f in fields(AuditEntry))


class AuditLog:
    """Appends entries to ``audit.jsonl`` and reads the most recent ones back."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / AUDIT_FILE

    def append(self, entry: AuditEntry) -> None:
        """Append one line (under the ledger's lock so lines of two kernels never mix)."""
        line = json.dumps(entry.as_dict(), sort_keys=True, separators=(",", ":")) + "\n"
        with locked(self.path):
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode())
            finally:
                os.close(fd)

    def tail(self, n: int = 20) -> list[dict[str, Any]]:
        """The last `n` entries, oldest first; unreadable lines are skipped."""
        if n <= 0 or not self.path.exists():
            return []
        out: deque[dict[str, Any]] = deque(maxlen=n)
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict):
                    out.append(item)
        return list(out)
