"""The spending ledger shared by every kernel and process of one user.

One small JSON file: USD per day, per month and per session. Each update locks, reads,
adds and replaces the file atomically, so two processes adding at once lose nothing and
a crash never leaves a half-written ledger.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisafe_nb.intercept.state import locked, write_atomic

LEDGER_FILE = "ledger.json"
#: Sessions older than this many seconds are dropped from the file on the next update.
SESSION_TTL = 40 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Totals:
    """USD spent in this session, today and this month (local time)."""

    session: float
    daily: float
    monthly: float


class Ledger:
    """Adds costs to, and reads totals from, ``ledger.json`` in a state folder."""

    def __init__(self, folder: Path, session_id: str) -> None:
        self.path = folder / LEDGER_FILE
        self.session_id = session_id

    def add(self, usd: float, *, now: float | None = None) -> Totals:
        """Add `usd` to the session, day and month totals; return the new totals."""
        stamp = time.time() if now is None else now
        day, month = _day_month(stamp)
        with locked(self.path):
            data = self._read()
            data["days"][day] = data["days"].get(day, 0.0) + usd
            data["months"][month] = data["months"].get(month, 0.0) + usd
            entry = data["sessions"].setdefault(self.session_id, {"usd": 0.0, "calls": 0})
            entry["usd"] = entry["usd"] + usd
            entry["calls"] = entry["calls"] + 1
            entry["updated"] = stamp
            data["sessions"] = {
                k: v
                for k, v in data["sessions"].items()
                if stamp - float(v.get("updated", stamp)) < SESSION_TTL
            }
            data["days"] = {k: v for k, v in data["days"].items() if k[:7] >= _months_ago(stamp)}
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
            return self._totals(data, day, month)

    def totals(self, *, now: float | None = None) -> Totals:
        """The current totals (a consistent snapshot, read under the lock)."""
        day, month = _day_month(time.time() if now is None else now)
        with locked(self.path):
            return self._totals(self._read(), day, month)

    def _totals(self, data: dict[str, Any], day: str, month: str) -> Totals:
        session = data["sessions"].get(self.session_id, {})
        return Totals(
            session=float(session.get("usd", 0.0)),
            daily=float(data["days"].get(day, 0.0)),
            monthly=float(data["months"].get(month, 0.0)),
        )

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError):
            # A damaged ledger must not disable the guard: keep a copy, start afresh.
            self.path.replace(self.path.with_suffix(f".corrupt-{int(time.time())}.json"))
            data = {}
        if not isinstance(data, dict):
            data = {}
        for key in ("days", "months", "sessions"):
            if not isinstance(data.get(key), dict):
                data[key] = {}
        data["version"] = 1
        return data


def _day_month(stamp: float) -> tuple[str, str]:
    t = time.localtime(stamp)
    return time.strftime("%Y-%m-%d", t), time.strftime("%Y-%m", t)


def _months_ago(stamp: float, months: int = 2) -> str:
    t = time.localtime(stamp)
    year, month = t.tm_year, t.tm_mon - months
    while month < 1:
        month += 12
        year -= 1
    return f"{year:04d}-{month:02d}"
