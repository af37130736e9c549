"""The pre-save hook, through a real Jupyter server's contents API."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from tests.server.conftest import key_cell, notebook


def read(path) -> str:
    return path.read_text(encoding="utf-8")


async def test_save_redacts_key_on_disk_and_in_checkpoint(jp_root_dir, put_notebook, jp_fetch):
    source, key = key_cell()
    resp = await put_notebook("a.ipynb", notebook("x = 1\n", source))
    assert resp.code in (200, 201)
    on_disk = read(jp_root_dir / "a.ipynb")
    assert key not in on_disk
    assert "openai.OpenAI(api_key=" in on_disk  # the code around the key is kept
    assert "x = 1" in on_disk
    # The server creates the first checkpoint itself; JupyterLab creates more after saves.
    await jp_fetch("api", "contents", "a.ipynb", "checkpoints", method="POST", body="")
    checkpoint = jp_root_dir / ".ipynb_checkpoints" / "a-checkpoint.ipynb"
    assert checkpoint.is_file()
    assert key not in read(checkpoint)


async def test_source_as_list_of_lines_is_redacted(jp_root_dir, put_notebook):
    source, key = key_cell(1)
    nb = notebook(source)
    nb["cells"][0]["source"] = source.splitlines(keepends=True)
    await put_notebook("lines.ipynb", nb)
    assert key not in read(jp_root_dir / "lines.ipynb")


async def test_key_in_output_is_redacted_outputs_kept_by_default(jp_root_dir, put_notebook):
    _, key = key_cell(2)
    out = {"output_type": "stream", "name": "stdout", "text": f"using {key}\n"}
    await put_notebook("out.ipynb", notebook("print(k)\n", outputs=[out]))
    saved = json.loads(read(jp_root_dir / "out.ipynb"))
    assert key not in json.dumps(saved)
    assert saved["cells"][0]["outputs"], "outputs are kept unless save_strip_outputs is on"
    assert saved["cells"][0]["execution_count"] == 1


async def test_last_save_reports_what_was_redacted_without_the_value(put_notebook, api):
    source, key = key_cell(3)
    await put_notebook("dir_a.ipynb", notebook("y = 2\n", source))
    got = await api("last-save", method="GET", params={"path": "dir_a.ipynb"})
    record = got["last_save"]
    assert record["changed"] is True
    assert [r["type"] for r in record["redactions"]] == ["openai-api-key"]
    assert record["redactions"][0]["cell"] == 1
    assert key not in json.dumps(got)


async def test_last_save_of_clean_notebook_reports_no_change(put_notebook, api):
    await put_notebook("clean.ipynb", notebook("print('hello')\n"))
    got = await api("last-save", method="GET", params={"path": "clean.ipynb"})
    assert got["last_save"]["changed"] is False
    unknown = await api("last-save", method="GET", params={"path": "never-saved.ipynb"})
    assert unknown["last_save"] is None


async def test_old_checkpoint_with_key_is_cleaned_on_next_save(jp_root_dir, put_notebook):
    source, key = key_cell(4)
    (jp_root_dir / ".ipynb_checkpoints").mkdir()
    old = jp_root_dir / ".ipynb_checkpoints" / "legacy-checkpoint.ipynb"
    old.write_text(json.dumps(notebook(source)), encoding="utf-8")
    await put_notebook("legacy.ipynb", notebook("z = 3\n"))
    assert key not in read(old)
    assert "z = 3" not in read(old), "the checkpoint keeps its own content, only redacted"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not a notebook", "top level is not a JSON object"),
        ({"metadata": {}, "nbformat": 4}, "no 'cells'"),
        ({"cells": "x", "metadata": {}, "nbformat": 4}, "'cells' is not a list"),
        ({"cells": [7], "metadata": {}, "nbformat": 4}, "cell 1 is not a JSON object"),
    ],
)
async def test_invalid_model_gives_clear_error_and_keeps_file(
    jp_root_dir, put_notebook, content, reason
):
    await put_notebook("keep.ipynb", notebook("original = True\n"))
    before = read(jp_root_dir / "keep.ipynb")
    with pytest.raises(HTTPClientError) as err:
        await put_notebook("keep.ipynb", content)
    assert err.value.code == 400
    message = json.loads(err.value.response.body)["message"]
    assert message.startswith("aisafe_nb: cannot save keep.ipynb:")
    assert reason in message
    assert read(jp_root_dir / "keep.ipynb") == before


async def test_strip_outputs_setting_from_the_ui_applies_to_saves(jp_root_dir, put_notebook, api):
    status = await api("settings", {"save_strip_outputs": True})
    assert status["settings"]["save_strip_outputs"] is True
    assert status["ui_overrides"] == {"save_strip_outputs": True}
    out = {"output_type": "stream", "name": "stdout", "text": "hello\n"}
    await put_notebook("strip.ipynb", notebook("print('hello')\n", outputs=[out]))
    saved = json.loads(read(jp_root_dir / "strip.ipynb"))
    assert saved["cells"][0]["outputs"] == []
    assert saved["cells"][0]["execution_count"] is None
    await api("settings", {})
    await put_notebook("strip2.ipynb", notebook("print('hello')\n", outputs=[out]))
    assert json.loads(read(jp_root_dir / "strip2.ipynb"))["cells"][0]["outputs"]


async def test_text_files_are_not_touched(jp_root_dir, jp_fetch):
    _, key = key_cell(5)
    body = {"type": "file", "format": "text", "content": f"KEY={key}\n"}
    await jp_fetch("api", "contents", "notes.txt", method="PUT", body=json.dumps(body))
    assert key in read(jp_root_dir / "notes.txt"), "only notebooks are sanitized on save"


async def test_key_typed_into_a_cell_saved_clean_before_is_redacted(jp_root_dir, put_notebook):
    nb = notebook("a = 1\n", "b = 2\n")
    await put_notebook("twice.ipynb", nb)
    source, key = key_cell(6)
    nb["cells"][0]["source"] = source
    await put_notebook("twice.ipynb", nb)
    assert key not in read(jp_root_dir / "twice.ipynb")
    await put_notebook("twice.ipynb", nb)  # the editor still holds the key
    assert key not in read(jp_root_dir / "twice.ipynb")


async def test_broken_project_config_still_saves_with_secrets_redacted(jp_root_dir, put_notebook):
    (jp_root_dir / ".aisafe-nb.toml").write_text("save_mode = 'explode'\n", encoding="utf-8")
    source, key = key_cell(8)
    resp = await put_notebook("cfg.ipynb", notebook(source))
    assert resp.code in (200, 201)
    assert key not in read(jp_root_dir / "cfg.ipynb")


async def test_project_config_written_while_running_applies_to_next_save(jp_root_dir, put_notebook):
    out = {"output_type": "stream", "name": "stdout", "text": "hello\n"}
    await put_notebook("live.ipynb", notebook("print('hello')\n", outputs=[out]))
    assert json.loads(read(jp_root_dir / "live.ipynb"))["cells"][0]["outputs"]
    (jp_root_dir / ".aisafe-nb.toml").write_text("save_strip_outputs = true\n", encoding="utf-8")
    await put_notebook("live.ipynb", notebook("print('hello')\n", outputs=[out]))
    assert json.loads(read(jp_root_dir / "live.ipynb"))["cells"][0]["outputs"] == []
