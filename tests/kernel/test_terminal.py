"""The extension in terminal IPython (an in-process shell): loading, guard, history,
masking and every magic. Real IPython, real history database, real git."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aisafe_nb.kernel.extension import current
from aisafe_nb.kernel.guard import AisafeRejected, RejectTransformer
from tests.fakes import email, openai_key

KEY = openai_key(11)


@pytest.fixture(scope="module")
def shell():
    from IPython.testing import globalipapp

    globalipapp.start_ipython()  # returns the shell only on its first call in a process
    return globalipapp.get_ipython()


@pytest.fixture
def ip(shell, tmp_path, monkeypatch, capsys):
    """The shell with the extension freshly loaded, cwd in a temp folder."""
    monkeypatch.chdir(tmp_path)
    shell.run_line_magic("load_ext", "aisafe_nb")
    yield shell
    shell.run_line_magic("unload_ext", "aisafe_nb")
    shell.run_line_magic("config", "AISafe.mode = None")
    shell.run_line_magic("config", "AISafe.enabled = None")


def run(ip, code, store_history=True):
    return ip.run_cell(code, store_history=store_history)


def _installed_hooks(ip):
    return {
        "magic": "aisafe" in ip.magics_manager.magics["line"],
        "cell_magic": "aisafe_scrub" in ip.magics_manager.magics["cell"],
        "history": "store_inputs" in vars(ip.history_manager),
        "display": "publish" in vars(ip.display_pub),
        "displayhook": "compute_format_data" in vars(ip.displayhook),
        "traceback": getattr(vars(ip).get("_showtraceback"), "__module__", "").startswith("aisafe"),
        "pre_run_cell": any(
            cb.__module__ == "aisafe_nb.kernel.extension"
            for cb in ip.events.callbacks["pre_run_cell"]
        ),
        "config": any(type(c).__name__ == "AISafe" for c in ip.configurables),
    }


def test_load_unload_reload(shell, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stdout_before = sys.stdout
    shell.run_line_magic("load_ext", "aisafe_nb")
    assert all(_installed_hooks(shell).values())
    first = current(shell)
    shell.run_line_magic("load_ext", "aisafe_nb")  # harmless: IPython skips it
    from aisafe_nb.kernel.extension import load

    assert load(shell) is first  # and a direct second load is a no-op
    assert (
        sum(
            cb.__module__ == "aisafe_nb.kernel.extension"
            for cb in shell.events.callbacks["pre_run_cell"]
        )
        == 1
    )
    shell.run_line_magic("reload_ext", "aisafe_nb")
    assert all(_installed_hooks(shell).values())
    assert (
        sum(
            cb.__module__ == "aisafe_nb.kernel.extension"
            for cb in shell.events.callbacks["pre_run_cell"]
        )
        == 1
    )
    shell.run_line_magic("unload_ext", "aisafe_nb")
    assert not any(_installed_hooks(shell).values())
    assert current(shell) is None
    assert sys.stdout is stdout_before
    assert "write" not in vars(sys.stdout) if hasattr(sys.stdout, "__dict__") else True


def test_warn_mode_shows_masked_preview_and_runs(ip, capsys):
    result = run(ip, f'secret_value = "{KEY}"\nx = 1')
    out = capsys.readouterr().out
    assert result.success
    assert ip.user_ns["secret_value"] == KEY  # warn mode: the cell ran
    assert "inline secret" in out
    assert "line 1: openai-api-key" in out
    assert "%aisafe fix" in out
    assert KEY[:8] + "…" in out
    assert KEY not in out


def test_strict_mode_refuses_and_next_cell_runs(ip, capsys):
    ip.run_line_magic("config", 'AISafe.mode = "strict"')
    result = run(ip, f'refused_value = "{KEY}"')
    out = capsys.readouterr().out
    assert isinstance(result.error_before_exec, AisafeRejected)
    assert "refused_value" not in ip.user_ns
    assert "refused to run this cell" in out
    assert "Traceback" not in out
    assert KEY not in out
    assert run(ip, "after = 2").success
    assert ip.user_ns["after"] == 2
    # the refusing transformer is only registered while a refusal is armed
    assert not any(isinstance(t, RejectTransformer) for t in ip.ast_transformers)


def test_history_and_input_variables_hold_no_key(ip, capsys):
    run(ip, f'hist_value = "{KEY}"')
    ip.run_line_magic("aisafe", "mode strict")
    run(ip, f'hist_value2 = "{KEY}"')
    ns = ip.user_ns
    inputs = [*ns["In"], *ns["_ih"], ns["_i"], ns["_ii"], ns["_iii"]]
    inputs += [v for k, v in ns.items() if k.startswith("_i") and k[2:].isdigit()]
    assert any("[REDACTED:openai-api-key]" in s for s in ns["In"])
    assert not any(KEY in s for s in inputs if isinstance(s, str))
    ip.history_manager.writeout_cache()
    db = ip.history_manager.db
    rows = list(db.execute("SELECT source, source_raw FROM history"))
    assert rows
    assert not any(KEY in (a or "") or KEY in (b or "") for a, b in rows)


def test_real_history_file_holds_no_key(tmp_path):
    """A fresh IPython process with a file-backed history DB (not the test shell's)."""
    ipdir = tmp_path / "ipdir"
    code = (
        "ip = get_ipython(); ip.run_line_magic('load_ext', 'aisafe_nb');"
        f"ip.run_cell('k = \"' + {KEY[:9]!r} + {KEY[9:]!r} + '\"', store_history=True);"
        "ip.history_manager.writeout_cache()"
    )
    proc = _ipython(ipdir, tmp_path, "--quick", "--HistoryManager.enabled=True", "-c", code)
    assert "inline secret" in proc.stdout
    assert KEY not in proc.stdout
    dbs = list(ipdir.rglob("history.sqlite"))
    assert dbs
    with sqlite3.connect(dbs[0]) as con:
        rows = [" ".join(r) for r in con.execute("SELECT source, source_raw FROM history")]
    assert any("[REDACTED:openai-api-key]" in r for r in rows)
    assert not any(KEY in r for r in rows)


def test_print_split_write_environ_and_display_are_masked(ip, capsys, monkeypatch):
    other = openai_key(12)
    monkeypatch.setenv("SERVICE_API_KEY", other)
    run(ip, f'k = "{KEY}"')
    capsys.readouterr()
    run(ip, "print(k)")
    run(ip, "import sys; sys.stdout.write(k[:12]); sys.stdout.write(k[12:] + '\\n')")
    run(ip, "import os; print(dict(os.environ))")
    run(ip, "from IPython.display import display; display({'text/plain': 'v=' + k}, raw=True)")
    run(ip, "k")
    run(ip, "os.environ['SERVICE_API_KEY']")
    out = capsys.readouterr().out
    assert KEY not in out
    assert other not in out
    assert out.count("[REDACTED:openai-api-key]") >= 6
    reprs = ip.history_manager.output_hist_reprs.values()
    assert any("[REDACTED:openai-api-key]" in r for r in reprs)
    assert not any(KEY in r or other in r for r in reprs)


def test_detector_hit_in_output_is_masked(ip, capsys):
    unseen = openai_key(13)  # never typed into a cell: assembled at run time in the cell
    run(ip, f"v = {unseen[:10]!r} + {unseen[10:]!r}\nprint(v)")
    out = capsys.readouterr().out
    assert unseen not in out
    assert "[REDACTED:openai-api-key]" in out


def test_traceback_is_masked(ip, capsys):
    run(ip, f'k = "{KEY}"')
    capsys.readouterr()
    result = run(ip, "raise ValueError('bad key ' + k)")
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert result.error_in_exec is not None
    assert "ValueError" in text
    assert "[REDACTED:openai-api-key]" in text
    assert KEY not in text


def test_env_magic_and_shell_lines_are_caught(ip, capsys):
    run(ip, f"%env SOME_TOKEN={KEY}")
    out = capsys.readouterr().out
    assert "inline secret" in out
    assert KEY not in out
    plain = "Zx81kLm" + "Q0pWv7rTyU3"  # no known key format: found by its variable name
    run(ip, f"%env SOME_PASSWORD {plain}")
    out = capsys.readouterr().out
    assert "inline secret" in out
    assert plain not in out
    os.environ.pop("SOME_PASSWORD", None)
    run(ip, f"!echo {KEY}")
    out = capsys.readouterr().out
    assert "inline secret" in out
    run(ip, f"%%bash\necho {KEY}\n")
    out = capsys.readouterr().out
    assert "inline secret" in out
    run(ip, f"%%writefile settings.txt\napi_key={KEY}\n")
    out = capsys.readouterr().out
    assert "inline secret" in out
    os.environ.pop("SOME_TOKEN", None)


def test_on_off_mode_status_help(ip, capsys):
    assert "mode: warn" in repr(ip.run_line_magic("aisafe", "status"))
    assert "guard off" in repr(ip.run_line_magic("aisafe", "off"))
    run(ip, f'k_off = "{KEY}"')
    assert "inline secret" not in capsys.readouterr().out
    ip.run_line_magic("aisafe", "on")
    assert "mode: strict" in repr(ip.run_line_magic("aisafe", "mode strict"))
    assert not run(ip, f'k_on = "{KEY}"').success
    assert "usage" in repr(ip.run_line_magic("aisafe", "mode loud"))
    status = repr(ip.run_line_magic("aisafe", "status"))
    assert "refused: 1" in status
    assert "guard: on" in status
    assert "%aisafe fix" in repr(ip.run_line_magic("aisafe", "help"))
    assert "unknown subcommand" in repr(ip.run_line_magic("aisafe", "frobnicate"))
    budget = repr(ip.run_line_magic("aisafe", "budget"))
    assert budget  # either the API guard's answer or "not available"


def test_bad_config_value_is_refused(ip, caplog):
    ip.run_line_magic("config", 'AISafe.mode = "loud"')  # traitlets rejects it, logs why
    assert "expected any of ['warn', 'strict']" in caplog.text
    assert "mode: warn" in repr(ip.run_line_magic("aisafe", "status"))


def test_html_and_text_forms_of_warning(ip):
    from aisafe_nb.kernel.render import Notice

    n = Notice("t", lines=["line 1: <x>"], hint="fix", level="warning")
    assert "&lt;x&gt;" in n._repr_html_()
    assert "line 1: <x>" in repr(n)


def test_env_subcommand(ip, tmp_path, capsys):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    value = openai_key(14)
    (tmp_path / ".env").write_text(f"MY_API_KEY={value}\nDEBUG=1\n", encoding="utf-8")
    out = repr(ip.run_line_magic("aisafe", "env"))
    assert "MY_API_KEY" in out
    assert "DEBUG" in out
    assert value not in out
    assert "not ignored by git" in out
    assert "--gitignore" in out
    assert os.environ.get("MY_API_KEY") == value
    run(ip, "print('loaded:', os.environ['MY_API_KEY'])")
    assert "loaded: [REDACTED:openai-api-key]" in capsys.readouterr().out
    out = repr(ip.run_line_magic("aisafe", "env --gitignore"))
    assert "added .env to" in out
    assert ".env" in (tmp_path / ".gitignore").read_text(encoding="utf-8")
    os.environ.pop("MY_API_KEY", None)


def test_fix_subcommand(ip, tmp_path, capsys):
    assert "no cell" in repr(ip.run_line_magic("aisafe", "fix"))
    run(ip, f'from types import SimpleNamespace as NS\nclient = NS(api_key="{KEY}")')
    out = repr(ip.run_line_magic("aisafe", "fix"))
    assert "moved 1 key(s)" in out
    assert KEY not in out
    assert (tmp_path / ".env").read_text(encoding="utf-8") == f"OPENAI_API_KEY={KEY}\n"
    nxt = ip.rl_next_input
    assert "os.environ['OPENAI_API_KEY']" in nxt
    assert KEY not in nxt
    assert "load_dotenv()" in nxt


def test_scrub_cell_magic(ip):
    mail = email(3)
    out = ip.run_cell_magic("aisafe_scrub", "", f"Write to {mail} about the key {KEY}")
    text = repr(out)
    assert mail not in text
    assert KEY not in text
    assert "<EMAIL_1>" in text
    assert "openai-api-key" in text


def test_config_file_and_extensions_list(tmp_path):
    """``c.InteractiveShellApp.extensions`` and ``c.AISafe.mode`` in ipython_config.py."""
    profile = tmp_path / "ipdir" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_config.py").write_text(
        'c.InteractiveShellApp.extensions = ["aisafe_nb"]\nc.AISafe.mode = "strict"\n',
        encoding="utf-8",
    )
    code = "print(repr(get_ipython().run_line_magic('aisafe', 'status')))"
    proc = _ipython(tmp_path / "ipdir", tmp_path, "-c", code)
    assert "mode: strict" in proc.stdout


def _ipython(ipdir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a fresh ``ipython`` with its own IPYTHONDIR; fail the test if it fails."""
    proc = subprocess.run(
        [sys.executable, "-m", "IPython", *args],
        env={**os.environ, "IPYTHONDIR": str(ipdir)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_missing_subcommand_module_is_not_available(ip, monkeypatch):
    from aisafe_nb.kernel import magics

    monkeypatch.setitem(magics.SUBCOMMANDS, "ghost", "aisafe_nb.no_such_module:handler")
    assert "not available" in repr(ip.run_line_magic("aisafe", "ghost"))
    assert "API spending" in repr(ip.run_line_magic("aisafe", "spent")) or "not available" in repr(
        ip.run_line_magic("aisafe", "spent")
    )
