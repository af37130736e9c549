"""Names for moved keys: the variable each provider's SDK reads, never a clash in `.env`.

The type-to-name table is data (``data/env_names.toml``); a name already used in ``.env``
for a different value gets a numbered suffix instead of being overwritten.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files

_NAME_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Assigned variable names taken as-is when they already look like an environment name.
_SECRETISH = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PWD|CREDENTIALS?)$")


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    raw = files("aisafe_nb.fixkeys").joinpath("data/env_names.toml").read_text(encoding="utf-8")
    names = tomllib.loads(raw).get("names", {})
    return {str(k): str(v) for k, v in names.items()}


def name_for_type(finding_type: str) -> str:
    """``openai-api-key`` -> ``OPENAI_API_KEY`` (table first, then the upper-case rule)."""
    known = _table().get(finding_type)
    if known:
        return known
    name = re.sub(r"[^A-Z0-9]+", "_", finding_type.upper()).strip("_")
    return name if name and not name[0].isdigit() else f"SECRET_{name}"


def name_for(finding_type: str, assigned: str | None = None) -> str:
    """The variable name for a key: the assigned name when it is already env-shaped
    (``MY_SERVICE_TOKEN = "..."``), else the conventional name for its type."""
    if assigned and _NAME_OK.match(assigned) and assigned.isupper() and _SECRETISH.search(assigned):
        return assigned
    return name_for_type(finding_type)


def is_valid_name(name: str) -> bool:
    """True for names usable both in ``.env`` and as ``os.environ[...]`` keys in shells."""
    return bool(_NAME_OK.match(name))


def unique_name(base: str, value: str, taken: Mapping[str, str]) -> str:
    """`base` when free or holding the same `value`; else ``base_2``, ``base_3``, ..."""
    candidate, n = base, 1
    while candidate in taken and taken[candidate] != value:
        n += 1
        candidate = f"{base}_{n}"
    return candidate
