"""`SpareInodes`: a replaced file's inode becomes the next temporary file, only when safe.

Reuse is what makes batch writes cheap; each refusal below guards against handing one
file's inode (its owner, its ACL, a reader still holding it open, another name for it) to
another file's content.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys

import pytest

from aisafe_nb.atomic import SpareInodes, atomic_write_bytes, is_temp_name


def _files(folder, n: int, size: int = 3000) -> list:
    paths = []
    for i in range(n):
        path = folder / f"nb{i}.ipynb"
        path.write_bytes(bytes([65 + i]) * size)
        paths.append(path)
    return paths


def _replace(path, data: bytes, spares: SpareInodes) -> None:
    atomic_write_bytes(path, data, expect_stat=os.stat(path), sync_dir=False, spares=spares)


def test_the_next_file_is_written_into_the_replaced_files_inode(tmp_path):
    a, b, c = _files(tmp_path, 3)
    old_a, old_b = os.stat(a).st_ino, os.stat(b).st_ino
    os.chmod(b, 0o640)
    spares = SpareInodes()
    _replace(a, b"new a", spares)
    [kept] = [p for p in tmp_path.iterdir() if is_temp_name(p.name)]
    assert os.stat(kept).st_ino == old_a  # a's old inode is alive under a temporary name
    _replace(b, b"new b", spares)
    _replace(c, b"new c", spares)
    assert os.stat(b).st_ino == old_a  # b's new content lives in it now
    assert os.stat(c).st_ino == old_b
    assert (a.read_bytes(), b.read_bytes(), c.read_bytes()) == (b"new a", b"new b", b"new c")
    assert stat.S_IMODE(os.stat(b).st_mode) == 0o640  # b's own mode, not a's
    assert all(os.stat(p).st_nlink == 1 for p in (a, b, c))
    leftovers = [p.name for p in tmp_path.iterdir() if is_temp_name(p.name)]
    assert len(leftovers) == 1  # c's old inode, kept for a next file
    spares.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb0.ipynb", "nb1.ipynb", "nb2.ipynb"]


def test_a_spare_is_emptied_when_it_is_put_back_not_when_it_is_taken(tmp_path, monkeypatch):
    # Freeing the old blocks waits for the disk: it happens on the publishing side (put),
    # so the writer that takes the spare does not wait for it.
    a, b = _files(tmp_path, 2, size=200_000)
    old_a = os.stat(a).st_ino
    spares = SpareInodes()
    _replace(a, b"new a", spares)
    [kept] = [p for p in tmp_path.iterdir() if is_temp_name(p.name)]
    assert (os.stat(kept).st_ino, os.stat(kept).st_size) == (old_a, 0)
    truncated: list[int] = []
    real_ftruncate = os.ftruncate
    monkeypatch.setattr(os, "ftruncate", lambda fd, n: (truncated.append(n),
                                                         real_ftruncate(fd, n)))
    _replace(b, b"new b", spares)  # takes the emptied spare; puts b's old inode back
    monkeypatch.undo()
    assert os.stat(b).st_ino == old_a
    assert truncated == [0]  # once, for b's old inode as it was put back
    assert b.read_bytes() == b"new b"
    spares.close()


def test_a_spare_serves_any_folder_of_the_file_system(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    [a], [b] = _files(tmp_path / "x", 1), _files(tmp_path / "y", 1)
    old_a = os.stat(a).st_ino
    spares = SpareInodes()
    _replace(a, b"1", spares)
    _replace(b, b"2", spares)  # rename is atomic across folders of one file system
    assert os.stat(b).st_ino == old_a
    assert (a.read_bytes(), b.read_bytes()) == (b"1", b"2")
    assert not [p for p in (tmp_path / "x").iterdir() if is_temp_name(p.name)]
    spares.close()


def test_a_spare_on_another_mount_falls_back_to_a_fresh_temporary_file(tmp_path, monkeypatch):
    # A bind mount shares the device number but refuses renames across it (EXDEV).
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    [a], [b] = _files(tmp_path / "x", 1), _files(tmp_path / "y", 1)
    spares = SpareInodes()
    _replace(a, b"1", spares)
    real_replace = os.replace

    def no_cross_mount(src, dst):
        if os.path.dirname(src) != os.path.dirname(dst):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", no_cross_mount)
    _replace(b, b"2", spares)
    monkeypatch.undo()
    spares.close()
    assert (a.read_bytes(), b.read_bytes()) == (b"1", b"2")
    assert os.stat(b).st_nlink == 1
    assert not [p for p in tmp_path.rglob("*") if is_temp_name(p.name)]


def test_a_file_with_another_name_is_never_reused(tmp_path):
    a, b = _files(tmp_path, 2)
    other_name = tmp_path / "linked-elsewhere.ipynb"
    os.link(a, other_name)
    original = other_name.read_bytes()
    spares = SpareInodes()
    _replace(a, b"new a", spares)
    _replace(b, b"new b", spares)
    spares.close()
    assert other_name.read_bytes() == original  # the other name still has a's old content
    assert os.stat(other_name).st_nlink == 1


def test_an_inode_still_open_elsewhere_is_not_reused(tmp_path):
    a, b = _files(tmp_path, 2)
    original = a.read_bytes()
    # Another process holds a's file open (an editor, a viewer) across the replacement.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; f = open(sys.argv[1], 'rb'); sys.stdin.read()",
         str(a)], stdin=subprocess.PIPE)
    try:
        for _ in range(200):  # wait until it has the file open
            if any(os.path.realpath(f"/proc/{holder.pid}/fd/{fd}") == str(a)
                   for fd in os.listdir(f"/proc/{holder.pid}/fd")):
                break
            subprocess.run(["sleep", "0.01"], check=True)
        spares = SpareInodes()
        _replace(a, b"new a", spares)
        _replace(b, b"new b", spares)
        spares.close()
        with open(f"/proc/{holder.pid}/fd/3", "rb") as still_open:
            assert still_open.read() == original
    finally:
        holder.communicate(b"")


def test_an_inode_with_extended_attributes_is_not_reused(tmp_path):
    a, b = _files(tmp_path, 2)
    try:
        os.setxattr(a, "user.origin", b"somewhere")
    except OSError as exc:  # the file system must allow user xattrs for this test
        pytest.fail(f"user xattrs unavailable here: {exc}")
    spares = SpareInodes()
    _replace(a, b"new a", spares)
    _replace(b, b"new b", spares)
    spares.close()
    assert os.listxattr(b) == []  # b did not get a's inode (and its attributes)


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root (CI runs so)")
def test_an_inode_of_another_owner_is_not_reused(tmp_path):
    a, b = _files(tmp_path, 2)
    os.chown(a, 12345, 12345)
    spares = SpareInodes()
    _replace(a, b"new a", spares)
    _replace(b, b"new b", spares)
    spares.close()
    assert (os.stat(b).st_uid, os.stat(b).st_gid) == (0, 0)  # not a's inode, not a's owner


def test_a_failed_replacement_keeps_the_original_and_no_extra_name(tmp_path, monkeypatch):
    a, b = _files(tmp_path, 2)
    spares = SpareInodes()
    _replace(a, b"new a", spares)
    original_b = b.read_bytes()

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        _replace(b, b"new b", spares)
    monkeypatch.undo()
    spares.close()
    assert b.read_bytes() == original_b
    assert os.stat(b).st_nlink == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb0.ipynb", "nb1.ipynb"]
