"""`aisafe-nb scan`: exit codes, formats, baseline, pragma, .gitignore, checkpoints, bad files.

Run both in-process through `main([...])` and as a real subprocess of the console script.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from aisafe_nb.cli import main
from tests import fakes

KEY = fakes.openai_key(7)
GH = fakes.github_token(7)
EMAIL = fakes.email(7)
SCRIPT = Path(sys.executable).with_name("aisafe-nb")


def write_nb(path: Path, *cells) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=list(cells))
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def leaky(path: Path) -> Path:
    return write_nb(
        path,
        new_markdown_cell("# Demo"),
        new_code_cell(
            f'import openai\nopenai.api_key = "{KEY}"\n',
            outputs=[new_output("stream", name="stdout", text=f"mail sent to {EMAIL}\n")],
        ),
    )


def clean(path: Path) -> Path:
    return write_nb(path, new_code_cell("import os\nkey = os.environ['OPENAI_API_KEY']"))


def run_json(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["scan", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_clean_folder_exits_0(tmp_path, capsys):
    clean(tmp_path / "a.ipynb")
    (tmp_path / "README.md").write_text("Nothing to see here.\n", encoding="utf-8")
    assert main(["scan", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("in 0 of 2 files")


def test_json_shape_and_exit_1(tmp_path, capsys):
    nb = leaky(tmp_path / "leak.ipynb")
    code, data, err = run_json(capsys, str(tmp_path))
    assert code == 1
    assert err == ""
    assert set(data) == {"findings", "errors"}
    assert data["errors"] == []
    by_type = {f["type"]: f for f in data["findings"]}
    assert set(by_type) == {"openai-api-key", "email"}
    key = by_type["openai-api-key"]
    assert key == {
        "path": str(nb), "cell": 1, "field": "source", "line": 2, "column": 19,
        "kind": "secret", "type": "openai-api-key", "preview": key["preview"],
        "fingerprint": key["fingerprint"], "confidence": key["confidence"],
    }
    assert by_type["email"]["field"] == "outputs/0/text"
    assert by_type["email"]["line"] == 1
    assert by_type["email"]["column"] == 14
    assert KEY not in json.dumps(data)
    assert EMAIL not in json.dumps(data)


def test_reveal_adds_match(tmp_path, capsys):
    leaky(tmp_path / "leak.ipynb")
    _, data, _ = run_json(capsys, "--reveal", str(tmp_path))
    assert {f["match"] for f in data["findings"]} == {KEY, EMAIL}


def test_text_format_lines(tmp_path, capsys):
    nb = leaky(tmp_path / "leak.ipynb")
    (tmp_path / "settings.py").write_text(f'TOKEN = "{GH}"\n', encoding="utf-8")
    assert main(["scan", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{nb}:cell 1:line 2: openai-api-key  sk-proj-" in out
    assert "(source)" in out
    assert "(outputs/0/text)" in out
    assert f"{tmp_path / 'settings.py'}:line 1: github-token  ghp_" in out
    assert out.strip().splitlines()[-1] == (
        "3 findings (2 secrets, 1 personal data) in 2 of 2 files"
    )
    assert KEY not in out
    assert GH not in out
    assert EMAIL not in out


def test_kinds_option(tmp_path, capsys):
    leaky(tmp_path / "leak.ipynb")
    _, data, _ = run_json(capsys, "--kinds", "secret", str(tmp_path))
    assert {f["kind"] for f in data["findings"]} == {"secret"}
    _, data, _ = run_json(capsys, "--kinds", "pii", str(tmp_path))
    assert {f["kind"] for f in data["findings"]} == {"pii"}
    assert main(["scan", "--kinds", "secrets,bogus", str(tmp_path)]) == 2
    assert "--kinds" in capsys.readouterr().err


def test_pragma_allows_a_line(tmp_path, capsys):
    write_nb(tmp_path / "a.ipynb", new_code_cell(f'key = "{KEY}"  # aisafe: allow'))
    assert main(["scan", str(tmp_path)]) == 0
    capsys.readouterr()


def test_baseline_round_trip(tmp_path, capsys):
    leaky(tmp_path / "nb" / "leak.ipynb")
    baseline = tmp_path / "baseline.json"
    assert main(["scan", "--baseline", str(baseline), "--update-baseline",
                 str(tmp_path / "nb")]) == 0
    stored = json.loads(baseline.read_text())
    assert len(stored["fingerprints"]) == 2
    assert KEY not in baseline.read_text()
    assert EMAIL not in baseline.read_text()
    capsys.readouterr()
    assert main(["scan", "--baseline", str(baseline), str(tmp_path / "nb")]) == 0
    assert "2 in baseline" in capsys.readouterr().out
    # A new secret is still reported.
    (tmp_path / "nb" / "new.py").write_text(f'T = "{GH}"\n', encoding="utf-8")
    code, data, _ = run_json(capsys, "--baseline", str(baseline), str(tmp_path / "nb"))
    assert code == 1
    assert [f["type"] for f in data["findings"]] == ["github-token"]


def test_update_baseline_needs_a_file(tmp_path, capsys):
    assert main(["scan", "--update-baseline", str(tmp_path)]) == 2
    assert "--baseline" in capsys.readouterr().err


def test_settings_from_pyproject(tmp_path, capsys, monkeypatch):
    leaky(tmp_path / "leak.ipynb")
    leaky(tmp_path / "vendor" / "copy.ipynb")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.aisafe-nb]\nexclude = ["vendor"]\ndisabled_types = ["email"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, data, _ = run_json(capsys, ".")
    assert code == 1
    assert [(f["path"], f["type"]) for f in data["findings"]] == [
        ("leak.ipynb", "openai-api-key")
    ]


def test_baseline_and_allow_patterns_from_settings(tmp_path, capsys, monkeypatch):
    leaky(tmp_path / "nb" / "leak.ipynb")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.aisafe-nb]\nbaseline = "aisafe-baseline.json"\n'
        'allow_patterns = ["^' + EMAIL.split("@")[0] + '@"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "nb")
    code, data, _ = run_json(capsys, ".")
    assert code == 1
    assert [f["type"] for f in data["findings"]] == ["openai-api-key"]
    assert main(["scan", "--update-baseline", "."]) == 0
    assert (tmp_path / "aisafe-baseline.json").is_file()
    capsys.readouterr()
    assert main(["scan", "."]) == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_respected_and_checkpoints_included(tmp_path, capsys):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n.ipynb_checkpoints/\n", encoding="utf-8")
    leaky(tmp_path / "build" / "copy.ipynb")
    cp = leaky(tmp_path / "work" / ".ipynb_checkpoints" / "a-checkpoint.ipynb")
    clean(tmp_path / "work" / "a.ipynb")
    _, data, _ = run_json(capsys, str(tmp_path))
    assert {f["path"] for f in data["findings"]} == {str(cp)}
    _, data, _ = run_json(capsys, "--no-checkpoints", str(tmp_path))
    assert data["findings"] == []
    _, data, _ = run_json(capsys, "--no-gitignore", str(tmp_path))
    copy = tmp_path / "build" / "copy.ipynb"
    assert {f["path"] for f in data["findings"]} == {str(cp), str(copy)}


def _bad_files(folder: Path) -> dict[str, str]:
    """One file per kind of bad input -> the reason its error line must give."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "invalid.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "binary.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (folder / "empty.ipynb").write_text("", encoding="utf-8")
    (folder / "v3.ipynb").write_text('{"nbformat": 3, "worksheets": []}', encoding="utf-8")
    os.mkfifo(folder / "fifo.ipynb")  # unreadable for root too (and reading would block)
    (folder / "loop.ipynb").symlink_to(folder / "loop.ipynb")
    return {
        "invalid.ipynb": "invalid JSON at line 1 column 12",
        "binary.ipynb": "not a notebook (binary file)",
        "empty.ipynb": "empty file",
        "v3.ipynb": "nbformat 3 is not supported",
        "fifo.ipynb": "not a regular file",
        "loop.ipynb": "symlink loop",
    }


