"""Allowlisting: the inline pragma, baseline files of fingerprints, and allow patterns.

Baselines are keyed by fingerprint (a salted hash of type and value), never by line
number, so they do not churn when a notebook is edited, and never hold the value itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import regex

#: A finding on a line containing this text is dropped (e.g. ``# aisafe: allow``).
PRAGMA = "aisafe: allow"
BASELINE_VERSION = 1


class BaselineError(ValueError):
    """A baseline file cannot be read or has the wrong shape."""


@dataclass(frozen=True)
class Allowlist:
    """What a `Detector` drops after matching.

    `patterns` are searched in the matched value; `fingerprints` come from a baseline.
    """

    patterns: tuple[regex.Pattern[str], ...] = ()
    fingerprints: frozenset[str] = field(default_factory=frozenset)
    pragma: bool = True

    @classmethod
    def build(
        cls, patterns: Iterable[str] = (), fingerprints: Iterable[str] = (), *, pragma: bool = True
    ) -> Allowlist:
        """Compile `patterns` (a bad one raises `ValueError` naming it)."""
        compiled = []
        for p in patterns:
            try:
                compiled.append(regex.compile(p))
            except regex.error as exc:
                raise ValueError(f"allow pattern {p!r} is not a valid regex: {exc}") from exc
        return cls(tuple(compiled), frozenset(fingerprints), pragma)

    def allows(self, value: str, fingerprint: str) -> bool:
        """True when the finding with this value and fingerprint is allowlisted."""
        if fingerprint in self.fingerprints:
            return True
        for p in self.patterns:
            try:
                if p.search(value, timeout=0.05):
                    return True
            except TimeoutError:
                continue  # a pathological allow pattern allows nothing
        return False


def line_has_pragma(text: str, lowered: str, start: int, end: int) -> bool:
    """True when the line(s) holding ``text[start:end]`` contain the pragma."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return PRAGMA in lowered[line_start : line_end if line_end >= 0 else len(text)]


def load_baseline(path: str | os.PathLike[str]) -> set[str]:
    """Fingerprints stored in a baseline file; a missing file is an empty baseline."""
    p = Path(path)
    if not p.exists():
        return set()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{p}: cannot read baseline: {exc}") from exc
    items = data.get("fingerprints") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        raise BaselineError(f'{p}: a baseline is {{"fingerprints": ["...", ...]}}')
    return set(items)


def write_baseline(path: str | os.PathLike[str], fingerprints: Iterable[str]) -> None:
    """Write fingerprints atomically (temp file in the same folder, fsync, replace)."""
    import tempfile  # only the CLI's --update-baseline writes; keep it off the hot path

    p = Path(path)
    body = json.dumps(
        {"version": BASELINE_VERSION, "fingerprints": sorted(set(fingerprints))}, indent=2
    )
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
