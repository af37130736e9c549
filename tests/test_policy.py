"""Policy: one set of names, read from files and the environment, checked on the way in."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisafe_nb.policy import Policy, PolicyError, config_root, find_config_file


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_configuration(tmp_path):
    policy = Policy.load(tmp_path, environ={})
    assert policy == Policy()
    assert policy.redact_secrets
    assert not policy.redact_pii
    assert policy.mode == "warn"


def test_reads_tool_table_from_pyproject_upwards(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.aisafe-nb]\nmode = "strict"\nbudget-daily = 2\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    policy = Policy.load(nested, environ={})
    assert policy.mode == "strict"
    assert policy.budget_daily == 2.0
    assert config_root(nested) == tmp_path


def test_pyproject_without_our_table_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.aisafe-nb]\nmode = "strict"\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config_file(tmp_path / "sub") == tmp_path / "pyproject.toml"


def test_pyproject_naming_us_only_as_a_dependency_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool."aisafe-nb"]\nmode = "strict"\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\ndependencies = ["aisafe-nb"]\n')
    assert find_config_file(tmp_path / "sub") == tmp_path / "pyproject.toml"


def test_dot_file_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.aisafe-nb]\nmode = "strict"\n')
    write(tmp_path / ".aisafe-nb.toml", 'mode = "warn"\nredact_pii = true\n')
    policy = Policy.load(tmp_path, environ={})
    assert policy.mode == "warn"
    assert policy.redact_pii is True


def test_environment_overrides_the_file(tmp_path):
    write(tmp_path / ".aisafe-nb.toml", 'mode = "strict"\nexclude = ["a"]\n')
    env = {"AISAFE_NB_MODE": "warn", "AISAFE_NB_EXCLUDE": "x, y", "AISAFE_NB_REDACT_PII": "yes"}
    policy = Policy.load(tmp_path, environ=env)
    assert policy.mode == "warn"
    assert policy.exclude == ("x", "y")
    assert policy.redact_pii is True


def test_unrelated_environment_variables_are_ignored(tmp_path):
    assert Policy.load(tmp_path, environ={"AISAFE_NB_NOT_A_SETTING": "1"}) == Policy()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"no_such_setting": 1}, "unknown setting 'no_such_setting'"),
        ({"mode": "loud"}, "must be one of"),
        ({"redact_pii": "maybe"}, "invalid value"),
        ({"budget_daily": "lots"}, "invalid value"),
        ({"budget_daily": True}, "invalid value"),
        ({"exclude": 3}, "invalid value"),
        ({"default_price": [1.0]}, "invalid value"),
        ({"operators": ["block"]}, "invalid value"),
    ],
)
def test_bad_values_are_rejected_with_the_setting_named(data, message):
    with pytest.raises(PolicyError, match=message):
        Policy.from_mapping(data, source="test")


def test_broken_toml_is_one_clear_error(tmp_path):
    write(tmp_path / ".aisafe-nb.toml", "mode = \n")
    with pytest.raises(PolicyError, match="cannot read configuration"):
        Policy.load(tmp_path, environ={})


def test_replace_checks_values_like_configuration():
    policy = Policy().replace(mode="strict", strip_outputs=False)
    assert (policy.mode, policy.strip_outputs) == ("strict", False)
    with pytest.raises(PolicyError):
        Policy().replace(mode="sometimes")


def test_dashes_and_underscores_name_the_same_setting():
    assert Policy.from_mapping({"save-mode": "block"}).save_mode == "block"
    assert Policy.from_mapping({"operators": {"email": "block"}}).operators == {"email": "block"}


def test_every_name_is_listed_once():
    names = Policy.names()
    assert len(names) == len(set(names))
    assert "mode" in names
    assert "save_mode" in names
