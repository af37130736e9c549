"""Serialise a notebook exactly as Jupyter (``nbformat.write``) does, without importing nbformat.

A clean notebook must round-trip byte for byte, or every ``clean`` and every git filter run
would churn diffs. nbformat's v4 writer splits multi-line text into lists of lines
(``str.splitlines(keepends=True)``), drops transient keys, and dumps with ``indent=1``,
sorted keys, ``(",", ": ")`` separators and ``ensure_ascii=False``; ``nbformat.write`` adds
the trailing newline. The same steps are done here on plain dicts, because the git filter
and batch clean must not pay nbformat's import (about 200 ms) and validation.

The JSON text is produced by `_encode`, which gives exactly ``json.dumps(nb, indent=1,
sort_keys=True, separators=(",", ": "), ensure_ascii=False)``: with ``indent`` set, the
standard library falls back to its pure-Python encoder, and this specialised one (C string
quoting, lists of lines joined in one step) is about 1.7x faster on real notebooks, which
is most of the time a batch clean spends after reading.

A notebook parsed by msgspec (`aisafe_nb.notebook.load.parse_notebook`) is written by
msgspec instead, 5-7x faster again: its sorted, re-indented output is byte-identical to
``json.dumps``'s for strings, escapes, ints of any size, nesting; floats it formats its own
way (``0.00001`` for ``1e-05``), so the reader hands floats over as a float subclass that
msgspec passes to `_float_hook`, which formats them as ``json.dumps`` does.
"""

from __future__ import annotations

import functools
from json.encoder import encode_basestring as _quote  # the C function when available
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import msgspec

__all__ = ["notebook_to_bytes", "notebook_to_text", "prepare_write", "split_lines_in_place"]

#: Mime types nbformat splits into lines besides ``text/*`` (nbformat.v4.rwbase).
_SPLIT_MIMES = frozenset({"application/javascript", "image/svg+xml"})


def notebook_to_text(nb: dict[str, Any]) -> str:
    """The file content Jupyter would write for `nb` (a dict or NotebookNode), newline included.

    `nb` itself is modified only in the way Jupyter's reader would undo: multi-line strings
    become lists of lines and transient keys are dropped. Callers that must keep `nb` as is
    pass a copy.
    """
    split_lines_in_place(nb)
    _strip_transient(nb)
    out: list[str] = []
    _encode(nb, "\n", out)
    out.append("\n")
    return "".join(out)


def notebook_to_bytes(nb: dict[str, Any], *, from_msgspec: bool = False) -> bytes:
    """`notebook_to_text` encoded as UTF-8 (what lands on disk).

    `from_msgspec`: `nb` came from ``parse_notebook`` with ``from_msgspec`` set (every float
    a float subclass), so msgspec, already imported by the reader, may write it.
    """
    if not from_msgspec:
        return notebook_to_text(nb).encode("utf-8")
    import msgspec

    split_lines_in_place(nb)
    _strip_transient(nb)
    try:
        compact = _sorted_encoder().encode(nb)
    except _NonFinite:
        return notebook_to_text(nb).encode("utf-8")
    return msgspec.json.format(compact, indent=1) + b"\n"


def prepare_write() -> None:
    """Import what writing a msgspec-parsed notebook needs, e.g. before forking workers."""
    _sorted_encoder()


@functools.cache
def _sorted_encoder() -> msgspec.json.Encoder:
    import msgspec

    return msgspec.json.Encoder(order="sorted", enc_hook=_float_hook)


class _NonFinite(ValueError):
    """NaN or Infinity: json.dumps writes them, msgspec's formatter refuses them as JSON."""


def _float_hook(value: Any) -> Any:
    """Called by msgspec for what it does not know: float subclasses such as `JsonFloat`.

    A finite float is written as ``json.dumps`` writes it (``float.__repr__``).
    """
    import msgspec

    if isinstance(value, float):
        if value - value != 0.0:  # NaN or an infinity
            raise _NonFinite(value)
        return msgspec.Raw(float.__repr__(value).encode("ascii"))
    raise NotImplementedError(f"Object of type {type(value).__name__} is not JSON serializable")


