"""From findings to safe text: placeholders that keep a prompt's structure.

Each personal datum becomes a typed placeholder such as ``<EMAIL_1>``; the same value
always gets the same placeholder within one `Scrubber`, so a model still sees that two
mentions are the same person. The vault maps placeholders back so answers can be
restored for the user. Secrets are replaced too, but never enter the vault: a secret can
not be restored, by design.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from aisafe_nb.detect.engine import ALL_KINDS, Detector, default_detector
from aisafe_nb.detect.finding import Finding, Kind

Operator = Literal["placeholder", "redact", "mask", "hash", "allow"]
OPERATORS: tuple[Operator, ...] = ("placeholder", "redact", "mask", "hash", "allow")

#: A placeholder as `Scrubber` issues it. The standard-library `re` is used here, not
#: `regex`: this plain ASCII pattern means the same to both, and `re` runs the
#: substitution with a callback about 1.5x faster (restoring is on every answer's path).
PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """The result of scrubbing one text.

    `vault` maps each restorable placeholder in `text` to its original value.
    """

    text: str
    findings: list[Finding]
    vault: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True when anything was replaced."""
        return bool(self.findings)


_NOT_LABEL = re.compile(r"[^A-Z0-9]+")


@lru_cache(maxsize=256)
def placeholder_label(type_: str) -> str:
    """``credit-card`` -> ``CREDIT_CARD``: the label used inside placeholders.

    Cached: there are a few dozen finding types, and redact/hash ask once per finding.
    """
    return _NOT_LABEL.sub("_", type_.upper()).strip("_") or "VALUE"


def restore_text(
    text: str, vault: Mapping[str, str], render: Callable[[str], str] | None = None
) -> str:
    """Replace every placeholder of `vault` in `text`; other placeholder-like text stays.

    `render` turns a restored value into the text put back (JSON escaping, for answers
    whose text is itself JSON). An unchanged text is returned as the same object.
    """
    if not vault or "<" not in text:
        return text

    def put(match: re.Match[str]) -> str:
        token = match.group(0)
        value = vault.get(token)
        if value is None:
            return token
        return value if render is None else render(value)

    out = PLACEHOLDER.sub(put, text)
    return text if out == text else out


class Scrubber:
    """Replaces findings in texts, remembering placeholders across calls.

    `operators` maps a finding type (or a kind, ``"secret"``/``"pii"``) to an operator;
    types not listed use `default_operator`.
    """

    def __init__(
        self,
        *,
        kinds: Iterable[Kind] = ALL_KINDS,
        detector: Detector | None = None,
        operators: Mapping[str, Operator] | None = None,
        default_operator: Operator = "placeholder",
    ) -> None:
        wanted = set(kinds)
        self._detector = detector or default_detector(tuple(k for k in ALL_KINDS if k in wanted))
        self._operators = dict(operators or {})
        for op in (*self._operators.values(), default_operator):
            if op not in OPERATORS:
                raise ValueError(f"unknown scrub operator {op!r}; expected one of {OPERATORS}")
        self._default = default_operator
        self._by_fingerprint: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._vault: dict[str, str] = {}
        self._vault_view = MappingProxyType(self._vault)

    @property
    def vault(self) -> Mapping[str, str]:
        """Placeholder -> original value, for every restorable placeholder issued so far.

        A read-only live view, not a copy: the guard asks for it on every answer, and a
        copy would cost time in proportion to everything the session has ever scrubbed.
        """
        return self._vault_view

    @property
    def detector(self) -> Detector:
        """The detector this scrubber scans with (benchmarks measure its share)."""
        return self._detector

    def operator_for(self, finding: Finding) -> Operator:
        """The operator that applies to `finding` (by type, then kind, then default)."""
        ops = self._operators
        return ops.get(finding.type) or ops.get(finding.kind) or self._default

    def scrub(self, text: str) -> Scrubbed:
        """Replace every finding in `text` according to its operator."""
        findings = self._detector.scan(text)
        if not findings:
            return Scrubbed(text, [])
        parts: list[str] = []
        used: dict[str, str] = {}
        applied: list[Finding] = []
        pos = 0
        for f in findings:
            op = self.operator_for(f)
            if op == "allow":
                continue
            value = text[f.start : f.end]
            parts.append(text[pos : f.start])
            replacement = self._replace(f, value, op)
            parts.append(replacement)
            if op == "placeholder" and f.kind == "pii":
                used[replacement] = value
            applied.append(f)
            pos = f.end
        parts.append(text[pos:])
        return Scrubbed("".join(parts), applied, used)

    def _replace(self, f: Finding, value: str, op: Operator) -> str:
        if op == "redact":
            return f"[REDACTED:{f.type}]"
        if op == "mask":
            return f.preview
        if op == "hash":
            return f"<{placeholder_label(f.type)}:{f.fingerprint[:10]}>"
        existing = self._by_fingerprint.get(f.fingerprint)
        if existing is not None:
            return existing
        label = placeholder_label(f.type)
        self._counters[label] = self._counters.get(label, 0) + 1
        token = f"<{label}_{self._counters[label]}>"
        self._by_fingerprint[f.fingerprint] = token
        if f.kind == "pii":
            self._vault[token] = value
        return token

    def restore(self, text: str) -> str:
        """Put the original values back for every placeholder this scrubber issued."""
        return restore_text(text, self._vault)
