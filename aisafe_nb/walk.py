"""Which files a command looks at: folders walked recursively, `.gitignore` respected.

Inside a git work tree the list comes from ``git ls-files --cached --others
--exclude-standard``: one process, git's own (exact) ignore rules, and it never descends
into ignored folders such as ``.venv``. Elsewhere, or without git, a small `.gitignore`
matcher walks the folder. Either way ``.ipynb_checkpoints`` folders are included even when
ignored — Jupyter's autosave copies hold the same secrets as the notebooks — unless
``include_checkpoints=False``. Symlinked folders are not followed (so a link loop cannot
trap the walk); symlinked files are listed, and reading them reports any loop.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

#: Version-control folders: never walked.
VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr"})
CHECKPOINTS_DIR = ".ipynb_checkpoints"
#: File name endings that are binary for sure: skipped without reading a byte.
_BINARY_SUFFIX_TEXT = (
    ".png .jpg .jpeg .gif .webp .bmp .ico .tif .tiff .pdf .zip .gz .tgz .bz2 .xz .zst .7z "
    ".tar .whl .egg .jar .so .dylib .dll .exe .o .a .pyc .pyo .pyd .class .bin .dat .db "
    ".sqlite .sqlite3 .parquet .feather .arrow .h5 .hdf5 .npy .npz .pkl .pickle .pt .pth "
    ".onnx .safetensors .ckpt .mp3 .mp4 .wav .ogg .flac .avi .mov .mkv .woff .woff2 .ttf "
    ".otf .eot .xlsx .xls .docx .pptx"
)
BINARY_SUFFIXES = frozenset(_BINARY_SUFFIX_TEXT.split())
#: How much of a file is sniffed for NUL bytes to call it binary.
SNIFF_BYTES = 8192


class WalkError(Exception):
    """A path given to walk cannot be walked. `str()` is one line naming the path."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def looks_binary(head: bytes) -> bool:
    """True when the first bytes of a file hold a NUL (how git and grep tell binaries)."""
    return b"\x00" in head[:SNIFF_BYTES]


def has_binary_suffix(path: Path) -> bool:
    """True for file names that are binary by their ending (images, archives, models...)."""
    return path.suffix.lower() in BINARY_SUFFIXES


def iter_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[str] = (),
    respect_gitignore: bool = True,
    include_checkpoints: bool = True,
    suffixes: Iterable[str] | None = None,
    on_error: Callable[[WalkError], None] | None = None,
    exclude_base: str | os.PathLike[str] | None = None,
) -> Iterator[Path]:
    """Yield the files under `paths` (files are yielded as given), each once, in order.

    `exclude` holds glob patterns matched against paths relative to `exclude_base` (the
    folder of the settings file; default: the current folder) and to the walked folder,
    and, for patterns without a slash, against each path component (``.venv``,
    ``*.min.js``). A path given explicitly is scanned even inside an excluded folder
    (the user asked for it); excludes apply to what is found below it.
    `suffixes` (e.g. ``(".ipynb",)``) filters files found inside folders. A missing path
    raises `WalkError`, or is passed to `on_error` (and skipped) when given.
    """
    patterns = tuple(p.strip().strip("/") for p in exclude if p.strip())
    base = Path(exclude_base).absolute() if exclude_base is not None else Path.cwd()
    wanted = tuple(s.lower() for s in suffixes) if suffixes is not None else None
    seen: set[str] = set()
    cwd = os.getcwd()
    for raw in paths:
        root = Path(raw)
        if not os.path.lexists(root):
            err = WalkError(root, "no such file or folder")
            if on_error is None:
                raise err
            on_error(err)
            continue
        if root.is_dir():
            found: Iterable[Path] = _walk_dir(root, respect_gitignore, include_checkpoints)
        else:
            found = (root,)
        excluded = _Excluder(root, base, patterns)
        for path in found:
            key = os.path.normpath(os.path.join(cwd, path))  # os.path.abspath, one getcwd
            if key in seen:
                continue
            if path is not root:
                if wanted is not None and not path.name.lower().endswith(wanted):
                    continue
                if excluded(path):
                    continue
                if not include_checkpoints and CHECKPOINTS_DIR in path.parts:
                    continue
            seen.add(key)
            yield path


