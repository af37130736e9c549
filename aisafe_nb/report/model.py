"""The records a scan produces: one `FileFinding` per finding, one `ScanReport` per run."""

from __future__ import annotations

from dataclasses import dataclass, field

from aisafe_nb.detect.finding import Finding

#: `FileFinding.field` for findings in plain text files (not notebooks).
TEXT_FIELD = "text"


@dataclass(frozen=True, slots=True)
class FileFinding:
    """A finding with its file and place.

    `cell` is the 0-based cell index (None: notebook metadata, or a plain text file);
    `line`/`column` are 1-based within the field's text. `file_line`/`file_column` are the
    best-effort position in the file itself (for SARIF viewers that show the raw file).
    `match` is the matched text, kept only when the scan was asked to reveal it.
    """

    path: str
    cell: int | None
    field: str
    line: int
    column: int
    finding: Finding
    cell_id: str | None = None
    file_line: int | None = None
    file_column: int | None = None
    match: str | None = None


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be scanned; `message` is one line and names the file."""

    path: str
    message: str


@dataclass(slots=True)
class ScanReport:
    """Everything one scan found, in path order."""

    findings: list[FileFinding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    #: One-line remarks that are not errors, e.g. a text file skipped for its size.
    notes: list[str] = field(default_factory=list)
    files_scanned: int = 0
    #: Findings hidden because their fingerprint is in the baseline.
    baselined: int = 0
