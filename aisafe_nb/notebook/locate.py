"""Where in a notebook each text lives, and where in the notebook each finding sits.

This module is the one place that knows the structure of an ``.ipynb``: which fields hold
text a person wrote or a program printed (cell sources, stream output, text MIME bundles,
error values and tracebacks, attachment names, metadata strings), and which hold binary
payloads that must never be scanned (base64 images, PDFs). The scanner and the sanitizer
both walk notebooks through `iter_fields`, so they always agree on what was looked at.

Scanning is done on decoded text, never on the raw JSON: escaped quotes and ``\\n`` in
JSON break the context rules (``api_key = "..."``), which is why JSON-level scanners miss
notebook secrets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from aisafe_nb.detect.finding import Finding, Kind
from aisafe_nb.notebook.cells import joined_text

if TYPE_CHECKING:
    from aisafe_nb.detect.engine import Detector

#: MIME types whose payload is base64-encoded binary: skipped without being looked at.
BINARY_MIME_PREFIXES = ("image/", "audio/", "video/", "font/")
BINARY_MIMES = frozenset({"application/pdf", "application/octet-stream", "application/zip"})
#: Image types that are text, and so are scanned.
TEXT_IMAGE_MIMES = frozenset({"image/svg+xml"})

#: CSI (colours, cursor moves) and OSC (hyperlinks, titles) escape sequences.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
#: A long run of the base64 alphabet with nothing else is binary data in disguise.
_BASE64_HEAD = re.compile(r"[A-Za-z0-9+/=\r\n]{256,}")
#: Joins the texts of one notebook so the detector runs once per notebook, not per field;
#: NUL never occurs in notebook text and stops patterns from running across fields.
_SEPARATOR = "\n\x00\n"


class Field(NamedTuple):
    """One text of a notebook, as it is scanned.

    `cell` is the cell index (None for notebook-level metadata); `name` is the field as
    reported (``source``, ``metadata``, ``outputs/<j>/text``, ``outputs/<j>/data/<mime>``,
    ``outputs/<j>/evalue``, ``outputs/<j>/traceback``, ``attachments/<name>``).
    `path` is the JSON path of the stored value inside the notebook dict, and `stored`
    says how it is stored: ``"str"``, ``"lines"`` (a list of strings joined with ``""``,
    as sources are), ``"traceback"`` (a list joined with ``"\\n"``) or ``"key"`` (the text
    is a dict key, such as an attachment name). `text` is what the detector sees; for
    tracebacks ANSI codes are removed and `original_offset` maps back into `original`.

    A named tuple, not a frozen dataclass: a notebook has hundreds of fields and a frozen
    dataclass costs ~1 us each to build (a tenth of a secrets-only folder scan).
    """

    cell: int | None
    cell_id: str | None
    name: str
    path: tuple[str | int, ...]
    stored: str
    text: str
    original: str
    #: For stripped texts: sorted (text offset, original offset) anchors; None = identity.
    anchors: tuple[tuple[int, int], ...] | None = None

    def original_offset(self, offset: int) -> int:
        """Map an offset in `text` to the same character's offset in `original`."""
        if self.anchors is None:
            return offset
        keys = [a[0] for a in self.anchors]
        i = bisect.bisect_right(keys, offset) - 1
        if i < 0:
            return offset
        text_at, orig_at = self.anchors[i]
        return orig_at + (offset - text_at)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `text` to `original` (escape codes inside the span are included)."""
        if end <= start:
            return self.original_offset(start), self.original_offset(start)
        return self.original_offset(start), self.original_offset(end - 1) + 1


@dataclass(frozen=True, slots=True)
class NotebookFinding:
    """A finding with its place in the notebook.

    `finding.start`/`end` are offsets in the field's scanned text; `line` and `column`
    (1-based) are within that text, so they match what the user sees in the cell.
    """

    finding: Finding
    cell: int | None
    field: str
    line: int
    column: int
    cell_id: str | None = None


#: Name used in the brief and by other modules; the same record.
Location = NotebookFinding


def iter_fields(nb: Mapping[str, Any]) -> Iterator[Field]:
    """Yield every scannable text of notebook `nb` (a dict or NotebookNode), in order.

    Binary payloads (base64 images, PDFs, any long base64 run) are skipped without being
    decoded. Notebook metadata comes first, then each cell's source, attachments, outputs
    and metadata.
    """
    return iter(notebook_fields(nb))


def notebook_fields(nb: Mapping[str, Any]) -> list[Field]:
    """`iter_fields` as a list, built in one pass (no generator per cell and output)."""
    out: list[Field] = []
    _metadata_fields(nb.get("metadata"), None, None, ("metadata",), out)
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return out
    for i, cell in enumerate(cells):
        if isinstance(cell, dict):
            _cell_fields(cell, i, out)
    return out


def _cell_fields(cell: Mapping[str, Any], i: int, out: list[Field]) -> None:
    raw_id = cell.get("id")
    cid = raw_id if isinstance(raw_id, str) else None
    src = _text_field(cell.get("source"), i, cid, "source", ("cells", i, "source"))
    if src is not None:
        out.append(src)
    attachments = cell.get("attachments")
    if isinstance(attachments, dict):
        for name in attachments:
            if isinstance(name, str) and name:
                out.append(Field(i, cid, f"attachments/{name}", ("cells", i, "attachments", name),
                                 "key", name, name))
    outputs = cell.get("outputs")
    if isinstance(outputs, list):
        for j, output in enumerate(outputs):
            if isinstance(output, dict):
                _output_fields(output, i, cid, j, out)
    _metadata_fields(cell.get("metadata"), i, cid, ("cells", i, "metadata"), out)


def _output_fields(
    output: Mapping[str, Any], i: int, cid: str | None, j: int, out: list[Field]
) -> None:
    prefix = f"outputs/{j}"
    base: tuple[str | int, ...] = ("cells", i, "outputs", j)
    kind = output.get("output_type")
    if kind == "stream":
        f = _text_field(output.get("text"), i, cid, f"{prefix}/text", (*base, "text"))
        if f is not None:
            out.append(f)
    elif kind == "error":
        evalue = output.get("evalue")
        if isinstance(evalue, str) and evalue:
            out.append(_stripped(i, cid, f"{prefix}/evalue", (*base, "evalue"), "str", evalue))
        tb = output.get("traceback")
        if isinstance(tb, list) and tb:
            joined = "\n".join(x for x in tb if isinstance(x, str))
            if joined:
                out.append(_stripped(i, cid, f"{prefix}/traceback", (*base, "traceback"),
                                     "traceback", joined))
    data = output.get("data")
    if isinstance(data, dict):
        for mime, value in data.items():
            if not isinstance(mime, str) or _is_binary_mime(mime):
                continue
            name, path = f"{prefix}/data/{mime}", (*base, "data", mime)
            if isinstance(value, (str, list)):
                f = _text_field(value, i, cid, name, path, check_base64=True)
                if f is not None:
                    out.append(f)
            elif isinstance(value, dict):
                # application/json and friends: the string leaves of the JSON value.
                _leaves(value, i, cid, name, path, out)


def _metadata_fields(
    meta: Any, i: int | None, cid: str | None, path: tuple[str | int, ...], out: list[Field]
) -> None:
    if isinstance(meta, dict) and meta:
        _leaves(meta, i, cid, "metadata", path, out)


def _leaves(
    value: Any,
    i: int | None,
    cid: str | None,
    name: str,
    path: tuple[str | int, ...],
    out: list[Field],
) -> None:
    """String leaves of a JSON value (iteratively: widget state can be deep)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, path)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, str):
            if v and not _looks_base64(v):
                out.append(Field(i, cid, name, p, "str", v, v))
        elif isinstance(v, dict):
            stack.extend((v[k], (*p, k)) for k in reversed(list(v)))
        elif isinstance(v, list):
            stack.extend((v[k], (*p, k)) for k in range(len(v) - 1, -1, -1))


