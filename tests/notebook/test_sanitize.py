"""The sanitizer: golden notebooks over keep/strip options, redaction, purity, idempotence."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest

from aisafe_nb.notebook.sanitize import sanitize, sanitize_in_place
from aisafe_nb.notebook.write import notebook_to_text
from aisafe_nb.policy import Policy
from tests import fakes
from tests.notebook.golden import NOTEBOOKS, VARIANTS

STRIP_ONLY = Policy(redact_secrets=False)


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def _secrets_notebook() -> tuple[str, dict[str, str]]:
    values = {"OPENAI": fakes.openai_key(3), "EMAIL": fakes.email(3),
              "AWS": fakes.aws_access_key_id(3)}
    text = (NOTEBOOKS / "secrets.in.ipynb").read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    return text, values


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_golden_variants(variant):
    nb = _load("outputs.ipynb")
    policy = STRIP_ONLY.replace(**VARIANTS[variant]) if VARIANTS[variant] else STRIP_ONLY
    report = sanitize_in_place(nb, policy)
    expected = (NOTEBOOKS / f"outputs.{variant}.ipynb").read_text(encoding="utf-8")
    assert notebook_to_text(nb) == expected
    assert report.changed
    nbformat.validate(nbformat.reads(expected, as_version=4))
    # idempotent: the golden output is a fixed point
    again = json.loads(expected)
    assert not sanitize_in_place(again, policy).changed
    assert notebook_to_text(again) == expected


def test_keep_rules_follow_nbstripout():
    out, _ = sanitize(_load("outputs.ipynb"), STRIP_ONLY)
    by_id = {c["id"]: c for c in out["cells"]}
    assert by_id["c-tag"]["outputs"]  # tags: keep_output
    assert by_id["c-meta"]["outputs"]  # metadata keep_output: true
    assert by_id["c-init"]["outputs"]  # init_cell: true
    assert not by_id["c-stream"]["outputs"]
    assert all(c.get("execution_count") is None for c in out["cells"])
    assert "widgets" not in out["metadata"]
    assert out["metadata"]["custom"] == {"team": "data"}


def test_notebook_level_keep_output():
    nb = _load("outputs.ipynb")
    nb["metadata"]["keep_output"] = True
    out, _ = sanitize(nb, STRIP_ONLY)
    assert next(c for c in out["cells"] if c["id"] == "c-stream")["outputs"]


NBSTRIPOUT_CASES = {
    "default": ({}, {}),
    "keep-count": ({"keep_count": True}, {"strip_execution_count": False}),
    # Not "keep-display": with --keep-output-type nbstripout also filters the outputs of
    # cells tagged keep_output; here the tag wins (the cell keeps everything).
    "drop-empty": ({"drop_empty_cells": True}, {"drop_empty_cells": True}),
}


@pytest.mark.parametrize("case", sorted(NBSTRIPOUT_CASES))
def test_same_result_as_nbstripout(case):
    """Strip-only output equals nbstripout's (with --keep-id: we never renumber ids)."""
    nbstripout_utils = pytest.importorskip("nbstripout._utils")
    theirs_kw, ours_kw = NBSTRIPOUT_CASES[case]
    theirs = nbformat.read(NOTEBOOKS / "outputs.ipynb", as_version=nbformat.NO_CONVERT)
    extra = ["metadata.signature", "metadata.widgets", "cell.metadata.collapsed",
             "cell.metadata.ExecuteTime", "cell.metadata.execution",
             "cell.metadata.heading_collapsed", "cell.metadata.hidden", "cell.metadata.scrolled"]
    kwargs = {"keep_output": None, "keep_count": False, "keep_id": True, "extra_keys": extra}
    kwargs.update(theirs_kw)
    nbstripout_utils.strip_output(theirs, **kwargs)
    ours = _load("outputs.ipynb")
    sanitize_in_place(ours, STRIP_ONLY.replace(**ours_kw) if ours_kw else STRIP_ONLY)
    assert notebook_to_text(ours) == nbformat.writes(theirs) + "\n"


def test_redacts_everywhere_and_keeps_the_rest():
    text, values = _secrets_notebook()
    nb = json.loads(text)
    out, report = sanitize(nb, Policy(redact_pii=True))
    dumped = json.dumps(out)
    for value in values.values():
        assert value not in dumped
    src = "".join(out["cells"][0]["source"])
    assert 'api_key="[REDACTED:openai-api-key]")  # inline key' in src
    # the kept output keeps its other line
    kept = "".join(out["cells"][1]["outputs"][0]["text"])
    assert kept == "[REDACTED:openai-api-key]\nsecond line stays\n"
    md = "".join(out["cells"][2]["source"])
    assert md.startswith("Contact [REDACTED:email] for access.")
    assert "[REDACTED:aws-access-key-id]" in md or "[REDACTED:aws" in md
    assert out["metadata"]["author_contact"] == "[REDACTED:email]"
    # the placeholder is not a key, and the unrelated cell is untouched
    assert out["cells"][3]["source"] == nb["cells"][3]["source"]
    assert report.counts["openai-api-key"] >= 2
    assert report.counts["email"] == 2
    assert report.changed
    # report holds previews and fingerprints only
    assert values["OPENAI"] not in repr(report)
    assert {f.cell for f in report.findings} >= {0, 1, 2}


