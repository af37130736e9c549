"""``%aisafe budget|spent|log``: thin magics over the guard (parse, call, render).

The kernel's ``%aisafe`` dispatches to these functions. Each returns a `Table`, which
Jupyter shows as HTML and a terminal as aligned text.
"""

from __future__ import annotations

import argparse
import html
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aisafe_nb.intercept.errors import AisafeError
from aisafe_nb.intercept.install import guard
from aisafe_nb.intercept.limits import usd


@dataclass(frozen=True, slots=True)
class Table:
    """A small table with an HTML view (notebooks) and a text view (terminals, logs)."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{html.escape(self.title)}</caption>"
        return f"<table class='aisafe-nb'>{caption}<tr>{head}</tr>{body}</table>"

    def __str__(self) -> str:
        widths = [len(h) for h in self.header]
        for row in self.rows:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]
        lines = [
            self.title,
            "  ".join(h.ljust(w) for h, w in zip(self.header, widths, strict=False)),
        ]
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) for row in self.rows
        ]
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return str(self)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel
        raise AisafeError(f"%aisafe {self.prog}: {message}")


def budget(shell: Any, args: str) -> Table:
    """``%aisafe budget [USD] [--daily USD] [--monthly USD]``: set limits (0 = none), show them."""
    parser = _Parser(prog="budget", add_help=False)
    parser.add_argument("session", nargs="?", type=float)
    parser.add_argument("--daily", type=float)
    parser.add_argument("--monthly", type=float)
    parsed = parser.parse_args(shlex.split(args))
    changes = {
        name: value
        for name, value in (
            ("budget_session", parsed.session),
            ("budget_daily", parsed.daily),
            ("budget_monthly", parsed.monthly),
        )
        if value is not None
    }
    for value in changes.values():
        if value < 0:
            raise AisafeError("%aisafe budget: a limit must be 0 (none) or a positive amount")
    active = guard()
    if changes:
        active.override(**changes)
    return spent(shell, "")


def spent(shell: Any, args: str) -> Table:
    """``%aisafe spent``: USD spent this session, today and this month, against the limits."""
    active = guard()
    totals = active.totals()
    policy = active.policy
    rows = []
    for name, used, limit in (
        ("session", totals.session, policy.budget_session),
        ("today", totals.daily, policy.budget_daily),
        ("this month", totals.monthly, policy.budget_monthly),
    ):
        left = usd(max(0.0, limit - used)) if limit > 0 else "-"
        rows.append([name, usd(used), usd(limit) if limit > 0 else "none", left])
    return Table("aisafe-nb: API spending (USD)", ["period", "spent", "limit", "left"], rows)


def log(shell: Any, args: str) -> Table:
    """``%aisafe log [N]``: the last N (default 20) audit entries, oldest first."""
    words = shlex.split(args)
    try:
        n = int(words[0]) if words else 20
    except ValueError:
        raise AisafeError(f"%aisafe log: N must be a whole number, not {words[0]!r}") from None
    entries = guard().audit.tail(n)
    rows = [_row(e) for e in entries]
    header = ["time", "endpoint", "model", "in", "out", "USD", "scrubbed", "status"]
    return Table(f"aisafe-nb: last {len(rows)} API calls", header, rows)


def _row(entry: dict[str, Any]) -> list[str]:
    scrubbed = entry.get("scrubbed") or {}
    status = (
        "refused: " + str(entry.get("reason")) if entry.get("blocked") else str(entry.get("status"))
    )
    estimated = "~" if entry.get("usage_estimated") else ""
    return [
        time.strftime("%H:%M:%S", time.localtime(float(entry.get("time", 0)))),
        str(entry.get("endpoint", "")),
        str(entry.get("model") or "-"),
        f"{estimated}{entry.get('input_tokens', 0)}",
        f"{estimated}{entry.get('output_tokens', 0)}",
        f"{float(entry.get('cost_usd', 0.0)):.5f}",
        ", ".join(f"{k} {v}" for k, v in sorted(scrubbed.items())) or "-",
        status,
    ]
