"""Scrubber: placeholders, operators, restore, idempotence, secrets never restorable."""

from __future__ import annotations

import pytest

from aisafe_nb.detect import scan_text
from aisafe_nb.scrub import Scrubber, placeholder_label
from tests import fakes as F


def test_placeholders_are_typed_numbered_and_stable() -> None:
    s = Scrubber()
    a, b = F.email(1), F.email(2)
    out = s.scrub(f"Mail {a}, then {b}, then {a} again.")
    assert out.text == "Mail <EMAIL_1>, then <EMAIL_2>, then <EMAIL_1> again."
    assert out.vault == {"<EMAIL_1>": a, "<EMAIL_2>": b}
    # Same value in a later call of the same scrubber: same placeholder.
    assert s.scrub(f"reply to {b}").text == "reply to <EMAIL_2>"


def test_restore_puts_pii_back() -> None:
    s = Scrubber()
    phone, card = F.phone_us(3), F.credit_card(4)
    text = f"Call {phone}; card {card}."
    out = s.scrub(text)
    assert phone not in out.text
    assert card not in out.text
    answer = out.text.replace("Call", "I will call")
    assert s.restore(answer) == text.replace("Call", "I will call")


def test_secrets_are_never_restorable() -> None:
    s = Scrubber()
    key = F.openai_key(2)
    out = s.scrub(f'api_key="{key}"')
    assert key not in out.text
    assert "<OPENAI_API_KEY_1>" in out.text
    assert key not in out.vault.values()
    assert key not in s.vault.values()
    assert s.restore(out.text) == out.text


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("redact", "[REDACTED:email]"),
        ("placeholder", "<EMAIL_1>"),
    ],
)
def test_operators(op: str, expected: str) -> None:
    value = F.email(6)
    out = Scrubber(default_operator=op).scrub(f"to: {value}")  # type: ignore[arg-type]
    assert out.text == f"to: {expected}"


def test_mask_and_hash_hide_the_value() -> None:
    value = F.credit_card(8)
    masked = Scrubber(default_operator="mask").scrub(value).text
    hashed = Scrubber(default_operator="hash").scrub(value).text
    assert value not in masked
    assert value not in hashed
    assert hashed.startswith("<CREDIT_CARD:")
    assert hashed == Scrubber(default_operator="hash").scrub(value).text  # deterministic


def test_allow_operator_and_per_type_operators() -> None:
    mail, key = F.email(9), F.github_token(9)
    s = Scrubber(operators={"email": "allow", "secret": "redact"})
    out = s.scrub(f"{mail} {key}")
    assert out.text == f"{mail} [REDACTED:github-token]"
    assert [f.type for f in out.findings] == ["github-token"]


def test_unknown_operator_rejected() -> None:
    with pytest.raises(ValueError, match="unknown scrub operator"):
        Scrubber(operators={"email": "shred"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="unknown scrub operator"):
        Scrubber(default_operator="shred")  # type: ignore[arg-type]


@pytest.mark.parametrize("op", ["placeholder", "redact", "mask", "hash"])
def test_markers_are_not_detected_again(op: str) -> None:
    text = (
        f"Dear {F.first_name(1)}, key {F.openai_key(1)} mail {F.email(1)} "
        f"phone {F.phone_us(1)} ssn {F.ssn(1)} iban {F.iban(1)}"
    )
    once = Scrubber(default_operator=op).scrub(text)  # type: ignore[arg-type]
    assert once.findings
    assert scan_text(once.text) == []


def test_kinds_limit_what_is_scrubbed() -> None:
    key, mail = F.npm_token(2), F.email(2)
    out = Scrubber(kinds=("secret",)).scrub(f"{key} {mail}")
    assert mail in out.text
    assert key not in out.text


def test_placeholder_label() -> None:
    assert placeholder_label("credit-card") == "CREDIT_CARD"
    assert placeholder_label("us-ssn") == "US_SSN"


def test_vault_is_a_live_read_only_view() -> None:
    s = Scrubber()
    vault = s.vault
    assert len(vault) == 0
    s.scrub(f"mail {F.email(5)}")
    assert vault == {"<EMAIL_1>": F.email(5)}  # the same view sees later placeholders
    with pytest.raises(TypeError):
        vault["<EMAIL_2>"] = "x"  # type: ignore[index]


def test_restore_leaves_unknown_placeholders_and_keeps_unchanged_text() -> None:
    s = Scrubber()
    s.scrub(f"mail {F.email(6)}")
    text = "keep <EMAIL_2> and <b>"
    assert s.restore(text) is text
    assert s.restore("to <EMAIL_1>, not <EMAIL_2>") == f"to {F.email(6)}, not <EMAIL_2>"


def test_detector_is_the_one_given() -> None:
    from aisafe_nb.detect.engine import Detector

    detector = Detector(kinds=("pii",))
    assert Scrubber(detector=detector).detector is detector
