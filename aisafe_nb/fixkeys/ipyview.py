"""A same-length view of IPython source in which ``%env NAME=value`` reads like ``NAME=value``.

The detector's environment-assignment rule knows ``NAME=value`` lines (``.env``, shell) but
not IPython's ``%env``/``%set_env`` magics, so a secret of no known format set that way
would pass unseen. The view blanks the magic's name and normalises ``%env NAME value`` to
``NAME=value`` without changing any offset, so findings in the view point at the same
characters in the original.
"""

from __future__ import annotations

import re

_ENV_MAGIC = re.compile(r"(?m)^([ \t]*)(%(?:set_)?env)([ \t]+)([A-Za-z_]\w*)([ \t]+|[ \t]*=)")


def _blank(match: re.Match[str]) -> str:
    indent, magic, gap, name, sep = match.groups()
    if "=" not in sep:
        sep = "=" + sep[1:]
    return indent + " " * len(magic) + gap + name + sep


def scan_view(source: str) -> str:
    """`source` with ``%env``/``%set_env`` assignments rewritten in place (same length)."""
    if "env" not in source:
        return source
    return _ENV_MAGIC.sub(_blank, source)
