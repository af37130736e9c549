"""A real Jupyter server (pytest-jupyter) with the aisafe_nb extension enabled.

pytest-jupyter runs the coroutine tests itself: asyncio auto mode must stay off (with it,
every request hangs until a 20 s timeout).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fakes import openai_key


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"aisafe_nb": True}}}


def notebook(*sources: str, outputs: list[Any] | None = None) -> dict[str, Any]:
    """A small nbformat-4 notebook dict with one code cell per source."""
    cells = []
    for i, src in enumerate(sources):
        cells.append(
            {
                "cell_type": "code",
                "id": f"cell-{i}",
                "metadata": {},
                "execution_count": i + 1,
                "outputs": list(outputs or []),
                "source": src,
            }
        )
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def key_cell(seed: int = 0) -> tuple[str, str]:
    """A code cell source with an inline OpenAI key, and that key."""
    key = openai_key(seed)
    return f'import openai\nclient = openai.OpenAI(api_key="{key}")\n', key


@pytest.fixture
def put_notebook(jp_fetch):
    """Save a notebook through the contents REST API (the way JupyterLab saves)."""

    async def put(path: str, nb: Any, **kwargs: Any):
        body = {"type": "notebook", "format": "json", "content": nb}
        return await jp_fetch(
            "api", "contents", path, method="PUT", body=json.dumps(body), **kwargs
        )

    return put


@pytest.fixture
def api(jp_fetch):
    """Call an /aisafe-nb/ endpoint; return the decoded JSON."""

    async def call(name: str, body: Any = None, method: str = "POST", **kwargs: Any):
        if method == "GET":
            resp = await jp_fetch("aisafe-nb", name, method="GET", **kwargs)
        else:
            resp = await jp_fetch("aisafe-nb", name, method=method, body=json.dumps(body), **kwargs)
        return json.loads(resp.body)

    return call
