"""Credential-shaped values published in vendor documentation: never reported.

The AWS documentation key pair, jwt.io's sample token and Stripe's documented test keys
appear in countless notebooks and tutorials. They are listed in ``data/known_examples.txt``
by salted hash only, so the list itself holds nothing credential-shaped.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from aisafe_nb.detect.datafiles import DATA_DIR

_EXAMPLE_SALT = b"aisafe-nb/known-example/v1\x00"


def example_fingerprint(value: str) -> str:
    """The salted hash under which a documented example value is listed."""
    return hashlib.sha256(_EXAMPLE_SALT + value.encode()).hexdigest()[:24]


@lru_cache(maxsize=1)
def _known_examples() -> frozenset[str]:
    text = (DATA_DIR / "known_examples.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_known_example(value: str) -> bool:
    """Published documentation values (jwt.io's token, Stripe's test keys...)."""
    return example_fingerprint(value) in _known_examples()
