"""Load detection rules from the TOML data files shipped in `aisafe_nb/detect/data/`.

Rules are data so that adding a provider is a table entry and a test, not code.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from aisafe_nb.detect.datafiles import DATA_DIR, parsed_toml
from aisafe_nb.detect.finding import Kind

RULE_FILES = ("secrets.toml", "pii.toml")


class RuleError(ValueError):
    """A rule file is malformed: unknown key, bad pattern, missing field."""


#: `regex` flags and their stdlib `re` equivalents (engine "re" accepts only these).
_STD_FLAGS = (
    (int(regex.IGNORECASE), int(re.IGNORECASE)),
    (int(regex.MULTILINE), int(re.MULTILINE)),
    (int(regex.DOTALL), int(re.DOTALL)),
    (int(regex.VERBOSE), int(re.VERBOSE)),
)
_STD_FLAGS_OK = int(regex.V0) | int(regex.UNICODE) | sum(f for f, _ in _STD_FLAGS)


class LazyPattern:
    """A pattern compiled on first use.

    Compiling the ~70 built-in patterns with `regex` costs about 100 ms, more than a whole
    one-notebook scan may take; most rules never pass their keyword gate on a given text,
    so each is compiled only when first needed. User rule files are compiled eagerly
    (`validate`) so a bad pattern is reported at load time, naming the rule.
    """

    __slots__ = (
        "_compiled",
        "_std",
        "ascii",
        "builtin",
        "flags",
        "rule_id",
        "shape",
        "source",
        "std_re",
    )

    def __init__(self, rule_id: str, source: str, flags: int = 0, *, std_re: bool = False) -> None:
        self.rule_id = rule_id
        self.source = source
        self.flags = flags
        #: Built-in prechecks measured faster in stdlib `re` use it (`re` has no timeout,
        #: so never for user-supplied patterns).
        self.std_re = std_re
        #: Shipped with the package (reviewed, linear-time); see `engine.UNTIMED_MAX`.
        self.builtin = False
        #: A faster pattern used instead on pure-ASCII text (`str.isascii` is O(1)), where
        #: Unicode classes such as ``\p{Lu}`` measured 2x slower than ``[A-Z]``.
        self.ascii: LazyPattern | None = None
        #: An equivalent (or wider) pattern over the text's shape (see `text_shape`), for
        #: pure-ASCII text: a class like ``[A-Z]`` becomes the literal ``U``, which the
        #: regex engine skips to instead of testing every position.
        self.shape: LazyPattern | None = None
        self._compiled: regex.Pattern[str] | None = None
        self._std: re.Pattern[str] | None = None

    def get(self) -> regex.Pattern[str]:
        """The compiled pattern (compiled now if needed)."""
        if self._compiled is None:
            try:
                self._compiled = regex.compile(self.source, self.flags)
            except regex.error as exc:
                raise RuleError(f"rule {self.rule_id}: bad pattern: {exc}") from exc
        return self._compiled

    def untimed(self) -> re.Pattern[str] | regex.Pattern[str]:
        """The compiled form for a search without a timeout: stdlib `re` when declared.

        Patterns that start with a character class or a look-behind measured 3-4x faster
        in `re` than in `regex` (which wins on patterns that start with a literal). `re`
        has no timeout, so the engine uses this only where it would not arm one anyway.
        """
        if not self.std_re:
            return self.get()
        if self._std is None:
            self._std = self._compile_std()
        return self._std

    def _compile_std(self) -> re.Pattern[str]:
        self.get()  # reports a bad pattern the same way
        if self.flags & ~_STD_FLAGS_OK:
            raise RuleError(f"rule {self.rule_id}: flags not supported by engine 're'")
        std_flags = 0
        for regex_flag, re_flag in _STD_FLAGS:
            if self.flags & regex_flag:
                std_flags |= re_flag
        try:
            return re.compile(self.source, std_flags)
        except re.error as exc:
            message = f"rule {self.rule_id}: pattern not valid for engine 're': {exc}"
            raise RuleError(message) from exc

    def hits(
        self, text: str, timeout: float | None, shape: str | None = None
    ) -> Iterator[re.Match[str] | regex.Match[str]]:
        """All matches in `text`, with the engine this pattern was declared for.

        `shape` is ``text_shape(text)`` when the caller has it (pure-ASCII text only): a
        pattern with a shape form searches that instead.
        """
        if shape is not None and self.shape is not None:
            return self.shape.untimed().finditer(shape)
        if self.ascii is not None and text.isascii():
            return self.ascii.hits(text, timeout)
        if self.std_re:
            return self.untimed().finditer(text)
        matches: Iterator[regex.Match[str]] = self.get().finditer(text, timeout=timeout)
        return matches

    @property
    def pattern(self) -> str:
        """The pattern source."""
        return self.source

    def __getattr__(self, name: str) -> Any:
        # finditer / match / search / groups / groupindex of the compiled pattern
        return getattr(self.get(), name)


@dataclass(frozen=True, slots=True)
class Rule:
    """One detection rule: a pattern plus the checks that keep it precise.

    `group` names the capture group holding the value (0 = the whole match), so a rule
    can require context such as ``aws_secret_access_key =`` without reporting it.
    `keywords` are lower-case literals; a rule runs only on text containing one of them.
    `precheck` is a shared cheap pattern (e.g. "five digits close together"): the engine
    evaluates each distinct precheck at most once per text, so a whole group of keyword-less
    rules (phones, cards, names) costs one search on text that cannot contain them.
    """

    id: str
    type: str
    kind: Kind
    pattern: LazyPattern
    keywords: tuple[str, ...] = ()
    validator: str | None = None
    min_entropy: float = 0.0
    context: tuple[str, ...] = ()
    context_window: int = 60
    context_required: bool = False
    confidence: float = 0.9
    group: int | str = 0
    keep_prefix: int = 0
    precheck: LazyPattern | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def anchored(self) -> bool:
        """The pattern starts at one of the keywords (the engine tries it only there)."""
        return bool(self.extra.get("anchored"))

    @property
    def windowed(self) -> bool:
        """Matches lie inside the precheck's hits (the engine searches only around them)."""
        return bool(self.extra.get("windowed"))


