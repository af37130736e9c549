"""``aisafe-nb fix-keys``: keys move to .env (0600), cells read os.environ, idempotent."""

from __future__ import annotations

import stat
import subprocess
import sys

import nbformat

from aisafe_nb.cli import main
from tests import fakes


def _notebook(tmp_path, key, *, second_key=None):
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell("# Demo"),
             nbformat.v4.new_code_cell(f'import openai\nclient = openai.OpenAI(api_key="{key}")')]
    if second_key:
        cells.append(nbformat.v4.new_code_cell(f'gh = "{second_key}"\nprint(gh[:3])'))
    cells.append(nbformat.v4.new_code_cell(f'other = openai.OpenAI(api_key="{key}")'))
    nb.cells = cells
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, path)
    return path


def _git_init(folder):
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


def test_moves_keys_and_is_idempotent(tmp_path, capsys):
    _git_init(tmp_path)
    key, gh = fakes.openai_key(11), fakes.github_token(11)
    path = _notebook(tmp_path, key, second_key=gh)
    assert main(["fix-keys", "--yes", str(path)]) == 0
    out = capsys.readouterr().out
    assert key not in out
    assert gh not in out
    assert "os.environ[" in out
    nb = nbformat.read(path, as_version=4)
    text = nbformat.writes(nb)
    assert key not in text
    assert gh not in text
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert sources[0].count("load_dotenv()") == 1
    assert sum(s.count("load_dotenv()") for s in sources) == 1  # once per notebook
    assert "os.environ['OPENAI_API_KEY']" in sources[0] or \
        'os.environ["OPENAI_API_KEY"]' in sources[0]
    env = tmp_path / ".env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    env_text = env.read_text()
    assert env_text.count(key) == 1
    assert gh in env_text
    assert ".env" in (tmp_path / ".gitignore").read_text().splitlines()
    nbformat.validate(nb)
    # running again changes nothing
    before = path.read_bytes(), env.read_bytes()
    assert main(["fix-keys", "--yes", str(path)]) == 0
    assert "no inline keys to move" in capsys.readouterr().out
    assert (path.read_bytes(), env.read_bytes()) == before


def test_existing_variable_is_never_overwritten(tmp_path, capsys):
    key = fakes.openai_key(12)
    other = fakes.openai_key(13)
    env = tmp_path / ".env"
    env.write_text(f"OPENAI_API_KEY={other}\n")
    path = _notebook(tmp_path, key)
    assert main(["fix-keys", "--yes", str(path)]) == 0
    env_text = env.read_text()
    assert f"OPENAI_API_KEY={other}" in env_text  # untouched
    assert key in env_text  # stored under another name
    assert key not in path.read_text()


def test_asks_and_refuses_without_terminal(tmp_path):
    key = fakes.openai_key(14)
    path = _notebook(tmp_path, key)
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "aisafe_nb", "fix-keys", str(path)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 1
    assert "--yes" in proc.stderr
    assert key not in proc.stdout + proc.stderr
    assert path.read_bytes() == before
    assert not (tmp_path / ".env").exists()


def test_dry_run_writes_nothing(tmp_path):
    key = fakes.openai_key(15)
    path = _notebook(tmp_path, key)
    before = path.read_bytes()
    assert main(["fix-keys", "--dry-run", str(path)]) == 1
    assert path.read_bytes() == before
    assert not (tmp_path / ".env").exists()


def test_interactive_yes(tmp_path, monkeypatch):
    key = fakes.openai_key(16)
    path = _notebook(tmp_path, key)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["fix-keys", str(path)]) == 0
    assert key not in path.read_text()


def test_bad_notebook_is_reported(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{")
    assert main(["fix-keys", "--yes", str(bad)]) == 2
    assert "invalid JSON" in capsys.readouterr().err


def test_env_file_option(tmp_path):
    key = fakes.openai_key(17)
    path = _notebook(tmp_path, key)
    env = tmp_path / "secrets" / "keys.env"
    env.parent.mkdir()
    assert main(["fix-keys", "--yes", "--env-file", str(env), str(path)]) == 0
    assert key in env.read_text()
