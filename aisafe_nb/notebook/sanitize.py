"""Make a notebook safe to share: redact secrets (and personal data), strip what policy says.

Two entry points over the same code:

* `sanitize(nb, policy)` is pure: it returns a sanitized copy and a `SanitizeReport`.
* `sanitize_in_place(nb, policy)` changes a plain dict in place; the Jupyter save hook and
  the batch cleaner use it on ``json.loads`` output, where sources may be strings or lists
  of lines, without paying for nbformat.

Stripping follows nbstripout's keep rules, so users can switch without surprises: a cell
keeps its outputs when its metadata has ``keep_output: true`` or its tags contain
``keep_output``; ``init_cell: true`` keeps them too; notebook metadata ``keep_output``
changes the default. Redaction replaces each detected value in place with a typed marker
(``[REDACTED:openai-api-key]``) so a kept output or a traceback still reads well. Which
texts are looked at is decided in one place, `aisafe_nb.notebook.locate.iter_fields`, so
the sanitizer redacts exactly what ``scan`` reports; images are never scanned.

Stripping runs before redaction: dropped outputs are never scanned. Running twice changes
nothing the second time (markers are not findings, stripped fields stay stripped).
"""

from __future__ import annotations

import bisect
import copy
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aisafe_nb.notebook.cells import source_text

if TYPE_CHECKING:
    # Imported where redaction runs: locate pulls in the detection engine (and regex),
    # which stripping alone (``clean --no-redact``) never needs.
    from aisafe_nb.detect.engine import Detector
    from aisafe_nb.detect.finding import Finding, Kind
    from aisafe_nb.notebook.locate import Field, NotebookFinding
    from aisafe_nb.policy import Policy

__all__ = [
    "VOLATILE_METADATA",
    "SanitizeReport",
    "mask_in_place",
    "prepare",
    "redaction_marker",
    "sanitize",
    "sanitize_in_place",
]

#: Keys nbstripout strips by default; stripped here whenever outputs are stripped, because
#: they record how a cell was last run or displayed, not what the author wrote.
VOLATILE_METADATA: tuple[str, ...] = (
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
)

_IMAGE_PREFIX = "image/"


@dataclass(slots=True)
class SanitizeReport:
    """What a sanitize run did. Holds previews and fingerprints only, never a value."""

    #: Every redacted finding with its cell and field.
    findings: list[NotebookFinding] = field(default_factory=list)
    #: Index (in the input notebook) of every cell whose content changed.
    changed_cells: set[int] = field(default_factory=set)
    outputs_removed: int = 0
    cells_removed: int = 0
    execution_counts_cleared: int = 0
    metadata_keys_removed: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """Number of redactions per finding type, e.g. ``{"openai-api-key": 2}``."""
        return dict(Counter(f.finding.type for f in self.findings))

    @property
    def cells_changed(self) -> int:
        """How many cells were changed (or removed)."""
        return len(self.changed_cells)

    @property
    def changed(self) -> bool:
        """True when the notebook differs from the input in any way."""
        return bool(
            self.findings
            or self.changed_cells
            or self.outputs_removed
            or self.cells_removed
            or self.execution_counts_cleared
            or self.metadata_keys_removed
        )


def redaction_marker(type_: str) -> str:
    """The text that replaces a redacted value of type `type_` (as the Scrubber's redact)."""
    return f"[REDACTED:{type_}]"


def sanitize(nb: Mapping[str, Any], policy: Policy) -> tuple[Any, SanitizeReport]:
    """Return a sanitized copy of `nb` (a dict or NotebookNode, same type back) and a report.

    The input is not modified.
    """
    result = copy.deepcopy(nb)
    report = sanitize_in_place(result, policy)  # type: ignore[arg-type]
    return result, report


def sanitize_in_place(nb: MutableMapping[str, Any], policy: Policy) -> SanitizeReport:
    """Sanitize notebook dict `nb` in place (sources may be strings or lists of lines)."""
    report = SanitizeReport()
    _strip(nb, policy, report)
    kinds = _kinds(policy)
    if kinds:
        _redact(nb, policy, kinds, report)
    return report


def prepare(policy: Policy) -> None:
    """Build what sanitizing by `policy` needs (the detector), e.g. before forking workers.

    Forked workers then share it instead of each loading rules and name lists again.
    """
    kinds = _kinds(policy)
    if kinds:
        _detector(kinds)


def mask_in_place(nb: MutableMapping[str, Any], policy: Policy) -> SanitizeReport:
    """Replace each finding with its safe preview, stripping nothing (for showing diffs).

    ``clean --diff`` shows the old side of a diff through this, so the diff itself never
    prints a secret while still telling the user which key is being removed.
    """
    report = SanitizeReport()
    kinds = _kinds(policy)
    if kinds:
        _redact(nb, policy, kinds, report, mask=True)
    return report


# --- stripping ---------------------------------------------------------------------------


