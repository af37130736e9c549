"""Refuse calls before they are sent: the budget check and the loop guard.

The budget check compares the worst case of the next call (estimated prompt tokens plus
the requested output limit, at the model's price) with what is left of each limit. The
loop guard stops the classic runaway: too many calls in one cell, too many per minute, or
the same request body again and again.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from aisafe_nb.intercept.errors import BudgetExceeded, LoopGuardTripped
from aisafe_nb.intercept.ledger import Totals
from aisafe_nb.intercept.usage import count
from aisafe_nb.policy import Policy

#: Output tokens assumed when a request sets no output limit (a deliberate over-estimate
#: for short answers, an under-estimate for very long ones: set max_tokens to be exact).
DEFAULT_MAX_OUTPUT = 1024
_OUTPUT_LIMIT_KEYS = ("max_completion_tokens", "max_tokens", "max_output_tokens")


def requested_output_tokens(body: object, endpoint: str) -> int:
    """The output limit a request body asks for, or the default when it sets none."""
    if endpoint.endswith(("/embeddings", ":embedContent", ":batchEmbedContents")):
        return 0
    if isinstance(body, dict):
        config = body.get("generationConfig")  # Gemini
        limit = count(config.get("maxOutputTokens")) if isinstance(config, dict) else 0
        if isinstance(config, dict) and limit > 0:
            return limit * max(1, count(config.get("candidateCount")))
        for key in _OUTPUT_LIMIT_KEYS:
            value = body.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                n = body.get("n")
                return value * (n if isinstance(n, int) and n > 0 else 1)
    return DEFAULT_MAX_OUTPUT


def usd(amount: float) -> str:
    """An amount for people: cents above one dollar, four significant places below."""
    return f"{amount:.2f}" if amount >= 1 else f"{amount:.4g}"


def check_budget(policy: Policy, totals: Totals, worst_case: float) -> None:
    """Raise `BudgetExceeded` when `worst_case` USD more could pass any set limit."""
    for name, limit, spent in (
        ("session", policy.budget_session, totals.session),
        ("daily", policy.budget_daily, totals.daily),
        ("monthly", policy.budget_monthly, totals.monthly),
    ):
        if limit > 0 and spent + worst_case > limit:
            raise BudgetExceeded(
                f"aisafe-nb: request not sent: {name} budget {usd(limit)} USD, {usd(spent)} USD "
                f"spent, and this call could cost up to {usd(worst_case)} USD "
                f"(raise it with %aisafe budget, or lower max_tokens)"
            )


@dataclass
class LoopGuard:
    """Counts calls per cell, per minute, and identical calls in a row."""

    cell_calls: int = 0
    last_digest: str | None = None
    repeats: int = 0

    def __post_init__(self) -> None:
        self._recent: deque[float] = deque()

    def begin_cell(self) -> None:
        """A new cell started: its call count starts from zero."""
        self.cell_calls = 0

    def admit(self, policy: Policy, digest: str, now: float | None = None) -> None:
        """Count one call, or raise `LoopGuardTripped` (and count nothing) if over a limit."""
        stamp = time.monotonic() if now is None else now
        while self._recent and stamp - self._recent[0] >= 60.0:
            self._recent.popleft()
        if policy.max_calls_per_cell > 0 and self.cell_calls >= policy.max_calls_per_cell:
            raise LoopGuardTripped(
                f"aisafe-nb: request not sent: this cell already made {self.cell_calls} API "
                f"calls (max_calls_per_cell = {policy.max_calls_per_cell})"
            )
        if policy.max_calls_per_minute > 0 and len(self._recent) >= policy.max_calls_per_minute:
            raise LoopGuardTripped(
                f"aisafe-nb: request not sent: {len(self._recent)} API calls in the last minute "
                f"(max_calls_per_minute = {policy.max_calls_per_minute})"
            )
        same = digest == self.last_digest
        if policy.max_repeats > 0 and same and self.repeats >= policy.max_repeats:
            raise LoopGuardTripped(
                f"aisafe-nb: request not sent: the same request was sent {self.repeats} times "
                f"in a row (max_repeats = {policy.max_repeats})"
            )
        self.cell_calls += 1
        self._recent.append(stamp)
        self.repeats = self.repeats + 1 if same else 1
        self.last_digest = digest
