"""The msgspec path of batch clean gives exactly what the json path gives.

`parse_notebook` must return the same objects as `read_notebook_text` (or raise the same
one-line error), and `notebook_to_bytes(..., from_msgspec=True)` must write the same bytes
as the reference encoder, floats, NaN and Infinity included; whatever msgspec refuses, the
json path decides.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisafe_nb.notebook.load import (
    JsonFloat,
    NotebookError,
    parse_notebook,
    read_notebook_text,
)
from aisafe_nb.notebook.sanitize import sanitize_in_place
from aisafe_nb.notebook.write import notebook_to_bytes
from aisafe_nb.policy import Policy
from tests.notebook.golden import NOTEBOOKS

STRIP_ONLY = Policy().replace(redact_secrets=False, redact_pii=False)


def _same(a, b) -> bool:
    """Equal values of equal JSON types (a JsonFloat is a float; NaN equals NaN; -0.0 != 0.0)."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


def _reference(raw: bytes, policy: Policy | None = None) -> bytes:
    nb = read_notebook_text(raw)
    if policy is not None:
        sanitize_in_place(nb, policy)
    return notebook_to_bytes(nb)


def _fast(raw: bytes, policy: Policy | None = None) -> bytes:
    parsed = parse_notebook(raw)
    if policy is not None:
        sanitize_in_place(parsed.nb, policy)
    return notebook_to_bytes(parsed.nb, from_msgspec=parsed.from_msgspec)


# --- generated notebooks -------------------------------------------------------------------

# Any character but lone surrogates (JSON text from a file cannot hold those unescaped):
# control characters, U+2028, quotes, backslashes, emoji, line breaks of every kind.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [1e-05, 1e16, 1e-7, 0.1, -0.0, 5e-324, 1.7976931348623157e308, 123456789.0])
scalars = (st.none() | st.booleans() | st.integers(-(2**80), 2**80) | floats | text)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(text, inner, max_size=3), max_leaves=12)
sources = text | st.lists(text, max_size=4)
outputs = st.one_of(
    st.fixed_dictionaries({"output_type": st.just("stream"),
                           "name": st.sampled_from(["stdout", "stderr"]), "text": sources}),
    st.fixed_dictionaries({
        "output_type": st.sampled_from(["execute_result", "display_data"]),
        "data": st.dictionaries(st.sampled_from(["text/plain", "text/html", "image/png",
                                                 "application/json", "image/svg+xml"]),
                                values, max_size=3),
        "metadata": st.dictionaries(text, values, max_size=2)},
        optional={"execution_count": st.none() | st.integers(0, 99)}),
)
cells = st.fixed_dictionaries(
    {"cell_type": st.sampled_from(["code", "markdown", "raw"]), "source": sources,
     "metadata": st.dictionaries(st.sampled_from(["tags", "collapsed", "keep_output", "x"])
                                 | text, values, max_size=3)},
    optional={"outputs": st.lists(outputs, max_size=3),
              "execution_count": st.none() | st.integers(0, 99), "id": text},
)
notebooks = st.fixed_dictionaries({
    "cells": st.lists(cells, max_size=4),
    "metadata": st.dictionaries(st.sampled_from(["kernelspec", "widgets", "signature"]) | text,
                                values, max_size=3),
    "nbformat": st.just(4), "nbformat_minor": st.integers(0, 5)})


@st.composite
def notebook_bytes(draw) -> bytes:
    """A generated notebook as some tool might have written it."""
    nb = draw(notebooks)
    return json.dumps(nb, ensure_ascii=draw(st.booleans()),
                      indent=draw(st.sampled_from([None, 1, 2]))).encode("utf-8")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebook_bytes())
def test_msgspec_parse_equals_json_parse(raw):
    parsed = parse_notebook(raw)
    assert parsed.from_msgspec
    assert _same(parsed.nb, read_notebook_text(raw))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebook_bytes(), st.sampled_from([None, STRIP_ONLY,
                                          STRIP_ONLY.replace(strip_outputs=False)]))
def test_msgspec_writer_equals_reference_writer(raw, policy):
    assert _fast(raw, policy) == _reference(raw, policy)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_golden_notebooks_give_the_same_bytes(path):
    raw = path.read_bytes()
    assert parse_notebook(raw).from_msgspec
    assert _fast(raw) == _reference(raw)
    assert _fast(raw, STRIP_ONLY) == _reference(raw, STRIP_ONLY)


# --- what msgspec refuses: json decides ------------------------------------------------------


