"""The detection engine: one prefilter pass, then only the rules whose keywords occur.

Rules are scanned one compiled pattern at a time (a combined alternation measured 25-30x
slower here, see PLATFORM-NOTES Q5); every match is bounded by the `regex` timeout.
Rules without a literal keyword (phones, cards, names) sit behind shared prechecks, each
evaluated at most once per text, so text that cannot hold them costs one cheap search.
"""

from __future__ import annotations

import bisect
import os
import re
import string
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias

import regex

from aisafe_nb.detect.allowlist import Allowlist, line_has_pragma, load_baseline
from aisafe_nb.detect.examples import is_known_example
from aisafe_nb.detect.finding import Finding, Kind, fingerprint, preview
from aisafe_nb.detect.keywords import KeywordIndex, lower_in_place
from aisafe_nb.detect.rules import LazyPattern, Rule, load_builtin_rules, text_shape
from aisafe_nb.detect.validators import VALIDATORS, is_placeholder, shannon_entropy

if TYPE_CHECKING:
    from aisafe_nb.detect.ner import NameRecognizer
    from aisafe_nb.policy import Policy

ALL_KINDS: tuple[Kind, ...] = ("secret", "pii")

#: Seconds one rule may spend on one text before it is abandoned (ReDoS bound).
MATCH_TIMEOUT = 0.25
#: Built-in patterns run without the timeout on texts up to this many characters: arming
#: it costs ~1.7 us per regex call (~40 calls per 2 KB prompt, a third of the scan), and
#: the shipped patterns are reviewed, bounded and guarded by `regex` against catastrophic
#: backtracking. User-supplied patterns always run with the timeout, and so does every
#: pattern on longer texts.
UNTIMED_MAX = 4096


def _limit(pattern: LazyPattern, text: str) -> float | None:
    """The timeout for `pattern` on `text` (None: none, see `UNTIMED_MAX`)."""
    return None if pattern.builtin and len(text) <= UNTIMED_MAX else MATCH_TIMEOUT


_Match: TypeAlias = "re.Match[str] | regex.Match[str]"


class _Searcher(Protocol):
    """What the scan loop asks of a compiled pattern: `re` and `regex` both fit."""

    def finditer(self, string: str, pos: int = ..., endpos: int = ...) -> Iterator[_Match]: ...

    def match(self, string: str, pos: int = ..., endpos: int = ...) -> _Match | None: ...


class _Timed:
    """A `regex` pattern whose searches are bounded by `timeout` seconds each."""

    __slots__ = ("pattern", "timeout")

    def __init__(self, pattern: regex.Pattern[str], timeout: float) -> None:
        self.pattern = pattern
        self.timeout = timeout

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize, overlapped: bool = False
    ) -> Iterator[_Match]:
        found: Iterator[_Match] = self.pattern.finditer(
            string, pos, endpos, overlapped=overlapped, timeout=self.timeout
        )
        return found

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> _Match | None:
        return self.pattern.match(string, pos, endpos, timeout=self.timeout)


def _searcher(pattern: LazyPattern, text: str) -> _Searcher:
    """`pattern` compiled for searching `text`: untimed (maybe stdlib `re`) or timed."""
    limit = _limit(pattern, text)
    if limit is None:
        return pattern.untimed()
    return _Timed(pattern.get(), limit)


#: Base64 payloads of data URIs are never scanned: random bytes hold key-like runs.
_DATA_URI = regex.compile(r"data:[\w.+-]+/[\w.+-]+;base64,[A-Za-z0-9+/=\s]{64,}")


#: A match before it becomes a `Finding`: (start, end, confidence, rule; None = NER).
_Candidate: TypeAlias = "tuple[int, int, float, Rule | None]"


