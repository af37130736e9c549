"""The detection engine: one prefilter pass, then only the rules whose keywords occur.

Rules are scanned one compiled pattern at a time (a combined alternation measured 25-30x
slower here, see PLATFORM-NOTES Q5); every match is bounded by the `regex` timeout.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from aisafe_nb.detect.finding import Finding, Kind, fingerprint, preview
from aisafe_nb.detect.rules import Rule, load_builtin_rules
from aisafe_nb.detect.validators import VALIDATORS, shannon_entropy

ALL_KINDS: tuple[Kind, ...] = ("secret", "pii")

#: Seconds one rule may spend on one text before it is abandoned (ReDoS bound).
MATCH_TIMEOUT = 0.25


class Detector:
    """Finds secrets and personal data in text using a set of rules."""

    def __init__(self, rules: Sequence[Rule] | None = None, *, kinds: Iterable[Kind] = ALL_KINDS):
        wanted = set(kinds)
        self.rules: tuple[Rule, ...] = tuple(
            r for r in (rules if rules is not None else load_builtin_rules()) if r.kind in wanted
        )

    def scan(self, text: str) -> list[Finding]:
        """Return the findings in `text`, sorted by position, without overlaps."""
        if not text:
            return []
        lowered = text.lower()
        found: list[Finding] = []
        for rule in self.rules:
            if rule.keywords and not any(k in lowered for k in rule.keywords):
                continue
            found.extend(self._apply(rule, text, lowered))
        return _resolve_overlaps(found)

    def _apply(self, rule: Rule, text: str, lowered: str) -> Iterable[Finding]:
        try:
            matches = list(rule.pattern.finditer(text, timeout=MATCH_TIMEOUT))
        except TimeoutError:
            return
        for match in matches:
            start, end = match.span(rule.group)
            if start < 0:
                continue
            value = text[start:end]
            if not self._accept(rule, value, lowered, start, end):
                continue
            yield Finding(
                kind=rule.kind,
                type=rule.type,
                start=start,
                end=end,
                confidence=rule.confidence,
                preview=preview(value, rule.kind, keep_prefix=rule.keep_prefix),
                fingerprint=fingerprint(rule.type, value),
                rule_id=rule.id,
            )

    @staticmethod
    def _accept(rule: Rule, value: str, lowered: str, start: int, end: int) -> bool:
        if rule.min_entropy and shannon_entropy(value) < rule.min_entropy:
            return False
        if rule.validator is not None and not VALIDATORS[rule.validator](value):
            return False
        if rule.context_required:
            window = lowered[max(0, start - rule.context_window) : end + rule.context_window]
            if not any(word in window for word in rule.context):
                return False
        return True


def _resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep the most confident (then longest) finding wherever findings overlap."""
    ranked = sorted(findings, key=lambda f: (-f.confidence, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ranked:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))


@lru_cache(maxsize=8)
def default_detector(kinds: tuple[Kind, ...] = ALL_KINDS) -> Detector:
    """The shared detector with the built-in rules (built once per set of kinds)."""
    return Detector(kinds=kinds)


def scan_text(text: str, *, kinds: Iterable[Kind] = ALL_KINDS) -> list[Finding]:
    """Find secrets and/or personal data in `text` with the built-in rules."""
    return default_detector(tuple(sorted(set(kinds)))).scan(text)  # type: ignore[arg-type]
