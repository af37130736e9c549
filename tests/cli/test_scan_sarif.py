"""`aisafe-nb scan --format sarif`: valid SARIF 2.1.0 (checked against the OASIS schema)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from aisafe_nb.cli import main
from tests import fakes

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text()
)
KEY = fakes.openai_key(11)
EMAIL = fakes.email(11)


def _validate(doc: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(doc)


def _leaky(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=[
        new_code_cell("print('hi')"),
        new_code_cell(f'client = OpenAI(api_key="{KEY}")',
                      outputs=[new_output("stream", name="stdout", text=f"to {EMAIL}\n")]),
    ])
    path = folder / "leak.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    (folder / "broken.ipynb").write_text("{", encoding="utf-8")
    return path


def test_sarif_is_valid_and_complete(tmp_path, capsys, monkeypatch):
    path = _leaky(tmp_path / "nb")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--format", "sarif", "nb"]) == 2  # one broken file
    doc = json.loads(capsys.readouterr().out)
    _validate(doc)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert sorted(rules) == ["email", "openai-api-key"]
    results = {r["ruleId"]: r for r in run["results"]}
    key = results["openai-api-key"]
    assert key["level"] == "error"
    assert results["email"]["level"] == "warning"
    assert rules[key["ruleIndex"]] == "openai-api-key"
    loc = key["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "nb/leak.ipynb"
    # The region points at the line of the raw .ipynb file that holds the key.
    raw_lines = path.read_text(encoding="utf-8").splitlines()
    assert KEY in raw_lines[loc["region"]["startLine"] - 1]
    assert key["properties"]["cell"] == 1
    assert key["properties"]["field"] == "source"
    assert key["partialFingerprints"]["aisafeFingerprint/v1"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert "invalid JSON" in notes[0]["message"]["text"]
    assert KEY not in json.dumps(doc)
    assert EMAIL not in json.dumps(doc)


def test_sarif_of_a_clean_scan_is_valid(tmp_path, capsys):
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert main(["scan", "--format", "sarif", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    _validate(doc)
    assert doc["runs"][0]["results"] == []


def test_schema_rejects_a_broken_document():
    # The validator really checks: a result without a message is not SARIF.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                          "results": [{"ruleId": "x"}]}]}
    with pytest.raises(jsonschema.ValidationError, match="message"):
        _validate(bad)