def _walk_dir(root: Path, respect_gitignore: bool, include_checkpoints: bool) -> Iterator[Path]:
    if respect_gitignore:
        listed = _git_list(root, include_checkpoints)
        if listed is not None:
            yield from listed
            return
    yield from _os_walk(root, respect_gitignore)


def _git_list(root: Path, include_checkpoints: bool) -> list[Path] | None:
    """Files under `root` as git sees them, or None outside a work tree or without git."""
    if not _may_be_in_work_tree(root):
        return None
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        return None
    base = [git, "-C", str(root), "ls-files", "-z", "--exclude-standard"]
    try:
        proc = subprocess.run(
            [*base, "--cached", "--others"], capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = [n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    if not names and _git_ignores(git, root):
        # The folder itself is ignored (e.g. a scratch folder): walk it on its own rules.
        return None
    files = [root / n for n in names if not n.endswith("/")]
    if include_checkpoints:
        files.extend(_ignored_checkpoints(base, root))
    # --cached lists tracked files deleted from disk, and git lists symlinks to folders as
    # files; neither is a file to read. (A looping symlink is kept: its reader reports it.)
    return sorted(
        (f for f in files if os.path.lexists(f) and not os.path.isdir(f)), key=_sort_key
    )


def _may_be_in_work_tree(root: Path) -> bool:
    """False when no folder from `root` up holds ``.git``: then git need not be asked.

    Spawning git costs milliseconds, and most folders a batch is run on outside CI are
    not repositories. ``GIT_DIR`` in the environment names a repository anywhere.
    """
    if "GIT_DIR" in os.environ:
        return True
    try:
        here = root.resolve()
    except (OSError, RuntimeError):
        return True
    return any(os.path.lexists(folder / ".git") for folder in (here, *here.parents))


def _git_ignores(git: str, root: Path) -> bool:
    import subprocess

    try:
        proc = subprocess.run(
            [git, "-C", str(root), "check-ignore", "-q", "."],
            capture_output=True, check=False, timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def _ignored_checkpoints(base: list[str], root: Path) -> list[Path]:
    """Checkpoint files git ignores; ``--directory`` keeps git out of ignored folders."""
    import subprocess

    try:
        proc = subprocess.run(
            [*base, "--others", "--ignored", "--directory"],
            capture_output=True, check=False, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    out: list[Path] = []
    for name in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not name or CHECKPOINTS_DIR not in name.split("/"):
            continue
        path = root / name
        if name.endswith("/"):
            out.extend(_os_walk(path, respect_gitignore=False))
        else:
            out.append(path)
    return out


def _sort_key(p: Path) -> str:
    return p.as_posix()


def _os_walk(root: Path, respect_gitignore: bool) -> Iterator[Path]:
    """Walk `root` without following symlinked folders, applying `.gitignore` files."""
    rules: list[_IgnoreRules] = []
    for dirpath, dirnames, filenames in _walk_sorted(root):
        here = Path(dirpath)
        # Rules of ancestors stay active while walking inside them.
        rules = [r for r in rules if r.base == here or r.base in here.parents]
        if respect_gitignore:
            own = _IgnoreRules.read(here)
            if own is not None:
                rules.append(own)
        keep = []
        for d in dirnames:
            if d in VCS_DIRS:
                continue
            sub = here / d
            if d != CHECKPOINTS_DIR and any(r.ignored(sub, True) for r in rules):
                continue
            keep.append(d)
        dirnames[:] = keep
        inside_checkpoints = CHECKPOINTS_DIR in here.relative_to(root).parts
        for name in filenames:
            path = here / name
            if not inside_checkpoints and any(r.ignored(path, False) for r in rules):
                continue
            yield path


def _walk_sorted(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    # Symlinks to folders land in dirnames and are never entered (followlinks=False); a
    # looping symlink is not a folder, so it lands in filenames and its reader reports it.
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        filenames.sort()
        yield dirpath, dirnames, filenames


class _Excluder:
    """Decides which paths below one walked folder the `exclude` patterns drop.

    A pattern drops a path when it matches (as a glob, or exactly) the path relative to the
    walked folder or to the settings folder, or any folder above it on the way down from
    the walked folder; a pattern without a slash also drops any path with a matching
    component (``.venv``, ``*.min.js``). A pattern matching the walked folder itself is
    ignored: the user asked for that folder. Folders are decided once and cached, so a
    file costs one or two regex matches, not a pass over its parents per pattern (that
    was a tenth of a 650-notebook scan).
    """

    def __init__(self, root: Path, base: Path, patterns: tuple[str, ...]) -> None:
        root_rel: str | None = None
        with contextlib.suppress(ValueError):
            root_rel = root.absolute().relative_to(base).as_posix()
        active = tuple(p for p in patterns if root_rel is None or not _glob_match(root_rel, p))
        self.root = root
        self.prefix = "" if root_rel in (None, ".") else f"{root_rel}/"
        self.has_prefix = root_rel is not None
        self.exact = frozenset(active)
        self.glob = _combined(active)
        self.name_glob = _combined(tuple(p for p in active if "/" not in p))
        self.folders: dict[str, bool] = {"": False}

    def __call__(self, path: Path) -> bool:
        if not self.exact:
            return False
        rel = path.relative_to(self.root).as_posix()
        folder, _, name = rel.rpartition("/")
        return self._folder(folder) or self._matches(rel, name)

    def _folder(self, rel: str) -> bool:
        known = self.folders.get(rel)
        if known is None:
            parent, _, name = rel.rpartition("/")
            known = self.folders[rel] = self._folder(parent) or self._matches(rel, name)
        return known

    def _matches(self, rel: str, name: str) -> bool:
        candidates = (rel, self.prefix + rel) if self.has_prefix else (rel,)
        if any(c in self.exact or self.glob.match(c) for c in candidates):
            return True
        return self.name_glob.match(name) is not None


def _combined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching what `fnmatch.fnmatchcase` matches for any of `patterns`."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(fnmatch.translate(p) for p in patterns))


def _glob_match(rel: str, pat: str) -> bool:
    """`rel` is `pat`, lies below folder `pat`, or matches glob `pat` (or a parent does)."""
    if rel == pat or rel.startswith(pat + "/") or fnmatch.fnmatchcase(rel, pat):
        return True
    return any(fnmatch.fnmatchcase(parent.as_posix(), pat) for parent in Path(rel).parents
               if parent.as_posix() != ".")


class _IgnoreRules:
    """The patterns of one `.gitignore` file (the subset of git's syntax people use)."""

    def __init__(self, base: Path, rules: list[tuple[re.Pattern[str], bool, bool]]) -> None:
        self.base = base
        self.rules = rules  # (regex, negated, dir_only)

    @classmethod
    def read(cls, folder: Path) -> _IgnoreRules | None:
        try:
            text = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        rules = []
        for line in text.splitlines():
            line = line.rstrip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            if negated:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            # A slash at the start or in the middle anchors the pattern to this folder.
            anchored = "/" in line
            rules.append((_glob_to_regex(line.lstrip("/"), anchored), negated, dir_only))
        return cls(folder, rules) if rules else None

    def ignored(self, path: Path, is_dir: bool) -> bool:
        rel = path.relative_to(self.base).as_posix()
        result = False
        for rx, negated, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            if rx.fullmatch(rel):
                result = not negated
        return result


def _glob_to_regex(glob: str, anchored: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = glob.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : j].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    return re.compile(body if anchored else f"(?:.*/)?{body}")