class ScanIncomplete(RuntimeError):
    """A strict `Detector` could not finish scanning a text (a rule timed out)."""


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
        strict: bool = False,
    ) -> None:
        wanted = set(kinds)
        #: When True a rule that times out raises `ScanIncomplete` instead of being skipped:
        #: the API guard must not send a text it could not fully scan (fail closed).
        self.strict = strict
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
        self._steps: tuple[_Step, ...] = tuple(_Step.of(r) for r in self.rules)
        steps = self._steps
        #: Keywords and needles searched in the lower-cased text; case-sensitive anchors.
        self._lower_index = KeywordIndex(
            [k for st in steps for k in st.rule.keywords]
            + [k for st in steps if not st.case_sensitive for k in st.needles]
        )
        anchors = [k for st in steps if st.case_sensitive for k in st.needles]
        #: Each case-sensitive anchor under its lower-case form, which the lower-case index
        #: also finds: the anchors' positions come from that one pass (`_anchor_hits`).
        self._anchors_by_lower: dict[str, tuple[str, ...]] = {}
        for a in sorted(set(anchors)):
            self._anchors_by_lower[a.lower()] = (*self._anchors_by_lower.get(a.lower(), ()), a)
        self._lower_index = KeywordIndex([*self._lower_index.words, *self._anchors_by_lower])
        # Which steps each keyword (or anchor) can open, and the steps with no keyword gate:
        # a text visits only those, not all ~100 steps (most are secrets behind keywords).
        self._always: tuple[int, ...] = ()
        self._opened_by: dict[str, tuple[int, ...]] = {}
        self._opened_by_anchor: dict[str, tuple[int, ...]] = {}
        always: list[int] = []
        for i, st in enumerate(steps):
            if st.gate_keywords:
                keys, table = st.gate_keywords, self._opened_by
            elif st.case_sensitive:
                keys, table = st.needles, self._opened_by_anchor
            elif st.word_needles is not None or st.anchored:
                keys, table = st.needles, self._opened_by
            else:
                always.append(i)
                continue
            for k in set(keys):
                table[k] = (*table.get(k, ()), i)
        self._always = tuple(always)

    @classmethod
    def from_policy(
        cls,
        policy: Policy,
        *,
        kinds: Iterable[Kind] = ALL_KINDS,
        root: str | os.PathLike[str] | None = None,
        strict: bool = False,
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
            _builtin_rules(),
            kinds=kinds,
            allowlist=allow,
            disabled_types=policy.disabled_types,
            strict=strict,
        )

    def scan(self, text: str) -> list[Finding]:
        """Return the findings in `text`, sorted by position, without overlaps."""
        if not text:
            return []
        lowered = lower_in_place(text)
        windows: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
        gates: dict[int, bool] = {}
        # Every keyword's positions in one pass, instead of one `in` per keyword.
        at = self._lower_index.find(lowered)
        at_text = self._anchor_hits(text, lowered, at) if self._anchors_by_lower else {}
        visit = set(self._always)
        opened_by = self._opened_by
        for k in at:
            if k in opened_by:
                visit.update(opened_by[k])
        for k in at_text:
            visit.update(self._opened_by_anchor.get(k, ()))
        steps = self._steps
        found: list[_Candidate] = []
        # (start, end, type) of each accepted candidate -> its confidence: a later rule's
        # candidate for the same span and type that could not outrank it is not validated.
        accepted: dict[tuple[int, int, str], float] = {}
        # The text's shape for the prechecks (`text_shape`), made on first need.
        shape: str | None = None
        shaped = False
        for i in sorted(visit):
            step = steps[i]
            if step.gate_keywords and step.gate_set.isdisjoint(at):
                continue
            hits: dict[str, list[int]] | None = None
            if step.case_sensitive:
                if step.needle_set.isdisjoint(at_text):
                    continue
                hits = at_text
            elif step.word_needles is not None or step.anchored:
                if step.needle_set.isdisjoint(at):
                    continue
                hits = at
            needles: tuple[str, ...] | None = None
            if step.word_needles is not None:
                needles = _needles_at_word_start(
                    step.word_needles, text if step.case_sensitive else lowered, hits or at
                )
                if not needles:
                    continue
            spans: list[tuple[int, int]] | None = None
            precheck = step.precheck
            if step.keyword_windows:
                spans = _keyword_windows(
                    at, needles or step.rule.keywords, len(text), step.margin, step.before
                )
                if not spans:
                    continue
            elif precheck is not None:
                if not shaped and precheck.shape is not None:
                    # made once per text, and only for prechecks that have a shape form
                    shape, shaped = text_shape(text), True
                if step.windowed:
                    wkey = (id(precheck), step.margin, step.before)
                    spans = windows.get(wkey)
                    if spans is None:
                        spans = windows[wkey] = _windows(
                            precheck, text, step.margin, shape, step.before
                        )
                    if not spans:
                        continue
                else:
                    key = id(precheck)
                    hit = gates.get(key)
                    if hit is None:
                        hit = gates[key] = _gate(precheck, text, shape)
                    if not hit:
                        continue
            found.extend(self._apply(step, text, lowered, spans, needles, hits, accepted))
        if self.ner is not None:
            found.extend(_ner_candidates(self.ner, text))
        if not found:
            return []
        if "base64," in lowered:
            found = _outside_data_uris(found, text)
        # Records (preview, salted hash) are built only for what survives the overlaps.
        kept = [_finding(c, text) for c in _resolve_overlaps(found)]
        return self._allowed(kept, text, lowered)

    def _anchor_hits(
        self, text: str, lowered: str, at: dict[str, list[int]]
    ) -> dict[str, list[int]]:
        """Positions of the case-sensitive anchors, read off the lower-case index's hits
        (`lower_in_place` keeps the lowered text's positions the text's own)."""
        out: dict[str, list[int]] = {}
        for low, anchors in self._anchors_by_lower.items():
            positions = at.get(low)
            if not positions:
                continue
            for anchor in anchors:
                found = [p for p in positions if text.startswith(anchor, p)]
                if found:
                    out[anchor] = found
        return out

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
        step: _Step,
        text: str,
        lowered: str,
        spans: list[tuple[int, int]] | None,
        needles: tuple[str, ...] | None = None,
        hits: dict[str, list[int]] | None = None,
        accepted: dict[tuple[int, int, str], float] | None = None,
    ) -> Iterable[_Candidate]:
        """The rule's accepted candidates. A candidate whose span and type an earlier rule
        already found with at least its confidence is skipped unvalidated: overlap resolution
        would keep the earlier one anyway (ties go to the first found), and validators can be
        dear (`phonenumbers` ~0.1 ms for each "+1 ..." number the NANP rule already took)."""
        rule = step.rule
        if accepted is None:
            accepted = {}
        try:
            if step.anchored:
                matches = _anchored_matches(step, text, needles, hits or {})
            elif spans is not None and (step.windowed or step.keyword_windows):
                matches = _windowed_matches(rule, text, spans, overlapped=step.overlapped)
            else:
                searcher = _searcher(rule.pattern, text)
                matches = list(_finditer(searcher, text, 0, len(text), step.overlapped))
        except TimeoutError:
            if self.strict:
                raise ScanIncomplete(
                    f"rule {rule.id} timed out on a {len(text)}-character text"
                ) from None
            return
        for match in matches:
            start, end = match.span(rule.group)
            if start < 0 or start == end:
                continue
            earlier = accepted.get((start, end, rule.type))
            if earlier is not None and earlier >= rule.confidence:
                continue
            value = text[start:end]
            if not _accept(rule, value, lowered, start, end):
                end = _shrink(rule, text, lowered, start, end) if rule.extra.get("shrink") else -1
                if end < 0:
                    continue
                value = text[start:end]
            key = (start, end, rule.type)
            accepted[key] = max(accepted.get(key, 0.0), rule.confidence)
            yield (start, end, rule.confidence, rule)


