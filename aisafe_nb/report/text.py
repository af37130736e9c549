"""The human report: one line per finding, grouped by file, then a summary line.

``path:cell N:line L: type  preview  (field)`` — `cell` is the 0-based index of the cell
in the file (the same number as in the JSON report), `line` is the line in that field.
"""

from __future__ import annotations

from itertools import groupby

from aisafe_nb.report.model import TEXT_FIELD, FileFinding, ScanReport


def finding_line(ff: FileFinding) -> str:
    """One finding as one line; the value itself only when it was revealed."""
    where = ff.path
    if ff.cell is not None:
        where += f":cell {ff.cell}"
    where += f":line {ff.line}:"
    shown = ff.match if ff.match is not None else ff.finding.preview
    suffix = "" if ff.field == TEXT_FIELD else f"  ({ff.field})"
    return f"{where} {ff.finding.type}  {shown}{suffix}"


def render_text(report: ScanReport) -> str:
    """The whole report, ending with a summary line."""
    lines: list[str] = []
    for path, group in groupby(report.findings, key=lambda f: f.path):
        items = list(group)
        lines.append(f"{path}: {len(items)} finding{'s' if len(items) != 1 else ''}")
        lines.extend("  " + finding_line(ff) for ff in items)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def summary_line(report: ScanReport) -> str:
    """E.g. ``3 findings (2 secrets, 1 personal data) in 2 of 40 files; 1 error``."""
    n = len(report.findings)
    secrets = sum(1 for f in report.findings if f.finding.kind == "secret")
    files = len({f.path for f in report.findings})
    text = (
        f"{n} finding{'s' if n != 1 else ''} ({secrets} secret{'s' if secrets != 1 else ''}, "
        f"{n - secrets} personal data) in {files} of {report.files_scanned} "
        f"file{'s' if report.files_scanned != 1 else ''}"
    )
    if report.baselined:
        text += f"; {report.baselined} in baseline"
    if report.errors:
        text += f"; {len(report.errors)} error{'s' if len(report.errors) != 1 else ''}"
    return text