def _text_field(
    value: Any,
    i: int | None,
    cid: str | None,
    name: str,
    path: tuple[str | int, ...],
    *,
    check_base64: bool = False,
) -> Field | None:
    text = joined_text(value)
    if not text or (check_base64 and _looks_base64(text)):
        return None
    stored = "str" if isinstance(value, str) else "lines"
    if "\x1b" in text:
        return _stripped(i, cid, name, path, stored, text)
    return Field(i, cid, name, path, stored, text, text)


def _stripped(
    i: int | None, cid: str | None, name: str, path: tuple[str | int, ...], stored: str, text: str
) -> Field:
    """A field whose ANSI escape codes are removed for matching, with offsets kept."""
    if "\x1b" not in text:
        return Field(i, cid, name, path, stored, text, text)
    parts: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    pos = out_len = 0
    for m in _ANSI.finditer(text):
        parts.append(text[pos : m.start()])
        out_len += m.start() - pos
        pos = m.end()
        anchors.append((out_len, pos))
    parts.append(text[pos:])
    return Field(i, cid, name, path, stored, "".join(parts), text, tuple(anchors))


def _is_binary_mime(mime: str) -> bool:
    mime = mime.lower()
    if mime in TEXT_IMAGE_MIMES:
        return False
    return mime in BINARY_MIMES or mime.startswith(BINARY_MIME_PREFIXES)