@dataclass(frozen=True, slots=True)
class _Step:
    """A rule with everything the scan loop asks of it worked out once, not per text.

    Reading `extra` and lower-casing needles per rule per text cost more than the keyword
    searches themselves on 2 KB prompts (measured ~140 us of a 600 us scan).
    """

    rule: Rule
    #: Keywords one of which must occur before the rule runs (empty: no keyword gate here).
    gate_keywords: tuple[str, ...]
    gate_set: frozenset[str]
    #: Needle -> its first word's length, for a word-gated rule; None when not word-gated.
    word_needles: dict[str, int] | None
    anchored: bool
    windowed: bool
    #: Windowed without a precheck: the windows lie around the keywords' positions.
    keyword_windows: bool
    precheck: LazyPattern | None
    #: Characters searched after a precheck hit or keyword (windowed rules), and before it:
    #: a rule whose match starts at (or just before) the hit needs little room before it.
    margin: int
    before: int
    #: Case-sensitive anchors searched in the text itself (else needles in the lowered text).
    case_sensitive: bool
    needles: tuple[str, ...]
    needle_set: frozenset[str]
    #: Anchored rules whose match starts before the keyword (an email's local part before
    #: its "@"): the characters of that run, and its longest allowed length.
    run_before: frozenset[str] | None
    run_max: int
    #: Every match, overlapping ones too (in "Yesterday <First> <Last>", the refused pair
    #: "Yesterday <First>" must not hide "<First> <Last>").
    overlapped: bool

    @classmethod
    def of(cls, rule: Rule) -> _Step:
        """The step for `rule`."""
        extra = rule.extra
        word_gate = bool(extra.get("word_gate"))
        anchors = extra.get("anchors")
        needles = tuple(str(a) for a in anchors) if isinstance(anchors, list) else rule.keywords
        margin = extra.get("margin", WINDOW_MARGIN)
        margin = margin if isinstance(margin, int) else WINDOW_MARGIN
        before = extra.get("margin_before", margin)
        # Anchored and word-gated rules are gated by their needles instead.
        gate = rule.keywords if not rule.anchored and not word_gate else ()
        return cls(
            rule=rule,
            gate_keywords=gate,
            gate_set=frozenset(gate),
            word_needles={k: len(_first_word(k)) for k in needles} if word_gate else None,
            anchored=rule.anchored,
            windowed=rule.windowed and rule.precheck is not None,
            keyword_windows=rule.windowed
            and rule.precheck is None
            and bool(rule.keywords)
            and not rule.anchored,
            precheck=rule.precheck,
            margin=margin,
            before=before if isinstance(before, int) else margin,
            case_sensitive=isinstance(anchors, list),
            needles=needles,
            needle_set=frozenset(needles),
            run_before=frozenset(run) if isinstance(run := extra.get("run_before"), str) else None,
            run_max=run_max if isinstance(run_max := extra.get("run_max"), int) else 64,
            overlapped=bool(extra.get("overlapped")),
        )


