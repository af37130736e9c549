"""Findings never carry or print the value; fingerprints are stable."""

from __future__ import annotations

import pytest

from aisafe_nb.detect import scan_text
from aisafe_nb.detect.finding import fingerprint, preview
from tests import fakes as F

VALUES = [
    F.openai_key(1),
    F.anthropic_key(2),
    F.github_token(3),
    F.aws_access_key_id(4),
    F.email(5),
    F.credit_card(6),
    F.phone_us(7),
    F.iban(8),
    F.private_key_pem(9),
]


@pytest.mark.parametrize("value", VALUES)
def test_preview_never_holds_the_value(value: str) -> None:
    [f] = scan_text(f"x = '{value}'")
    assert value not in f.preview
    shown = f.preview.replace("…", "").replace("*", "")
    assert len(shown) <= max(len(value) // 4, 8)
    assert value not in repr(f)


def test_finding_has_no_value_field() -> None:
    [f] = scan_text(f"key={F.github_token(0)}")
    assert not hasattr(f, "value")
    assert not hasattr(f, "__dict__")  # slots: nothing hidden either


def test_fingerprint_stable_and_distinct() -> None:
    a, b = F.openai_key(1), F.openai_key(2)
    [f1] = scan_text(f"k = '{a}'")
    [f2] = scan_text(f"other text, then {a} in a sentence")
    [f3] = scan_text(f"k = '{b}'")
    assert f1.fingerprint == f2.fingerprint == fingerprint("openai-api-key", a)
    assert f1.fingerprint != f3.fingerprint
    assert len(f1.fingerprint) == 20


def test_preview_short_values_fully_masked() -> None:
    assert preview("abcd", "secret") == "****"
    assert preview("someone@mail.org", "pii") == "s***@***.org"
