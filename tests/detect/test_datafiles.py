"""The parsed-rules cache: same data as parsing, and never in the way when it is broken."""

from __future__ import annotations

import tomllib

import pytest

from aisafe_nb.detect import datafiles
from aisafe_nb.detect.datafiles import DATA_DIR, parsed_toml
from aisafe_nb.detect.rules import RULE_FILES, load_builtin_rules


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "aisafe-nb"


def counting_parser():
    calls = []

    def parse(text: str) -> dict:
        calls.append(text)
        return tomllib.loads(text)

    return parse, calls


@pytest.mark.parametrize("name", RULE_FILES)
def test_cached_rules_equal_parsed_rules(cache, name):
    raw = (DATA_DIR / name).read_bytes()
    parse, calls = counting_parser()
    first = parsed_toml(raw, parse)
    second = parsed_toml(raw, parse)
    assert len(calls) == 1  # the second read came from the cache
    assert first == second == tomllib.loads(raw.decode())
    assert len(list(cache.iterdir())) == 1


def test_changed_bytes_are_parsed_afresh(cache):
    parse, calls = counting_parser()
    assert parsed_toml(b"a = 1\n", parse) == {"a": 1}
    assert parsed_toml(b"a = 2\n", parse) == {"a": 2}
    assert len(calls) == 2


def test_corrupt_cache_file_is_ignored_and_replaced(cache):
    parse, calls = counting_parser()
    parsed_toml(b"a = 1\n", parse)
    (entry,) = cache.iterdir()
    entry.write_bytes(b"\x00garbage")
    assert parsed_toml(b"a = 1\n", parse) == {"a": 1}
    assert parsed_toml(b"a = 1\n", parse) == {"a": 1}
    assert len(calls) == 2  # parsed once more, then cached again


def test_cache_path_that_is_a_file_still_works(cache):
    cache.write_text("not a folder", encoding="utf-8")
    parse, calls = counting_parser()
    assert parsed_toml(b"a = 1\n", parse) == {"a": 1}
    assert len(calls) == 1
    assert cache.read_text(encoding="utf-8") == "not a folder"


def test_values_marshal_cannot_hold_are_not_cached(cache):
    parse, _ = counting_parser()
    assert parsed_toml(b"day = 2024-01-02\n", parse)["day"].year == 2024
    assert not cache.exists() or list(cache.iterdir()) == []


def test_builtin_rules_load_the_same_from_the_cache(cache):
    fresh = load_builtin_rules()
    assert any(cache.iterdir())
    again = load_builtin_rules()
    def shape(rules):
        return [(r.id, r.pattern.source, r.pattern.flags, r.keywords) for r in rules]

    assert shape(again) == shape(fresh)


def test_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert datafiles.cache_dir() == tmp_path / "x" / "aisafe-nb"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert datafiles.cache_dir() == datafiles.Path.home() / ".cache" / "aisafe-nb"