_KNOWN_KEYS = {
    "id",
    "type",
    "kind",
    "pattern",
    "keywords",
    "validator",
    "min_entropy",
    "context",
    "context_window",
    "context_required",
    "confidence",
    "group",
    "keep_prefix",
    "description",
    "flags",
    "extra",
    "precheck",
    "engine",
}


def _flags(rule_id: str, flags: Iterable[str]) -> int:
    value = int(regex.V0)
    for name in flags:
        try:
            value |= int(getattr(regex, name.upper()))
        except AttributeError as exc:
            raise RuleError(f"rule {rule_id}: unknown regex flag {name!r}") from exc
    return value


def validate_rule(rule: Rule) -> None:
    """Compile the rule's patterns and check its capture group (raises `RuleError`)."""
    pattern = rule.pattern.get()
    rule.pattern.untimed()
    if rule.precheck is not None:
        rule.precheck.get()
        if rule.precheck.ascii is not None:
            rule.precheck.ascii.untimed()
        if rule.precheck.shape is not None:
            rule.precheck.shape.untimed()
    group = rule.group
    if isinstance(group, str) and group not in pattern.groupindex:
        raise RuleError(f"rule {rule.id}: pattern has no group {group!r}")
    if isinstance(group, int) and group > pattern.groups:
        raise RuleError(f"rule {rule.id}: pattern has no group {group}")
    if rule.extra.get("overlapped") and rule.pattern.std_re:
        raise RuleError(f"rule {rule.id}: overlapped matching needs engine 'regex'")


