"""Reading notebooks: the fast dict path, and one clear line for every kind of bad file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from aisafe_nb.notebook.load import (
    NotebookError,
    read_notebook_dict,
    read_notebook_text,
    to_node,
)


def _nb() -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("# hi")]
    return json.loads(nbformat.writes(nb))


def test_reads_a_valid_notebook(tmp_path):
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(_nb()), encoding="utf-8")
    d = read_notebook_dict(path)
    assert d["nbformat"] == 4
    assert [c["cell_type"] for c in d["cells"]] == ["code", "markdown"]


def test_reads_text_and_bytes_with_bom():
    raw = json.dumps(_nb())
    assert read_notebook_text(raw)["cells"][0]["source"] == ["x = 1"]
    assert len(read_notebook_text(("\ufeff" + raw).encode())["cells"]) == 2


def test_to_node_gives_a_valid_notebook_node():
    node = to_node(_nb())
    assert isinstance(node, nbformat.NotebookNode)
    assert node.cells[0].source == ["x = 1"]
    nbformat.validate(node)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"cells": [\n  {"a": 1,}\n]}', "invalid JSON at line 2 column 11"),
        ('{"metadata": {}, "nbformat": 4}', "not a notebook (no 'cells')"),
        ('{"worksheets": [], "nbformat": 3, "metadata": {}}', "nbformat 3 is not supported"),
        ('{"cells": {}, "nbformat": 4}', "not a notebook ('cells' is not a list)"),
        ("[1, 2]", "not a notebook (top level is not a JSON object)"),
        ('{"cells": [{}, 1], "nbformat": 4}', "not a notebook (cell 2 is not a JSON object)"),
        ('{"cells": [{"source": 1}]}', "cell 1: 'source' is neither text nor a list of lines"),
        ('{"cells": [{"outputs": 1}]}', "not a notebook (cell 1: 'outputs' is not a list)"),
        ('{"cells": [{"attachments": []}]}',
         "not a notebook (cell 1: 'attachments' is not a JSON object)"),
        ("", "empty file"),
        ("  \n", "empty file"),
    ],
)
def test_bad_content_gives_one_line(tmp_path, content, reason):
    path = tmp_path / "bad.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NotebookError) as info:
        read_notebook_dict(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    assert reason in message
    assert info.value.path == str(path)


def test_nbformat_3_message_says_how_to_convert(tmp_path):
    path = tmp_path / "old.ipynb"
    path.write_text('{"nbformat": 3, "worksheets": [{"cells": []}]}', encoding="utf-8")
    with pytest.raises(NotebookError, match="jupyter nbconvert --to notebook"):
        read_notebook_dict(path)


def test_binary_file(tmp_path):
    path = tmp_path / "img.ipynb"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(NotebookError, match="binary file"):
        read_notebook_dict(path)


def test_directory(tmp_path):
    (tmp_path / "x.ipynb").mkdir()
    with pytest.raises(NotebookError, match="is a directory"):
        read_notebook_dict(tmp_path / "x.ipynb")


def test_fifo_is_refused_without_blocking(tmp_path):
    # A FIFO is unreadable for us as root too: opening it would block forever.
    fifo = tmp_path / "pipe.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(NotebookError, match="not a regular file"):
        read_notebook_dict(fifo)


def test_symlink_loop(tmp_path):
    loop = tmp_path / "loop.ipynb"
    loop.symlink_to(loop)
    with pytest.raises(NotebookError, match="symlink loop"):
        read_notebook_dict(loop)


def test_missing_file(tmp_path):
    with pytest.raises(NotebookError, match="no such file"):
        read_notebook_dict(tmp_path / "nope.ipynb")


def test_large_notebook_is_read(tmp_path):
    nb = _nb()
    nb["cells"][0]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "y" * (101 * 1024 * 1024)}
    ]
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert len(read_notebook_dict(path)["cells"][0]["outputs"][0]["text"]) > 100 * 1024 * 1024


def test_load_module_does_not_import_nbformat():
    code = (
        "import sys, aisafe_nb.notebook.load as m; "
        "m.read_notebook_text('{\"cells\": [], \"nbformat\": 4}'); "
        "print('nbformat' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
