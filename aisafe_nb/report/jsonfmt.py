"""The JSON report: ``{"findings": [...], "errors": [...]}``, the shape tools consume.

Each finding has ``path, cell, field, line, column, kind, type, preview, fingerprint,
confidence`` (``match`` too, only when the scan was asked to reveal values).
"""

from __future__ import annotations

import json
from typing import Any

from aisafe_nb.report.model import FileFinding, ScanReport


def finding_dict(ff: FileFinding) -> dict[str, Any]:
    """One finding as a JSON object."""
    out: dict[str, Any] = {
        "path": ff.path,
        "cell": ff.cell,
        "field": ff.field,
        "line": ff.line,
        "column": ff.column,
        "kind": ff.finding.kind,
        "type": ff.finding.type,
        "preview": ff.finding.preview,
        "fingerprint": ff.finding.fingerprint,
        "confidence": ff.finding.confidence,
    }
    if ff.match is not None:
        out["match"] = ff.match
    return out


def render_json(report: ScanReport) -> str:
    """The report as indented JSON text."""
    data = {
        "findings": [finding_dict(ff) for ff in report.findings],
        "errors": [{"path": e.path, "message": e.message} for e in report.errors],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
