"""Rule files: errors name the rule; user files may reuse built-in prechecks."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisafe_nb.detect import Detector
from aisafe_nb.detect.rules import RuleError, load_builtin_rules, load_rules_file

GOOD = """
[[rule]]
id = "acme-token"
type = "acme-token"
kind = "secret"
pattern = '''acme_[A-Za-z0-9]{24}'''
keywords = ["acme_"]
min_entropy = 3.0
"""


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "rules.toml"
    p.write_text(body, encoding="utf-8")
    return p


def test_user_rule_file_works(tmp_path: Path) -> None:
    rules = load_rules_file(_write(tmp_path, GOOD))
    token = "acme_" + "Zq8Lp3Xw" * 3
    [f] = Detector(rules).scan(f"TOKEN = '{token}'")
    assert f.type == "acme-token"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (GOOD.replace('kind = "secret"', 'kind = "secret"\ncolour = "red"'), "unknown keys"),
        (GOOD.replace("acme_[A-Za-z0-9]{24}", "acme_[A-Z"), "bad pattern"),
        (GOOD.replace('kind = "secret"', 'kind = "nope"'), "kind must be"),
        (GOOD.replace('type = "acme-token"\n', ""), "missing 'type'"),
        (GOOD + 'validator = "nope"\n', "unknown validator"),
        (GOOD + 'precheck = "nope"\n', "unknown precheck"),
        (GOOD + "group = 3\n", "no group 3"),
        (GOOD + 'flags = ["nope"]\n', "unknown regex flag"),
        (GOOD.replace('keywords = ["acme_"]', 'keywords = "acme_"'), "'keywords' must be a list"),
    ],
)
def test_rule_errors_name_the_rule(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(RuleError, match=message) as info:
        load_rules_file(_write(tmp_path, body))
    assert "acme-token" in str(info.value)


def test_broken_toml_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"rules\.toml"):
        load_rules_file(_write(tmp_path, "[[rule]\nid = "))


def test_builtin_rules_have_unique_ids_and_scoped_flags() -> None:
    rules = load_builtin_rules(validate=True)  # compiles every pattern and checks groups
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        # Only scoped inline flags: a global "(?i)" breaks combining patterns.
        assert "(?i)" not in r.pattern.pattern, r.id
        assert all(k == k.lower() for k in r.keywords), r.id
        if r.anchored:  # tried only where a keyword (or a case-sensitive anchor) occurs
            assert r.keywords or isinstance(r.extra.get("anchors"), list), r.id


def test_user_file_can_use_builtin_precheck(tmp_path: Path) -> None:
    body = GOOD.replace('keywords = ["acme_"]', 'precheck = "digits"')
    [rule] = load_rules_file(_write(tmp_path, body))
    assert rule.precheck is not None
