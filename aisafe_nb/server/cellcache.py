"""Skip cells a previous save already found clean: keeps the save hook fast on big notebooks.

JupyterLab saves the whole notebook every time (autosave included), but between two saves
usually only a cell or two changed. Scanning every output of a 5 MB notebook on every save
would cost far more than the save itself, so each path remembers content digests of the
cells that came out of a save unchanged under the same policy; the next save hashes each
cell (about 2 ms per MB) and sanitizes only the cells it has not seen. A digest is SHA-256
over the cell's whole content, so any change to a cell makes it be scanned again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from aisafe_nb.policy import Policy

#: Paths remembered; the least recently saved is forgotten first.
MAX_PATHS = 200


@dataclass
class CellSanitize:
    """A sanitizer report for the cells that were scanned, and where those cells sit."""

    report: Any
    #: Index in the saved notebook of each cell the sanitizer saw (its cell i).
    index_map: list[int]
    skipped: int

    def cell_index(self, sub_index: int | None) -> int | None:
        """The saved notebook's index of the sanitizer's cell `sub_index`."""
        if sub_index is None or not 0 <= sub_index < len(self.index_map):
            return sub_index
        return self.index_map[sub_index]


class CleanCells:
    """Per path: the policy in force and digests of cells known to be clean under it."""

    def __init__(self, max_paths: int = MAX_PATHS) -> None:
        self._known: OrderedDict[str, tuple[str, frozenset[bytes]]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_paths

    def sanitize(self, nb: dict[str, Any], policy: Policy, path: str) -> CellSanitize:
        """Sanitize `nb` in place, skipping cells seen clean in the last save of `path`."""
        from aisafe_nb.notebook.sanitize import sanitize_in_place

        cells = nb.get("cells")
        if policy.drop_empty_cells or not isinstance(cells, list):
            # Dropping cells changes the list itself; only a whole-notebook run can do that.
            return CellSanitize(sanitize_in_place(nb, policy), list(range(len(cells or []))), 0)
        policy_key = repr(policy)
        with self._lock:
            known_key, known = self._known.get(path, ("", frozenset()))
        if known_key != policy_key:
            known = frozenset()
        digests = [cell_digest(c) for c in cells]
        todo = [i for i, d in enumerate(digests) if d not in known]
        sub = {k: v for k, v in nb.items() if k != "cells"}
        sub["cells"] = [cells[i] for i in todo]
        report = sanitize_in_place(sub, policy)
        changed = {todo[i] for i in getattr(report, "changed_cells", ()) if 0 <= i < len(todo)}
        clean = frozenset(d for i, d in enumerate(digests) if i not in changed)
        with self._lock:
            self._known.pop(path, None)
            self._known[path] = (policy_key, clean)
            while len(self._known) > self._max:
                self._known.popitem(last=False)
        return CellSanitize(report, todo, len(cells) - len(todo))

    def prime(self, path: str, nb: dict[str, Any], policy: Policy, dirty: set[int]) -> None:
        """Remember the cells of `nb` outside `dirty` as clean for the next save of `path`.

        Called after a full scan of the file on disk (JupyterLab asks for one when it
        opens a notebook), so even the first save in a session skips the unchanged cells.
        Only for policies that strip nothing: stripping changes cells on every save.
        """
        cells = nb.get("cells")
        if not isinstance(cells, list) or policy.strip_outputs or policy.drop_empty_cells:
            return
        clean = frozenset(cell_digest(c) for i, c in enumerate(cells) if i not in dirty)
        with self._lock:
            self._known.pop(path, None)
            self._known[path] = (repr(policy), clean)
            while len(self._known) > self._max:
                self._known.popitem(last=False)

    def forget(self, path: str) -> None:
        """Drop what is known about `path` (e.g. after a failed save)."""
        with self._lock:
            self._known.pop(path, None)


def cell_digest(cell: Any) -> bytes:
    """SHA-256 over a cell's content (type-tagged and length-prefixed, so unambiguous).

    Two spellings nbformat treats as the same content hash the same: a list of strings
    and their concatenation (files on disk hold lists of lines, JupyterLab sends one
    string), and dicts in any key order. The boolean ``metadata.trusted`` is left out:
    Jupyter adds it when reading a file and drops it when writing one.
    """
    h = hashlib.sha256()
    if not isinstance(cell, dict):
        _feed(h, cell)
        return h.digest()
    meta = cell.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("trusted"), bool):
        cell = {**cell, "metadata": {k: v for k, v in meta.items() if k != "trusted"}}
    rest = {k: v for k, v in cell.items() if k not in ("outputs", "attachments")}
    _feed(h, rest)
    outputs = cell.get("outputs")
    if isinstance(outputs, list):
        h.update(b"outputs%d[" % len(outputs))
        for out in outputs:
            if isinstance(out, dict) and isinstance(out.get("data"), dict):
                _feed(h, {k: v for k, v in out.items() if k != "data"})
                _feed_bundle(h, out["data"])
            else:
                _feed(h, out)
    elif outputs is not None:
        _feed(h, {"outputs": outputs})
    attachments = cell.get("attachments")
    if isinstance(attachments, dict):
        h.update(b"attachments%d{" % len(attachments))
        for name in sorted(attachments, key=str):
            _feed(h, name)
            bundle = attachments[name]
            _feed_bundle(h, bundle) if isinstance(bundle, dict) else _feed(h, bundle)
    elif attachments is not None:
        _feed(h, {"attachments": attachments})
    return h.digest()


def _feed_bundle(h: Any, bundle: dict[Any, Any]) -> None:
    """A MIME bundle; binary payloads (base64 images...) count by type and size only.

    The sanitizer never reads binary payloads (they are not text), and its keep/drop
    decisions depend only on their type and size, so a changed plot alone does not make
    a cell need a rescan, and hashing skips the bulk of a notebook's bytes.
    """
    from aisafe_nb.notebook.locate import _is_binary_mime

    h.update(b"bundle%d{" % len(bundle))
    for mime in sorted(bundle, key=str):
        _feed(h, mime)
        value = bundle[mime]
        if isinstance(mime, str) and _is_binary_mime(mime) and isinstance(value, (str, list)):
            size = len(value) if isinstance(value, str) else sum(len(str(v)) for v in value)
            h.update(b"binary%d;" % size)
        else:
            _feed(h, value)


def _feed(h: Any, value: Any) -> None:
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data))
        h.update(data)
    elif isinstance(value, dict):
        h.update(b"d%d{" % len(value))
        for key in sorted(value, key=str):
            _feed(h, key)
            _feed(h, value[key])
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        _feed(h, "".join(value))
    elif isinstance(value, list):
        h.update(b"l%d[" % len(value))
        for item in value:
            _feed(h, item)
    else:
        h.update(b"o" + repr(value).encode() + b";")
