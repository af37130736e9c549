"""Read a notebook's text fields the same way everywhere, whatever shape a file gives them.

nbformat stores multi-line text as a string or as a list of lines. A hand-edited or
damaged file may also hold numbers or nulls in such a list; every reader here skips those
items rather than failing (the writer keeps them as they are).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["joined_text", "source_text"]


def joined_text(value: Any) -> str | None:
    """A text field as one string (a list of lines joined); None when it is not text."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        try:
            return "".join(value)  # the common case: a list of str, joined at C speed
        except TypeError:
            return "".join(x for x in value if isinstance(x, str))
    return None


def source_text(cell: Mapping[str, Any]) -> str:
    """A cell's source as one string ("" when missing or not text)."""
    return joined_text(cell.get("source", "")) or ""
