"""Model prices: the bundled dated table, user overrides, longest-prefix lookup.

Prices are data (``data/prices.toml``) because they change more often than code. Model
names arrive as dated snapshots (``gpt-4o-2024-08-06``) or fine-tunes, so a lookup takes
the longest table prefix of the name.
"""

from __future__ import annotations

import tomllib
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from aisafe_nb.intercept.errors import AisafeError

PER_TOKENS = 1_000_000


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens."""

    input: float
    cached_input: float
    output: float


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one call used, as the API reported them (or as estimated)."""

    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    estimated: bool = False

    def merged(self, later: Usage) -> Usage:
        """This usage and a later report of the same call, for streams that report in parts.

        Every count a stream reports is cumulative (Anthropic: input tokens in its first
        event, output tokens so far in later ones), so the larger of each is the total.
        """
        return Usage(
            max(self.input_tokens, later.input_tokens),
            max(self.cached_tokens, later.cached_tokens),
            max(self.output_tokens, later.output_tokens),
            self.estimated and later.estimated,
        )


class PriceTable:
    """Maps a model name to its `Price`; unknown models get `default` and one warning."""

    def __init__(self, models: dict[str, Price], *, default: Price, updated: str = "") -> None:
        self.models = dict(models)
        self.default = default
        self.updated = updated
        self._warned: set[str] = set()
        # longest prefix first, so the first hit is the best one
        self._prefixes = sorted(self.models, key=len, reverse=True)

    @classmethod
    def load(cls, *, default: tuple[float, float], override: Path | None = None) -> PriceTable:
        """The bundled table, updated by `override` (same shape) when that file exists."""
        text = resources.files("aisafe_nb.intercept").joinpath("data/prices.toml").read_text()
        data = tomllib.loads(text)
        models = _parse_models(data, "bundled prices.toml")
        updated = str(data.get("updated", ""))
        if override is not None and override.is_file():
            try:
                extra = tomllib.loads(override.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise AisafeError(f"{override}: cannot read price table: {exc}") from exc
            models.update(_parse_models(extra, str(override)))
            updated = str(extra.get("updated", updated))
        d_in, d_out = default
        return cls(models, default=Price(d_in, d_in, d_out), updated=updated)

    def lookup(self, model: str | None) -> Price:
        """The price of `model` by longest prefix; the default (warned once) when unknown."""
        name = (model or "").strip()
        if name.startswith("ft:"):  # fine-tunes: ft:<base>:<org>:...
            name = name[3:]
        for prefix in self._prefixes:
            if name.startswith(prefix):
                return self.models[prefix]
        if name not in self._warned:
            self._warned.add(name)
            warnings.warn(
                f"aisafe-nb: no price for model {name or '(none)'!r}; using the default price "
                f"{self.default.input}/{self.default.output} USD per 1M tokens (set default_price)",
                stacklevel=2,
            )
        return self.default

    def cost(self, model: str | None, usage: Usage) -> float:
        """USD for `usage` on `model` (cached input tokens are part of input tokens)."""
        price = self.lookup(model)
        cached = min(usage.cached_tokens, usage.input_tokens)
        return (
            (usage.input_tokens - cached) * price.input
            + cached * price.cached_input
            + usage.output_tokens * price.output
        ) / PER_TOKENS


def _parse_models(data: dict[str, Any], source: str) -> dict[str, Price]:
    out: dict[str, Price] = {}
    for name, row in dict(data.get("models", {})).items():
        try:
            inp = float(row["input"])
            out[name] = Price(inp, float(row.get("cached_input", inp)), float(row["output"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise AisafeError(f"{source}: model {name!r} needs numeric input and output") from exc
    return out