def split_lines_in_place(nb: dict[str, Any]) -> None:
    """Turn multi-line text fields into lists of lines, as nbformat's ``split_lines`` does.

    Lists already on disk are re-split too, so a file not written by Jupyter comes out in
    the same form Jupyter would give it. (Re-splitting costs less than checking whether a
    list is already split, which needs the same scan for line breaks.)
    """
    for cell in nb.get("cells", ()):
        if "source" in cell:
            cell["source"] = _lines(cell["source"])
        attachments = cell.get("attachments")
        if attachments:
            for attachment in attachments.values():
                if isinstance(attachment, dict):
                    _split_bundle(attachment)
        outputs = cell.get("outputs")
        if outputs and cell.get("cell_type") == "code":
            for output in outputs:
                if not isinstance(output, dict):
                    continue  # not nbformat; kept as it is, as nbformat's reader would
                kind = output.get("output_type")
                if kind in ("execute_result", "display_data"):
                    data = output.get("data")
                    if isinstance(data, dict):
                        _split_bundle(data)
                elif kind == "stream" and "text" in output:
                    output["text"] = _lines(output["text"])


def _lines(value: Any) -> Any:
    if isinstance(value, str):
        return value.splitlines(True)
    if isinstance(value, list):
        joined = _joined(value)
        return value if joined is None else joined.splitlines(True)
    return value


def _joined(value: list[Any]) -> str | None:
    """The strings of `value` joined, or None when it holds anything but strings."""
    try:
        return "".join(value)
    except TypeError:  # one join beats a type check of every line first
        return None


def _split_bundle(data: dict[str, Any]) -> None:
    # nbformat's reader joins every non-JSON list-of-lines value, its writer splits only
    # text/* and a few others: do both, so e.g. an image stored as a list becomes one string.
    for key, value in data.items():
        if _is_json_mime(key):
            continue
        if isinstance(value, list) and (joined := _joined(value)) is not None:
            value = joined
            data[key] = value
        if isinstance(value, str) and (key.startswith("text/") or key in _SPLIT_MIMES):
            data[key] = value.splitlines(True)


def _is_json_mime(mime: str) -> bool:
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def _strip_transient(nb: dict[str, Any]) -> None:
    metadata = nb.get("metadata")
    if isinstance(metadata, dict):
        for key in ("orig_nbformat", "orig_nbformat_minor", "signature"):
            metadata.pop(key, None)
    for cell in nb.get("cells", ()):
        cell_meta = cell.get("metadata")
        if isinstance(cell_meta, dict):
            cell_meta.pop("trusted", None)


_INF = float("inf")


def _encode(o: Any, nl: str, out: list[str]) -> None:
    """Append the JSON of `o` to `out`, as json.dumps with indent=1 and sorted keys would."""
    if isinstance(o, str):
        out.append(_quote(o))
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        inner = nl + " "
        sep = "{" + inner
        for key in sorted(o):
            value = o[key]
            out.append(sep)
            sep = "," + inner
            out.append(_quote(key))
            out.append(": ")
            if isinstance(value, str):
                out.append(_quote(value))
            else:
                _encode(value, inner, out)
        out.append(nl + "}")
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        inner = nl + " "
        if all(type(x) is str for x in o):  # lines of text: the common case, in one join
            out.append("[" + inner + ("," + inner).join(map(_quote, o)) + nl + "]")
            return
        sep = "[" + inner
        for value in o:
            out.append(sep)
            sep = "," + inner
            _encode(value, inner, out)
        out.append(nl + "]")
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(_float(o))
    else:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == _INF:
        return "Infinity"
    if o == -_INF:
        return "-Infinity"
    return float.__repr__(o)