def parse_rule(
    raw: dict[str, object],
    prechecks: dict[str, LazyPattern] | None = None,
    *,
    validate: bool = True,
    builtin: bool = False,
) -> Rule:
    """Build a `Rule` from one `[[rule]]` table, rejecting unknown keys and names.

    ``engine = "re"`` (built-in rules only: `re` has no timeout) runs the pattern with
    stdlib `re` on texts short enough to go untimed; see `LazyPattern.untimed`.
    """
    unknown = set(raw) - _KNOWN_KEYS
    rule_id = str(raw.get("id", "?"))
    if unknown:
        raise RuleError(f"rule {rule_id}: unknown keys {sorted(unknown)}")
    for required in ("id", "type", "kind", "pattern"):
        if required not in raw:
            raise RuleError(f"rule {rule_id}: missing {required!r}")
    kind = raw["kind"]
    if kind not in ("secret", "pii"):
        raise RuleError(f"rule {rule_id}: kind must be 'secret' or 'pii', not {kind!r}")
    flags = raw.get("flags", [])
    keywords = raw.get("keywords", [])
    context = raw.get("context", [])
    extra = raw.get("extra", {})
    for key, value, typ in (
        ("flags", flags, list),
        ("keywords", keywords, list),
        ("context", context, list),
        ("extra", extra, dict),
    ):
        if not isinstance(value, typ):
            raise RuleError(f"rule {rule_id}: {key!r} must be a {typ.__name__}")
    # narrowed for mypy (checked above)
    assert isinstance(flags, list)
    assert isinstance(keywords, list)
    assert isinstance(context, list)
    assert isinstance(extra, dict)
    group = raw.get("group", 0)
    validator = raw.get("validator")
    if validator is not None:
        from aisafe_nb.detect.validators import VALIDATORS

        if str(validator) not in VALIDATORS:
            raise RuleError(f"rule {rule_id}: unknown validator {validator!r}")
    precheck = None
    if "precheck" in raw:
        precheck = (prechecks or {}).get(str(raw["precheck"]))
        if precheck is None:
            raise RuleError(f"rule {rule_id}: unknown precheck {raw['precheck']!r}")
    engine = raw.get("engine", "regex")
    if engine not in ("regex", "re") or (engine == "re" and not builtin):
        raise RuleError(f"rule {rule_id}: engine must be 'regex'")
    pattern = LazyPattern(
        rule_id,
        str(raw["pattern"]),
        _flags(rule_id, (str(f) for f in flags)),
        std_re=engine == "re",
    )
    rule = Rule(
        id=rule_id,
        type=str(raw["type"]),
        kind=kind,
        pattern=pattern,
        keywords=tuple(str(k).lower() for k in keywords),
        validator=str(validator) if validator is not None else None,
        min_entropy=float(raw.get("min_entropy", 0.0)),  # type: ignore[arg-type]
        context=tuple(str(c).lower() for c in context),
        context_window=int(raw.get("context_window", 60)),  # type: ignore[call-overload]
        context_required=bool(raw.get("context_required", False)),
        confidence=float(raw.get("confidence", 0.9)),  # type: ignore[arg-type]
        group=group if isinstance(group, (int, str)) else 0,
        keep_prefix=int(raw.get("keep_prefix", 0)),  # type: ignore[call-overload]
        precheck=precheck,
        extra=dict(extra),
    )
    if validate:
        validate_rule(rule)
    return rule


def parse_prechecks(
    data: dict[str, object], source: str, *, builtin: bool = False
) -> dict[str, LazyPattern]:
    """The `[prechecks]` table of one rule file (name -> pattern, compiled on first use).

    A value is a pattern, or a table ``{ pattern = "...", ascii = "..." }`` where `ascii`
    is an equivalent pattern for pure-ASCII text; built-in files may add ``engine = "re"``
    for a precheck that stdlib `re` runs faster than `regex`, and ``shape``, the pattern
    over the text's shape (see `text_shape`), which runs in `re` too (never user patterns:
    `re` has no timeout).
    """
    table = data.get("prechecks", {})
    if not isinstance(table, dict):
        raise RuleError(f"{source}: [prechecks] must be a table")
    out: dict[str, LazyPattern] = {}
    for k, v in table.items():
        std_re, ascii_source, shape_source = False, None, None
        if isinstance(v, dict):
            if set(v) - {"pattern", "engine", "ascii", "shape"} or "pattern" not in v:
                raise RuleError(f"{source}: precheck {k}: expected keys pattern, ascii, shape")
            if "shape" in v and not builtin:
                raise RuleError(f"{source}: precheck {k}: shape is for built-in rules only")
            engine = v.get("engine", "regex")
            if engine not in ("regex", "re") or (engine == "re" and not builtin):
                raise RuleError(f"{source}: precheck {k}: engine must be 'regex'")
            std_re = engine == "re"
            ascii_source, shape_source, v = v.get("ascii"), v.get("shape"), v["pattern"]
        out[str(k)] = pattern = LazyPattern(f"precheck {k}", str(v), std_re=std_re)
        pattern.builtin = builtin
        if ascii_source is not None:
            pattern.ascii = LazyPattern(f"precheck {k} (ascii)", str(ascii_source))
            pattern.ascii.builtin = builtin
        if shape_source is not None:
            pattern.shape = LazyPattern(f"precheck {k} (shape)", str(shape_source), std_re=True)
            pattern.shape.builtin = builtin
    return out


