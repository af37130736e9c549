"""Where the detection engine's data files live, and a cache of their parsed form.

`DATA_DIR` is a plain path rather than ``importlib.resources.files``: the package is always
installed as files, and importing ``importlib.resources`` (with tempfile, shutil, random,
bz2 and lzma behind it) costs the git filter ~6 ms at every start.

`parsed_toml` keeps the parsed form of a built-in rule file in the user's cache folder:
tomllib takes ~15 ms over the rule files, ``marshal`` reads the same data in well under
one. The cache is keyed by a hash of the file's bytes, so an edited or upgraded rule file
is parsed afresh; a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Bumped when the cached form changes meaning (part of every cache file's name).
_CACHE_FORMAT = 1


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/aisafe-nb`` (default ``~/.cache/aisafe-nb``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "aisafe-nb"


def parsed_toml(raw: bytes, parse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """`parse` of `raw` (UTF-8 TOML), read from the cache when it was parsed before."""
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    # marshal's format belongs to the interpreter (cpython-311...): one file per version
    tag = sys.implementation.cache_tag or "python"
    cached = cache_dir() / f"toml-v{_CACHE_FORMAT}-{tag}-{digest}.marshal"
    try:
        data = marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        data = None
    if isinstance(data, dict):
        return data
    data = parse(raw.decode("utf-8"))
    _store(cached, data)
    return data


def _store(path: Path, data: dict[str, Any]) -> None:
    """Write the cache file atomically (temp file, rename); any failure is ignored."""
    try:
        blob = marshal.dumps(data)
    except ValueError:  # a value marshal cannot hold (a TOML date): parse every time
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