def _strip(nb: MutableMapping[str, Any], policy: Policy, report: SanitizeReport) -> None:
    extra = tuple(policy.strip_metadata)
    if policy.strip_outputs:
        extra = VOLATILE_METADATA + extra
    nb_keys, cell_keys, cell_names = _split_keys(extra)
    metadata = nb.get("metadata")
    if isinstance(metadata, dict):
        for key in nb_keys:
            report.metadata_keys_removed += _pop_path(metadata, key)
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return
    default_keep = not policy.strip_outputs
    if isinstance(metadata, dict) and "keep_output" in metadata:
        default_keep = bool(metadata["keep_output"])
    kept: list[Any] = []
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict):
            kept.append(cell)
            continue
        if policy.drop_empty_cells and _is_empty(cell):
            report.cells_removed += 1
            report.changed_cells.add(i)
            continue
        if _strip_cell(cell, policy, default_keep, cell_keys, cell_names, report):
            report.changed_cells.add(i)
        kept.append(cell)
    if len(kept) != len(cells):
        cells[:] = kept


def _strip_cell(
    cell: dict[str, Any],
    policy: Policy,
    default_keep: bool,
    cell_keys: list[tuple[str, ...]],
    cell_names: frozenset[str] | None,
    report: SanitizeReport,
) -> bool:
    changed = False
    # Keys go first: a stripped ``tags`` or ``keep_output`` must not decide what is kept,
    # or the second run would strip what the first kept (not idempotent).
    meta = cell.get("metadata")
    if cell_names is not None and (not isinstance(meta, dict) or cell_names.isdisjoint(meta)):
        pass  # every key is ``metadata.<name>`` and no name is here: the common case
    elif cell_keys and isinstance(meta, dict) and meta:
        for key in cell_keys:
            # Most keys are ``metadata.<name>``: test membership before walking the path.
            if key[0] == "metadata" and len(key) > 1 and key[1] not in meta:
                continue
            if _pop_path(cell, key):
                report.metadata_keys_removed += 1
                changed = True
    elif cell_keys:
        for key in cell_keys:
            if key[0] != "metadata" and _pop_path(cell, key):
                report.metadata_keys_removed += 1
                changed = True
    outputs = cell.get("outputs")
    if isinstance(outputs, list) and outputs:
        new = _filter_outputs(outputs, policy, _keep_output(cell, default_keep))
        if policy.strip_execution_count:
            for out in new:
                if isinstance(out, dict) and out.get("execution_count") is not None:
                    out["execution_count"] = None
                    changed = True
        if len(new) != len(outputs) or any(a is not b for a, b in zip(new, outputs, strict=False)):
            report.outputs_removed += len(outputs) - len(new)
            cell["outputs"] = new
            changed = True
    if policy.strip_execution_count and cell.get("execution_count") is not None:
        cell["execution_count"] = None
        report.execution_counts_cleared += 1
        changed = True
    return changed


def _keep_output(cell: Mapping[str, Any], default: bool) -> bool:
    """nbstripout's rule: init_cell, then keep_output metadata or tag, then the default."""
    meta = cell.get("metadata")
    if not isinstance(meta, Mapping):
        return default
    if "init_cell" in meta:
        return bool(meta["init_cell"])
    tags = meta.get("tags")
    tagged = isinstance(tags, list) and "keep_output" in tags
    if "keep_output" in meta or tagged:
        return bool(meta.get("keep_output")) or tagged
    return default


def _filter_outputs(outputs: list[Any], policy: Policy, keep_all: bool) -> list[Any]:
    """The outputs to keep; outputs whose image data is dropped are copied, not mutated."""
    kept: list[Any] = []
    for out in outputs:
        if not isinstance(out, dict):
            kept.append(out)
            continue
        if not (keep_all or _type_kept(out, policy.keep_output_types)):
            continue
        kind = out.get("output_type")
        if policy.drop_errors and kind == "error":
            continue
        if policy.drop_stderr and kind == "stream" and out.get("name") == "stderr":
            continue
        if policy.drop_images and isinstance(out.get("data"), dict):
            data = out["data"]
            if any(k.startswith(_IMAGE_PREFIX) for k in data):
                remaining = {k: v for k, v in data.items() if not k.startswith(_IMAGE_PREFIX)}
                if not remaining:
                    continue
                out = {**out, "data": remaining}
        if policy.max_output_size and _size(out) > policy.max_output_size:
            continue
        kept.append(out)
    return kept


def _type_kept(out: Mapping[str, Any], keep_types: Iterable[str]) -> bool:
    """nbstripout's ``output_type`` or ``output_type:name`` (e.g. ``stream:stdout``) match."""
    kind = out.get("output_type")
    for spec in keep_types:
        want, _, name = spec.partition(":")
        if kind == want and (not name or out.get("name") == name):
            return True
    return False


