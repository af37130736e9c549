"""Notebooks for the clean/git tests, built at run time (fake secrets from tests.fakes)."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import nbformat

from tests import fakes


def notebook_with_secret(seed: int = 0, *, size: int = 1) -> nbformat.NotebookNode:
    """A notebook with an inline key in a cell, the key printed, an image and some text."""
    rng = random.Random(seed)
    key = fakes.openai_key(seed)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    png = base64.b64encode(rng.randbytes(300 * size)).decode()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# Notebook {seed}\nSome notes."),
        nbformat.v4.new_code_cell(f'import openai\nclient = openai.OpenAI(api_key="{key}")',
                                  execution_count=1),
        nbformat.v4.new_code_cell("print(client.api_key)", execution_count=2, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=key + "\n")]),
        nbformat.v4.new_code_cell("plot()", execution_count=3, outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": png,
                                                         "text/plain": "<Figure>"})]),
        nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(20 * size)),
                                  execution_count=4, outputs=[
            nbformat.v4.new_output("stream", name="stdout",
                                   text="".join(f"row {i}\n" for i in range(50 * size)))]),
    ]
    return nb


def clean_notebook() -> nbformat.NotebookNode:
    """A notebook with nothing to clean."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("nothing here"),
                nbformat.v4.new_code_cell("x = 1")]
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
