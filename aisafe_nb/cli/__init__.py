"""The ``aisafe-nb`` command: one module per subcommand, loaded only when it is used.

Each subcommand module defines ``register(subparsers)`` (adds its parser and sets
``func`` to its runner) and a ``run(args) -> int``. The library never prints or exits;
these modules turn its results and exceptions into messages and exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

#: subcommand -> module; imported lazily so `aisafe-nb filter` (the git filter) stays fast.
SUBCOMMANDS: dict[str, str] = {
    "scan": "aisafe_nb.cli.scan",
    "clean": "aisafe_nb.cli.clean",
    "filter": "aisafe_nb.cli.git_filter",
    "install": "aisafe_nb.cli.install",
    "fix-keys": "aisafe_nb.cli.fix_keys",
}

#: Exit codes shared by every subcommand.
EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class _VersionAction(argparse.Action):
    """``--version``: reads package metadata only when asked (it costs ~25 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        from aisafe_nb import _version_string

        print(f"aisafe-nb {_version_string()}")
        parser.exit()


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, given the terminal width up front.

    Without a width, every formatter argparse makes (one per parser and per argument, help
    printed or not) imports ``shutil``, and bz2 and lzma behind it, to ask for it: 5-8 ms
    of every command's start-up, the git filter's on each ``git add`` included.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_width() - 2 if width is None else width)


def _terminal_width() -> int:
    """Columns, as ``shutil.get_terminal_size`` finds them: $COLUMNS, the terminal, or 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose subcommand parsers (made with its class) use `_HelpFormatter`."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with `only`, just that subcommand's module is imported."""
    parser = _Parser(
        prog="aisafe-nb",
        description="Find and remove API keys and personal data in notebooks.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in SUBCOMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, add_help=False)
            continue
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(only=first if first in SUBCOMMANDS else None)
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("aisafe-nb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
