"""Contents paths from API requests, checked before any contents-manager call.

The contents manager already refuses paths outside its root, but with a 404 that reads
like "no such file"; refusing ``..`` and absolute paths here gives the client a clear 400
and keeps the rule in one place for every endpoint.
"""

from __future__ import annotations

import posixpath

from tornado.web import HTTPError


def checked_path(raw: object, *, what: str = "path") -> str:
    """`raw` as a clean contents path (``a/b.ipynb``), or raise `HTTPError(400)`."""
    if not isinstance(raw, str) or not raw.strip():
        raise HTTPError(400, f"aisafe_nb: '{what}' must be a non-empty string")
    if "\x00" in raw or "\\" in raw:
        raise HTTPError(400, f"aisafe_nb: '{what}' contains a forbidden character")
    parts = raw.strip().split("/")
    if any(part == ".." for part in parts) or raw.startswith("~"):
        raise HTTPError(400, f"aisafe_nb: '{what}' must stay inside the server's root folder")
    clean = posixpath.normpath("/".join(p for p in parts if p not in ("", ".")))
    if clean in ("", "."):
        raise HTTPError(400, f"aisafe_nb: '{what}' names no file")
    return clean


def sibling_path(path: str, suffix: str = ".sanitized") -> str:
    """``dir/name.ipynb`` → ``dir/name.sanitized.ipynb`` (the default export target)."""
    folder, name = posixpath.split(path)
    stem, ext = posixpath.splitext(name)
    return posixpath.join(folder, f"{stem}{suffix}{ext or '.ipynb'}")