def test_bad_files_one_line_each_and_others_still_scanned(tmp_path, capsys):
    expected = _bad_files(tmp_path)
    leaky(tmp_path / "good.ipynb")
    code, data, err = run_json(capsys, str(tmp_path), str(tmp_path / "missing.ipynb"))
    assert code == 2
    assert {f["path"] for f in data["findings"]} == {str(tmp_path / "good.ipynb")}
    lines = err.strip().splitlines()
    assert len(lines) == len(expected) + 1
    for name, reason in expected.items():
        assert any(str(tmp_path / name) in ln and reason in ln for ln in lines), (name, lines)
    assert any("missing.ipynb: no such file or folder" in ln for ln in lines)
    assert {e["path"] for e in data["errors"]} == {
        *(str(tmp_path / n) for n in expected), str(tmp_path / "missing.ipynb")
    }


def test_binary_and_large_text_files(tmp_path, capsys, monkeypatch):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG" + KEY.encode())
    (tmp_path / "blob.dat2").write_bytes(b"\x00\x01" + KEY.encode())
    (tmp_path / "big.log").write_text("x" * 200 + KEY, encoding="utf-8")
    (tmp_path / "small.txt").write_text(f"token: {GH}\n", encoding="utf-8")
    monkeypatch.setattr("aisafe_nb.report.collect.MAX_TEXT_BYTES", 100)
    code, data, err = run_json(capsys, str(tmp_path))
    assert code == 1
    assert [f["path"] for f in data["findings"]] == [str(tmp_path / "small.txt")]
    assert err == f"aisafe-nb: note: {tmp_path / 'big.log'}: skipped, a text file larger " \
                  "than 100 bytes\n"


