"""Atomic writes: old or new content, never half; mode kept; leftovers recognisable."""

from __future__ import annotations

import os
import re
import stat

import pytest

from aisafe_nb.atomic import (
    FileChangedError,
    atomic_write_bytes,
    atomic_write_text,
    is_temp_name,
    remove_stale_temps,
    temp_name_for,
)


def test_writes_new_file_and_replaces_existing(tmp_path):
    target = tmp_path / "a.ipynb"
    atomic_write_text(target, "one\n")
    assert target.read_text() == "one\n"
    atomic_write_bytes(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]


def test_keeps_file_mode(tmp_path):
    target = tmp_path / "a.ipynb"
    target.write_text("x")
    os.chmod(target, 0o640)
    atomic_write_text(target, "y")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_explicit_mode_for_new_file(tmp_path):
    target = tmp_path / ".env"
    atomic_write_text(target, "A=1\n", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_text_is_not_newline_translated(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "a\r\nb\n")
    assert target.read_bytes() == b"a\r\nb\n"


def test_changed_file_is_not_overwritten(tmp_path):
    target = tmp_path / "a.ipynb"
    target.write_text("original")
    before = os.stat(target)
    target.write_text("edited by someone else, longer")
    with pytest.raises(FileChangedError):
        atomic_write_text(target, "cleaned", expect_stat=before)
    assert target.read_text() == "edited by someone else, longer"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]


def test_unchanged_file_passes_the_check(tmp_path):
    target = tmp_path / "a.ipynb"
    target.write_text("original")
    atomic_write_text(target, "cleaned", expect_stat=os.stat(target))
    assert target.read_text() == "cleaned"


def test_failed_write_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "a.ipynb"
    target.write_text("original")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(target, "new")
    assert target.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]


def test_temp_names_are_recognised_and_removed(tmp_path):
    target = tmp_path / "a.ipynb"
    tmp = temp_name_for(target)
    assert tmp.parent == tmp_path
    assert is_temp_name(tmp.name)
    assert not is_temp_name("a.ipynb")
    assert not is_temp_name(".hidden.ipynb")
    tmp.write_text("half")
    (tmp_path / "keep.ipynb").write_text("{}")
    removed = remove_stale_temps(tmp_path)
    assert removed == [tmp]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.ipynb"]


def test_temp_names_are_fresh_and_recognisable(tmp_path):
    names = {temp_name_for(tmp_path / "a.ipynb").name for _ in range(200)}
    assert len(names) == 200
    assert all(re.fullmatch(r"\.a\.ipynb\.aisafe-tmp-[0-9a-f]{12}", n) for n in names)


def test_remove_stale_temps_on_missing_folder(tmp_path):
    assert remove_stale_temps(tmp_path / "nope") == []
