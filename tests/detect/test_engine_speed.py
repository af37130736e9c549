"""The engine's speed paths give the same answers as the plain, slow way.

Prechecks, windows, the one-pass keyword index, the validator cache and untimed built-in
patterns exist only for speed: a detector stripped of them (every rule searched over the
whole text) must find exactly the same things on the labelled and Faker sets. Timings are
measured in `benchmarks/`, never asserted here.
"""

from __future__ import annotations

import dataclasses
import random
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aisafe_nb.detect.engine import (
    MATCH_TIMEOUT,
    UNTIMED_MAX,
    Detector,
    _builtin_rules,
    _needles_at_word_start,
    _searcher,
    _Timed,
    default_detector,
)
from aisafe_nb.detect.keywords import KeywordIndex
from aisafe_nb.detect.rules import Rule, RuleError, load_rules_file, parse_prechecks
from benchmarks.faker_check import build_cases as faker_cases
from benchmarks.labelled.generate import build_cases as labelled_cases

_SPEED_EXTRAS = ("windowed", "margin", "margin_before", "anchored")


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


_EMAIL_PIECES = ["a", "b7", ".", "_", "-", "+", "%", "@", "x.io", " ", "é", "\n", "a" * 30]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_EMAIL_PIECES), max_size=30).map("".join))
@example("b" * 64 + "@x.io")  # the longest local part
@example("b" * 65 + "@x.io")  # one too long: no email
@example("mail .." + "a" * 30 + "@x.io, é" + "a" * 20 + "@x.io")
def test_email_anchored_at_its_local_part_finds_what_a_search_finds(text: str) -> None:
    # The email rule is matched once per "@", from the start of the run of local-part
    # characters before it (rule extra run_before): the same matches as a plain search.
    fast, plain = default_detector(), _plain_detector()
    emails = [(a, b) for a, b, t in _spans(fast, text) if t == "email"]
    assert emails == [(a, b) for a, b, t in _spans(plain, text) if t == "email"]


@pytest.mark.parametrize(
    "pieces",
    [
        ["key", "sk-", "rin", "g", "straße", "a", " ", "@", "x."],  # Unicode: the str automaton
        ["key", "sk-", "rin", "g", "str.", "a", " ", "@", "x."],  # ASCII: the bytes automaton
    ],
)
def test_keyword_index_fallback_matches_automaton(pieces: list[str]) -> None:
    words = ["key", "sk-", "ring", "str.", "straße", "a", "aa", "@"]
    rng = random.Random(5)
    text = "".join(rng.choice(pieces) for _ in range(400))
    index = KeywordIndex(words)
    fast = index.find(text)
    index._automaton = index._ascii_automaton = False  # the str.find path (no ahocorasick_rs)
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


def _std_re_rules() -> list[Rule]:
    return [r for r in _builtin_rules() if r.pattern.std_re]


def _all_matches(pattern: Any, text: str, group: int | str) -> list[tuple[int, int]]:
    return [m.span(group) for m in pattern.finditer(text)]


def test_rules_on_stdlib_re_match_exactly_like_regex() -> None:
    """``engine = "re"`` is a speed choice only: both engines give the same matches."""
    rules = _std_re_rules()
    assert len(rules) >= 5
    rng = random.Random(3)
    noise = [
        "".join(rng.choice("0123456789 .-()+/:=@#xX ext,\nAaSt") for _ in range(200))
        for _ in range(300)
    ]
    texts = [c.text for c in labelled_cases()] + [c.text for c in faker_cases(2)] + noise
    for rule in rules:
        std, rx = rule.pattern.untimed(), rule.pattern.get()
        assert std is not rx
        for text in texts:
            assert _all_matches(std, text, rule.group) == _all_matches(rx, text, rule.group), (
                rule.id,
                text[:80],
            )


def test_long_texts_use_regex_with_its_timeout() -> None:
    [rule] = [r for r in _std_re_rules() if r.id == "phone-number"]
    assert isinstance(_searcher(rule.pattern, "x" * 10), re.Pattern)
    timed = _searcher(rule.pattern, "x" * (UNTIMED_MAX + 1))
    assert isinstance(timed, _Timed)
    assert timed.timeout == MATCH_TIMEOUT


def test_std_re_rules_are_for_builtin_files_only(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nid = "r"\ntype = "t"\nkind = "secret"\npattern = \'x\'\nengine = "re"\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="engine"):
        load_rules_file(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ticket from anna", ("from",)),
        ("from anna", ("from",)),
        ("wherefrom anna", ()),
        ("fromage anna", ()),
        ("it was 3from here", ("from",)),  # digits separate words, as before
        ("sent\u00a0from\u00a0anna", ("from",)),  # so does any whitespace
        ("i'm anna", ("i'm",)),
    ],
)
def test_word_gate_needs_the_keyword_to_start_a_word(text: str, expected: tuple[str, ...]) -> None:
    needles = {"from": len("from"), "i'm": len("i")}  # needle -> its first word's length
    at = KeywordIndex(["from", "i'm"]).find(text)
    assert _needles_at_word_start(needles, text, at) == expected


def test_skipping_outranked_candidates_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # A later rule's candidate for a span and type an earlier rule already found, with no
    # higher confidence, is not validated (Detector._apply): the findings, down to the rule
    # and confidence of each, must be those of a scan that validates every candidate.
    texts = [c.text for c in labelled_cases()] + [c.text for c in faker_cases(2)]
    detector = default_detector()

    def records(t: str) -> list[tuple[int, int, str, str, float]]:
        return [(f.start, f.end, f.type, f.rule_id, f.confidence) for f in detector.scan(t)]

    fast = [records(t) for t in texts]
    original = Detector._apply

    def validate_all(self: Detector, *args: Any) -> Any:
        return original(self, *args[:6], {})  # forget what earlier rules accepted

    monkeypatch.setattr(Detector, "_apply", validate_all)
    slow = [records(t) for t in texts]
    assert sum(map(len, fast)) > 1000
    assert fast == slow


def test_overlapped_matching_needs_the_regex_engine() -> None:
    from aisafe_nb.detect.rules import parse_rule

    raw: dict[str, object] = {
        "id": "pairs",
        "type": "person-name",
        "kind": "pii",
        "pattern": "[A-Z][a-z]+ [A-Z][a-z]+",
        "extra": {"overlapped": True},
    }
    assert parse_rule(raw, builtin=True).extra["overlapped"] is True
    with pytest.raises(RuleError, match="overlapped"):
        parse_rule({**raw, "engine": "re"}, builtin=True)
    # Every word start is tried, so a pair the validator refuses does not hide the next one.
    text = "Yesterday " + "Maria" + " Garcia called."  # built from parts: this file scans clean
    listed = {**raw, "validator": "name_pair"}
    plain = {**listed, "extra": {}}
    assert Detector([parse_rule(plain, builtin=True)]).scan(text) == []
    found = Detector([parse_rule(listed, builtin=True)]).scan(text)
    assert [text[f.start : f.end] for f in found] == ["Maria" + " Garcia"]