#: Maps ASCII punctuation and digits to spaces: ``lowered.translate(...).split()`` gives the
#: words of a text in one C-level pass (measured 15 us per 2 KB, vs ~1 us per substring search).
_WORD_TABLE = str.maketrans(dict.fromkeys(string.punctuation + string.digits, " "))


def _ner_candidates(ner: NameRecognizer, text: str) -> list[_Candidate]:
    return [
        (start, end, score, None)
        for start, end, score in ner.find_person_names(text)
        if 0 <= start < end <= len(text)
    ]


def _finding(candidate: _Candidate, text: str) -> Finding:
    """The `Finding` for a kept candidate (rule None: the optional NER engine's name).

    Built with positional arguments: a frozen dataclass's keyword `__init__` measured
    1.8 us against 1.0 us, several times per prompt.
    """
    start, end, confidence, rule = candidate
    value = text[start:end]
    if rule is None:
        return Finding(
            "pii",
            "person-name",
            start,
            end,
            confidence,
            preview(value, "pii"),
            fingerprint("person-name", value),
            "ner",
        )
    return Finding(
        rule.kind,
        rule.type,
        start,
        end,
        confidence,
        preview(value, rule.kind, keep_prefix=rule.keep_prefix),
        fingerprint(rule.type, value),
        rule.id,
    )


