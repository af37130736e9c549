"""Locations in real notebook structures: every field kind, line and column, images skipped."""

from __future__ import annotations

import base64
import json

import nbformat
import pytest
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
    new_raw_cell,
)

from aisafe_nb.notebook.locate import iter_fields, scan_notebook
from tests import fakes

KEY = fakes.openai_key(3)
EMAIL = fakes.email(3)


def _valid(nb: nbformat.NotebookNode) -> dict:
    """Round-trip through nbformat so the structure is exactly what Jupyter writes."""
    nbformat.validate(nb)
    return json.loads(nbformat.writes(nb))


def _where(findings) -> list[tuple[int | None, str, int, int, str]]:
    return [(f.cell, f.field, f.line, f.column, f.finding.type) for f in findings]


def test_source_as_list_and_as_str_give_same_location():
    text = f'import os\n\nclient = OpenAI(api_key="{KEY}")\n'
    nb = _valid(new_notebook(cells=[new_code_cell(text)]))
    assert isinstance(nb["cells"][0]["source"], list)  # nbformat writes lists
    as_list = scan_notebook(nb)
    nb["cells"][0]["source"] = text
    as_str = scan_notebook(nb)
    assert _where(as_list) == _where(as_str) == [(0, "source", 3, 26, "openai-api-key")]
    assert as_list[0].cell_id == nb["cells"][0]["id"]


def test_every_text_field_kind_is_located():
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><text>{EMAIL}</text></svg>'
    cells = [
        new_markdown_cell(f"Contact: {EMAIL}"),
        new_code_cell(
            "print(x)",
            outputs=[
                new_output("stream", name="stdout", text=f"line one\nkey={KEY}\n"),
                new_output(
                    "execute_result",
                    execution_count=1,
                    data={
                        "text/plain": f"'{EMAIL}'",
                        "text/html": f"<table><tr><td>{EMAIL}</td></tr></table>",
                        "application/json": {"user": {"mail": EMAIL}},
                        "image/svg+xml": svg,
                    },
                ),
                new_output("error", ename="AuthenticationError", evalue=f"bad key {KEY}",
                           traceback=["Traceback", f"AuthenticationError: {KEY}"]),
            ],
        ),
        new_raw_cell(f"raw {EMAIL}"),
    ]
    cells[1].metadata["note"] = f"owner {EMAIL}"
    nb = new_notebook(cells=cells, metadata={"authors": [{"name": "x", "email": EMAIL}]})
    found = set(_where(scan_notebook(_valid(nb))))
    assert (None, "metadata", 1, 1, "email") in found
    assert (0, "source", 1, 10, "email") in found
    assert (1, "outputs/0/text", 2, 5, "openai-api-key") in found
    assert (1, "outputs/1/data/text/plain", 1, 2, "email") in found
    assert (1, "outputs/1/data/text/html", 1, 16, "email") in found
    assert (1, "outputs/1/data/application/json", 1, 1, "email") in found
    assert (1, "outputs/1/data/image/svg+xml", 1, svg.index(EMAIL) + 1, "email") in found
    assert (1, "outputs/2/evalue", 1, 9, "openai-api-key") in found
    assert (1, "outputs/2/traceback", 2, 22, "openai-api-key") in found
    assert (1, "metadata", 1, 7, "email") in found
    assert (2, "source", 1, 5, "email") in found


def test_traceback_with_ansi_codes_maps_back_to_the_original():
    colored = f"\x1b[0;31mAuthenticationError\x1b[0m: key \x1b[1m{KEY}\x1b[0m rejected"
    tb = ["\x1b[0;31m" + "-" * 20 + "\x1b[0m", colored]
    out = new_output("error", ename="AuthenticationError", evalue="401", traceback=tb)
    nb = _valid(new_notebook(cells=[new_code_cell("call()", outputs=[out])]))
    found = scan_notebook(nb)
    assert _where(found) == [(0, "outputs/0/traceback", 2, 26, "openai-api-key")]
    field = next(f for f in iter_fields(nb) if f.name == "outputs/0/traceback")
    assert "\x1b" not in field.text
    assert "\x1b" in field.original
    start, end = field.original_span(found[0].finding.start, found[0].finding.end)
    assert field.original[start:end] == KEY
    assert field.path == ("cells", 0, "outputs", 0, "traceback")
    assert field.stored == "traceback"


def test_attachment_names_are_scanned_but_payloads_are_not():
    payload = base64.b64encode(f"api_key = '{KEY}'\n".encode() * 20).decode()
    cell = new_markdown_cell("![img](attachment:report.png)")
    name = f"{EMAIL} scan.png"
    cell["attachments"] = {name: {"image/png": payload}}
    nb = _valid(new_notebook(cells=[cell]))
    fields = [(f.name, f.text) for f in iter_fields(nb)]
    assert (f"attachments/{name}", name) in fields
    assert all(payload not in text for _, text in fields)
    assert _where(scan_notebook(nb)) == [(0, f"attachments/{name}", 1, 1, "email")]


@pytest.mark.parametrize("mime", ["image/png", "image/jpeg", "image/gif", "application/pdf"])
def test_binary_outputs_are_never_scanned(mime):
    # A key hidden in the payload of a binary MIME type is not text the user can see.
    payload = KEY + "A" * 10
    out = new_output("display_data", data={mime: payload, "text/plain": "<Figure>"})
    nb = _valid(new_notebook(cells=[new_code_cell("plot()", outputs=[out])]))
    assert [f.name for f in iter_fields(nb)] == ["source", "outputs/0/data/text/plain"]
    assert scan_notebook(nb) == []


def test_long_base64_under_any_mime_is_skipped():
    blob = base64.b64encode(bytes(range(256)) * 8).decode()
    out = new_output("display_data", data={"application/vnd.custom": blob})
    nb = _valid(new_notebook(cells=[new_code_cell("x", outputs=[out])]))
    assert [f.name for f in iter_fields(nb)] == ["source"]


def test_notebook_node_is_accepted():
    node = nbformat.from_dict(
        _valid(new_notebook(cells=[new_code_cell(f'k = "{KEY}"  # aisafe: allow\nm = "{EMAIL}"')]))
    )
    found = scan_notebook(node)
    # The pragma drops the key on line 1; the email on line 2 is reported.
    assert _where(found) == [(0, "source", 2, 6, "email")]


def test_kinds_select_what_is_reported():
    nb = _valid(new_notebook(cells=[new_code_cell(f'k = "{KEY}"\nm = "{EMAIL}"')]))
    assert {f.finding.kind for f in scan_notebook(nb, kinds=("secret",))} == {"secret"}
    assert {f.finding.kind for f in scan_notebook(nb, kinds=("pii",))} == {"pii"}


def test_findings_do_not_run_across_fields():
    # Two halves of an email in two cells must not join into one finding.
    local, domain = EMAIL.split("@")
    nb = _valid(new_notebook(cells=[new_code_cell(local + "@"), new_code_cell(domain)]))
    assert scan_notebook(nb) == []
    nb["cells"][0]["source"] = EMAIL
    assert _where(scan_notebook(nb)) == [(0, "source", 1, 1, "email")]


def test_odd_structures_do_not_crash():
    nb = {
        "nbformat": 4,
        "metadata": None,
        "cells": [None, {"cell_type": "code", "source": None, "outputs": [None, {"data": 3}]},
                  {"cell_type": "markdown", "source": [1, "text"], "attachments": []}],
    }
    assert [f.name for f in iter_fields(nb)] == ["source"]
    assert scan_notebook(nb) == []
