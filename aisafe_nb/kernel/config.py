"""``AISafe``: the kernel's traitlets, one per `Policy` setting and with the same names.

``%config AISafe.mode = "strict"`` and ``c.AISafe.mode = "strict"`` (ipython_config.py)
both land here. Every trait defaults to None, meaning "not set here": the effective policy
is ``Policy.load()`` (pyproject / ``AISAFE_NB_*``) with the traits that *are* set applied on
top. The traits are generated from `Policy`'s fields so a new setting needs no edit here.
"""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin, get_type_hints

from traitlets import Bool, Dict, Enum, Float, Int, List, TraitType, Unicode
from traitlets.config import Configurable

from aisafe_nb.policy import Policy


def _trait_for(hint: Any, help_text: str) -> TraitType[Any, Any]:
    common: dict[str, Any] = {"default_value": None, "allow_none": True, "help": help_text}
    origin = get_origin(hint)
    trait: TraitType[Any, Any]
    if origin is Literal:
        trait = Enum(list(get_args(hint)), **common)
    elif hint is bool:
        trait = Bool(**common)
    elif hint is int:
        trait = Int(**common)
    elif hint is float:
        trait = Float(**common)
    elif origin is tuple:
        trait = List(**common)
    elif "Mapping" in str(hint):
        trait = Dict(**common)
    else:
        trait = Unicode(**common)
    return trait.tag(config=True)


class AISafeBase(Configurable):
    """Behaviour shared by the generated ``AISafe`` class."""

    def overrides(self) -> dict[str, Any]:
        """The settings given explicitly (by ``%config`` or a config file)."""
        out: dict[str, Any] = {}
        for name in Policy.names():
            value = getattr(self, name)
            if value is not None:
                out[name] = tuple(value) if isinstance(value, list) else value
        return out

    def effective(self, base: Policy) -> Policy:
        """`base` with the explicitly given settings applied (raises `PolicyError`)."""
        return base.replace(**self.overrides())


def _build() -> type[AISafeBase]:
    hints = get_type_hints(Policy)
    traits = {
        name: _trait_for(hints[name], f"aisafe-nb setting {name!r} (see [tool.aisafe-nb])")
        for name in Policy.names()
    }
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": "aisafe-nb settings for this kernel (same names as [tool.aisafe-nb]).",
        **traits,
    }
    return type("AISafe", (AISafeBase,), namespace)


AISafe = _build()
