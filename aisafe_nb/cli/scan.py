"""``aisafe-nb scan PATH...``: report secrets and personal data in notebooks and files.

Exit 0 when clean, 1 when something was found, 2 on bad usage or unreadable input (one
line per bad file on stderr; every other file is still scanned). Nothing heavy is
imported here: no nbformat, no IPython — a scan of one small notebook starts fast.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisafe_nb.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK

if TYPE_CHECKING:
    from aisafe_nb.detect.finding import Kind
    from aisafe_nb.policy import Policy
    from aisafe_nb.report.model import ScanReport

FORMATS = ("text", "json", "sarif")
KINDS = ("secret", "pii")


@dataclass(frozen=True, slots=True)
class ScanArgs:
    """The parsed command line of ``scan``."""

    paths: tuple[str, ...]
    format: str
    output: str | None
    kinds: tuple[Kind, ...]
    reveal: bool
    baseline: str | None
    update_baseline: bool
    respect_gitignore: bool
    include_checkpoints: bool
    jobs: int


def register(subparsers: Any) -> None:
    """Add the ``scan`` subcommand."""
    p = subparsers.add_parser(
        "scan",
        help="report secrets and personal data in notebooks and text files",
        description="Scan notebooks (every cell source, text output, traceback, attachment "
        "name and metadata string; never base64 images) and other text files. Exit 0: "
        "clean, 1: found something, 2: bad usage or unreadable input.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files and folders (recursive)")
    p.add_argument("--format", "-f", choices=FORMATS, default="text", help="report format")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    p.add_argument(
        "--kinds", default="secret,pii", metavar="KINDS",
        help="comma-separated: secret, pii (default: both)",
    )
    p.add_argument(
        "--reveal", action="store_true",
        help="include the matched text in the report (for local triage only)",
    )
    p.add_argument(
        "--baseline", metavar="FILE", help="ignore findings whose fingerprint is in FILE"
    )
    p.add_argument(
        "--update-baseline", action="store_true",
        help="write every current finding to the baseline file and exit 0",
    )
    p.add_argument(
        "--no-gitignore", dest="respect_gitignore", action="store_false",
        help="also scan files that .gitignore excludes",
    )
    p.add_argument(
        "--no-checkpoints", dest="include_checkpoints", action="store_false",
        help="skip .ipynb_checkpoints folders (scanned by default: they hold copies)",
    )
    p.add_argument(
        "-j", "--jobs", type=int, default=0, metavar="N",
        help="worker processes (default: one per core)",
    )
    p.set_defaults(func=run)


def parse_args(ns: argparse.Namespace) -> ScanArgs:
    """Check and type the parsed arguments; raise `ValueError` with a one-line message."""
    kinds = tuple(k.strip() for k in str(ns.kinds).split(",") if k.strip())
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ValueError(f"--kinds: expected a comma-separated subset of {','.join(KINDS)}")
    if ns.jobs < 0:
        raise ValueError("-j/--jobs: expected 0 (all cores) or a positive number")
    return ScanArgs(
        paths=tuple(ns.paths),
        format=ns.format,
        output=ns.output,
        kinds=tuple(dict.fromkeys(kinds)),  # type: ignore[arg-type]
        reveal=bool(ns.reveal),
        baseline=ns.baseline,
        update_baseline=bool(ns.update_baseline),
        respect_gitignore=bool(ns.respect_gitignore),
        include_checkpoints=bool(ns.include_checkpoints),
        jobs=int(ns.jobs),
    )


def run(ns: argparse.Namespace) -> int:
    """Run ``scan``; returns the exit code."""
    from aisafe_nb.policy import PolicyError

    try:
        args = parse_args(ns)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        policy = _load_policy(args.paths)
    except PolicyError as exc:
        return _fail(str(exc))
    return scan(args, policy)


def scan(args: ScanArgs, policy: Policy) -> int:
    """Scan with `policy`, print or write the report, return the exit code."""
    from aisafe_nb.detect.allowlist import BaselineError, load_baseline, write_baseline
    from aisafe_nb.report.collect import ScanOptions, make_detector, scan_files
    from aisafe_nb.report.model import FileError
    from aisafe_nb.walk import WalkError, iter_files

    baseline_path = args.baseline or _policy_path(policy.baseline, args.paths)
    if args.update_baseline and baseline_path is None:
        return _fail("--update-baseline needs --baseline FILE (or `baseline` in the settings)")
    walk_errors: list[FileError] = []

    def on_error(err: WalkError) -> None:
        walk_errors.append(FileError(err.path, str(err)))

    files = list(
        iter_files(
            args.paths,
            exclude=policy.exclude,
            respect_gitignore=args.respect_gitignore,
            include_checkpoints=args.include_checkpoints,
            on_error=on_error,
            exclude_base=_config_folder(args.paths),
        )
    )
    options = ScanOptions(kinds=args.kinds, reveal=args.reveal, jobs=args.jobs)
    try:
        detector = make_detector(policy, args.kinds)
    except ValueError as exc:  # a bad allow pattern, a broken rule file: one line, exit 2
        return _fail(str(exc))
    report = scan_files(files, detector, options)
    report.errors[:0] = walk_errors
    try:
        if args.update_baseline:
            assert baseline_path is not None
            write_baseline(baseline_path, (f.finding.fingerprint for f in report.findings))
            report.baselined, report.findings = len(report.findings), []
        elif baseline_path is not None:
            _apply_baseline(report, load_baseline(baseline_path))
    except (BaselineError, OSError) as exc:
        return _fail(str(exc))
    for err in report.errors:
        print(f"aisafe-nb: {err.message}", file=sys.stderr)
    for note in report.notes:
        print(f"aisafe-nb: note: {note}", file=sys.stderr)
    try:
        _emit(render(report, args.format), args.output)
    except OSError as exc:
        return _fail(f"{args.output}: cannot write report: {exc.strerror or exc}")
    if report.errors:
        return EXIT_ERROR
    return EXIT_FOUND if report.findings else EXIT_OK


def render(report: ScanReport, fmt: str) -> str:
    """The report in format `fmt` (text, json or sarif)."""
    if fmt == "json":
        from aisafe_nb.report.jsonfmt import render_json

        return render_json(report)
    if fmt == "sarif":
        from aisafe_nb import _version_string
        from aisafe_nb.report.sarif import render_sarif

        return render_sarif(report, version=_version_string())
    from aisafe_nb.report.text import render_text

    return render_text(report)


def _apply_baseline(report: ScanReport, fingerprints: set[str]) -> None:
    kept = [f for f in report.findings if f.finding.fingerprint not in fingerprints]
    report.baselined = len(report.findings) - len(kept)
    report.findings = kept


def _emit(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from aisafe_nb.atomic import atomic_write_text

    atomic_write_text(output, text)


def _load_policy(paths: tuple[str, ...]) -> Policy:
    from aisafe_nb.policy import Policy

    start = Path(paths[0]) if paths and Path(paths[0]).exists() else Path.cwd()
    return Policy.load(start)


def _config_folder(paths: tuple[str, ...]) -> Path | None:
    """The folder of the settings file that applies (paths in settings are relative to it)."""
    from aisafe_nb.policy import config_root

    start = Path(paths[0]) if paths and Path(paths[0]).exists() else Path.cwd()
    return config_root(start)


def _policy_path(value: str | None, paths: tuple[str, ...]) -> str | None:
    """A path from the settings, relative to the folder holding the settings file."""
    if not value:
        return None
    root = _config_folder(paths)
    p = Path(value)
    return str(p if p.is_absolute() or root is None else root / p)


def _fail(message: str) -> int:
    print(f"aisafe-nb scan: {message}", file=sys.stderr)
    return EXIT_ERROR
