"""The /aisafe-nb/ REST endpoints on a real Jupyter server."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from tests.server.conftest import key_cell, notebook

ENDPOINTS = [
    ("scan", "POST"),
    ("export", "POST"),
    ("fix-keys", "POST"),
    ("settings", "POST"),
    ("last-save", "GET"),
    ("status", "GET"),
]


def write_raw(path, nb) -> None:
    """Put a notebook on disk directly (bypassing the save hook, like a git checkout)."""
    path.write_text(json.dumps(nb), encoding="utf-8")


async def test_scan_by_path_returns_finding_with_its_cell(jp_root_dir, api):
    source, key = key_cell()
    write_raw(jp_root_dir / "s.ipynb", notebook("a = 1\n", source))
    got = await api("scan", {"path": "s.ipynb"})
    assert got["counts"] == {"secret": 1}
    (f,) = got["findings"]
    assert (f["cell"], f["cell_id"], f["field"], f["line"]) == (1, "cell-1", "source", 2)
    assert f["type"] == "openai-api-key"
    assert f["kind"] == "secret"
    assert f["column"] > 1
    assert f["fingerprint"]
    assert key not in json.dumps(got)
    assert f["preview"].startswith("sk-")


async def test_scan_by_posted_content_needs_no_file(api):
    source, _ = key_cell(1)
    nb = {"cells": [{"cell_type": "code", "id": "x", "source": source}], "nbformat": 4}
    got = await api("scan", {"content": nb, "kinds": ["secret"]})
    assert [f["cell_id"] for f in got["findings"]] == ["x"]
    assert got["path"] is None
    assert got["elapsed_ms"] >= 0


async def test_scan_of_missing_notebook_is_404(api):
    with pytest.raises(HTTPClientError) as err:
        await api("scan", {"path": "nope.ipynb"})
    assert err.value.code == 404


@pytest.mark.parametrize(("name", "method"), ENDPOINTS)
async def test_unauthenticated_requests_get_403(jp_fetch, jp_base_url, jp_http_port, name, method):
    client = AsyncHTTPClient()
    url = f"http://localhost:{jp_http_port}{jp_base_url}aisafe-nb/{name}"
    kwargs = {"body": json.dumps({"path": "s.ipynb"})} if method == "POST" else {}
    resp = await client.fetch(url, method=method, raise_error=False, **kwargs)
    assert resp.code == 403


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("scan", {"path": "../outside.ipynb"}),
        ("scan", {"path": "sub/../../outside.ipynb"}),
        ("export", {"path": "../outside.ipynb"}),
        ("export", {"path": "s.ipynb", "target": "../stolen.ipynb"}),
        ("fix-keys", {"path": "../outside.ipynb"}),
    ],
)
async def test_parent_paths_are_refused(jp_root_dir, api, name, body):
    write_raw(jp_root_dir / "s.ipynb", notebook("a = 1\n"))
    with pytest.raises(HTTPClientError) as err:
        await api(name, body)
    assert err.value.code == 400
    assert "inside the server's root folder" in json.loads(err.value.response.body)["message"]
    assert not (jp_root_dir.parent / "stolen.ipynb").exists()


async def test_last_save_with_parent_path_is_refused(api):
    with pytest.raises(HTTPClientError) as err:
        await api("last-save", method="GET", params={"path": "../x.ipynb"})
    assert err.value.code == 400


async def test_bad_body_gives_clear_400(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("aisafe-nb", "scan", method="POST", body="{not json")
    assert err.value.code == 400
    assert "not valid JSON" in json.loads(err.value.response.body)["message"]


async def test_export_writes_sanitized_copy_next_to_it(jp_root_dir, api):
    source, key = key_cell(2)
    (jp_root_dir / "sub").mkdir()
    write_raw(jp_root_dir / "sub" / "e.ipynb", notebook(source))
    got = await api("export", {"path": "sub/e.ipynb", "policy": "secrets-only"})
    assert got["target"] == "sub/e.sanitized.ipynb"
    copy = (jp_root_dir / "sub" / "e.sanitized.ipynb").read_text(encoding="utf-8")
    assert key not in copy
    assert "openai.OpenAI" in copy
    assert key in (jp_root_dir / "sub" / "e.ipynb").read_text(encoding="utf-8"), "source untouched"
    assert [r["type"] for r in got["redactions"]] == ["openai-api-key"]


async def test_export_rejects_unknown_policy_and_same_target(jp_root_dir, api):
    write_raw(jp_root_dir / "p.ipynb", notebook("a = 1\n"))
    for body in ({"path": "p.ipynb", "policy": "nope"}, {"path": "p.ipynb", "target": "p.ipynb"}):
        with pytest.raises(HTTPClientError) as err:
            await api("export", body)
        assert err.value.code == 400


async def test_fix_keys_by_path_moves_key_to_env(jp_root_dir, api):
    source, key = key_cell(3)
    write_raw(jp_root_dir / "f.ipynb", notebook("a = 1\n", source))
    got = await api("fix-keys", {"path": "f.ipynb"})
    assert got["moved"], got
    assert got["env_path"] == ".env"
    assert key not in json.dumps(got)
    env = (jp_root_dir / ".env").read_text(encoding="utf-8")
    assert key in env
    assert got["moved"][0] in env
    rewritten = (jp_root_dir / "f.ipynb").read_text(encoding="utf-8")
    assert key not in rewritten
    assert got["moved"][0] in rewritten
    assert [c["index"] for c in got["cells"]] == [1]


async def test_fix_keys_with_content_only_returns_cells(jp_root_dir, api):
    source, key = key_cell(4)
    write_raw(jp_root_dir / "g.ipynb", notebook("a = 1\n"))
    got = await api("fix-keys", {"path": "g.ipynb", "content": notebook(source)})
    assert [c["cell_id"] for c in got["cells"]] == ["cell-0"]
    assert key not in got["cells"][0]["source"]
    assert key in (jp_root_dir / ".env").read_text(encoding="utf-8")
    assert "a = 1" in (jp_root_dir / "g.ipynb").read_text(encoding="utf-8"), "file not rewritten"


async def test_status_reports_settings_and_project_config(jp_root_dir, api):
    (jp_root_dir / ".aisafe-nb.toml").write_text("save_redact_pii = true\n", encoding="utf-8")
    got = await api("status", method="GET")
    assert got["enabled"] is True
    assert got["collaborative"] is False
    assert got["settings"]["save_redact_pii"] is True
    assert got["settings"]["save_mode"] == "scrub"
    assert got["config_file"].endswith(".aisafe-nb.toml")


async def test_settings_rejects_unknown_names_and_bad_values(api):
    for body in ({"redact_everything": True}, {"save_mode": "explode"}):
        with pytest.raises(HTTPClientError) as err:
            await api("settings", body)
        assert err.value.code == 400


async def test_scan_by_path_primes_the_save_hook(jp_root_dir, api, put_notebook):
    source, key = key_cell(9)
    write_raw(jp_root_dir / "open.ipynb", notebook("a = 1\n", source, "c = 3\n"))
    await api("scan", {"path": "open.ipynb"})  # what JupyterLab does when it opens it
    await put_notebook("open.ipynb", notebook("a = 1\n", source, "c = 3\n"))
    assert key not in (jp_root_dir / "open.ipynb").read_text(encoding="utf-8")
    record = (await api("last-save", method="GET", params={"path": "open.ipynb"}))["last_save"]
    assert record["cells_skipped"] == 2
    assert [r["cell"] for r in record["redactions"]] == [1]
