"""The detection engine: one prefilter pass, then only the rules whose keywords occur.

Rules are scanned one compiled pattern at a time (a combined alternation measured 25-30x
slower here, see PLATFORM-NOTES Q5); every match is bounded by the `regex` timeout.
Rules without a literal keyword (phones, cards, names) sit behind shared prechecks, each
evaluated at most once per text, so text that cannot hold them costs one cheap search.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from aisafe_nb.detect.allowlist import Allowlist, line_has_pragma, load_baseline
from aisafe_nb.detect.finding import Finding, Kind, fingerprint, preview
from aisafe_nb.detect.rules import LazyPattern, Rule, load_builtin_rules
from aisafe_nb.detect.validators import VALIDATORS, is_placeholder, shannon_entropy

if TYPE_CHECKING:
    from aisafe_nb.detect.ner import NameRecognizer
    from aisafe_nb.policy import Policy

ALL_KINDS: tuple[Kind, ...] = ("secret", "pii")

#: Seconds one rule may spend on one text before it is abandoned (ReDoS bound).
MATCH_TIMEOUT = 0.25

#: Base64 payloads of data URIs are never scanned: random bytes hold key-like runs.
_DATA_URI = regex.compile(r"data:[\w.+-]+/[\w.+-]+;base64,[A-Za-z0-9+/=\s]{64,}")


class Detector:
    """Finds secrets and personal data in text using a set of rules.

    `allowlist` drops findings by value pattern or baseline fingerprint; findings on a line
    holding the ``aisafe: allow`` pragma are dropped too. `disabled_types` removes rules.
    """

    def __init__(
        self,
        rules: Sequence[Rule] | None = None,
        *,
        kinds: Iterable[Kind] = ALL_KINDS,
        allowlist: Allowlist | None = None,
        disabled_types: Iterable[str] = (),
        ner: NameRecognizer | None = None,
    ) -> None:
        wanted = set(kinds)
        disabled = set(disabled_types)
        self.kinds: tuple[Kind, ...] = tuple(k for k in ALL_KINDS if k in wanted)
        self.rules: tuple[Rule, ...] = tuple(
            r
            for r in (rules if rules is not None else load_builtin_rules())
            if r.kind in wanted and r.type not in disabled
        )
        self.allowlist = allowlist if allowlist is not None else Allowlist()
        #: Optional NER engine for person names (see `aisafe_nb.detect.ner`).
        self.ner = ner if "pii" in wanted and "person-name" not in disabled else None

    @classmethod
    def from_policy(
        cls,
        policy: Policy,
        *,
        kinds: Iterable[Kind] = ALL_KINDS,
        root: str | os.PathLike[str] | None = None,
    ) -> Detector:
        """A detector honouring `allow_patterns`, `baseline` and `disabled_types`.

        A relative baseline path is resolved against `root` (the configuration folder)
        when given, else the current directory.
        """
        fingerprints: set[str] = set()
        if policy.baseline:
            path = Path(policy.baseline)
            if root is not None and not path.is_absolute():
                path = Path(root) / path
            fingerprints = load_baseline(path)
        allow = Allowlist.build(policy.allow_patterns, fingerprints)
        return cls(
            _builtin_rules(), kinds=kinds, allowlist=allow, disabled_types=policy.disabled_types
        )

    def scan(self, text: str) -> list[Finding]:
        """Return the findings in `text`, sorted by position, without overlaps."""
        if not text:
            return []
        lowered = text.lower()
        windows: dict[int, list[tuple[int, int]]] = {}
        gates: dict[int, bool] = {}
        words: set[str] | None = None
        seen: dict[str, bool] = {}  # keyword -> present (keywords repeat across rules)
        found: list[Finding] = []
        for rule in self.rules:
            # Anchored rules find their keywords themselves; checking first would search twice.
            if rule.keywords and not rule.anchored and not rule.extra.get("word_gate"):
                for k in rule.keywords:
                    hit = seen.get(k)
                    if hit is None:
                        hit = seen[k] = k in lowered
                    if hit:
                        break
                else:
                    continue
            needles: tuple[str, ...] | None = None
            if rule.extra.get("word_gate"):
                if words is None:
                    words = set(lowered.translate(_WORD_TABLE).split())
                needles = tuple(k for k in _needles(rule) if _first_word(k) in words)
                if not needles:
                    continue
            spans: list[tuple[int, int]] | None = None
            if rule.precheck is not None:
                key = id(rule.precheck)
                if rule.windowed:
                    spans = windows.get(key)
                    if spans is None:
                        spans = windows[key] = _windows(rule.precheck, text)
                    if not spans:
                        continue
                else:
                    hit = gates.get(key)
                    if hit is None:
                        hit = gates[key] = _gate(rule.precheck, text)
                    if not hit:
                        continue
            found.extend(self._apply(rule, text, lowered, spans, needles))
        if self.ner is not None:
            found.extend(_ner_findings(self.ner, text))
        if not found:
            return found
        if "base64," in lowered:
            found = _outside_data_uris(found, text)
        return self._allowed(_resolve_overlaps(found), text, lowered)

    def _allowed(self, findings: list[Finding], text: str, lowered: str) -> list[Finding]:
        allow = self.allowlist
        pragma = allow.pragma and "aisafe: allow" in lowered
        if not pragma and not allow.patterns and not allow.fingerprints:
            return findings
        return [
            f
            for f in findings
            if not (pragma and line_has_pragma(text, lowered, f.start, f.end))
            and not allow.allows(text[f.start : f.end], f.fingerprint)
        ]

    def _apply(
        self,
        rule: Rule,
        text: str,
        lowered: str,
        spans: list[tuple[int, int]] | None,
        needles: tuple[str, ...] | None = None,
    ) -> Iterable[Finding]:
        try:
            if rule.anchored:
                matches = _anchored_matches(rule, text, lowered, needles)
            elif spans is not None and rule.windowed:
                matches = _windowed_matches(rule, text, spans)
            else:
                matches = list(rule.pattern.finditer(text, timeout=MATCH_TIMEOUT))
        except TimeoutError:
            return
        for match in matches:
            start, end = match.span(rule.group)
            if start < 0 or start == end:
                continue
            value = text[start:end]
            if not _accept(rule, value, lowered, start, end):
                end = _shrink(rule, text, lowered, start, end) if rule.extra.get("shrink") else -1
                if end < 0:
                    continue
                value = text[start:end]
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


#: Maps ASCII punctuation and digits to spaces: ``lowered.translate(...).split()`` gives the
#: words of a text in one C-level pass (measured 15 us per 2 KB, vs ~1 us per substring search).
_WORD_TABLE = str.maketrans(dict.fromkeys(string.punctuation + string.digits, " "))


def _ner_findings(ner: NameRecognizer, text: str) -> list[Finding]:
    out = []
    for start, end, score in ner.find_person_names(text):
        if 0 <= start < end <= len(text):
            value = text[start:end]
            out.append(
                Finding(
                    kind="pii",
                    type="person-name",
                    start=start,
                    end=end,
                    confidence=score,
                    preview=preview(value, "pii"),
                    fingerprint=fingerprint("person-name", value),
                    rule_id="ner",
                )
            )
    return out


def _windowed_matches(
    rule: Rule, text: str, spans: list[tuple[int, int]]
) -> list[regex.Match[str]]:
    """Matches inside the precheck windows.

    A match that reaches a window's end may have been cut short by it (the look-ahead saw
    the window end, not the text): it is matched again against the whole text.
    """
    out: list[regex.Match[str]] = []
    n = len(text)
    for s, e in spans:
        for m in rule.pattern.finditer(text, s, e, timeout=MATCH_TIMEOUT):
            if m.end() >= e and e < n:
                full = rule.pattern.match(text, m.start(), timeout=MATCH_TIMEOUT)
                if full is None:
                    continue
                m = full
            out.append(m)
    return out


def _first_word(keyword: str) -> str:
    parts = keyword.lower().translate(_WORD_TABLE).split()
    return parts[0] if parts else keyword


def _needles(rule: Rule) -> tuple[str, ...]:
    """What an anchored rule searches for: case-sensitive `anchors`, else its keywords."""
    anchors = rule.extra.get("anchors")
    return tuple(str(a) for a in anchors) if isinstance(anchors, list) else rule.keywords


#: Characters added on each side of a precheck hit before the rule searches it: enough for
#: a country code, an IBAN's letters, a "+", and the look-arounds of the rule patterns.
WINDOW_MARGIN = 24


def _windows(precheck: LazyPattern, text: str) -> list[tuple[int, int]]:
    """Merged spans around every precheck hit (empty: the rules behind it cannot match)."""
    out: list[tuple[int, int]] = []
    n = len(text)
    try:
        for m in precheck.finditer(text, timeout=MATCH_TIMEOUT):
            s, e = max(0, m.start() - WINDOW_MARGIN), min(n, m.end() + WINDOW_MARGIN)
            if out and s <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
    except TimeoutError:
        return [(0, n)]  # too slow to narrow down: let the rules search everything
    return out


def _gate(precheck: LazyPattern, text: str) -> bool:
    """Whether the precheck occurs; a precheck too slow to answer lets the rules run."""
    try:
        return precheck.search(text, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError:
        return True


def _anchored_matches(
    rule: Rule, text: str, lowered: str, needles: tuple[str, ...] | None = None
) -> list[regex.Match[str]]:
    """Matches of a rule whose pattern starts with one of its keywords.

    An alternation of words at the start of a pattern defeats the regex engine's literal
    search (measured: 100+ microseconds per 2 KB even with no hit), so the engine finds the
    keywords with `str.find` and tries the pattern only there.
    """
    # `anchors` (case-sensitive, searched in the text itself) suit patterns that only match
    # capitalised words ("Dr", "Dear"): far fewer candidate positions than "dr" in lowered.
    haystack = text if isinstance(rule.extra.get("anchors"), list) else lowered
    if needles is None:
        needles = _needles(rule)
    starts: set[int] = set()
    for kw in needles:
        i = haystack.find(kw)
        while i >= 0:
            starts.add(i)
            i = haystack.find(kw, i + 1)
    out: list[regex.Match[str]] = []
    last_end = -1
    for pos in sorted(starts):
        if pos < last_end:
            continue
        m = rule.pattern.match(text, pos, timeout=MATCH_TIMEOUT)
        if m is not None:
            out.append(m)
            last_end = m.end()
    return out


def _accept(rule: Rule, value: str, lowered: str, start: int, end: int) -> bool:
    if rule.min_entropy and shannon_entropy(value) < rule.min_entropy:
        return False
    if rule.kind == "secret" and (is_placeholder(value) or _is_known_example(value)):
        return False
    not_after = rule.extra.get("not_after")
    if isinstance(not_after, list):
        before = lowered[max(0, start - 16) : start]
        if any(word in before for word in not_after):
            return False
    if rule.context_required:
        window = lowered[max(0, start - rule.context_window) : end + rule.context_window]
        if not any(word in window for word in rule.context):
            return False
    return rule.validator is None or VALIDATORS[rule.validator](value)


def _shrink(rule: Rule, text: str, lowered: str, start: int, end: int) -> int:
    """The end of the longest accepted prefix cut at a separator, or -1 if there is none."""
    value = text[start:end]
    for cut in range(len(value) - 1, 0, -1):
        at_separator = value[cut] in " .-" and value[cut - 1] not in " .-"
        if at_separator and _accept(rule, value[:cut], lowered, start, start + cut):
            return start + cut
    return -1


_EXAMPLE_SALT = b"aisafe-nb/known-example/v1\x00"


def example_fingerprint(value: str) -> str:
    """The salted hash under which a documented example value is listed."""
    return hashlib.sha256(_EXAMPLE_SALT + value.encode()).hexdigest()[:24]


@lru_cache(maxsize=1)
def _known_examples() -> frozenset[str]:
    text = (resources.files("aisafe_nb.detect") / "data" / "known_examples.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_known_example(value: str) -> bool:
    """Published documentation values (jwt.io's token, Stripe's test keys...)."""
    return example_fingerprint(value) in _known_examples()


def _outside_data_uris(findings: list[Finding], text: str) -> list[Finding]:
    try:
        spans = [m.span() for m in _DATA_URI.finditer(text, timeout=MATCH_TIMEOUT)]
    except TimeoutError:
        return findings
    if not spans:
        return findings
    return [f for f in findings if not any(s <= f.start and f.end <= e for s, e in spans)]


def _resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep the most confident (then longest) finding wherever findings overlap.

    Kept spans never overlap, so they stay sorted by start and a new span only has to be
    compared with its neighbours (bisect): O(n log n) even for texts with 10^5 findings.
    """
    if len(findings) < 2:
        return findings
    ranked = sorted(findings, key=lambda f: (-f.confidence, -(f.end - f.start), f.start))
    starts: list[int] = []
    kept: list[Finding] = []
    for f in ranked:
        i = bisect.bisect_left(starts, f.start)
        if i > 0 and kept[i - 1].end > f.start:
            continue
        if i < len(kept) and kept[i].start < f.end:
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept


@lru_cache(maxsize=1)
def _builtin_rules() -> tuple[Rule, ...]:
    return tuple(load_builtin_rules())


@lru_cache(maxsize=8)
def default_detector(kinds: tuple[Kind, ...] = ALL_KINDS) -> Detector:
    """The shared detector with the built-in rules (built once per set of kinds)."""
    return Detector(_builtin_rules(), kinds=kinds)


def scan_text(text: str, *, kinds: Iterable[Kind] = ALL_KINDS) -> list[Finding]:
    """Find secrets and/or personal data in `text` with the built-in rules."""
    wanted = tuple(k for k in ALL_KINDS if k in set(kinds))
    return default_detector(wanted).scan(text)
