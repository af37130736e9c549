"""Check the text files of a multipart upload before it leaves the machine.

Files sent with ``client.files.create`` (batch and fine-tuning JSONL, assistants' documents)
carry prompts too, and often the same keys a notebook holds. They cannot be scrubbed the way
a JSON body is: changing an uploaded file would change what a batch or a fine-tune computes
without the user seeing it, and its answers come back in another call (a batch's output
file) that no placeholder vault of this session would see. So each part of a
``multipart/form-data`` body that is UTF-8 text is scanned: a secret (unless its operator is
``allow``) or a finding whose operator is ``block`` refuses the upload with one line naming
the part and what was found (previews only); personal data under other operators is
counted for the audit log and sent. Binary parts (audio, images, PDFs) are not scanned.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from aisafe_nb.detect.finding import Finding
from aisafe_nb.intercept.errors import BlockedContent, ScrubError

_BOUNDARY = re.compile(r'boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))', re.IGNORECASE)
_PARAM = r'\b{0}\s*=\s*(?:"([^"]*)"|([^\s;]+))'


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a multipart body: its label (file or field name) and its bytes."""

    label: str
    data: bytes

    def text(self) -> str | None:
        """The part as text, or None when it is binary (not UTF-8, or holds NUL bytes)."""
        if b"\x00" in self.data:
            return None
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None


def split_parts(content: bytes, content_type: str) -> Iterator[Part]:
    """The parts of a ``multipart/form-data`` body (RFC 7578), in order.

    Raises `ValueError` when the body does not have the shape its content type announces
    (no boundary, no closing delimiter, a part without a header block): such a body is not
    sent, because what it would carry cannot be known.
    """
    found = _BOUNDARY.search(content_type)
    if found is None:
        raise ValueError("no boundary in the content type")
    delimiter = b"\r\n--" + (found.group(1) or found.group(2)).encode("latin-1")
    # A CRLF in front lets the first delimiter match like the others; chunks[0] is the
    # preamble (ignored), the last chunk must be the close delimiter's "--".
    chunks = (b"\r\n" + content).split(delimiter)
    if len(chunks) < 2:
        raise ValueError("the body does not hold its boundary")
    if not chunks[-1].startswith(b"--"):
        raise ValueError("the body has no closing boundary")
    for chunk in chunks[1:-1]:
        yield _part(chunk)


def _part(chunk: bytes) -> Part:
    # The delimiter line may end in spaces before its CRLF; the header block follows it.
    _padding, line_end, rest = chunk.partition(b"\r\n")
    head, sep, data = rest.partition(b"\r\n\r\n")
    if rest.startswith(b"\r\n"):  # a part without headers
        head, sep, data = b"", b"\r\n", rest[2:]
    if not line_end or not sep:
        raise ValueError("a part has no header block")
    headers = head.decode("latin-1")
    label = _param(headers, "filename") or _param(headers, "name") or "part"
    return Part(label, data)


def _param(headers: str, name: str) -> str | None:
    found = re.search(_PARAM.format(name), headers, re.IGNORECASE)
    return None if found is None else (found.group(1) or found.group(2))


def check_upload(
    content: bytes,
    content_type: str,
    scan: Callable[[str], list[Finding]],
    operator_for: Callable[[Finding], str],
    blocked_types: Mapping[str, bool],
) -> Counter[str]:
    """Counts by type of the personal data sent in the upload's text parts.

    Raises `BlockedContent` (a secret, or a finding whose operator is ``block``) or
    `ScrubError` (a body that cannot be split into parts); then nothing is sent.
    """
    try:
        parts = list(split_parts(content, content_type))
    except ValueError as exc:
        raise ScrubError(
            f"aisafe-nb: upload not sent: its multipart body could not be read ({exc})"
        ) from None
    sent: Counter[str] = Counter()
    refused: dict[str, set[str]] = {}
    for part in parts:
        text = part.text()
        if text is None:
            continue
        for finding in scan(text):
            op = operator_for(finding)
            if op == "allow":
                continue
            blocked = blocked_types.get(finding.type) or blocked_types.get(finding.kind)
            if blocked or finding.kind == "secret":
                refused.setdefault(part.label, set()).add(f"{finding.type} ({finding.preview})")
            else:
                sent[finding.type] += 1
    if refused:
        what = "; ".join(f"{name!r}: {', '.join(sorted(found))}" for name, found in refused.items())
        raise BlockedContent(
            f"aisafe-nb: upload not sent: {what} (uploaded files are not scrubbed; remove "
            "the value from the file, or set its operator to 'allow')"
        )
    return sent
