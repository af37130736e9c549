"""notebooks/quickstart.ipynb runs top to bottom in a real kernel and scans clean."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from aisafe_nb.detect.engine import scan_text
from aisafe_nb.testing.kernel import execute_notebook

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"


def test_quickstart_file_scans_clean_and_has_kernelspec():
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert scan_text(text) == []
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert "## 8. The API guard" in text


@pytest.mark.kernel
@pytest.mark.slow
def test_quickstart_runs_top_to_bottom(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # raises CellExecutionError on any failing cell
    execute_notebook(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "inline secret in this cell" in outputs
    assert "[REDACTED:openai-api-key]" in outputs
    assert "refused: AisafeRejected" in outputs
    assert "moved 1 key(s)" in outputs
    assert "<EMAIL_1>" in outputs
    assert "<PERSON_NAME_1>" in outputs
    # section 8, the API guard against the bundled local endpoint
    assert "user reads:" in outputs
    assert "stopped after" in outputs
    assert "BudgetExceeded" in outputs or "budget" in outputs.lower()
    assert [f.type for f in scan_text(outputs, kinds=("secret",))] == []
    assert not list(tmp_path.glob(".env"))  # the demo wrote its .env in a temp folder
