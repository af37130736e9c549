"""Property tests: the engine never crashes, offsets are sane, scrubbing round-trips."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisafe_nb.detect import scan_text
from aisafe_nb.scrub import Scrubber
from tests import fakes as F

# Text that often looks like our targets: digits, separators, capitals, key prefixes.
_ALPHABET = st.sampled_from(list("0123456789 -.:/@_+()\n\"'=ABCDEFabcdefxyzSKMrDear,"))
_TRICKY = st.text(_ALPHABET, max_size=300)
_ANY = st.text(max_size=300)

_PII_VALUES = st.sampled_from(
    [F.email(i) for i in range(4)]
    + [F.phone_us(i) for i in range(4)]
    + [F.credit_card(i) for i in range(4)]
    + [F.ssn(i) for i in range(3)]
    + [F.iban(i) for i in range(3)]
    + [F.public_ipv4(i) for i in range(3)]
    + [f"Dear {F.first_name(i)}," for i in range(3)]
)
_FILLER = st.sampled_from(["", " ", "\n", "Please check ", " and ", "; ", " thanks.", "\t", "x "])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_TRICKY, _ANY))
def test_scan_never_crashes_and_offsets_are_valid(text: str) -> None:
    found = scan_text(text)
    last_end = 0
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert f.start >= last_end  # sorted, non-overlapping
        last_end = f.end
        assert f.kind in ("secret", "pii")


@st.composite
def _pii_text(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        parts.append(draw(_FILLER))
        parts.append(draw(_PII_VALUES))
    parts.append(draw(_FILLER))
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(_pii_text())
def test_restore_inverts_scrub_for_pii(text: str) -> None:
    scrubber = Scrubber(kinds=("pii",))
    scrubbed = scrubber.scrub(text)
    assert scrubber.restore(scrubbed.text) == text


@settings(max_examples=200, deadline=None)
@given(st.one_of(_pii_text(), _TRICKY))
def test_scrub_is_idempotent(text: str) -> None:
    for op in ("placeholder", "redact", "mask", "hash"):
        scrubber = Scrubber(default_operator=op)  # type: ignore[arg-type]
        once = scrubber.scrub(text).text
        twice = scrubber.scrub(once)
        assert twice.text == once, op
        assert twice.findings == [], op
