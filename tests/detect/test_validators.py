"""Checksums the validators compute, against independent implementations in `tests.fakes`."""

from __future__ import annotations

import binascii
import random

import pytest

from aisafe_nb.detect.validators import github_token, luhn
from tests import fakes as F


@pytest.mark.parametrize("prefix", ["ghp", "gho", "ghu", "ghs", "ghr"])
def test_github_tokens_with_their_checksum_pass(prefix: str) -> None:
    assert all(github_token(F.github_token(seed, prefix)) for seed in range(200))


def test_github_checksum_is_zero_padded() -> None:
    # A CRC32 below 62**5 has five base62 digits: GitHub pads it to six with a leading "0".
    seed = next(s for s in range(1000) if F.github_token(s)[-6] == "0")
    token = F.github_token(seed)
    assert binascii.crc32(token[4:34].encode()) < 62**5
    assert github_token(token)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # checksum off by one character
        lambda t: t[:10] + t[11] + t[10] + t[12:],  # two body characters swapped
        lambda t: t[:-1],  # too short
        lambda t: t[:-1] + "ñ",  # not base62
    ],
)
def test_github_look_alikes_fail(spoil: object) -> None:
    for seed in range(20):
        token = F.github_token(seed)
        spoiled = spoil(token)  # type: ignore[operator]
        if spoiled != token:
            assert not github_token(spoiled), spoiled


def _luhn_reference(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_luhn_matches_a_reference_on_random_numbers() -> None:
    rng = random.Random(5)
    for _ in range(20000):
        number = "".join(rng.choice("0123456789") for _ in range(rng.randint(12, 19)))
        assert luhn(number) == _luhn_reference(number), number
    assert luhn(" - ".join(["4111", "1111", "1111", "1111"]))  # separators are ignored