def test_kept_traceback_is_redacted_with_colours_kept():
    text, values = _secrets_notebook()
    nb = json.loads(text)
    nb["cells"][0]["metadata"]["tags"] = ["keep_output"]
    out, _ = sanitize(nb, Policy())
    err = out["cells"][0]["outputs"][0]
    assert values["OPENAI"] not in json.dumps(err)
    assert err["evalue"] == "Incorrect API key provided: [REDACTED:openai-api-key]"
    assert err["traceback"][0].startswith("\x1b[0;31mAuthenticationError\x1b[0m: Incorrect")
    assert err["traceback"][0].endswith("[REDACTED:openai-api-key] (see docs)")


def test_pii_only_when_asked():
    text, values = _secrets_notebook()
    out, report = sanitize(json.loads(text), Policy())
    assert values["EMAIL"] in json.dumps(out)
    assert "email" not in report.counts


def test_no_redact_keeps_secrets():
    text, values = _secrets_notebook()
    out, report = sanitize(json.loads(text), Policy(redact_secrets=False, strip_outputs=False))
    assert values["OPENAI"] in json.dumps(out)
    assert not report.findings


def test_pragma_and_disabled_types_are_respected():
    key = fakes.openai_key(5)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f'k = "{key}"  # aisafe: allow')]
    out, report = sanitize(nb, Policy())
    assert key in out.cells[0].source
    assert not report.findings
    nb.cells = [nbformat.v4.new_code_cell(f'k = "{key}"')]
    out, report = sanitize(nb, Policy(disabled_types=("openai-api-key",)))
    assert key in out.cells[0].source


def test_pure_function_does_not_mutate_and_keeps_type():
    text, _ = _secrets_notebook()
    node = nbformat.reads(text, as_version=4)
    before = copy.deepcopy(node)
    out, report = sanitize(node, Policy(redact_pii=True))
    assert node == before
    assert isinstance(out, nbformat.NotebookNode)
    assert report.changed
    nbformat.validate(out)
    assert [c.id for c in out.cells] == [c.id for c in node.cells]
    # NotebookNode sources are strings and stay strings
    assert isinstance(out.cells[0].source, str)


def test_in_place_handles_string_and_list_sources():
    text, _values = _secrets_notebook()
    as_lists = json.loads(text)
    as_strings = json.loads(text)
    for cell in as_strings["cells"]:
        cell["source"] = "".join(cell["source"])
    r1 = sanitize_in_place(as_lists, Policy())
    r2 = sanitize_in_place(as_strings, Policy())
    assert r1.counts == r2.counts
    assert isinstance(as_lists["cells"][0]["source"], list)
    assert isinstance(as_strings["cells"][0]["source"], str)
    assert "".join(as_lists["cells"][0]["source"]) == as_strings["cells"][0]["source"]
    assert notebook_to_text(as_lists) == notebook_to_text(as_strings)


def test_idempotent_on_secrets():
    text, _ = _secrets_notebook()
    once, _ = sanitize(json.loads(text), Policy(redact_pii=True))
    twice, report = sanitize(once, Policy(redact_pii=True))
    assert not report.changed
    assert twice == once


def test_unchanged_notebook_reports_no_change():
    nb = _load("outputs.default.ipynb")
    report = sanitize_in_place(nb, Policy())
    assert not report.changed
    assert report.counts == {}
    assert report.cells_changed == 0


def test_images_are_never_scanned():
    import base64

    key = fakes.openai_key(7)
    payload = base64.b64encode(key.encode() * 40).decode()
    # a key hidden in plain text inside an "image" must not be touched (it is binary data)
    raw_image = key * 30
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": payload + raw_image})])]
    nb.cells[0].metadata["keep_output"] = True
    out, report = sanitize(nb, Policy())
    assert out.cells[0].outputs[0].data["image/png"] == payload + raw_image
    assert not report.findings


def test_attachment_names_are_redacted():
    key = fakes.openai_key(8)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell(f"![x](attachment:{key}.png)")
    cell["attachments"] = {f"{key}.png": {"image/png": "iVBORw0KGgo="}}
    nb.cells = [cell]
    out, _ = sanitize(nb, Policy())
    assert list(out.cells[0].attachments) == ["[REDACTED:openai-api-key].png"]
    assert out.cells[0].source == "![x](attachment:[REDACTED:openai-api-key].png)"
    nbformat.validate(out)
