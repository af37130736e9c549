"""`StagedWrites`: many files written, synced together, then renamed; never a rename first.

Run on the real file system. Faults that cannot be caused on demand here (a sync that
fails, a disk error on one file) are injected at the system-call wrappers.
"""

from __future__ import annotations

import errno
import os
import stat
import time

import pytest

from aisafe_nb import staged_writes
from aisafe_nb.atomic import FileChangedError, SpareInodes, is_temp_name
from aisafe_nb.staged_writes import MAX_FILES, StagedWrites, sync_folders


def _files(folder, n: int) -> list:
    paths = []
    for i in range(n):
        path = folder / f"nb{i:03d}.ipynb"
        path.write_bytes(b"old %d" % i)
        paths.append(path)
    return paths


def _wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def _has_content(path, data: bytes):
    return lambda: path.read_bytes() == data


def _temps(folder) -> list:
    return [p for p in folder.rglob("*") if is_temp_name(p.name)]


def test_every_file_is_replaced_in_groups_with_its_mode(tmp_path):
    paths = _files(tmp_path, MAX_FILES * 2 + 5)
    os.chmod(paths[3], 0o640)
    old_inodes = {os.stat(p).st_ino for p in paths}
    spares = SpareInodes()
    with StagedWrites[int](spares) as writes:
        for i, path in enumerate(paths):
            if i == MAX_FILES:  # let the first group land, as sanitizing the next file would
                _wait_until(_has_content(paths[MAX_FILES - 1], b"new %d" % (MAX_FILES - 1)))
            writes.add(i, path, b"new %d" % i, expect_stat=os.stat(path))
    spares.close()
    assert sorted(writes.done) == [(i, None) for i in range(len(paths))]
    assert [p.read_bytes() for p in paths] == [b"new %d" % i for i in range(len(paths))]
    assert stat.S_IMODE(os.stat(paths[3]).st_mode) == 0o640
    assert _temps(tmp_path) == []
    assert all(os.stat(p).st_nlink == 1 for p in paths)
    # the next group is written into inodes of the files the first group replaced
    assert len(old_inodes & {os.stat(p).st_ino for p in paths}) >= MAX_FILES - 1


def test_no_file_is_renamed_before_its_data_is_synced(tmp_path, monkeypatch):
    events: list[tuple[str, object]] = []
    real_syncfs = staged_writes.syncfs_function()
    assert real_syncfs is not None, "this machine's libc has syncfs"

    def syncfs(fd: int) -> int:
        events.append(("sync", None))
        return real_syncfs(fd)

    real_replace = os.replace

    def replace(src, dst):
        events.append(("rename", os.fspath(dst)))
        real_replace(src, dst)

    real_stage = staged_writes.stage

    def stage(target, data, **kwargs):
        events.append(("stage", os.fspath(target)))
        return real_stage(target, data, **kwargs)

    monkeypatch.setattr(staged_writes, "syncfs_function", lambda: syncfs)
    monkeypatch.setattr(staged_writes, "stage", stage)
    monkeypatch.setattr(os, "replace", replace)
    paths = _files(tmp_path, MAX_FILES + 3)
    with StagedWrites[int]() as writes:
        for i, path in enumerate(paths):
            writes.add(i, path, b"x", expect_stat=os.stat(path))
    staged_at = {target: n for n, (kind, target) in enumerate(events) if kind == "stage"}
    syncs = [n for n, (kind, _) in enumerate(events) if kind == "sync"]
    renamed = {target: n for n, (kind, target) in enumerate(events) if kind == "rename"}
    assert set(renamed) == {os.fspath(p) for p in paths}
    for target, at in renamed.items():
        assert any(staged_at[target] < s < at for s in syncs), f"{target} renamed unsynced"
    assert len(syncs) == 2  # one per group


def test_without_syncfs_each_file_is_fsynced(tmp_path, monkeypatch):
    fsynced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(staged_writes, "syncfs_function", lambda: None)
    monkeypatch.setattr(os, "fsync", lambda fd: (fsynced.append(fd), real_fsync(fd)))
    paths = _files(tmp_path, 5)
    with StagedWrites[int]() as writes:
        for i, path in enumerate(paths):
            writes.add(i, path, b"y", expect_stat=os.stat(path))
    assert len(fsynced) == 5
    assert all(p.read_bytes() == b"y" for p in paths)