def test_parallel_matches_serial(tmp_path, capsys, monkeypatch):
    """Workers parse with msgspec, one process with json: same findings, same errors."""
    for i in range(12):
        (leaky if i % 3 == 0 else clean)(tmp_path / f"nb{i:02d}.ipynb")
    # Inputs msgspec refuses and json decides: NaN, a BOM, truncated JSON.
    nan = json.loads((tmp_path / "nb00.ipynb").read_text(encoding="utf-8"))
    nan["metadata"]["x"] = float("nan")
    (tmp_path / "nan.ipynb").write_text(json.dumps(nan), encoding="utf-8")
    (tmp_path / "bom.ipynb").write_bytes(b"\xef\xbb\xbf" + (tmp_path / "nb03.ipynb").read_bytes())
    (tmp_path / "cut.ipynb").write_bytes((tmp_path / "nb06.ipynb").read_bytes()[:-40])
    monkeypatch.setattr("aisafe_nb.report.collect.PARALLEL_MIN_BYTES", 0)
    _, serial, _ = run_json(capsys, "-j", "1", str(tmp_path))
    _, parallel, _ = run_json(capsys, "-j", "2", str(tmp_path))
    assert parallel == serial
    assert len(serial["findings"]) == 12  # 4 leaky notebooks, two of them again (nan, bom)
    assert [e["path"] for e in serial["errors"]] == [str(tmp_path / "cut.ipynb")]


def test_output_file_is_written(tmp_path, capsys):
    leaky(tmp_path / "nb" / "leak.ipynb")
    report = tmp_path / "report.json"
    assert main(["scan", "--format", "json", "--output", str(report), str(tmp_path / "nb")]) == 1
    assert capsys.readouterr().out == ""
    assert len(json.loads(report.read_text())["findings"]) == 2


def test_subprocess_exit_codes_and_stderr(tmp_path):
    clean(tmp_path / "ok" / "a.ipynb")
    leaky(tmp_path / "bad" / "leak.ipynb")
    (tmp_path / "bad" / "broken.ipynb").write_text("{", encoding="utf-8")
    ok = subprocess.run([str(SCRIPT), "scan", str(tmp_path / "ok")], capture_output=True,
                        text=True, check=False)
    assert ok.returncode == 0
    assert ok.stderr == ""
    bad = subprocess.run([str(SCRIPT), "scan", "-f", "json", str(tmp_path / "bad")],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stderr == f"aisafe-nb: {tmp_path / 'bad' / 'broken.ipynb'}: " \
                         "invalid JSON at line 1 column 2\n"
    assert len(json.loads(bad.stdout)["findings"]) == 2
    usage = subprocess.run([str(SCRIPT), "scan"], capture_output=True, text=True, check=False)
    assert usage.returncode == 2
    assert "PATH" in usage.stderr


def test_scan_does_not_import_nbformat_or_ipython(tmp_path):
    leaky(tmp_path / "leak.ipynb")
    code = (
        "import sys; from aisafe_nb.cli import main; rc = main(['scan', sys.argv[1]]); "
        "print(rc, sorted(m for m in ('nbformat', 'IPython', 'jupyter_server') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "1 []"


def test_one_notebook_scan_and_the_filter_skip_start_up_imports(tmp_path):
    # shutil (argparse's terminal width, with bz2 and lzma) and the fork pool (pickle,
    # selectors) cost milliseconds that a pre-commit scan or a git filter run pays each time.
    leaky(tmp_path / "leak.ipynb")
    heavy = ("shutil", "aisafe_nb.workers", "multiprocessing", "concurrent.futures")
    code = (
        "import sys; from aisafe_nb.cli import main; rc = main(sys.argv[1:]); "
        f"print(rc, sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)"
    )
    scan = subprocess.run([sys.executable, "-c", code, "scan", "leak.ipynb"],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert scan.stderr.strip().splitlines()[-1] == "1 []"
    notebook = (tmp_path / "leak.ipynb").read_bytes()
    filt = subprocess.run([sys.executable, "-c", code, "filter"], input=notebook,
                          capture_output=True, check=False, cwd=tmp_path)
    assert filt.stderr.decode().strip().splitlines()[-1] == "0 []"
    assert filt.stdout.startswith(b"{")


def test_help_uses_the_terminal_width_from_columns():
    narrow = subprocess.run([str(SCRIPT), "scan", "--help"], capture_output=True, text=True,
                            check=True, env={**os.environ, "COLUMNS": "40"})
    wide = subprocess.run([str(SCRIPT), "scan", "--help"], capture_output=True, text=True,
                          check=True, env={**os.environ, "COLUMNS": "200"})
    # argparse wraps help text to the width (long option names can still stick out)
    assert len(narrow.stdout.splitlines()) > len(wide.stdout.splitlines())
    assert max(map(len, wide.stdout.splitlines())) > 80
