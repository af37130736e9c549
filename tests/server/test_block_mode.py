"""`save_mode = block` refuses the save; the user's own pre-save hook still runs."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from tests.server.conftest import key_cell, notebook

CALLS: list[str] = []


def user_hook(model, path, contents_manager, **kwargs):
    """A hook a user configured before installing aisafe-nb."""
    CALLS.append(path)


@pytest.fixture
def jp_server_config():
    return {
        "ServerApp": {"jpserver_extensions": {"aisafe_nb": True}},
        "AISafeServer": {"save_mode": "block"},
        "ContentsManager": {"pre_save_hook": "tests.server.test_block_mode.user_hook"},
    }


async def test_block_mode_refuses_save_and_leaves_disk_unchanged(jp_root_dir, put_notebook, api):
    await put_notebook("b.ipynb", notebook("safe = 1\n"))
    before = (jp_root_dir / "b.ipynb").read_text(encoding="utf-8")
    source, key = key_cell(7)
    with pytest.raises(HTTPClientError) as err:
        await put_notebook("b.ipynb", notebook(source))
    assert err.value.code == 400
    message = json.loads(err.value.response.body)["message"]
    assert message.startswith("aisafe_nb: save refused")
    assert "openai-api-key" in message
    assert "cell 1" in message
    assert key not in message
    assert (jp_root_dir / "b.ipynb").read_text(encoding="utf-8") == before
    record = (await api("last-save", method="GET", params={"path": "b.ipynb"}))["last_save"]
    assert record["blocked"] is True
    status = await api("status", method="GET")
    assert status["settings"]["save_mode"] == "block"
    assert status["server_overrides"] == {"save_mode": "block"}


async def test_user_hook_still_runs(put_notebook):
    CALLS.clear()
    await put_notebook("u.ipynb", notebook("n = 1\n"))
    assert CALLS == ["u.ipynb"]
