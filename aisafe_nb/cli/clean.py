"""``aisafe-nb clean PATH...``: make notebooks safe to share, in place or into another folder.

Exit codes: 0 done (or nothing to do), 1 with ``--check`` when a notebook would change,
2 when any file could not be cleaned (each such file gets one line and stays untouched).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from aisafe_nb.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK

if TYPE_CHECKING:
    from aisafe_nb.notebook.clean import CleanSummary, FileResult
    from aisafe_nb.policy import Policy


@dataclass(frozen=True, slots=True)
class CleanArgs:
    """The parsed command line of ``clean``."""

    paths: tuple[str, ...]
    check: bool
    dry_run: bool
    diff: bool
    output_dir: str | None
    jobs: int | None
    quiet: bool
    include_checkpoints: bool
    respect_gitignore: bool
    overrides: dict[str, Any]


def add_policy_flags(parser: argparse.ArgumentParser) -> None:
    """Sanitizer flags shared by ``clean`` and ``filter`` (Policy names; nbstripout's too)."""
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--strip-outputs", dest="strip_outputs", action="store_true", default=None,
                     help="remove cell outputs (default, unless configured otherwise)")
    out.add_argument("--keep-outputs", "--keep-output", dest="strip_outputs",
                     action="store_false", help="keep outputs (still redacted)")
    parser.add_argument("--keep-count", dest="strip_execution_count", action="store_false",
                        default=None, help="keep execution counts")
    parser.add_argument("--no-redact", action="store_true",
                        help="strip only, redact nothing (the work nbstripout does)")
    parser.add_argument("--pii", dest="redact_pii", action="store_true", default=None,
                        help="also redact personal data (emails, phones, cards, names...)")
    parser.add_argument("--keep-output-type", "--keep-output-types", dest="keep_output_types",
                        action="append", metavar="TYPE",
                        help="output type kept when stripping, e.g. display_data or "
                             "stream:stdout (repeatable)")
    parser.add_argument("--max-output-size", type=int, metavar="CHARS",
                        help="drop kept outputs bigger than this (0 = no limit)")
    parser.add_argument("--max-size", type=nbstripout_size, metavar="SIZE",
                        help="nbstripout's: keep outputs up to SIZE (e.g. 500, 1k, 2M) and "
                             "strip bigger ones")
    parser.add_argument("--drop-stderr", action="store_true", default=None,
                        help="drop stderr stream outputs even where outputs are kept")
    parser.add_argument("--drop-errors", action="store_true", default=None,
                        help="drop error outputs (tracebacks) even where outputs are kept")
    parser.add_argument("--drop-empty-cells", action="store_true", default=None,
                        help="remove cells whose source is blank")
    parser.add_argument("--drop-images", action="store_true", default=None,
                        help="drop image data from kept outputs")
    parser.add_argument("--extra-keys", "--strip-metadata", dest="extra_keys", action="append",
                        metavar="KEYS",
                        help="metadata to strip, nbstripout style: 'metadata.foo "
                             "cell.metadata.bar' (repeatable)")


def policy_overrides(ns: argparse.Namespace) -> dict[str, Any]:
    """The Policy settings given on the command line (flags left out keep the config's)."""
    out: dict[str, Any] = {}
    for name in ("strip_outputs", "strip_execution_count", "redact_pii", "max_output_size",
                 "drop_stderr", "drop_errors", "drop_empty_cells", "drop_images"):
        value = getattr(ns, name, None)
        if value is not None:
            out[name] = value
    if getattr(ns, "keep_output_types", None):
        out["keep_output_types"] = tuple(ns.keep_output_types)
    if getattr(ns, "extra_keys", None):
        out["strip_metadata"] = tuple(k for chunk in ns.extra_keys for k in chunk.split())
    if getattr(ns, "no_redact", False):
        out["redact_secrets"] = False
        out["redact_pii"] = False
    max_size = getattr(ns, "max_size", None)
    if max_size and "max_output_size" not in out:
        # nbstripout keeps outputs up to --max-size even where it strips the rest
        out.setdefault("strip_outputs", False)
        out["max_output_size"] = max_size
    return out


_SIZE_UNITS = {"K": 10**3, "M": 10**6, "G": 10**9}


def nbstripout_size(text: str) -> int:
    """A size as nbstripout's ``--max-size`` takes it: digits, optionally k, M or G (10^3n)."""
    unit = _SIZE_UNITS.get(text[-1:].upper(), 1)
    digits = text[:-1] if unit != 1 else text
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 500, 1k, 2M)")
    return int(digits) * unit


def build_policy(base: Policy, overrides: dict[str, Any]) -> Policy:
    """`base` with the command line's overrides; extra keys add to the configured ones."""
    if "strip_metadata" in overrides:
        overrides = {**overrides,
                     "strip_metadata": (*base.strip_metadata, *overrides["strip_metadata"])}
    return base.replace(**overrides)


