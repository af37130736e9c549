"""Load detection rules from the TOML data files shipped in `aisafe_nb/detect/data/`.

Rules are data so that adding a provider is a table entry and a test, not code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import regex

from aisafe_nb.detect.finding import Kind

RULE_FILES = ("secrets.toml", "pii.toml")


class RuleError(ValueError):
    """A rule file is malformed: unknown key, bad pattern, missing field."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One detection rule: a pattern plus the checks that keep it precise.

    `group` names the capture group holding the value (0 = the whole match), so a rule
    can require context such as ``aws_secret_access_key =`` without reporting it.
    `keywords` are lower-case literals; a rule runs only on text containing one of them.
    """

    id: str
    type: str
    kind: Kind
    pattern: regex.Pattern[str]
    keywords: tuple[str, ...] = ()
    validator: str | None = None
    min_entropy: float = 0.0
    context: tuple[str, ...] = ()
    context_window: int = 60
    context_required: bool = False
    confidence: float = 0.9
    group: int | str = 0
    keep_prefix: int = 0
    extra: dict[str, object] = field(default_factory=dict)


_KNOWN_KEYS = {
    "id", "type", "kind", "pattern", "keywords", "validator", "min_entropy", "context",
    "context_window", "context_required", "confidence", "group", "keep_prefix",
    "description", "flags", "extra",
}


def _compile(rule_id: str, pattern: str, flags: Iterable[str]) -> regex.Pattern[str]:
    value = regex.V0
    for name in flags:
        try:
            value |= getattr(regex, name.upper())
        except AttributeError as exc:
            raise RuleError(f"rule {rule_id}: unknown regex flag {name!r}") from exc
    try:
        return regex.compile(pattern, value)
    except regex.error as exc:
        raise RuleError(f"rule {rule_id}: bad pattern: {exc}") from exc


def parse_rule(raw: dict[str, object]) -> Rule:
    """Build a `Rule` from one `[[rule]]` table, rejecting unknown keys."""
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
    assert isinstance(flags, list)
    keywords = raw.get("keywords", [])
    context = raw.get("context", [])
    extra = raw.get("extra", {})
    assert isinstance(keywords, list) and isinstance(context, list) and isinstance(extra, dict)
    group = raw.get("group", 0)
    validator = raw.get("validator")
    return Rule(
        id=rule_id,
        type=str(raw["type"]),
        kind=kind,
        pattern=_compile(rule_id, str(raw["pattern"]), (str(f) for f in flags)),
        keywords=tuple(str(k).lower() for k in keywords),
        validator=str(validator) if validator is not None else None,
        min_entropy=float(raw.get("min_entropy", 0.0)),  # type: ignore[arg-type]
        context=tuple(str(c).lower() for c in context),
        context_window=int(raw.get("context_window", 60)),  # type: ignore[call-overload]
        context_required=bool(raw.get("context_required", False)),
        confidence=float(raw.get("confidence", 0.9)),  # type: ignore[arg-type]
        group=group if isinstance(group, (int, str)) else 0,
        keep_prefix=int(raw.get("keep_prefix", 0)),  # type: ignore[call-overload]
        extra=dict(extra),
    )


def load_rules_file(path: Path) -> list[Rule]:
    """Load every `[[rule]]` of one TOML file (used for user-supplied rule files too)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: {exc}") from exc
    return [parse_rule(raw) for raw in data.get("rule", [])]


def load_builtin_rules() -> list[Rule]:
    """Load the rules shipped with the package."""
    rules: list[Rule] = []
    data_dir = resources.files("aisafe_nb.detect") / "data"
    for name in RULE_FILES:
        text = (data_dir / name).read_text(encoding="utf-8")
        rules.extend(parse_rule(raw) for raw in tomllib.loads(text).get("rule", []))
    return rules
