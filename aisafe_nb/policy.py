"""One `Policy`: every setting of aisafe-nb, with the same name on every surface.

Settings come from ``[tool.aisafe-nb]`` in ``pyproject.toml`` (or ``.aisafe-nb.toml``),
then ``AISAFE_NB_<NAME>`` environment variables, then the surface's own overrides
(``%config``/magics in the kernel, traitlets in the server, flags on the command line).
TOML keys may use dashes or underscores; Python names use underscores.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

CONFIG_FILES = (".aisafe-nb.toml", "pyproject.toml")
ENV_PREFIX = "AISAFE_NB_"


class PolicyError(ValueError):
    """A setting has an unknown name or a value of the wrong type."""


@dataclass(frozen=True, kw_only=True)
class Policy:
    """All settings. Defaults are what a user gets with no configuration at all."""

    # --- detection (every surface) ---
    #: Regexes; a finding whose value matches one is ignored.
    allow_patterns: tuple[str, ...] = ()
    #: Baseline file of fingerprints to ignore (written by ``scan --update-baseline``).
    baseline: str | None = None
    #: Finding types never reported, e.g. ``("ip-address",)``.
    disabled_types: tuple[str, ...] = ()
    #: Glob patterns of paths the command line skips.
    exclude: tuple[str, ...] = ()

    # --- notebook sanitizer (clean, git filter, save hook, export) ---
    redact_secrets: bool = True
    redact_pii: bool = False
    strip_outputs: bool = True
    strip_execution_count: bool = True
    #: Extra metadata keys to strip (dotted paths, e.g. ``metadata.widgets``).
    strip_metadata: tuple[str, ...] = ()
    #: Output types kept when stripping, e.g. ``("display_data",)``.
    keep_output_types: tuple[str, ...] = ()
    #: Outputs bigger than this many bytes are dropped even when kept (0 = no limit).
    max_output_size: int = 0
    drop_stderr: bool = False
    drop_errors: bool = False
    drop_empty_cells: bool = False
    drop_images: bool = False

    # --- kernel (%load_ext aisafe_nb) ---
    enabled: bool = True
    mode: Literal["warn", "strict"] = "warn"
    mask_outputs: bool = True

    # --- API guard ---
    scrub_prompts: bool = True
    #: Operator per finding type or kind: placeholder | redact | allow | block.
    operators: Mapping[str, str] = field(default_factory=dict)
    #: Extra hosts whose HTTP requests are guarded besides the OpenAI SDK's own.
    ai_hosts: tuple[str, ...] = ()
    budget_session: float = 0.0
    budget_daily: float = 0.0
    budget_monthly: float = 0.0
    #: USD per million tokens (input, output) for models missing from the price table.
    default_price: tuple[float, float] = (10.0, 30.0)
    max_calls_per_cell: int = 25
    max_calls_per_minute: int = 60
    max_repeats: int = 5
    #: Where the ledger and the audit log live (default: the user's data folder).
    state_dir: str | None = None

    # --- Jupyter server save hook ---
    save_redact_secrets: bool = True
    save_redact_pii: bool = False
    save_strip_outputs: bool = False
    save_mode: Literal["scrub", "block"] = "scrub"

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every setting name, in declaration order."""
        return tuple(f.name for f in fields(cls))

    def replace(self, **changes: Any) -> Policy:
        """A copy with `changes` applied, each checked like a configuration value."""
        return dataclasses.replace(self, **_coerce_all(changes, source="override"))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "configuration") -> Policy:
        """Build a policy from a ``[tool.aisafe-nb]``-shaped mapping."""
        return cls(**_coerce_all(data, source=source))

    @classmethod
    def load(
        cls, start: Path | None = None, *, environ: Mapping[str, str] | None = None
    ) -> Policy:
        """Read the nearest configuration file from `start` upwards, then the environment."""
        data: dict[str, Any] = {}
        found = find_config_file(start or Path.cwd())
        if found is not None:
            data.update(read_config_file(found))
        data.update(_from_environment(os.environ if environ is None else environ))
        return cls.from_mapping(data, source=str(found) if found else "environment")


def find_config_file(start: Path) -> Path | None:
    """The nearest ``.aisafe-nb.toml`` (or ``pyproject.toml`` with our table) from `start` up."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_our_table(candidate)):
                return candidate
    return None


def _has_our_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "aisafe-nb" not in text:  # most projects' pyproject.toml: no parse, no tomllib import
        return False
    import tomllib  # a few ms to import; the git filter starts on every `git add`

    try:
        return "aisafe-nb" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return False


def config_root(start: Path | None = None) -> Path | None:
    """The folder holding the configuration file (paths in it are relative to this)."""
    found = find_config_file(start or Path.cwd())
    return found.parent if found else None


def read_config_file(path: Path) -> dict[str, Any]:
    """The aisafe-nb table of `path`: all of ``.aisafe-nb.toml``, or ``[tool.aisafe-nb]``."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read configuration: {exc}") from exc
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("aisafe-nb", {})
        return dict(table) if isinstance(table, dict) else {}
    return data


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    known = set(Policy.names())
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name in known:
                out[name] = value
    return out


def _coerce_all(data: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    hints = get_type_hints(Policy)
    known = set(Policy.names())
    out: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = raw_key.replace("-", "_")
        if key not in known:
            raise PolicyError(f"{source}: unknown setting {raw_key!r}")
        out[key] = _coerce(key, hints[key], value, source)
    return out


def _coerce(name: str, hint: Any, value: Any, source: str) -> Any:
    """Check `value` against the declared type, converting strings from the environment."""
    origin, args = get_origin(hint), get_args(hint)
    bad = PolicyError(f"{source}: setting {name!r} has an invalid value {value!r}")
    if origin is Literal:
        if value not in args:
            raise PolicyError(
                f"{source}: setting {name!r} must be one of {list(args)}, not {value!r}"
            )
        return value
    if hint is bool:
        if isinstance(value, str):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise bad
        if not isinstance(value, bool):
            raise bad
        return value
    if hint in (int, float):
        try:
            return hint(value) if not isinstance(value, bool) else _raise(bad)
        except (TypeError, ValueError):
            raise bad from None
    if origin is tuple:
        items = value
        if isinstance(value, str):
            items = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(items, (list, tuple)):
            raise bad
        if args and args[-1] is not Ellipsis:
            try:
                return tuple(t(v) for t, v in zip(args, items, strict=True))
            except (TypeError, ValueError):
                raise bad from None
        return tuple(str(v) for v in items)
    if origin is Mapping or hint is Mapping:
        if not isinstance(value, Mapping):
            raise bad
        return {str(k): str(v) for k, v in value.items()}
    # Optional[str]
    if value is None or isinstance(value, str):
        return value
    raise bad


def _raise(exc: Exception) -> Any:
    raise exc
