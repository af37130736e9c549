"""The issue's accuracy targets, asserted on a smaller sample of the labelled set.

This asserts precision and recall (not timing). The full run with per-type tables is
``python -m benchmarks.accuracy``.
"""

from __future__ import annotations

import pytest

from aisafe_nb.detect import scan_text
from benchmarks.labelled.generate import build_cases
from benchmarks.labelled.score import TARGETS, failures, score


def _scan(text: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.type) for f in scan_text(text)]


@pytest.mark.parametrize("seed", [3, 19])
def test_group_targets_met(seed: int) -> None:
    cases = build_cases(seed=seed, n_secrets=150, n_pii=150, n_names=80, n_negative_rounds=1)
    _, by_group, _ = score(cases, _scan)
    assert set(TARGETS) <= set(by_group)
    assert failures(by_group) == []


def test_scorer_can_fail() -> None:
    """A scanner that finds nothing misses every recall target (the check is not vacuous)."""
    cases = build_cases(seed=1, n_secrets=20, n_pii=20, n_names=10, n_negative_rounds=1)
    _, by_group, _ = score(cases, lambda text: [])
    assert len(failures(by_group)) >= 3