def _looks_base64(text: str) -> bool:
    """True for a long string that is only base64 (checked on its first 1 KB, cheaply)."""
    if len(text) < 256:
        return False
    head = text[:1024]
    return " " not in head and _BASE64_HEAD.fullmatch(head) is not None


def scan_notebook(
    nb: Mapping[str, Any],
    *,
    detector: Detector | None = None,
    kinds: Iterable[Kind] = ("secret", "pii"),
) -> list[NotebookFinding]:
    """Find secrets and personal data in every text field of notebook `nb`.

    `nb` is a dict or NotebookNode; sources may be strings or lists of strings. Without
    `detector`, the shared detector with the built-in rules for `kinds` is used.
    """
    if detector is None:
        from aisafe_nb.detect.engine import default_detector

        detector = default_detector(tuple(sorted(set(kinds))))
    fields = list(iter_fields(nb))
    return locate(fields, detector.scan(join_fields(fields)))


def locate(fields: list[Field], findings: Iterable[Finding]) -> list[NotebookFinding]:
    """Place findings made on the `join_fields` text of `fields` into those fields.

    Offsets are rebased onto each field's own text. A finding that runs across two fields
    (only possible through the separator) is dropped. (The detector itself drops findings
    on a line with the ``aisafe: allow`` pragma; lines never cross fields.)
    """
    return [nf for nf, _ in locate_with_fields(fields, findings)]


def join_fields(fields: Iterable[Field]) -> str:
    """One text holding every field's text, for one detector pass per notebook."""
    return _SEPARATOR.join(f.text for f in fields)


def locate_with_fields(
    fields: list[Field], findings: Iterable[Finding]
) -> list[tuple[NotebookFinding, Field]]:
    """Like `locate`, with each finding's `Field` (to slice its text or write it back)."""
    starts: list[int] = []
    pos = 0
    for f in fields:
        starts.append(pos)
        pos += len(f.text) + len(_SEPARATOR)
    out: list[tuple[NotebookFinding, Field]] = []
    for fd in findings:
        k = bisect.bisect_right(starts, fd.start) - 1
        if k < 0:
            continue
        field = fields[k]
        start, end = fd.start - starts[k], fd.end - starts[k]
        if end > len(field.text):
            continue
        rebased = _rebase(fd, start, end)
        located = locate_in_text(field.text, rebased)
        if located is None:
            continue
        line, column = located
        nf = NotebookFinding(rebased, field.cell, field.name, line, column, field.cell_id)
        out.append((nf, field))
    return out


def locate_in_text(text: str, finding: Finding) -> tuple[int, int] | None:
    """1-based (line, column) of `finding` in `text`; None when its line has the pragma.

    The detector already drops pragma lines; the check is repeated (with the engine's own
    function) for findings made by other means, such as a scan of the joined fields.
    """
    from aisafe_nb.detect.allowlist import line_has_pragma

    line_start = text.rfind("\n", 0, finding.start) + 1
    line_end = text.find("\n", finding.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if line_has_pragma(line, line.lower(), finding.start - line_start, finding.end - line_start):
        return None
    return text.count("\n", 0, finding.start) + 1, finding.start - line_start + 1


def _rebase(fd: Finding, start: int, end: int) -> Finding:
    if fd.start == start:
        return fd
    from dataclasses import replace

    return replace(fd, start=start, end=end)
