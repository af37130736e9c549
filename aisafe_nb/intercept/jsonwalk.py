"""A copy-on-change map over the strings of a parsed JSON value.

The request walk (`body`) and the answer restore (`restore`) both visit every string of a
JSON document together with the key it sits under, and both usually change nothing: most
request strings hold no personal data, most answers hold no placeholder. Containers are
therefore copied only along the paths to a changed string; an unchanged value comes back
as the same object, so the common case allocates nothing and callers can test
``result is value`` instead of comparing whole documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: Called for every string: (text, key it sits under or None) -> text to put in its place.
StringMap = Callable[[str, "str | None"], str]


def map_strings(
    value: Any,
    fn: StringMap,
    key: str | None = None,
    skip_keys: frozenset[str] = frozenset(),
) -> Any:
    """`value` with `fn` applied to every string; values under `skip_keys` are not visited.

    A string inside a list is passed the key of the list. A string `fn` returns equal to
    the one it got counts as unchanged. The input is never modified.
    """
    if isinstance(value, str):
        text = fn(value, key)
        return value if text == value else text  # an equal copy is no change
    slots: Iterable[Any]  # dict keys or list indices, zipped with the items below
    if isinstance(value, dict):
        is_dict, slots = True, value.keys()
        items: Iterable[Any] = value.values()
    elif isinstance(value, list):
        is_dict, slots, items = False, range(len(value)), value
    else:
        return value
    out: Any = None
    for slot, item in zip(slots, items, strict=True):
        if is_dict and slot in skip_keys:
            continue
        new = map_strings(item, fn, slot if is_dict else key, skip_keys)
        if new is not item:
            if out is None:
                out = value.copy()
            out[slot] = new
    return value if out is None else out