#: ASCII letters and digits to their class: ``l`` lower case, ``U`` upper case, ``d`` digit;
#: every other character stays itself (so ``\s``, ``.`` and ``-`` still mean what they say).
_SHAPE_TABLE = str.maketrans(
    string.ascii_lowercase + string.ascii_uppercase + string.digits,
    "l" * 26 + "U" * 26 + "d" * 10,
)


def text_shape(text: str) -> str | None:
    """`text` with each ASCII letter and digit replaced by its class, or None if not ASCII.

    Prechecks look for shapes ("a digit, a space, a capital"): over the shape string their
    patterns start at a literal (``d``, ``U``) the engine skips to, measured 3-4x faster
    than ``[0-9]``/``[A-Z]`` over the text. Positions are the text's own (one character
    for one), which is why only ASCII text has a shape.
    """
    return text.translate(_SHAPE_TABLE) if text.isascii() else None


def _parse_file(
    data: dict[str, object],
    source: str,
    prechecks: dict[str, LazyPattern],
    *,
    validate: bool = True,
    builtin: bool = False,
) -> list[Rule]:
    unknown = set(data) - {"rule", "prechecks"}
    if unknown:
        raise RuleError(f"{source}: unknown top-level keys {sorted(unknown)}")
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{source}: `rule` must be an array of tables ([[rule]])")
    return [parse_rule(raw, prechecks, validate=validate, builtin=builtin) for raw in raw_rules]


def _read_toml(text: str, source: str) -> dict[str, Any]:
    import tomllib  # only when a rule file is parsed, not read from the cache

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: {exc}") from exc


def _builtin_data() -> list[tuple[str, dict[str, Any]]]:
    return [(name, _builtin_file(name)) for name in RULE_FILES]


def _builtin_file(name: str) -> dict[str, Any]:
    return parsed_toml((DATA_DIR / name).read_bytes(), lambda text: _read_toml(text, name))


def builtin_prechecks() -> dict[str, LazyPattern]:
    """The shared prechecks declared by the built-in rule files."""
    out: dict[str, LazyPattern] = {}
    for name, data in _builtin_data():
        out.update(parse_prechecks(data, name, builtin=True))
    return out


def load_rules_file(path: Path) -> list[Rule]:
    """Load every `[[rule]]` of one TOML file (used for user-supplied rule files too).

    A user file may use the built-in prechecks and declare its own `[prechecks]`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: {exc}") from exc
    data = _read_toml(text, str(path))
    prechecks = builtin_prechecks() | parse_prechecks(data, str(path))
    return _parse_file(data, str(path), prechecks)


def load_builtin_rules(*, validate: bool = False) -> list[Rule]:
    """Load the rules shipped with the package (patterns compile on first use).

    The test suite loads them with ``validate=True`` so a broken built-in pattern fails
    there rather than at a user's first matching text.
    """
    files = _builtin_data()
    prechecks: dict[str, LazyPattern] = {}
    for name, data in files:
        prechecks.update(parse_prechecks(data, name, builtin=True))
    rules: list[Rule] = []
    for name, data in files:
        rules.extend(_parse_file(data, name, prechecks, validate=validate, builtin=True))
    for rule in rules:
        rule.pattern.builtin = True
    return rules