def _finditer(
    pattern: _Searcher, text: str, pos: int, endpos: int, overlapped: bool
) -> Iterator[_Match]:
    """`pattern.finditer`, overlapped when asked (`regex` patterns only: `validate_rule`)."""
    if overlapped:
        found: Iterator[_Match] = pattern.finditer(text, pos, endpos, overlapped=True)  # type: ignore[call-arg]
        return found
    return pattern.finditer(text, pos, endpos)


def _windowed_matches(
    rule: Rule, text: str, spans: list[tuple[int, int]], *, overlapped: bool = False
) -> list[_Match]:
    """Matches inside the precheck windows (overlapping ones too when `overlapped`).

    A match that reaches a window's end may have been cut short by it (the look-ahead saw
    the window end, not the text): it is matched again against the whole text.
    """
    out: list[_Match] = []
    n = len(text)
    pattern = _searcher(rule.pattern, text)
    for s, e in spans:
        for m in _finditer(pattern, text, s, e, overlapped):
            if m.end() >= e and e < n:
                full = pattern.match(text, m.start())
                if full is None:
                    continue
                m = full
            out.append(m)
    return out


#: What separates words for the word gate: ASCII punctuation, digits and whitespace.
_WORD_SEPARATORS = frozenset(string.punctuation + string.digits + string.whitespace)


def _needles_at_word_start(
    word_needles: dict[str, int], haystack: str, at: dict[str, list[int]]
) -> tuple[str, ...]:
    """The needles found somewhere with their first word standing alone ("from", not
    "wherefrom" or "fromage"). `word_needles` maps each needle to its first word's length.

    Checked at the few positions the keyword index already gave, instead of splitting the
    whole text into words (that split and set cost ~25 us per 2 KB prompt); only the
    needles the index found are visited (a set intersection, not a loop over all).
    """
    out: list[str] = []
    n = len(haystack)
    seps = _WORD_SEPARATORS
    for needle in word_needles.keys() & at.keys():
        width = word_needles[needle]
        for pos in at[needle]:
            end = pos + width
            before = haystack[pos - 1] if pos else " "
            after = haystack[end] if end < n else " "
            if (before in seps or before.isspace()) and (after in seps or after.isspace()):
                out.append(needle)
                break
    return tuple(out)


def _first_word(keyword: str) -> str:
    parts = keyword.lower().translate(_WORD_TABLE).split()
    return parts[0] if parts else keyword


#: Characters added on each side of a precheck hit before the rule searches it: enough for
#: a country code, an IBAN's letters, a "+", and the look-arounds of the rule patterns.
WINDOW_MARGIN = 24


def _add_window(out: list[tuple[int, int]], start: int, end: int) -> None:
    """Append the span to `out` (spans in start order), merged with the last one it touches."""
    if out and start <= out[-1][1]:
        out[-1] = (out[-1][0], max(out[-1][1], end))
    else:
        out.append((start, end))


def _windows(
    precheck: LazyPattern, text: str, margin: int, shape: str | None, before: int
) -> list[tuple[int, int]]:
    """Merged spans around every precheck hit (empty: the rules behind it cannot match):
    `before` characters before it, `margin` after.

    `shape` is ``text_shape(text)`` when already made (see `LazyPattern.hits`). A window
    may start late without losing a match's look-behind: searches from a position still
    see the characters before it.
    """
    out: list[tuple[int, int]] = []
    n = len(text)
    try:
        for m in precheck.hits(text, _limit(precheck, text), shape):
            _add_window(out, max(0, m.start() - before), min(n, m.end() + margin))
    except TimeoutError:
        return [(0, n)]  # too slow to narrow down: let the rules search everything
    return out


def _keyword_windows(
    at: dict[str, list[int]], keywords: Sequence[str], n: int, margin: int, before: int
) -> list[tuple[int, int]]:
    """Merged spans around each position of `keywords` in `at`: `before` characters
    before it, `margin` after."""
    out: list[tuple[int, int]] = []
    for i in sorted({i for k in keywords for i in at.get(k, ())}):
        _add_window(out, max(0, i - before), min(n, i + margin))
    return out


