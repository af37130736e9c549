"""Checks that turn pattern matches into findings: checksums, entropy, number rules.

Each validator takes the matched value and returns True when it is a real instance.
They are plain functions registered by name so rule files can refer to them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

Validator = Callable[[str], bool]

VALIDATORS: dict[str, Validator] = {}


def register(name: str) -> Callable[[Validator], Validator]:
    """Register a validator under `name` for use in rule files."""

    def decorate(fn: Validator) -> Validator:
        VALIDATORS[name] = fn
        return fn

    return decorate


def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (0 for empty strings)."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


@register("luhn")
def luhn(value: str) -> bool:
    """Payment card checksum over the digits of `value`."""
    digits = [int(c) for c in value if c.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
