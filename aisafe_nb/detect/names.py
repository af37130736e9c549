"""Person-name checks over the bundled name lists (data/names*.txt).

No network model is available at run time, so names are recognised by context (the rule
patterns in pii.toml) plus first-name and surname lists: the US census (names.txt) and
common names of other countries (names_intl.txt). The lists load on
first use only: text without a capitalised word pair never pays for them.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from aisafe_nb.detect.datafiles import DATA_DIR


class NameLists(NamedTuple):
    """The loaded lists, all lower-case."""

    first: frozenset[str]
    last: frozenset[str]
    ambiguous: frozenset[str]
    never: frozenset[str]


def _sections(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1], set())
        elif current is not None:
            current.update(line.split())
    return out


@cache
def lists() -> NameLists:
    """Load the name lists once per process."""
    names = _sections((DATA_DIR / "names.txt").read_text(encoding="utf-8"))
    intl = _sections((DATA_DIR / "names_intl.txt").read_text(encoding="utf-8"))
    stop = _sections((DATA_DIR / "names_stop.txt").read_text(encoding="utf-8"))
    return NameLists(
        first=frozenset(names["first"] | intl["first"]),
        last=frozenset(names["last"] | intl["last"]),
        ambiguous=frozenset(stop["ambiguous"]),
        never=frozenset(stop["never"]),
    )


def _tokens(value: str) -> list[str]:
    """Lower-case name tokens of `value`, without initials ("A.") and apostrophes."""
    out = []
    for raw in value.replace("’", "'").split():
        tok = raw.strip(".,'").lower()
        if len(tok) > 1:
            out.append(tok)
    return out


def _listed(tok: str, names: frozenset[str]) -> bool:
    """`tok` is in the census-based `names`, which spell "O'Connor" and "D'Angelo" without the
    apostrophe ("oconnor", "dangelo"). Only these lists are read that way: the stop lists
    keep theirs ("park's" is a never-name, "Parks" a surname)."""
    return tok in names or ("'" in tok and tok.replace("'", "") in names)


def _in(tok: str, names: frozenset[str]) -> bool:
    """`tok` (or every part of a hyphenated one, "mary-jane") is in `names`."""
    return _listed(tok, names) or ("-" in tok and all(_listed(p, names) for p in tok.split("-")))


def is_name_after_strong_context(value: str) -> bool:
    """After a salutation, honorific or signature: anything but a non-name word is a name."""
    nl = lists()
    toks = _tokens(value)
    return bool(toks) and not any(t in nl.never for t in toks)


def is_name_in_field(value: str) -> bool:
    """In a ``name:`` field or after "patient"/"customer": must look like a listed name.

    A single token must be a clear first name (``name = 'Mask'`` is a surname-list word
    but not a person); two or more need a clear first name first, or a first name followed
    by a listed surname.
    """
    nl = lists()
    toks = _tokens(value)
    if not toks or any(t in nl.never for t in toks):
        return False
    head, tail = toks[0], toks[-1]
    if _in(head, nl.first) and head not in nl.ambiguous:
        return True
    return (
        len(toks) >= 2 and _in(head, nl.first) and _in(tail, nl.last) and tail not in nl.ambiguous
    )


def is_name_after_weak_context(value: str) -> bool:
    """After "from", "by", "with", "I am"...: the first token must be a clear first name."""
    nl = lists()
    toks = _tokens(value)
    if not toks or any(t in nl.never for t in toks):
        return False
    head = toks[0]
    if _listed(head, nl.first) and head not in nl.ambiguous:
        return True
    return (
        len(toks) >= 2
        and _listed(head, nl.first)
        and _listed(toks[-1], nl.last)
        and toks[-1] not in nl.ambiguous
    )


def is_full_name(value: str) -> bool:
    """A bare "First Last" pair: a clear first name followed by a listed surname."""
    nl = lists()
    toks = _tokens(value)
    if len(toks) < 2 or any(t in nl.never for t in toks):
        return False
    head, tail = toks[0], toks[-1]
    if not _in(head, nl.first) or head in nl.ambiguous:
        return False
    return _in(tail, nl.last) and tail not in nl.ambiguous


def is_triple_name(value: str) -> bool:
    """Three names: a clear first name, a listed first name or surname, a listed surname."""
    nl = lists()
    toks = _tokens(value)
    if len(toks) != 3 or any(t in nl.never or t in nl.ambiguous for t in toks):
        return False
    head, mid, tail = toks
    return _in(head, nl.first) and (_in(mid, nl.first) or _in(mid, nl.last)) and _in(tail, nl.last)


def is_listed_name(word: str) -> bool:
    """`word` (lower-case) is a listed first name or surname and not an ordinary word."""
    nl = lists()
    return (word in nl.first or word in nl.last) and word not in nl.ambiguous
