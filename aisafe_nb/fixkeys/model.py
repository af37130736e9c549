"""The records `plan_fix` returns: what moves where, and what needs a human.

A `KeyMove` carries the key's value (it is needed to write ``.env``), but the value is
kept out of `repr`, so printing or logging a plan never prints the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class KeyMove:
    """One inline key that becomes ``os.environ["name"]`` and a line in ``.env``."""

    name: str
    type: str
    preview: str
    fingerprint: str
    line: int
    #: The key itself; excluded from repr and comparisons shown to users.
    value: str = field(repr=False, compare=False)
    #: True when ``.env`` already holds this name with this value (nothing to add).
    reused: bool = False
    #: The conventional name that was taken by a different value, if we had to pick another.
    renamed_from: str | None = None


@dataclass(frozen=True)
class ManualFix:
    """A key found where it cannot be rewritten safely (f-string, shell line, cell magic...)."""

    line: int
    type: str
    preview: str
    reason: str

    def describe(self) -> str:
        """One line for users: where, what, why."""
        return f"line {self.line}: {self.type} {self.preview}: manual fix needed ({self.reason})"


@dataclass(frozen=True)
class KeyFix:
    """The plan for one cell: its rewritten source, the keys to move, the ones left."""

    new_source: str
    moves: list[KeyMove]
    manual: list[ManualFix] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the rewritten source differs from the original."""
        return bool(self.moves)

    def describe(self) -> list[str]:
        """Human-readable lines (previews only, never values) for magics and the CLI."""
        out: list[str] = []
        for m in self.moves:
            what = f"line {m.line}: {m.type} {m.preview} -> os.environ[{m.name!r}]"
            if m.reused:
                what += " (already in .env)"
            if m.renamed_from:
                what += f" ({m.renamed_from} in .env holds a different value)"
            out.append(what)
        out.extend(fix.describe() for fix in self.manual)
        return out
