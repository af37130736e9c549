"""``%aisafe`` and ``%%aisafe_scrub``: parse, call the library, return something to display.

``%aisafe`` is a dispatch table: subcommand -> ``"module:function"``, each function taking
``(shell, args: str)`` and returning a displayable object. Modules are imported on first
use, so the API-guard subcommands (``budget``, ``spent``, ``log``) live in
`aisafe_nb.intercept.magics`, and a missing module just makes its subcommand "not
available".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from aisafe_nb.kernel.render import Notice

SUBCOMMANDS: dict[str, str] = {
    "status": "aisafe_nb.kernel.commands:status",
    "on": "aisafe_nb.kernel.commands:turn_on",
    "off": "aisafe_nb.kernel.commands:turn_off",
    "mode": "aisafe_nb.kernel.commands:mode",
    "env": "aisafe_nb.kernel.commands:env",
    "fix": "aisafe_nb.kernel.commands:fix",
    "help": "aisafe_nb.kernel.commands:help_",
    "budget": "aisafe_nb.intercept.magics:budget",
    "spent": "aisafe_nb.intercept.magics:spent",
    "log": "aisafe_nb.intercept.magics:log",
}

Handler = Callable[[Any, str], object]


def resolve(subcommand: str) -> Handler | None:
    """The handler for `subcommand`, or None when its module is not installed."""
    target = SUBCOMMANDS.get(subcommand)
    if target is None:
        return None
    module_name, _, func = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    handler = getattr(module, func, None)
    return handler if callable(handler) else None


def aisafe(shell: Any, line: str) -> object:
    """``%aisafe SUBCOMMAND [ARGS]`` (``%aisafe help`` lists them)."""
    sub, _, rest = line.strip().partition(" ")
    sub = sub or "status"
    if sub not in SUBCOMMANDS:
        return Notice(
            f"unknown subcommand {sub!r}",
            lines=[f"known: {', '.join(SUBCOMMANDS)}"],
            hint="Try `%aisafe help`.",
            level="error",
        )
    handler = resolve(sub)
    if handler is None:
        return Notice(f"`%aisafe {sub}` is not available in this installation", level="warning")
    return handler(shell, rest.strip())


def aisafe_scrub(shell: Any, line: str, cell: str) -> object:
    """``%%aisafe_scrub``: show the cell as a prompt would be sent after scrubbing."""
    from aisafe_nb.kernel.commands import scrub_preview

    return scrub_preview(shell, cell)


def register(shell: Any) -> Callable[[], None]:
    """Register both magics on `shell`; return the function that removes them."""

    def line_magic(line: str) -> object:
        return aisafe(shell, line)

    def cell_magic(line: str, cell: str) -> object:
        return aisafe_scrub(shell, line, cell)

    line_magic.__doc__ = aisafe.__doc__
    cell_magic.__doc__ = aisafe_scrub.__doc__
    shell.register_magic_function(line_magic, "line", "aisafe")
    shell.register_magic_function(cell_magic, "cell", "aisafe_scrub")

    def unregister() -> None:
        magics = shell.magics_manager.magics
        if magics["line"].get("aisafe") is line_magic:
            del magics["line"]["aisafe"]
        if magics["cell"].get("aisafe_scrub") is cell_magic:
            del magics["cell"]["aisafe_scrub"]

    return unregister
