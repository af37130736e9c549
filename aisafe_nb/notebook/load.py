"""Read notebooks fast, with one clear line when a file is not a usable notebook.

Scanning, cleaning and the git filter only need the JSON dict, so they use
`read_notebook_dict` (plain ``json``, a structural check, no nbformat validation: nbformat
costs 200 ms to import and 10x json's time to read). `to_node` converts to nbformat's
`NotebookNode` for code that needs nbformat's API; nbformat is imported only there.

Batch cleaning reads hundreds of megabytes, so it uses `parse_notebook`: msgspec, which
decodes 3-5x faster than ``json`` and gives the same objects whenever it succeeds. It
refuses a few things ``json`` accepts (NaN, Infinity, 1E400, lone surrogate escapes, a
UTF-8 BOM), so on *any* msgspec failure the ``json`` path runs instead and decides, with
its own one-line errors. The git filter keeps ``json``: it reads one notebook, and
msgspec's import would cost more than it saves.
"""

from __future__ import annotations

import errno
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: The oldest nbformat major version we read; older ones need converting first.
SUPPORTED_NBFORMAT = 4


class NotebookError(Exception):
    """A file cannot be read as an nbformat-4 notebook.

    `str()` is one line, prefixed with the path, e.g.
    ``a.ipynb: invalid JSON at line 3 column 5``. `reason` is the line without the path.
    """

    def __init__(self, path: str | Path | None, reason: str) -> None:
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


def read_notebook_dict(path: str | Path) -> dict[str, Any]:
    """Read `path` as a notebook dict; raise `NotebookError` with a one-line reason."""
    return _parse(read_bytes(path), path)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of file `path`, or `NotebookError` with a one-line reason (no traceback)."""
    p = Path(path)
    try:
        # A FIFO or device would block `open` or never end; only regular files are read.
        if p.exists() and not p.is_dir() and not p.is_file():
            raise NotebookError(p, "not a regular file")
        with p.open("rb") as fh:
            return fh.read()
    except IsADirectoryError:
        raise NotebookError(p, "is a directory") from None
    except PermissionError:
        raise NotebookError(p, "permission denied") from None
    except FileNotFoundError:
        raise NotebookError(p, "no such file") from None
    except OSError as exc:
        raise NotebookError(p, os_reason(exc)) from None


def read_notebook_text(text: str | bytes, path: str | Path | None = None) -> dict[str, Any]:
    """Parse notebook JSON given as text (stdin, the git filter); `path` names it in errors."""
    return _parse(text, path)


def check_notebook(data: Any, path: str | Path | None = None) -> dict[str, Any]:
    """Check the structure of an already-parsed notebook; return it, or raise `NotebookError`.

    Each cell must be an object whose ``source`` is text or a list, and whose ``outputs``
    and ``attachments`` (when present) are a list and an object: code that walks notebooks
    (the writer, the sanitizer, the save hook) relies on those shapes.
    """
    if not isinstance(data, dict):
        raise NotebookError(path, "not a notebook (top level is not a JSON object)")
    major = data.get("nbformat")
    if isinstance(major, int) and major < SUPPORTED_NBFORMAT:
        raise NotebookError(
            path,
            f"nbformat {major} is not supported; convert with "
            "`jupyter nbconvert --to notebook`",
        )
    if "cells" not in data:
        if "worksheets" in data:
            raise NotebookError(
                path,
                "nbformat 3 is not supported; convert with `jupyter nbconvert --to notebook`",
            )
        raise NotebookError(path, "not a notebook (no 'cells')")
    if not isinstance(data["cells"], list):
        raise NotebookError(path, "not a notebook ('cells' is not a list)")
    if major is not None and not isinstance(major, int):
        raise NotebookError(path, "not a notebook ('nbformat' is not a number)")
    if isinstance(major, int) and major > SUPPORTED_NBFORMAT:
        raise NotebookError(path, f"nbformat {major} is not supported (newest known is 4)")
    _check_cells(data["cells"], path)
    return data


def _check_cells(cells: list[Any], path: str | Path | None) -> None:
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            raise NotebookError(path, f"not a notebook (cell {number} is not a JSON object)")
        if not isinstance(cell.get("source", ""), (str, list)):
            raise NotebookError(path, f"not a notebook (cell {number}: 'source' is neither "
                                "text nor a list of lines)")
        outputs = cell.get("outputs")
        if outputs is not None and not isinstance(outputs, list):
            raise NotebookError(path, f"not a notebook (cell {number}: 'outputs' is not a list)")
        attachments = cell.get("attachments")
        if attachments is not None and not isinstance(attachments, dict):
            raise NotebookError(
                path, f"not a notebook (cell {number}: 'attachments' is not a JSON object)")


class JsonFloat(float):
    """A float read by `parse_notebook`: writers format it as ``json.dumps`` does.

    msgspec writes floats its own way (``0.00001`` where ``json`` writes ``1e-05``); this
    type lets the writer find every float and format it the Jupyter way.
    """

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class ParsedNotebook:
    """A notebook dict, and whether msgspec may write it back (see `parse_notebook`)."""

    nb: dict[str, Any]
    #: True when msgspec decoded it: every float in it is then a `JsonFloat`, and no string
    #: holds a lone surrogate, so msgspec can write it exactly as ``json.dumps`` would.
    from_msgspec: bool


def parse_notebook(raw: bytes, path: str | Path | None = None) -> ParsedNotebook:
    """Parse notebook bytes fast; the same result (and errors) as `read_notebook_text`."""
    try:
        nb = _msgspec_decoder().decode(raw)
    except Exception:  # whatever msgspec did not take, the json path decides (and words it)
        return ParsedNotebook(_parse(raw, path), from_msgspec=False)
    return ParsedNotebook(check_notebook(nb, path), from_msgspec=True)


def prepare_parse() -> None:
    """Import what `parse_notebook` needs now, e.g. before forking workers that share it."""
    _msgspec_decoder()


def to_node(d: dict[str, Any]) -> NotebookNode:
    """Convert a notebook dict to nbformat's `NotebookNode` (imports nbformat lazily)."""
    import nbformat

    node: NotebookNode = nbformat.from_dict(d)  # type: ignore[no-untyped-call]
    return node


def _parse(raw: str | bytes, path: str | Path | None) -> dict[str, Any]:
    if not raw or raw.isspace():  # the same test as ``not raw.strip()``, without a copy
        raise NotebookError(path, "empty file")
    if isinstance(raw, bytes):
        if b"\x00" in raw[:8192]:
            raise NotebookError(path, "not a notebook (binary file)")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NotebookError(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise NotebookError(path, "invalid JSON (nested too deeply)") from None
    return check_notebook(data, path)


@functools.cache
def _msgspec_decoder() -> Any:
    """msgspec's JSON decoder, floats as `JsonFloat` (imported on first use: see the top)."""
    import msgspec

    # JsonFloat(text) reads a literal exactly as json.loads does (float(text)), 1E400 too.
    return msgspec.json.Decoder(float_hook=JsonFloat)


def os_reason(exc: OSError) -> str:
    """A short reason for an OS error on a user's file, for one-line messages."""
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a directory"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or type(exc).__name__
