"""SARIF 2.1.0, for code-scanning upload (GitHub, GitLab, Azure DevOps).

One rule per finding type; secrets are ``error``, personal data ``warning``. A notebook
finding's region is its best-effort line in the raw ``.ipynb`` file (so viewers of the
file land on it), and its cell, field and line-in-cell are in the message and properties.
`partialFingerprints` carries our fingerprint, so alerts survive edits and moves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aisafe_nb.report.model import FileFinding, ScanReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/aisafe-nb/"


def render_sarif(report: ScanReport, *, version: str = "0") -> str:
    """The report as SARIF 2.1.0 JSON text."""
    rules: dict[str, dict[str, Any]] = {}
    for ff in report.findings:
        rules.setdefault(ff.finding.type, _rule(ff))
    index = {rid: i for i, rid in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "aisafe-nb",
                "informationUri": INFO_URI,
                "semanticVersion": version,
                "rules": list(rules.values()),
            }
        },
        "results": [_result(ff, index[ff.finding.type]) for ff in report.findings],
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": e.message},
                        "locations": [_location(e.path, None, None)],
                    }
                    for e in report.errors
                ],
            }
        ],
        "columnKind": "unicodeCodePoints",
    }
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _rule(ff: FileFinding) -> dict[str, Any]:
    kind = ff.finding.kind
    what = "secret" if kind == "secret" else "personal data"
    return {
        "id": ff.finding.type,
        "name": "".join(p.capitalize() for p in ff.finding.type.split("-")),
        "shortDescription": {"text": f"{ff.finding.type} ({what})"},
        "fullDescription": {
            "text": f"A {ff.finding.type} value ({what}) is stored in the file; "
            "remove it, rotate it if it is a credential, or allowlist it."
        },
        "defaultConfiguration": {"level": _level(ff)},
        "properties": {"tags": ["security", kind]},
    }


def _level(ff: FileFinding) -> str:
    return "error" if ff.finding.kind == "secret" else "warning"


def _result(ff: FileFinding, rule_index: int) -> dict[str, Any]:
    where = f"line {ff.line}"
    if ff.cell is not None:
        where = f"cell {ff.cell}, {ff.field}, line {ff.line}"
    elif ff.field == "metadata":
        where = f"notebook metadata, line {ff.line}"
    shown = ff.match if ff.match is not None else ff.finding.preview
    props: dict[str, Any] = {
        "kind": ff.finding.kind,
        "field": ff.field,
        "line": ff.line,
        "column": ff.column,
        "confidence": ff.finding.confidence,
        "preview": ff.finding.preview,
    }
    if ff.cell is not None:
        props["cell"] = ff.cell
    if ff.cell_id is not None:
        props["cellId"] = ff.cell_id
    return {
        "ruleId": ff.finding.type,
        "ruleIndex": rule_index,
        "level": _level(ff),
        "message": {"text": f"{ff.finding.type} {shown} at {where}"},
        "locations": [_location(ff.path, ff.file_line, ff.file_column)],
        "partialFingerprints": {"aisafeFingerprint/v1": ff.finding.fingerprint},
        "properties": props,
    }


def _location(path: str, line: int | None, column: int | None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": line or 1}
    if column:
        region["startColumn"] = column
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(path)},
            "region": region,
        }
    }


def _uri(path: str) -> str:
    """A relative URI for relative paths (what code scanning expects), else file://."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return "/".join(part.replace("%", "%25").replace(" ", "%20") for part in p.parts)
