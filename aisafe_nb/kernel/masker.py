"""Known secret values -> ``[REDACTED:<type>]`` markers, in any text or JSON-like data.

Known values are those the cell guard found, plus the values of credential-named
environment variables (``*_API_KEY``, ``*TOKEN*``...) from ``os.environ`` and ``.env``.
The environment part is refreshed only when ``os.environ`` changed, checked cheaply on each
call. Detector hits in the text itself (a key read from a file and printed) are masked
too. The marker format is the sanitizer's, so a saved notebook reads the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aisafe_nb.envfile import secret_env_values

if TYPE_CHECKING:
    from aisafe_nb.detect.finding import Finding


def scan_secrets(text: str) -> list[Finding]:
    """The detector's secret findings in `text`.

    The engine (and the `regex` module under it) is imported on the first scan rather than
    at ``%load_ext``, which keeps loading the extension fast.
    """
    from aisafe_nb.detect.engine import scan_text

    return scan_text(text, kinds=("secret",))


#: Values shorter than this are never masked by value (too likely to hit ordinary text).
MIN_SECRET_LENGTH = 8


def marker(type_: str) -> str:
    """The mask put in place of a secret (same format as the notebook sanitizer)."""
    return f"[REDACTED:{type_}]"


def classify(value: str) -> str:
    """The detector type of `value` when it is a known key format, else ``secret``."""
    found = scan_secrets(value)
    return found[0].type if found else "secret"


class SecretMasker:
    """Masks every known secret value and every detected secret in outputs."""

    def __init__(self) -> None:
        self._found: dict[str, str] = {}  # value -> type, from the cell guard
        self._dotenv: dict[str, str] = {}  # value -> type, from a .env file
        self._environ: dict[str, str] = {}
        self._environ_sig: int | None = None
        self._ordered: list[tuple[str, str]] = []
        self.masked_count = 0

    def add(self, value: str, type_: str) -> None:
        """Remember `value` as a secret of type `type_` for the rest of the session."""
        if len(value) >= MIN_SECRET_LENGTH and value not in self._found:
            self._found[value] = type_
            self._reorder()

    def add_env_values(self, env: Mapping[str, str]) -> None:
        """Remember the credential-named values of a ``.env`` mapping."""
        for value in secret_env_values(env).values():
            self._dotenv.setdefault(value, classify(value))
        self._reorder()

    def known_count(self) -> int:
        """How many distinct secret values are known."""
        self.refresh_environ()
        return len(self._ordered)

    def refresh_environ(self) -> None:
        """Re-read credential-named variables if ``os.environ`` changed since last time."""
        sig = _environ_signature()
        if sig == self._environ_sig:
            return
        self._environ_sig = sig
        values = secret_env_values(os.environ)
        self._environ = {v: self._environ.get(v) or classify(v) for v in values.values()}
        self._reorder()

    def _reorder(self) -> None:
        merged = {**self._environ, **self._dotenv, **self._found}
        # Longest first, so a value containing another is replaced whole.
        self._ordered = sorted(merged.items(), key=lambda kv: -len(kv[0]))

    def contains_known(self, text: str) -> bool:
        """True when `text` holds a known secret value (no detector scan)."""
        self.refresh_environ()
        return any(value in text for value, _ in self._ordered)

    def mask(self, text: str, *, detect: bool = True) -> str:
        """`text` with every known and (if `detect`) every detected secret replaced."""
        if not text:
            return text
        self.refresh_environ()
        for value, type_ in self._ordered:
            if value in text:
                self.masked_count += text.count(value)
                text = text.replace(value, marker(type_))
        if detect:
            findings = scan_secrets(text)
            for f in reversed(findings):
                self.add(text[f.start : f.end], f.type)
                text = text[: f.start] + marker(f.type) + text[f.end :]
                self.masked_count += 1
        return text

    def mask_data(self, data: Any) -> Any:
        """Mask every string inside JSON-like `data` (dicts, lists, strings); copies."""
        if isinstance(data, str):
            return self.mask(data)
        if isinstance(data, dict):
            return {k: self.mask_data(v) for k, v in data.items()}
        if isinstance(data, (list, tuple)):
            return type(data)(self.mask_data(v) for v in data)
        return data


def _environ_signature() -> int:
    """A cheap fingerprint of ``os.environ``: its raw ``bytes`` keep their hashes cached,
    so this costs about 1 us where hashing the decoded items costs about 30 us."""
    raw = getattr(os.environ, "_data", None)
    if isinstance(raw, dict):
        return hash(tuple(raw.items()))
    return hash(tuple(os.environ.items()))
