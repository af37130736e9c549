"""Allowlisting: pragma, baseline fingerprints, allow patterns, disabled types, Policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aisafe_nb.detect import Detector, scan_text
from aisafe_nb.detect.allowlist import BaselineError, load_baseline, write_baseline
from aisafe_nb.policy import Policy
from tests import fakes as F


def test_baseline_round_trip_atomic(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, ["b", "a", "a"])
    assert load_baseline(path) == {"a", "b"}
    assert json.loads(path.read_text())["fingerprints"] == ["a", "b"]
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]  # no temp files left


def test_missing_baseline_is_empty(tmp_path: Path) -> None:
    assert load_baseline(tmp_path / "none.json") == set()


@pytest.mark.parametrize("body", ["{not json", '{"fingerprints": [1, 2]}', '"x"'])
def test_bad_baseline_is_one_clear_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(body)
    with pytest.raises(BaselineError, match=r"b\.json"):
        load_baseline(path)


def test_from_policy_honours_baseline(tmp_path: Path) -> None:
    key, other = F.github_token(1), F.github_token(2)
    text = f"a = '{key}'\nb = '{other}'"
    [first, second] = scan_text(text)
    write_baseline(tmp_path / "base.json", [first.fingerprint])
    det = Detector.from_policy(Policy(baseline="base.json"), root=tmp_path)
    [left] = det.scan(text)
    assert left.fingerprint == second.fingerprint


def test_from_policy_allow_patterns_and_disabled_types() -> None:
    text = f"mail {F.email(1)} from {F.public_ipv4(2)} key {F.github_token(3)}"
    det = Detector.from_policy(Policy(allow_patterns=("^ghp_",), disabled_types=("ip-address",)))
    assert {f.type for f in det.scan(text)} == {"email"}


def test_from_policy_bad_allow_pattern() -> None:
    with pytest.raises(ValueError, match="allow pattern"):
        Detector.from_policy(Policy(allow_patterns=("(",)))


def test_pragma_only_on_its_line() -> None:
    text = f"a = '{F.npm_token(1)}'  # aisafe: allow\nb = '{F.npm_token(2)}'"
    found = scan_text(text)
    assert len(found) == 1
    assert found[0].start > text.index("\n")


def test_strict_detector_raises_when_a_rule_times_out_and_lenient_one_skips():
    from aisafe_nb.detect.engine import Detector, ScanIncomplete
    from aisafe_nb.detect.rules import parse_rule

    slow = parse_rule({"id": "slow", "type": "slow", "kind": "pii", "pattern": "(?:a|aa)+b"})
    text = "a" * 60
    assert Detector([slow]).scan(text) == []  # lenient: the slow rule is skipped
    with pytest.raises(ScanIncomplete, match="rule slow timed out"):
        Detector([slow], strict=True).scan(text)
