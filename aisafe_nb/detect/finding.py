"""The one record every surface consumes: where a secret or personal datum sits in a text.

A `Finding` never holds the matched value itself. Reports, logs and errors are built from
findings, so keeping the value out of the record keeps it out of every output by
construction; callers that must act on the value slice it from the text they scanned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Kind = Literal["secret", "pii"]

#: Fingerprints are salted so they cannot be looked up in public hash lists, and the salt
#: is fixed so a baseline written on one machine matches findings on another.
_FINGERPRINT_SALT = b"aisafe-nb/fingerprint/v1\x00"


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret or personal datum found in a text.

    `start`/`end` are offsets into the scanned text (`text[start:end]` is the value).
    `preview` is safe to print; `fingerprint` is stable for the same type and value.
    """

    kind: Kind
    type: str
    start: int
    end: int
    confidence: float
    preview: str
    fingerprint: str
    rule_id: str

    @property
    def length(self) -> int:
        """Length of the matched value in characters."""
        return self.end - self.start


def fingerprint(type_: str, value: str) -> str:
    """Return a stable, salted, non-reversible identifier for `value` of type `type_`."""
    digest = hashlib.sha256(_FINGERPRINT_SALT + type_.encode() + b"\x00" + value.encode())
    return digest.hexdigest()[:20]


def preview(value: str, kind: Kind, *, keep_prefix: int = 0) -> str:
    """Mask `value` for display: never more than a quarter of it, and never the middle.

    Secrets keep their public prefix (e.g. ``sk-proj-``, passed as `keep_prefix`) so the
    user can tell which key it is, plus the last two characters; personal data keeps only
    its first character and, for emails, the domain's top level.
    """
    n = len(value)
    if n <= 4:
        return "*" * n
    if kind == "secret":
        budget = max(1, n // 4)
        head = min(keep_prefix, budget) if keep_prefix else min(4, budget)
        tail = min(2, max(0, budget - head))
        shown_tail = value[n - tail :] if tail else ""
        return f"{value[:head]}…{shown_tail}"
    if "@" in value:
        local, _, domain = value.partition("@")
        tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
        return f"{local[:1]}***@***.{tld}" if tld else f"{local[:1]}***@***"
    return f"{value[:1]}{'*' * min(n - 1, 8)}"
