"""The extension in a real ipykernel, driven by nbclient exactly as a notebook is run:
assertions are on the outputs that would be saved in the .ipynb, and on the kernel's
history database."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import nbformat
import pytest

from aisafe_nb.testing.kernel import execute_notebook
from tests.fakes import openai_key

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

KEY = openai_key(21)  # typed into a cell
ENV_KEY = openai_key(22)  # only in the kernel's environment, never in a cell
BASH_KEY = openai_key(23)
STRICT_KEY = openai_key(24)
ALL_KEYS = (KEY, ENV_KEY, BASH_KEY, STRICT_KEY)


def _cells() -> list[str]:
    return [
        "%load_ext aisafe_nb",  # 0
        f'client_key = "{KEY}"',  # 1: warning
        "print(client_key)",  # 2: masked stream
        "import os\nprint(os.environ)",  # 3: env secret masked
        "%env OPENAI_API_KEY",  # 4: %env shows the value -> masked
        "raise RuntimeError('rejected key ' + os.environ['OPENAI_API_KEY'])",  # 5: traceback
        f"%env ANOTHER_API_KEY={KEY}",  # 6: caught
        f"!echo {BASH_KEY}",  # 7: caught and masked
        f"%%bash\necho {BASH_KEY}",  # 8: caught and masked
        "%aisafe mode strict",  # 9
        f'strict_key = "{STRICT_KEY}"\nprint("this must not run")',  # 10: refused
        'print("next cell ran")',  # 11
        "from IPython.display import HTML, JSON, Markdown, display\n"
        "k = client_key\n"
        "display(HTML('<b>' + k + '</b>'), Markdown(k), JSON({'k': k}))\n"
        "client_key",  # 12: display data + execute_result
        "hm = get_ipython().history_manager\nhm.writeout_cache()\nprint(hm.hist_file)",  # 13
    ]


@pytest.fixture(scope="module")
def executed(tmp_path_factory, isolated_dirs):
    work = tmp_path_factory.mktemp("nb")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in _cells()]
    old = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = ENV_KEY
    try:
        execute_notebook(
            nb,
            timeout=120,
            allow_errors=True,
            resources={"metadata": {"path": str(work)}},
            # nbclient defaults to an in-memory history; a real file is what we check.
            ipython_hist_file=str(Path(os.environ["IPYTHONDIR"]) / "kernel-history.sqlite"),
        )
    finally:
        if old is None:
            os.environ.pop("OPENAI_API_KEY", None)
        else:
            os.environ["OPENAI_API_KEY"] = old
    return nb, Path(os.environ["IPYTHONDIR"])


def _text(cell) -> str:
    return json.dumps(cell.get("outputs", []), ensure_ascii=False)


def test_no_key_anywhere_in_saved_outputs(executed):
    nb, _ = executed
    everything = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    for key in ALL_KEYS:
        assert key not in everything


def test_warning_with_masked_preview_html_and_text(executed):
    nb, _ = executed
    outputs = nb.cells[1].outputs
    data = next(o.data for o in outputs if o.output_type == "display_data")
    assert "inline secret" in data["text/plain"]
    assert "line 1: openai-api-key " + KEY[:8] + "…" in data["text/plain"]
    assert "%aisafe fix" in data["text/plain"]
    assert "<ul" in data["text/html"]
    assert "aisafe-warning" in data["text/html"]


def test_streams_environ_and_env_magic_masked(executed):
    nb, _ = executed
    assert "[REDACTED:openai-api-key]" in _text(nb.cells[2])
    assert "[REDACTED:openai-api-key]" in _text(nb.cells[3])
    assert "[REDACTED:openai-api-key]" in _text(nb.cells[4])


def test_traceback_masked(executed):
    nb, _ = executed
    err = next(o for o in nb.cells[5].outputs if o.output_type == "error")
    assert err.ename == "RuntimeError"
    assert "[REDACTED:openai-api-key]" in err.evalue
    assert any("[REDACTED:openai-api-key]" in line for line in err.traceback)


def test_env_magic_and_shell_cells_caught(executed):
    nb, _ = executed
    for index in (6, 7, 8):
        assert "inline secret" in _text(nb.cells[index]), index
    assert "[REDACTED:openai-api-key]" in _text(nb.cells[8])


def test_strict_mode_refuses_and_next_cell_runs(executed):
    nb, _ = executed
    outs = nb.cells[10].outputs
    err = next(o for o in outs if o.output_type == "error")
    assert err.ename == "AisafeRejected"
    assert err.traceback[0].startswith("aisafe-nb refused")
    assert not any("Traceback" in line for line in err.traceback)
    assert "this must not run" not in _text(nb.cells[10])
    assert "next cell ran" in _text(nb.cells[11])


def test_display_data_and_results_masked(executed):
    nb, _ = executed
    outs = nb.cells[12].outputs
    kinds = {o.output_type for o in outs}
    assert {"display_data", "execute_result"} <= kinds
    text = _text(nb.cells[12])
    assert text.count("[REDACTED:openai-api-key]") >= 4


def test_history_database_holds_no_key(executed):
    nb, ipython_dir = executed
    printed = "".join(o.get("text", "") for o in nb.cells[13].outputs).strip()
    db = Path(printed)
    assert db.is_file(), printed
    assert str(db).startswith(str(ipython_dir))
    with sqlite3.connect(db) as con:
        rows = [" ".join(r) for r in con.execute("SELECT source, source_raw FROM history")]
    assert len(rows) >= 10
    assert any("[REDACTED:openai-api-key]" in r for r in rows)
    for key in ALL_KEYS:
        assert not any(key in r for r in rows)


def test_extension_from_kernel_config(tmp_path, monkeypatch):
    """``c.InteractiveShellApp.extensions`` + ``c.AISafe.mode`` in ipython_kernel_config.py."""
    ipdir = tmp_path / "ipdir"
    profile = ipdir / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text(
        'c.InteractiveShellApp.extensions = ["aisafe_nb"]\nc.AISafe.mode = "strict"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("IPYTHONDIR", str(ipdir))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f'k = "{KEY}"'),
        nbformat.v4.new_code_cell("%aisafe status"),
    ]
    execute_notebook(
        nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    err = next(o for o in nb.cells[0].outputs if o.output_type == "error")
    assert err.ename == "AisafeRejected"
    assert "mode: strict" in _text(nb.cells[1])
    assert KEY not in json.dumps([c.outputs for c in nb.cells])
