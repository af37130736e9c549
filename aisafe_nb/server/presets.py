"""Named export policies, read from ``data/export_presets.toml``."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

from aisafe_nb.policy import Policy, PolicyError

DEFAULT_PRESET = "project"


@functools.cache
def presets() -> dict[str, dict[str, Any]]:
    """Preset name -> policy overrides."""
    text = (
        resources.files("aisafe_nb.server")
        .joinpath("data/export_presets.toml")
        .read_text(encoding="utf-8")
    )
    return {name: dict(table) for name, table in tomllib.loads(text).items()}


def export_policy(base: Policy, choice: object) -> Policy:
    """`base` with the preset named `choice` (or a mapping of overrides) applied.

    Raises `PolicyError` for an unknown preset name or a bad override.
    """
    if choice is None:
        choice = DEFAULT_PRESET
    if isinstance(choice, str):
        table = presets().get(choice)
        if table is None:
            known = ", ".join(sorted(presets()))
            raise PolicyError(f"export: unknown policy {choice!r} (known: {known})")
        return base.replace(**table)
    if isinstance(choice, dict):
        return base.replace(**choice)
    raise PolicyError("export: 'policy' must be a preset name or an object of settings")