def _notebook_text(value_json: str) -> str:
    """A valid notebook whose metadata ``v`` is the JSON text `value_json`, as written."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nb.metadata["v"] = "<v>"
    return json.dumps(nb, indent=1, sort_keys=True).replace('"<v>"', value_json)


@pytest.mark.parametrize(
    ("literal", "from_msgspec"),
    [
        ("[1e-05, 1e16, 0.1, -0.0, 2.5e-300, 1E2, 100]", True),  # msgspec formats these its way
        ("[123456789012345678901234567890, -1]", True),
        ("[1E400, -1e999]", True),  # too big for a double: inf, as json.loads reads it
        ("[NaN, Infinity, -Infinity, 0.5]", False),
        ('"\\ud800 lone surrogate"', False),
    ],
)
def test_floats_and_refused_values_round_trip_like_nbformat(literal, from_msgspec):
    text = _notebook_text(literal)
    raw = text.encode("utf-8")
    parsed = parse_notebook(raw)
    assert parsed.from_msgspec is from_msgspec
    assert _same(parsed.nb, read_notebook_text(raw))
    if "\\ud800" in literal:  # no UTF-8 file can hold it: both paths refuse to write it
        with pytest.raises(UnicodeEncodeError):
            _fast(raw)
        return
    written = _fast(raw)
    assert written == _reference(raw)
    expected = nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"
    assert written == expected.encode("utf-8")


def test_floats_are_json_floats_and_write_as_json_does():
    raw = _notebook_text("[1e-05, 1e+16, 0.5]").encode()
    values = parse_notebook(raw).nb["metadata"]["v"]
    assert all(type(v) is JsonFloat for v in values)
    written = _fast(raw)
    assert b"1e-05" in written
    assert b"1e+16" in written
    assert b"0.00001" not in written


def test_utf8_bom_takes_the_json_path():
    raw = b"\xef\xbb\xbf" + _notebook_text("1").encode()
    parsed = parse_notebook(raw)
    assert not parsed.from_msgspec
    assert _same(parsed.nb, read_notebook_text(raw))


BAD_INPUTS = [
    b"",
    b"  \n\t",
    b"\x00\x01binary",
    b'{"cells": ["\xff\xfe"], "nbformat": 4}',
    b'{"cells": [\n  {"a": 1,}\n]}',
    b'{"cells": [], "nbformat": 4} trailing',
    b'{"cells": [{"source": "\\q"}]}',
    b'{"cells": [{"source": "a\x01b"}]}',
    b"[1, 2]",
    b'{"metadata": {}, "nbformat": 4}',
    b'{"worksheets": [], "nbformat": 3, "metadata": {}}',
    b'{"cells": {}, "nbformat": 4}',
    b'{"cells": [], "nbformat": "4"}',
    b'{"cells": [], "nbformat": 5}',
    b"[" * 100_000 + b"]" * 100_000,
]


@pytest.mark.parametrize("raw", BAD_INPUTS, ids=lambda r: repr(r[:30]))
def test_bad_input_gives_the_json_paths_error(raw):
    with pytest.raises(NotebookError) as expected:
        read_notebook_text(raw, "x.ipynb")
    with pytest.raises(NotebookError) as got:
        parse_notebook(raw, "x.ipynb")
    assert str(got.value) == str(expected.value)
    assert "\n" not in str(got.value)


@st.composite
def damaged(draw) -> bytes:
    """A generated notebook with a few bytes deleted, replaced or inserted."""
    raw = bytearray(draw(notebook_bytes()))
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(raw)))
        byte = draw(st.sampled_from(b'{}[]",:\\ \x00\xff0e.-nNI'))
        match draw(st.sampled_from(["delete", "replace", "insert"])):
            case "delete" if pos < len(raw):
                del raw[pos]
            case "replace" if pos < len(raw):
                raw[pos] = byte
            case _:
                raw.insert(pos, byte)
    return bytes(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_input_same_outcome_on_both_paths(raw):
    def outcome(parse):
        try:
            return parse(raw, "x.ipynb")
        except NotebookError as exc:
            return str(exc)

    expected = outcome(read_notebook_text)
    got = outcome(lambda raw, path: parse_notebook(raw, path).nb)
    assert _same(got, expected)


# --- start-up cost ---------------------------------------------------------------------------


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_json_path_and_stripping_import_neither_msgspec_nor_the_engine():
    # The git filter reads with read_notebook_text: msgspec's import would cost it more
    # than it saves. Stripping alone needs no detector (regex and rules load slowly).
    mods = _modules_after(
        "import sys; from aisafe_nb.notebook.load import read_notebook_text; "
        "from aisafe_nb.notebook.sanitize import sanitize_in_place; "
        "from aisafe_nb.notebook.write import notebook_to_bytes; "
        "from aisafe_nb.policy import Policy; "
        "nb = read_notebook_text('{\"cells\": [{\"cell_type\": \"code\", \"source\": \"x\", "
        "\"metadata\": {}, \"outputs\": [{\"output_type\": \"stream\", \"name\": \"stdout\", "
        "\"text\": \"y\"}]}], \"nbformat\": 4}'); "
        "sanitize_in_place(nb, Policy().replace(redact_secrets=False, redact_pii=False)); "
        "assert nb['cells'][0]['outputs'] == []; notebook_to_bytes(nb)")
    assert "msgspec" not in mods
    assert "aisafe_nb.detect.engine" not in mods
    assert "regex" not in mods


def test_redaction_still_loads_the_engine():
    mods = _modules_after(
        "import sys; from aisafe_nb.notebook.sanitize import sanitize_in_place; "
        "from aisafe_nb.policy import Policy; "
        "sanitize_in_place({'cells': [{'cell_type': 'code', 'source': 'x', 'metadata': {}}]}, "
        "Policy())")
    assert "aisafe_nb.detect.engine" in mods