def test_a_file_that_cannot_be_synced_is_not_renamed(tmp_path, monkeypatch):
    paths = _files(tmp_path, 4)
    failing: set[int] = set()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if fd in failing:
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    real_stage = staged_writes.stage

    def stage(target, data, **kwargs):
        staged = real_stage(target, data, **kwargs)
        if target == paths[2]:
            failing.add(staged.fd)
        return staged

    monkeypatch.setattr(staged_writes, "syncfs_function", lambda: lambda fd: -1)  # sync failed
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(staged_writes, "stage", stage)
    with StagedWrites[int]() as writes:
        for i, path in enumerate(paths):
            writes.add(i, path, b"new", expect_stat=os.stat(path))
    errors = dict(writes.done)
    assert isinstance(errors[2], OSError)
    assert errors[2].errno == errno.EIO
    assert paths[2].read_bytes() == b"old 2"
    assert [paths[i].read_bytes() for i in (0, 1, 3)] == [b"new"] * 3
    assert _temps(tmp_path) == []


def test_a_file_changed_meanwhile_is_left_alone(tmp_path):
    [path] = _files(tmp_path, 1)
    before = os.stat(path)
    with StagedWrites[str]() as writes:
        writes.add("a", path, b"cleaned", expect_stat=before)
        path.write_bytes(b"edited by the user, longer")
    [(key, error)] = writes.done
    assert key == "a"
    assert isinstance(error, FileChangedError)
    assert path.read_bytes() == b"edited by the user, longer"
    assert _temps(tmp_path) == []


def test_an_exception_discards_what_is_waiting(tmp_path):
    paths = _files(tmp_path, 3)
    writes = StagedWrites[int]()

    def interrupted() -> None:
        with writes:
            for i, path in enumerate(paths):
                writes.add(i, path, b"new", expect_stat=os.stat(path))
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert [p.read_bytes() for p in paths] == [b"old 0", b"old 1", b"old 2"]
    assert _temps(tmp_path) == []
    assert writes.done == []


def test_a_bug_while_publishing_stops_publishing_and_is_raised(tmp_path, monkeypatch):
    paths = _files(tmp_path, MAX_FILES * 3)
    originals = [p.read_bytes() for p in paths]
    real_publish = staged_writes.publish

    def publish(staged, data, spares=None):
        if staged.target == paths[MAX_FILES + 2]:
            staged_writes.discard(staged)  # as publish itself cleans up before raising
            raise RuntimeError("a bug")
        real_publish(staged, data, spares)

    def write_all() -> None:
        with StagedWrites[int]() as writes:
            for i, path in enumerate(paths):
                writes.add(i, path, b"new %d" % i, expect_stat=os.stat(path))

    monkeypatch.setattr(staged_writes, "publish", publish)
    with pytest.raises(RuntimeError, match="a bug"):
        write_all()
    contents = [p.read_bytes() for p in paths]
    assert contents[:MAX_FILES] == [b"new %d" % i for i in range(MAX_FILES)]
    assert contents[MAX_FILES * 2 :] == originals[MAX_FILES * 2 :]  # never renamed
    assert _temps(tmp_path) == []


def test_a_file_that_cannot_be_staged_is_reported(tmp_path):
    missing = tmp_path / "no such folder" / "a.ipynb"
    with StagedWrites[int]() as writes:
        writes.add(1, missing, b"x", mode=0o644)
    [(key, error)] = writes.done
    assert key == 1
    assert isinstance(error, FileNotFoundError)


def test_new_files_get_the_given_mode(tmp_path):
    target = tmp_path / "out.ipynb"
    with StagedWrites[int]() as writes:
        writes.add(1, target, b"x", mode=0o600)
    assert writes.done == [(1, None)]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_sync_folders_syncs_each_file_system_once(tmp_path, monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(staged_writes, "syncfs_function", lambda: lambda fd: calls.append(fd) or 0)
    folders = [tmp_path / name for name in "abc"]
    for folder in folders:
        folder.mkdir()
    sync_folders([*folders, tmp_path / "gone"])
    assert len(calls) == 1


def test_sync_folders_falls_back_to_folder_fsyncs(tmp_path, monkeypatch):
    synced: list[str] = []
    monkeypatch.setattr(staged_writes, "syncfs_function", lambda: None)
    monkeypatch.setattr(staged_writes, "fsync_dir", lambda folder: synced.append(folder.name))
    folders = [tmp_path / name for name in "ab"]
    sync_folders(folders)
    assert synced == ["a", "b"]
