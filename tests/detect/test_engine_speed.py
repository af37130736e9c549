"""The engine's speed paths give the same answers as the plain, slow way.

Prechecks, windows, the one-pass keyword index, the validator cache and untimed built-in
patterns exist only for speed: a detector stripped of them (every rule searched over the
whole text) must find exactly the same things on the labelled and Faker sets. Timings are
measured in `benchmarks/`, never asserted here.
"""

from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path

import pytest

from aisafe_nb.detect.engine import (
    UNTIMED_MAX,
    Detector,
    KeywordIndex,
    _builtin_rules,
    default_detector,
)
from aisafe_nb.detect.rules import RuleError, load_rules_file, parse_prechecks
from benchmarks.faker_check import build_cases as faker_cases
from benchmarks.labelled.generate import build_cases as labelled_cases

_SPEED_EXTRAS = ("windowed", "margin")


def _plain_detector() -> Detector:
    """Every built-in rule with no precheck and no windows: searched over the whole text."""
    rules = [
        dataclasses.replace(
            r,
            precheck=None,
            extra={k: v for k, v in r.extra.items() if k not in _SPEED_EXTRAS},
        )
        for r in _builtin_rules()
    ]
    return Detector(rules)


def _spans(d: Detector, text: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.type) for f in d.scan(text)]


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(lambda: [c.text for c in labelled_cases()], id="labelled"),
        pytest.param(lambda: [c.text for c in faker_cases(2)], id="faker"),
    ],
)
def test_windows_and_prechecks_change_nothing(texts: object) -> None:
    fast, plain = default_detector(), _plain_detector()
    cases = texts()  # type: ignore[operator]
    assert len(cases) > 100
    differ = [t for t in cases if _spans(fast, t) != _spans(plain, t)]
    assert differ == [], f"{len(differ)} texts differ, first: {differ[0][:80]!r}"


def test_keyword_index_fallback_matches_automaton() -> None:
    words = ["key", "sk-", "ring", "str.", "straße", "a", "aa", "@"]
    rng = random.Random(5)
    text = "".join(
        rng.choice(["key", "sk-", "rin", "g", "straße", "a", " ", "@", "x."]) * 1
        for _ in range(400)
    )
    index = KeywordIndex(words)
    fast = index.find(text)
    index._automaton = False  # the str.find path, used when ahocorasick_rs is missing
    slow = index.find(text)
    assert fast == slow
    assert fast["aa"]  # overlapping occurrences are all reported
    assert all(text.startswith(w, i) for w, pos in fast.items() for i in pos)


def test_std_re_prechecks_are_for_builtin_files_only(tmp_path: Path) -> None:
    data: dict[str, object] = {"prechecks": {"p": {"engine": "re", "pattern": "x"}}}
    assert parse_prechecks(data, "builtin", builtin=True)["p"].std_re
    with pytest.raises(RuleError, match="precheck p"):
        parse_prechecks(data, "user.toml")
    path = tmp_path / "rules.toml"
    path.write_text('[prechecks]\np = { engine = "re", pattern = "x" }\n', encoding="utf-8")
    with pytest.raises(RuleError):
        load_rules_file(path)


def test_user_patterns_keep_the_timeout_on_short_texts(tmp_path: Path) -> None:
    """A catastrophic user pattern is abandoned, not run unbounded, even under UNTIMED_MAX."""
    path = tmp_path / "rules.toml"
    path.write_text(
        "[[rule]]\nid = \"slow\"\ntype = \"slow\"\nkind = \"secret\"\npattern = '''^(a|aa)+$'''\n",
        encoding="utf-8",
    )
    rules = load_rules_file(path)
    assert not rules[0].pattern.builtin
    text = "a" * 60 + "b"
    assert len(text) < UNTIMED_MAX
    t0 = time.monotonic()
    assert Detector(rules).scan(text) == []
    assert time.monotonic() - t0 < 5  # abandoned at the 0.25 s timeout, not minutes later


def test_keyword_windows_find_values_far_into_the_text() -> None:
    """A windowed rule still finds a value past the margin, and one cut by a window end."""
    filler = "plain words here. " * 400
    local = "first.last" + "x" * 40
    email = local + "@" + "sub." * 30 + "example-company.org"
    found = default_detector().scan(filler + "mail " + email + " " + filler)
    assert any(f.type == "email" and f.end - f.start == len(email) for f in found)
