"""Which files are walked: recursion, .gitignore (real git and the fallback), checkpoints."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from aisafe_nb.walk import WalkError, iter_files, looks_binary

GIT = shutil.which("git")


def _tree(root: Path) -> None:
    for rel in [
        "a.ipynb",
        "sub/b.ipynb",
        "sub/notes.md",
        "build/out.ipynb",
        "sub/.ipynb_checkpoints/b-checkpoint.ipynb",
        "data/big.csv",
    ]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("{}", encoding="utf-8")
    (root / ".gitignore").write_text("build/\n*.csv\n.ipynb_checkpoints/\n", encoding="utf-8")


def _rel(paths, root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in paths)


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


EXPECTED = [
    ".gitignore",
    "a.ipynb",
    "sub/.ipynb_checkpoints/b-checkpoint.ipynb",
    "sub/b.ipynb",
    "sub/notes.md",
]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_gitignore_respected_in_a_real_git_repo(tmp_path):
    _tree(tmp_path)
    _git_init(tmp_path)
    (tmp_path / ".git" / "HEAD").stat()
    assert _rel(iter_files([tmp_path]), tmp_path) == EXPECTED


def test_gitignore_respected_without_git(tmp_path, monkeypatch):
    _tree(tmp_path)
    (tmp_path / ".git").mkdir()  # looks like a work tree, so git would be asked
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert _rel(iter_files([tmp_path]), tmp_path) == EXPECTED


def test_git_is_not_spawned_outside_a_work_tree(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.delenv("GIT_DIR", raising=False)

    def no_git(*args, **kwargs):
        raise AssertionError(f"git was spawned: {args}")

    monkeypatch.setattr("subprocess.run", no_git)
    assert _rel(iter_files([tmp_path]), tmp_path) == EXPECTED


def test_fallback_matcher_handles_negation_anchors_and_nested_files(tmp_path):
    for rel in ["keep.log", "drop.log", "src/x.py", "src/gen/y.py", "gen/z.py", "docs/a.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.log\n!keep.log\n/gen/\n", encoding="utf-8")
    (tmp_path / "docs" / ".gitignore").write_text("*.md\n", encoding="utf-8")
    got = _rel(iter_files([tmp_path]), tmp_path)
    assert got == [".gitignore", "docs/.gitignore", "keep.log", "src/gen/y.py", "src/x.py"]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_no_gitignore_and_no_checkpoints(tmp_path):
    _tree(tmp_path)
    _git_init(tmp_path)
    everything = _rel(iter_files([tmp_path], respect_gitignore=False), tmp_path)
    assert "build/out.ipynb" in everything
    assert "data/big.csv" in everything
    no_cp = _rel(iter_files([tmp_path], include_checkpoints=False), tmp_path)
    assert no_cp == [p for p in EXPECTED if ".ipynb_checkpoints" not in p]


def test_git_folder_is_never_walked(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x", encoding="utf-8")
    (tmp_path / "a.py").write_text("x", encoding="utf-8")
    assert _rel(iter_files([tmp_path], respect_gitignore=False), tmp_path) == ["a.py"]


def test_exclude_and_suffixes(tmp_path):
    _tree(tmp_path)
    got = _rel(iter_files([tmp_path], exclude=["sub/*.md", "a.*"], suffixes=[".ipynb"]),
               tmp_path)
    assert got == ["sub/.ipynb_checkpoints/b-checkpoint.ipynb", "sub/b.ipynb"]
    got = _rel(iter_files([tmp_path], exclude=["sub"]), tmp_path)
    assert got == [".gitignore", "a.ipynb"]


def test_explicit_file_is_yielded_and_duplicates_once(tmp_path):
    _tree(tmp_path)
    # An ignored file named explicitly is scanned: the user asked for it.
    got = list(iter_files([tmp_path / "build" / "out.ipynb", tmp_path / "a.ipynb", tmp_path]))
    assert got[:2] == [tmp_path / "build" / "out.ipynb", tmp_path / "a.ipynb"]
    assert len(got) == len(set(got))


def test_missing_path_raises_or_reports(tmp_path):
    with pytest.raises(WalkError, match="nope: no such file or folder"):
        list(iter_files([tmp_path / "nope"]))
    errors: list[WalkError] = []
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    got = list(iter_files([tmp_path / "nope", tmp_path / "a.txt"], on_error=errors.append))
    assert got == [tmp_path / "a.txt"]
    assert [str(e) for e in errors] == [f"{tmp_path / 'nope'}: no such file or folder"]


def test_symlink_loops_are_safe(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "real" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "loop.ipynb").symlink_to(tmp_path / "loop.ipynb")
    got = _rel(iter_files([tmp_path], respect_gitignore=False), tmp_path)
    # Folder links are not followed; a looping file link is listed, its reader reports it.
    assert got == ["loop.ipynb", "real/a.ipynb"]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_ignored_folder_given_explicitly_is_walked(tmp_path):
    _tree(tmp_path)
    _git_init(tmp_path)
    got = _rel(iter_files([tmp_path / "build"]), tmp_path)
    assert got == ["build/out.ipynb"]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_tracked_file_deleted_from_disk_is_not_listed(tmp_path):
    _tree(tmp_path)
    _git_init(tmp_path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "x"], check=True, env=env)
    (tmp_path / "a.ipynb").unlink()
    assert "a.ipynb" not in _rel(iter_files([tmp_path]), tmp_path)


def test_looks_binary():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not looks_binary("plain text, ünïcode".encode())


def _excluded_by_definition(rel: str, root_rel: str, patterns: list[str]) -> bool:
    """The exclude rule as documented, spelled out path by path (the walker caches it)."""
    import fnmatch

    if any(fnmatch.fnmatchcase(root_rel, p) or root_rel == p for p in patterns):
        patterns = [p for p in patterns if not (fnmatch.fnmatchcase(root_rel, p) or root_rel == p)]
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pat in patterns:
        for c in prefixes + [f"{root_rel}/{x}" for x in prefixes]:
            if c == pat or fnmatch.fnmatchcase(c, pat):
                return True
        if "/" not in pat and any(fnmatch.fnmatchcase(part, pat) for part in parts):
            return True
    return False


def test_exclude_patterns_follow_their_definition(tmp_path, monkeypatch):
    import random

    rng = random.Random(4)
    names = ["a", "b", "lib", ".venv", "x.md", "n.ipynb", "ab.ipynb", "node_modules"]
    root = tmp_path / "proj" / "work"
    files = set()
    for _ in range(300):
        rel = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
        if rel.endswith((".md", ".ipynb")):
            files.add(rel)
    made = []
    for rel in sorted(files):
        p = root / rel
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("x", encoding="utf-8")
            made.append(rel)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue
    made = [rel for rel in made if (root / rel).is_file()]
    pool = ["*.md", "lib", "a/b", "work/a", ".venv", "a/*.ipynb", "n.*", "node_modules/*",
            "proj", "b/lib/*", "[ab]", "work", "x.md"]
    monkeypatch.chdir(tmp_path / "proj")
    assert len(made) > 20
    dropped = 0
    for _ in range(40):
        patterns = rng.sample(pool, rng.randint(1, 4))
        got = set(_rel(iter_files([root], exclude=patterns, respect_gitignore=False), root))
        want = {r for r in made if not _excluded_by_definition(r, "work", patterns)}
        assert got == want, patterns
        dropped += len(made) - len(got)
    assert 0 < dropped < 40 * len(made)  # the patterns drop some files, not all