def register(subparsers: Any) -> None:
    """Add the ``clean`` subcommand."""
    parser = subparsers.add_parser(
        "clean",
        help="redact secrets and strip outputs in notebooks (in place, atomically)",
        description="Make notebooks safe to share: redact secrets (and with --pii personal "
                    "data) wherever they occur, strip outputs, execution counts and volatile "
                    "metadata. Folders are walked recursively; .gitignore is respected and "
                    ".ipynb_checkpoints are included.",
    )
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if any notebook would change (for CI)")
    mode.add_argument("--dry-run", action="store_true",
                      help="write nothing; list what would change in each notebook")
    mode.add_argument("--output-dir", metavar="DIR",
                      help="write cleaned copies under DIR (mirroring the tree) instead")
    parser.add_argument("--diff", action="store_true",
                        help="show a unified diff of each change (secrets masked); implies "
                             "--dry-run unless --check is given")
    add_policy_flags(parser)
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="worker processes (default: all cores)")
    parser.add_argument("--no-checkpoints", dest="include_checkpoints", action="store_false",
                        help="skip .ipynb_checkpoints folders")
    parser.add_argument("--no-gitignore", dest="respect_gitignore", action="store_false",
                        help="also clean files .gitignore excludes")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.set_defaults(func=run)


def parse(ns: argparse.Namespace) -> CleanArgs:
    """Turn the argparse namespace into the typed `CleanArgs`."""
    dry_run = ns.dry_run or (ns.diff and not ns.check and not ns.output_dir)
    return CleanArgs(
        paths=tuple(ns.paths),
        check=ns.check,
        dry_run=dry_run,
        diff=ns.diff,
        output_dir=ns.output_dir,
        jobs=ns.jobs,
        quiet=ns.quiet,
        include_checkpoints=ns.include_checkpoints,
        respect_gitignore=ns.respect_gitignore,
        overrides=policy_overrides(ns),
    )


def run(ns: argparse.Namespace) -> int:
    """Run ``clean``; returns the exit code."""
    from aisafe_nb.notebook.clean import clean_paths
    from aisafe_nb.policy import Policy, PolicyError

    args = parse(ns)
    if args.jobs is not None and args.jobs < 1:
        print("aisafe-nb clean: --jobs must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    try:
        policy = build_policy(Policy.load(Path(args.paths[0]) if args.paths else None),
                              args.overrides)
    except PolicyError as exc:
        print(f"aisafe-nb clean: {exc}", file=sys.stderr)
        return EXIT_ERROR
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    summary = clean_paths(
        args.paths,
        policy,
        check=args.check,
        dry_run=args.dry_run,
        diff=args.diff,
        output_dir=args.output_dir,
        jobs=args.jobs,
        progress=bar.update if bar else None,
        include_checkpoints=args.include_checkpoints,
        respect_gitignore=args.respect_gitignore,
    )
    if bar:
        bar.close()
    _report(summary, args, sys.stdout, sys.stderr)
    if summary.errors:
        return EXIT_ERROR
    if args.check and summary.changed:
        return EXIT_FOUND
    return EXIT_OK


def _report(summary: CleanSummary, args: CleanArgs, out: TextIO, err: TextIO) -> None:
    for line in summary.errors:
        print(f"aisafe-nb clean: {line}", file=err)
    listing = args.dry_run or args.check
    for result in summary.changed:
        if result.diff:
            out.write(result.diff)
        if listing and not args.quiet:
            print(_describe(result, "would clean" if result.status == "would-clean" else
                            "cleaned"), file=out)
    if args.quiet:
        return
    total = len(summary.results)
    verb = "would clean" if listing else ("wrote" if args.output_dir else "cleaned")
    count = len(summary.changed) if not args.output_dir else sum(
        1 for r in summary.results if r.written)
    parts = [f"{verb} {count} of {total} notebook{'s' if total != 1 else ''}"]
    if summary.counts:
        parts.append("redacted " + ", ".join(f"{n} {t}" for t, n in sorted(summary.counts.items())))
    if summary.errors:
        parts.append(f"{len(summary.errors)} error{'s' if len(summary.errors) != 1 else ''}")
    if summary.temps_removed:
        parts.append(f"removed {summary.temps_removed} leftover temporary file(s)")
    print("aisafe-nb clean: " + "; ".join(parts), file=err)


def _describe(result: FileResult, verb: str) -> str:
    bits = []
    if result.counts:
        bits.append(", ".join(f"{n} {t}" for t, n in sorted(result.counts.items())))
    if result.outputs_removed:
        bits.append(f"{result.outputs_removed} output(s) removed")
    if result.cells_changed:
        bits.append(f"{result.cells_changed} cell(s) changed")
    return f"{verb} {result.path}" + (f": {'; '.join(bits)}" if bits else "")


class _ProgressBar:
    """A one-line progress bar on a terminal (no dependency: it is 20 lines)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = False

    def update(self, done: int, total: int, result: FileResult) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self._stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
