"""Real git in temporary repositories: the clean filter, textconv, install/uninstall/status,
switching from nbstripout, the launcher surviving a moved environment, and pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from aisafe_nb.cli.install import ATTRIBUTES_LINE, filter_command
from tests import fakes
from tests.cli.nbgen import notebook_with_secret, write

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")


def _env(tmp_path, path: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
               GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_HOME=str(tmp_path / "pc-cache"),
               PATH=path if path is not None else f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def _run(args, cwd, env, *, check=True, stdin=None):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, check=check,
                          input=stdin)


@pytest.fixture
def repo(tmp_path):
    env = _env(tmp_path)
    root = tmp_path / "repo"
    root.mkdir()
    _run(["git", "init", "-q", "-b", "main"], root, env)
    _run(["git", "config", "user.email", "t@example.invalid"], root, env)
    _run(["git", "config", "user.name", "Test"], root, env)
    return root, env


def _install(root, env, *args):
    return _run([sys.executable, "-m", "aisafe_nb", "install", *args], root, env)


def test_git_add_stores_clean_notebook_working_copy_keeps_outputs(repo):
    root, env = repo
    _install(root, env)
    assert (root / ".gitattributes").read_text() == ATTRIBUTES_LINE + "\n"
    path = write(notebook_with_secret(1), root / "a.ipynb")
    working = path.read_bytes()
    _run(["git", "add", "a.ipynb", ".gitattributes"], root, env)
    staged = _run(["git", "show", ":a.ipynb"], root, env).stdout
    assert fakes.openai_key(1).encode() not in staged
    assert b"[REDACTED:openai-api-key]" in staged
    nb = nbformat.reads(staged.decode(), as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells)
    assert path.read_bytes() == working  # the working copy keeps outputs (and the key)
    _run(["git", "commit", "-qm", "add"], root, env)
    # git sees no change: the filtered working copy equals what is stored
    assert _run(["git", "status", "--porcelain"], root, env).stdout == b""


def test_git_diff_uses_textconv(repo):
    root, env = repo
    _install(root, env)
    nb = notebook_with_secret(2)
    path = write(nb, root / "a.ipynb")
    _run(["git", "add", "-A"], root, env)
    _run(["git", "commit", "-qm", "one"], root, env)
    nb.cells[0].source = "# Changed title"
    write(nb, path)
    diff = _run(["git", "diff", "HEAD", "--", "a.ipynb"], root, env).stdout.decode()
    assert "+    \"# Changed title\"" in diff or '+    "# Changed title"' in diff
    assert fakes.openai_key(2) not in diff
    # a change only in outputs shows no diff through the textconv
    nb.cells[2].outputs[0].text = "other output\n"
    nb.cells[0].source = "# Notebook 2\nSome notes."
    write(nb, path)
    textconv = _run(["git", "diff", "HEAD", "--", "a.ipynb"], root, env).stdout.decode()
    assert "other output" not in textconv
    assert "diff.aisafe-nb.textconv" in _run(["git", "config", "--list"], root,
                                             env).stdout.decode()


def test_status_uninstall_and_nbstripout_switch(repo):
    root, env = repo
    not_yet = _run([sys.executable, "-m", "aisafe_nb", "install", "--status"], root, env,
                   check=False)
    assert not_yet.returncode == 1
    (root / ".gitattributes").write_text(
        "*.csv text\n*.ipynb filter=nbstripout\n*.zpln filter=nbstripout\n*.ipynb diff=ipynb\n")
    _run(["git", "config", "filter.nbstripout.extrakeys", "metadata.custom cell.metadata.foo"],
         root, env)
    _install(root, env)
    assert (root / ".gitattributes").read_text().splitlines() == [
        "*.csv text", "*.zpln filter=nbstripout", ATTRIBUTES_LINE]
    status = _run([sys.executable, "-m", "aisafe_nb", "install", "--status"], root, env)
    assert b"installed" in status.stdout
    assert b"runs with" in status.stdout
    # nbstripout's extrakeys are honoured by our filter
    nb = notebook_with_secret(3)
    nb.metadata["custom"] = {"x": 1}
    nb.cells[0].metadata["foo"] = "bar"
    write(nb, root / "a.ipynb")
    _run(["git", "add", "a.ipynb"], root, env)
    staged = json.loads(_run(["git", "show", ":a.ipynb"], root, env).stdout)
    assert "custom" not in staged["metadata"]
    assert "foo" not in staged["cells"][0]["metadata"]
    _install(root, env)  # idempotent
    assert (root / ".gitattributes").read_text().count(ATTRIBUTES_LINE) == 1
    _run([sys.executable, "-m", "aisafe_nb", "install", "--uninstall"], root, env)
    assert ATTRIBUTES_LINE not in (root / ".gitattributes").read_text()
    config = _run(["git", "config", "--list"], root, env).stdout.decode()
    assert "aisafe-nb" not in config


def test_install_flags_reach_the_filter(repo):
    root, env = repo
    _install(root, env, "--keep-output", "--keep-count")
    write(notebook_with_secret(4), root / "a.ipynb")
    _run(["git", "add", "a.ipynb"], root, env)
    staged = nbformat.reads(_run(["git", "show", ":a.ipynb"], root, env).stdout.decode(), 4)
    assert staged.cells[2].outputs[0].text == "[REDACTED:openai-api-key]\n"
    assert staged.cells[2].execution_count == 2


def test_global_install(repo, tmp_path):
    root, env = repo
    _run([sys.executable, "-m", "aisafe_nb", "install", "--global"], root, env)
    attributes = tmp_path / "home" / ".config" / "git" / "attributes"
    assert ATTRIBUTES_LINE in attributes.read_text()
    write(notebook_with_secret(5), root / "a.ipynb")
    _run(["git", "add", "a.ipynb"], root, env)
    assert fakes.openai_key(5).encode() not in _run(["git", "show", ":a.ipynb"], root,
                                                    env).stdout


def test_invalid_notebook_is_refused_not_committed(repo):
    root, env = repo
    _install(root, env)
    (root / "broken.ipynb").write_text('{"cells": [')
    proc = _run(["git", "add", "broken.ipynb"], root, env, check=False)
    assert proc.returncode != 0
    assert b"invalid JSON" in proc.stderr


def test_not_a_repository(tmp_path):
    env = _env(tmp_path)
    proc = _run([sys.executable, "-m", "aisafe_nb", "install"], tmp_path, env, check=False)
    assert proc.returncode == 2
    assert b"not inside a git repository" in proc.stderr


@pytest.mark.parametrize("where", ["path", "recorded-python"])
def test_launcher_survives_a_moved_environment(tmp_path, where):
    """The filter command runs aisafe-nb from PATH, else the recorded Python."""
    nb_bytes = nbformat.writes(notebook_with_secret(6)).encode()
    bin_dir = tmp_path / "newenv" / "bin"
    bin_dir.mkdir(parents=True)
    if where == "path":
        # the environment was recreated elsewhere: the recorded python is gone
        shim = bin_dir / "aisafe-nb"
        shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m aisafe_nb \"$@\"\n")
        shim.chmod(0o755)
        command = filter_command([], python=str(tmp_path / "gone" / "python"))
    else:
        command = filter_command([], python=sys.executable)
    env = _env(tmp_path, path=f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    out = subprocess.run(["sh", "-c", command], input=nb_bytes, env=env,
                         capture_output=True, check=True).stdout
    assert b"[REDACTED:openai-api-key]" in out
    assert fakes.openai_key(6).encode() not in out


def test_filter_passes_clean_notebook_through_unchanged(tmp_path):
    raw = (ROOT / "tests" / "notebooks" / "outputs.default.ipynb").read_bytes()
    out = subprocess.run([sys.executable, "-m", "aisafe_nb", "filter", "--no-git-config"],
                         input=raw, capture_output=True, check=True, cwd=tmp_path).stdout
    assert out == raw


def test_filter_accepts_nbstripout_flags(tmp_path):
    raw = (ROOT / "tests" / "notebooks" / "outputs.ipynb").read_bytes()
    out = subprocess.run(
        [sys.executable, "-m", "aisafe_nb", "filter", "--no-git-config", "--keep-output",
         "--keep-count", "--extra-keys", "metadata.custom", "--drop-empty-cells", "--keep-id"],
        input=raw, capture_output=True, check=True, cwd=tmp_path).stdout
    nb = json.loads(out)
    assert "custom" not in nb["metadata"]
    assert nb["cells"][1]["execution_count"] == 1
    assert nb["cells"][1]["outputs"]
    assert "c-empty" not in [c["id"] for c in nb["cells"]]


def test_pre_commit_hooks(repo):
    """Run the hooks of .pre-commit-hooks.yaml with the real pre-commit (repo: local, so no
    network and no package build: same ids, entries, args and file types)."""
    root, env = repo
    pre_commit = shutil.which("pre-commit", path=env["PATH"])
    if pre_commit is None:
        pytest.fail("pre-commit is in the test extra and must be installed")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["aisafe-nb-clean", "aisafe-nb-scan"]
    local = []
    for hook in hooks:
        h = {k: v for k, v in hook.items() if k != "description"}
        h["language"] = "system"
        local.append(h)
    (root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}))
    write(notebook_with_secret(7), root / "a.ipynb")
    _run(["git", "add", "-A"], root, env)
    first = _run([pre_commit, "run", "--hook-stage", "pre-commit", "aisafe-nb-clean"],
                 root, env, check=False)
    assert first.returncode == 1, first.stdout  # files were modified by the hook
    assert b"files were modified by this hook" in first.stdout
    assert fakes.openai_key(7) not in (root / "a.ipynb").read_text()
    _run(["git", "add", "-A"], root, env)
    second = _run([pre_commit, "run", "aisafe-nb-clean"], root, env, check=False)
    assert second.returncode == 0, second.stdout
    # the scan hook fails on a secret in a Python file
    (root / "settings.py").write_text(f'KEY = "{fakes.openai_key(8)}"\n')
    _run(["git", "add", "-A"], root, env)
    scan = _run([pre_commit, "run", "aisafe-nb-scan"], root, env, check=False)
    assert scan.returncode == 1, scan.stdout
    assert fakes.openai_key(8).encode() not in scan.stdout


def test_git_config_is_only_asked_when_it_may_hold_keys(repo, monkeypatch):
    from aisafe_nb.cli import git_filter

    root, env = repo
    for key in ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setenv(key, env[key])
    for key in ("GIT_DIR", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(root)
    assert not git_filter._config_may_set_keys()
    assert git_filter._git_keys(True) == ([], [])
    _run(["git", "config", "filter.nbstripout.extrakeys", "metadata.a"], root, env)
    assert git_filter._config_may_set_keys()
    assert git_filter._git_keys(True) == (["metadata.a"], [])
    _run(["git", "config", "--unset", "filter.nbstripout.extrakeys"], root, env)
    _run(["git", "config", "--global", "include.path", "other.gitconfig"], root, env)
    assert git_filter._config_may_set_keys()  # an include may hide the key: ask git


def test_filter_max_size_keeps_small_outputs_like_nbstripout(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("print('hi')", execution_count=1, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="hi\n")]),
        nbformat.v4.new_code_cell("print('x' * 5000)", execution_count=2, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="x" * 5000 + "\n")]),
    ]
    raw = nbformat.writes(nb).encode()
    cmd = [sys.executable, "-m", "aisafe_nb", "filter", "--no-git-config", "--max-size", "1k"]
    out = json.loads(subprocess.run(cmd, input=raw, capture_output=True, check=True,
                                    cwd=tmp_path).stdout)
    assert [len(c["outputs"]) for c in out["cells"]] == [1, 0]
    assert out["cells"][0]["outputs"][0]["text"] == ["hi\n"]

    bad = subprocess.run([*cmd[:-1], "1x"], input=raw, capture_output=True, cwd=tmp_path)
    assert bad.returncode == 2
    assert b"not a size: '1x'" in bad.stderr


def test_filter_short_textconv_flag(tmp_path):
    path = write(notebook_with_secret(3), tmp_path / "nb.ipynb")
    out = subprocess.run([sys.executable, "-m", "aisafe_nb", "filter", "--no-git-config", "-t",
                          str(path)], capture_output=True, check=True, cwd=tmp_path).stdout
    assert fakes.openai_key(3) not in out.decode()
    assert json.loads(out)["cells"]


@pytest.mark.parametrize(("text", "size"), [("500", 500), ("1k", 1000), ("1K", 1000),
                                            ("2M", 2_000_000), ("3g", 3_000_000_000)])
def test_nbstripout_sizes(text, size):
    from aisafe_nb.cli.clean import nbstripout_size

    assert nbstripout_size(text) == size