def _size(value: Any) -> int:
    """Characters of text in an output (nbstripout's measure: summed string lengths)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    return len(str(value))


def _is_empty(cell: Mapping[str, Any]) -> bool:
    return not source_text(cell).strip() and not cell.get("attachments")


@lru_cache(maxsize=64)
def _split_keys(
    keys: tuple[str, ...],
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], frozenset[str] | None]:
    """nbstripout's ``metadata.x`` (notebook) and ``cell.x`` (each cell) dotted keys, split.

    The third item, when every cell key is ``cell.metadata.<name>...``, is the set of those
    names: a cell whose metadata has none of them needs no further look (most cells).
    """
    nb_keys: list[tuple[str, ...]] = []
    cell_keys: list[tuple[str, ...]] = []
    for key in dict.fromkeys(keys):
        head, _, rest = key.partition(".")
        if head == "metadata" and rest:
            nb_keys.append(tuple(rest.split(".")))
        elif head == "cell" and rest:
            cell_keys.append(tuple(rest.split(".")))
    in_metadata = all(k[0] == "metadata" and len(k) > 1 for k in cell_keys)
    names = frozenset(k[1] for k in cell_keys) if in_metadata else None
    return nb_keys, cell_keys, names


def _pop_path(d: MutableMapping[str, Any], parts: tuple[str, ...]) -> int:
    """Remove the key at path `parts` in `d`; 1 if it was there, else 0."""
    node: Any = d
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return 0
    if isinstance(node, dict) and parts[-1] in node:
        del node[parts[-1]]
        return 1
    return 0


# --- redaction ---------------------------------------------------------------------------


def _kinds(policy: Policy) -> tuple[Kind, ...]:
    kinds: list[Kind] = []
    if policy.redact_pii:
        kinds.append("pii")
    if policy.redact_secrets:
        kinds.append("secret")
    return tuple(kinds)


@lru_cache(maxsize=8)
def _detector(kinds: tuple[Kind, ...]) -> Detector:
    from aisafe_nb.detect.engine import default_detector

    return default_detector(kinds)


@lru_cache(maxsize=32)
def _allow_filter(patterns: tuple[str, ...]) -> Any:
    import regex

    return [regex.compile(p) for p in patterns]


def _redact(
    nb: MutableMapping[str, Any],
    policy: Policy,
    kinds: tuple[Kind, ...],
    report: SanitizeReport,
    *,
    mask: bool = False,
) -> None:
    from aisafe_nb.notebook.locate import _SEPARATOR, NotebookFinding, iter_fields, locate_in_text

    fields = list(iter_fields(nb))
    if not fields:
        return
    findings = _detector(kinds).scan(_SEPARATOR.join(f.text for f in fields))
    if not findings:
        return
    allow = _allow_filter(tuple(policy.allow_patterns))
    disabled = set(policy.disabled_types)
    per_field: dict[int, list[Finding]] = {}
    for index, finding in _bucket(fields, findings):
        text = fields[index].text
        if finding.type in disabled or finding.kind not in kinds:
            continue
        value = text[finding.start : finding.end]
        if any(p.search(value) for p in allow):
            continue
        where = locate_in_text(text, finding)
        if where is None:  # the line carries the ``aisafe: allow`` pragma
            continue
        per_field.setdefault(index, []).append(finding)
        report.findings.append(
            NotebookFinding(finding, fields[index].cell, fields[index].name, *where,
                            fields[index].cell_id)
        )
    for index, found in per_field.items():
        fld = fields[index]
        _store(nb, fld, _replace(fld, found, mask=mask))
        if fld.cell is not None:
            report.changed_cells.add(fld.cell)


def _bucket(fields: list[Field], findings: list[Finding]) -> Iterable[tuple[int, Finding]]:
    """Rebase each finding on the joined text onto the field it falls in."""
    from dataclasses import replace

    from aisafe_nb.notebook.locate import _SEPARATOR

    starts: list[int] = []
    pos = 0
    for f in fields:
        starts.append(pos)
        pos += len(f.text) + len(_SEPARATOR)
    for fd in findings:
        k = bisect.bisect_right(starts, fd.start) - 1
        if k < 0:
            continue
        start, end = fd.start - starts[k], fd.end - starts[k]
        if end > len(fields[k].text):
            continue
        yield k, replace(fd, start=start, end=end)


def _replace(fld: Field, findings: list[Finding], *, mask: bool = False) -> str:
    """`fld.original` with each finding replaced by its marker (ANSI codes kept around it)."""
    parts: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: f.start):
        start, end = fld.original_span(f.start, f.end)
        if start < pos:
            continue
        parts.append(fld.original[pos:start])
        parts.append(f.preview if mask else redaction_marker(f.type))
        pos = end
    parts.append(fld.original[pos:])
    return "".join(parts)


def _store(nb: MutableMapping[str, Any], fld: Field, text: str) -> None:
    """Write `text` back where `fld` came from, in the form it was stored."""
    parent: Any = nb
    for step in fld.path[:-1]:
        parent = parent[step]
    last = fld.path[-1]
    if fld.stored == "key":
        # An attachment name: rename the key, keeping the attachment's data.
        parent[text] = parent.pop(last)
    elif fld.stored == "lines":
        parent[last] = text.splitlines(True)
    elif fld.stored == "traceback":
        parent[last] = text.split("\n")
    else:
        parent[last] = text
