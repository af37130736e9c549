"""Serialisation matches nbformat.write byte for byte, so clean notebooks do not churn."""

from __future__ import annotations

import json

import nbformat
import pytest

from aisafe_nb.notebook.write import notebook_to_bytes, notebook_to_text
from tests.notebook.golden import NOTEBOOKS


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("outputs*.ipynb")), ids=lambda p: p.name)
def test_round_trip_is_byte_identical(path):
    raw = path.read_bytes()
    assert notebook_to_bytes(json.loads(raw)) == raw


def _nbformat_text(nb) -> str:
    return nbformat.writes(nbformat.from_dict(nb)) + "\n"


def test_matches_nbformat_for_string_sources_and_odd_lines():
    nb = nbformat.v4.new_notebook()
    nb.metadata["signature"] = "sha256:x"  # transient: dropped by both
    nb.metadata["orig_nbformat"] = 3
    cell = nbformat.v4.new_code_cell("a = 1\r\nb = 2\rc = 3\n\nd = 'é ü 中文 🙂'\n", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="x\ny"),
        nbformat.v4.new_output("display_data", data={
            "text/plain": "line1\nline2", "image/svg+xml": "<svg>\n</svg>",
            "application/json": {"a": [1, "b\nc"]}, "image/png": "iVBORw0KGgo=",
        }),
    ])
    cell.metadata["trusted"] = True
    md = nbformat.v4.new_markdown_cell("# title\n\ttab")
    md["attachments"] = {"a.png": {"image/png": "iVBORw0KGgo=", "text/plain": "x\ny"}}
    nb.cells = [cell, md, nbformat.v4.new_raw_cell("")]
    ours = notebook_to_text(json.loads(json.dumps(nb)))
    assert ours == _nbformat_text(nb)
    assert ours.endswith("}\n")
    assert "é ü 中文 🙂" in ours  # not \u-escaped, as Jupyter writes


def test_lists_not_split_by_line_are_normalised_like_nbformat():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("x")]
    as_dict = json.loads(json.dumps(nb))
    as_dict["cells"][0]["source"] = ["a\nb\n", "c"]  # written by another tool
    expected = _nbformat_text(nbformat.from_dict(json.loads(json.dumps(as_dict))))
    # nbformat's reader rejoins, its writer splits: the same result must come out here
    reread = nbformat.reads(json.dumps(as_dict), as_version=4)
    assert notebook_to_text(as_dict) == nbformat.writes(reread) + "\n"
    assert expected  # sanity: nbformat accepted it


def test_encoder_matches_json_dumps_on_odd_values():
    from aisafe_nb.notebook.write import _encode

    value = {"b": [1, 2.5, -0.0, 1e300, True, False, None, "x\u2028\"\\", [], {}],
             "a": {"z": "é", "y": ["l1\n", "l2"], "n": [[1], {"k": "v"}]},
             "f": [float("nan"), float("inf"), -float("inf")], "t": ("x", "y"),
             "\x00key": "\x1b[31m"}
    out: list[str] = []
    _encode(value, "\n", out)
    assert "".join(out) == json.dumps(value, indent=1, sort_keys=True, separators=(",", ": "),
                                      ensure_ascii=False)
