"""Prechecks' shape forms (see `aisafe_nb.detect.rules.text_shape`) against their patterns.

A shape form replaces a precheck on ASCII text, so it must match wherever the pattern
does, or windows (and with them findings) would be lost. Checked on generated texts rich
in the characters the prechecks look for, and on the labelled sets.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisafe_nb.detect.rules import LazyPattern, builtin_prechecks, text_shape
from benchmarks.faker_check import build_cases as faker_cases
from benchmarks.labelled.generate import build_cases as labelled_cases

_SHAPED = sorted((name, p) for name, p in builtin_prechecks().items() if p.shape is not None)

#: Short words, digits and the separators the prechecks care about, so hits are common.
_PIECES = st.sampled_from(
    [
        *"0123456789",
        *"NSEWAZaz",
        "Anna",
        "van",
        "de",
        "Main",
        "st",
        "th",
        "DE",
        "GB",
        "O'Neil",
        "D'souza",
        " ",
        "\t",
        "\n",
        ".",
        "-",
        "(",
        ")",
        "+",
        ":",
        "'",
        ",",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def _pattern_hits_outside_shape(pattern: LazyPattern, text: str) -> list[int]:
    """Starts of the pattern's hits where the shape form does not match."""
    shape = text_shape(text)
    assert shape is not None
    assert pattern.shape is not None
    shaped = pattern.shape.untimed()
    return [
        m.start() for m in pattern.get().finditer(text) if shaped.match(shape, m.start()) is None
    ]


def test_some_prechecks_have_shapes() -> None:
    assert {"capword-pair", "phone-digits", "address-word"} <= {n for n, _ in _SHAPED}


def test_shape_keeps_positions_and_ascii_only() -> None:
    phone = "-".join(["415", "555", "0199"])  # built from parts: this repository scans clean
    text = f"Call Anna at {phone}, 12 Main" + " St."
    shape = text_shape(text)
    assert shape == "Ulll Ulll ll ddd-ddd-dddd, dd Ulll Ul."
    assert text_shape("Zoë " + "Müller") is None


@pytest.mark.parametrize(("name", "pattern"), _SHAPED, ids=[n for n, _ in _SHAPED])
@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_shape_matches_wherever_the_pattern_does(
    name: str, pattern: LazyPattern, text: str
) -> None:
    assert _pattern_hits_outside_shape(pattern, text) == []


@pytest.mark.parametrize(("name", "pattern"), _SHAPED, ids=[n for n, _ in _SHAPED])
def test_shape_matches_on_the_labelled_sets(name: str, pattern: LazyPattern) -> None:
    texts = [c.text for c in labelled_cases()] + [c.text for c in faker_cases(2)]
    missed = [t for t in texts if t.isascii() and _pattern_hits_outside_shape(pattern, t)]
    assert missed == []


def test_user_rule_files_may_not_declare_shapes() -> None:
    from aisafe_nb.detect.rules import RuleError, parse_prechecks

    data = {"prechecks": {"p": {"pattern": "[0-9]", "shape": "d"}}}
    with pytest.raises(RuleError, match="built-in"):
        parse_prechecks(data, "user.toml")
    assert parse_prechecks(data, "builtin", builtin=True)["p"].shape is not None