def _gate(precheck: LazyPattern, text: str, shape: str | None = None) -> bool:
    """Whether the precheck occurs; a precheck too slow to answer lets the rules run."""
    try:
        return next(precheck.hits(text, _limit(precheck, text), shape), None) is not None
    except TimeoutError:
        return True


def _run_start(text: str, pos: int, chars: frozenset[str], longest: int) -> int:
    """Where the run of `chars` that ends at `pos` starts, looking back at most `longest`
    characters and one more: a longer run is started inside, where the rule's look-behind
    refuses it, as a search would have."""
    lo = max(0, pos - longest - 1)
    i = pos
    while i > lo and text[i - 1] in chars:
        i -= 1
    return i


def _anchored_matches(
    step: _Step,
    text: str,
    needles: tuple[str, ...] | None,
    hits: dict[str, list[int]],
) -> list[_Match]:
    """Matches of a rule whose pattern starts with one of its keywords.

    An alternation of words at the start of a pattern defeats the regex engine's literal
    search (measured: 100+ microseconds per 2 KB even with no hit), so the pattern is tried
    only where the keyword index saw one of the needles. `anchors` (case-sensitive, found
    in the text itself) suit patterns that only match capitalised words ("Dr", "Dear"): far
    fewer candidate positions than "dr" in the lowered text.
    """
    if needles is None:
        needles = step.needles
    starts: set[int] = set()
    for kw in needles:
        starts.update(hits.get(kw, ()))
    run = step.run_before
    if run is not None:
        starts = {_run_start(text, pos, run, step.run_max) for pos in starts}
    pattern = _searcher(step.rule.pattern, text)
    out: list[_Match] = []
    last_end = -1
    for pos in sorted(starts):
        if pos < last_end:
            continue
        m = pattern.match(text, pos)
        if m is not None:
            out.append(m)
            last_end = m.end()
    return out


def _accept(rule: Rule, value: str, lowered: str, start: int, end: int) -> bool:
    if rule.min_entropy and shannon_entropy(value) < rule.min_entropy:
        return False
    if rule.kind == "secret" and (is_placeholder(value) or is_known_example(value)):
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
    return rule.validator is None or _valid(rule.validator, value)


@lru_cache(maxsize=16384)
def _valid(validator: str, value: str) -> bool:
    """Validator results, cached: logs and tables repeat the same numbers many times, and
    `phonenumbers.parse` costs ~50 us per call. Validators are pure functions of the value."""
    return VALIDATORS[validator](value)


def _shrink(rule: Rule, text: str, lowered: str, start: int, end: int) -> int:
    """The end of the longest accepted prefix cut at a separator, or -1 if there is none."""
    value = text[start:end]
    for cut in range(len(value) - 1, 0, -1):
        at_separator = value[cut] in " .-" and value[cut - 1] not in " .-"
        if at_separator and _accept(rule, value[:cut], lowered, start, start + cut):
            return start + cut
    return -1


def _outside_data_uris(found: list[_Candidate], text: str) -> list[_Candidate]:
    try:
        spans = [m.span() for m in _DATA_URI.finditer(text, timeout=MATCH_TIMEOUT)]
    except TimeoutError:
        return found
    if not spans:
        return found
    return [c for c in found if not any(s <= c[0] and c[1] <= e for s, e in spans)]


def _resolve_overlaps(findings: list[_Candidate]) -> list[_Candidate]:
    """Keep the most confident (then longest) finding wherever findings overlap.

    Kept spans never overlap, so they stay sorted by start and a new span only has to be
    compared with its neighbours (bisect): O(n log n) even for texts with 10^5 findings.
    """
    if len(findings) < 2:
        return findings
    ranked = sorted(findings, key=lambda c: (-c[2], c[0] - c[1], c[0]))
    starts: list[int] = []
    kept: list[_Candidate] = []
    for c in ranked:
        start, end = c[0], c[1]
        i = bisect.bisect_left(starts, start)
        if i > 0 and kept[i - 1][1] > start:
            continue
        if i < len(kept) and kept[i][0] < end:
            continue
        starts.insert(i, start)
        kept.insert(i, c)
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
