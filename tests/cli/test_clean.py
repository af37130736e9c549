"""``aisafe-nb clean`` and `clean_paths`: modes, options, summary, and bad inputs."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from aisafe_nb.atomic import temp_name_for
from aisafe_nb.cli import main
from aisafe_nb.notebook.clean import clean_paths
from aisafe_nb.policy import Policy
from tests import fakes
from tests.cli.nbgen import clean_notebook, notebook_with_secret, write


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "proj"
    write(notebook_with_secret(1), root / "a.ipynb")
    write(notebook_with_secret(2), root / "sub" / "b.ipynb")
    write(notebook_with_secret(3), root / ".ipynb_checkpoints" / "a-checkpoint.ipynb")
    write(clean_notebook(), root / "ok.ipynb")
    (root / "notes.txt").write_text("not a notebook")
    return root


def _secrets_in(path) -> bool:
    text = path.read_text()
    return any(fakes.openai_key(s) in text for s in range(10))


def test_clean_in_place(folder, capsys):
    ok_before = (folder / "ok.ipynb").read_bytes()
    os.chmod(folder / "a.ipynb", 0o640)
    assert main(["clean", str(folder)]) == 0
    for p in ("a.ipynb", "sub/b.ipynb", ".ipynb_checkpoints/a-checkpoint.ipynb"):
        assert not _secrets_in(folder / p), p
        nb = nbformat.read(folder / p, as_version=4)
        nbformat.validate(nb)
        assert all(not c.get("outputs") for c in nb.cells)
    assert (folder / "ok.ipynb").read_bytes() == ok_before
    assert stat.S_IMODE((folder / "a.ipynb").stat().st_mode) == 0o640
    err = capsys.readouterr().err
    assert "cleaned 3 of 4 notebooks" in err
    assert "openai-api-key" in err
    # second run: nothing to do, check passes
    assert main(["clean", "--check", str(folder)]) == 0


def test_check_and_dry_run_write_nothing(folder, capsys):
    before = {p: p.read_bytes() for p in folder.rglob("*.ipynb")}
    assert main(["clean", "--check", str(folder)]) == 1
    assert main(["clean", "--dry-run", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "would clean" in out
    assert "a.ipynb" in out
    assert {p: p.read_bytes() for p in folder.rglob("*.ipynb")} == before


def test_diff_masks_secrets(folder, capsys):
    before = (folder / "a.ipynb").read_bytes()
    assert main(["clean", "--diff", str(folder / "a.ipynb")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--- a/")
    assert "+" in out
    assert "[REDACTED:openai-api-key]" in out
    assert fakes.openai_key(1) not in out
    assert "sk-proj" in out  # the preview shows which key goes
    assert (folder / "a.ipynb").read_bytes() == before  # --diff alone is a dry run


def test_output_dir_mirrors_tree(folder, tmp_path):
    out = tmp_path / "out"
    before = (folder / "a.ipynb").read_bytes()
    assert main(["clean", "--output-dir", str(out), str(folder)]) == 0
    assert (folder / "a.ipynb").read_bytes() == before
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ipynb")) == [
        ".ipynb_checkpoints/a-checkpoint.ipynb", "a.ipynb", "ok.ipynb", "sub/b.ipynb"]
    assert not _secrets_in(out / "sub" / "b.ipynb")


def test_keep_outputs_and_no_redact(folder):
    assert main(["clean", "--keep-outputs", "-q", str(folder / "a.ipynb")]) == 0
    nb = nbformat.read(folder / "a.ipynb", as_version=4)
    assert nb.cells[2].outputs[0].text == "[REDACTED:openai-api-key]\n"
    path = write(notebook_with_secret(4), folder / "c.ipynb")
    assert main(["clean", "--no-redact", "-q", str(path)]) == 0
    nb = nbformat.read(path, as_version=4)
    assert fakes.openai_key(4) in nb.cells[1].source
    assert not nb.cells[2].outputs


def test_pii_flag(tmp_path):
    nb = clean_notebook()
    mail = fakes.email(2)
    nb.cells[0].source = f"write to {mail}"
    path = write(nb, tmp_path / "p.ipynb")
    assert main(["clean", "-q", str(path)]) == 0
    assert mail in path.read_text()
    assert main(["clean", "-q", "--pii", str(path)]) == 0
    assert mail not in path.read_text()
    assert "[REDACTED:email]" in path.read_text()


def test_gitignore_respected_and_checkpoints_optional(folder):
    write(notebook_with_secret(5), folder / "ignored" / "x.ipynb")
    (folder / ".gitignore").write_text("ignored/\n")
    summary = clean_paths([folder], Policy(), check=True, include_checkpoints=False)
    names = sorted(r.path.relative_to(folder).as_posix() for r in summary.results)
    assert names == ["a.ipynb", "ok.ipynb", "sub/b.ipynb"]


def test_parallel_matches_serial(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for i in range(12):
        write(notebook_with_secret(i), a / f"n{i}.ipynb")
        b.mkdir(exist_ok=True)
        shutil.copy(a / f"n{i}.ipynb", b / f"n{i}.ipynb")
    s1 = clean_paths([a], Policy(), jobs=1)
    s2 = clean_paths([b], Policy(), jobs=2)
    assert len(s1.changed) == len(s2.changed) == 12
    for i in range(12):
        assert (a / f"n{i}.ipynb").read_bytes() == (b / f"n{i}.ipynb").read_bytes()
    assert s1.counts == s2.counts


def test_results_keep_walk_order_however_files_are_batched(tmp_path):
    # Batches are balanced by bytes (big files spread first), not taken in walk order:
    # the summary must still list files in walk order, the same with one or two workers.
    from aisafe_nb.notebook.clean import notebook_paths

    for i, size in enumerate([1, 9, 2, 7, 1, 12, 3, 1, 8, 2, 6, 1]):
        write(notebook_with_secret(i, size=size), tmp_path / f"d{i % 3}" / f"n{i:02}.ipynb")
    walked = [path for path, _ in notebook_paths([tmp_path], Policy(), [])]
    seen: list[int] = []
    serial = clean_paths([tmp_path], Policy(), check=True, jobs=1)
    parallel = clean_paths([tmp_path], Policy(), check=True, jobs=2,
                           progress=lambda done, total, result: seen.append(done))
    assert [r.path for r in serial.results] == walked
    assert [r.path for r in parallel.results] == walked
    assert seen == list(range(1, len(walked) + 1))
    assert [r.status for r in parallel.results] == ["would-clean"] * len(walked)


def test_batches_hold_every_file_once_with_even_bytes(tmp_path):
    from aisafe_nb.notebook.clean import _balanced_batches, _Job

    sizes = [10, 1000, 5, 700, 300, 300, 20, 1, 900, 50]
    jobs = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"n{i}.ipynb"
        path.write_bytes(b"x" * size)
        jobs.append(_Job(path, None, Policy(), False, False))
    jobs.append(_Job(tmp_path / "missing.ipynb", None, Policy(), False, False))
    batches = _balanced_batches(jobs, 2)
    assert len(batches) == 4  # two per worker
    assert sorted(i for batch in batches for i, _ in batch) == list(range(len(jobs)))
    assert all(jobs[i] is job for batch in batches for i, job in batch)
    loads = sorted(sum(sizes[i] for i, _ in batch if i < len(sizes)) for batch in batches)
    assert loads == [686, 700, 900, 1000]  # largest first, each to the lightest batch
    assert len(_balanced_batches(jobs[:3], 8)) == 3  # never an empty batch


def test_progress_callback(tmp_path):
    for i in range(3):
        write(notebook_with_secret(i), tmp_path / f"n{i}.ipynb")
    seen = []
    clean_paths([tmp_path], Policy(), progress=lambda d, t, r: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_leftover_temp_files_are_removed(folder, capsys):
    leftover = temp_name_for(folder / "sub" / "b.ipynb")
    leftover.write_text("half a notebook")
    assert main(["clean", str(folder)]) == 0
    assert not leftover.exists()
    assert "leftover temporary" in capsys.readouterr().err


def test_file_changed_while_cleaning_is_left_alone(tmp_path, monkeypatch):
    import aisafe_nb.notebook.sanitize as sanitize_mod

    path = write(notebook_with_secret(1), tmp_path / "a.ipynb")
    real = sanitize_mod.sanitize_in_place
    edited = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": 1}\n'

    def edit_meanwhile(nb, policy):
        path.write_bytes(edited)  # the user saves while we work
        return real(nb, policy)

    monkeypatch.setattr(sanitize_mod, "sanitize_in_place", edit_meanwhile)
    summary = clean_paths([path], Policy())
    assert path.read_bytes() == edited
    assert "changed while it was being cleaned" in summary.errors[0]
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]


# --- bad inputs: one line each, file untouched, run goes on, exit 2 ----------------------


def _bad_inputs(root):
    root.mkdir(parents=True, exist_ok=True)
    good = write(notebook_with_secret(1), root / "good.ipynb")
    raw = good.read_text()
    (root / "truncated.ipynb").write_text(raw[: len(raw) // 2])
    (root / "binary.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (root / "empty.ipynb").write_text("")
    (root / "v3.ipynb").write_text(json.dumps(
        {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}))
    (root / "list.ipynb").write_text("[1, 2]")
    (root / "surrogate.ipynb").write_text(raw.replace("Some notes.", "bad \\ud800 text"))
    os.mkfifo(root / "fifo.ipynb")  # unreadable as a notebook even for root
    os.symlink("loop2.ipynb", root / "loop1.ipynb")
    os.symlink("loop1.ipynb", root / "loop2.ipynb")
    return good


def test_bad_inputs_one_line_each(tmp_path, capsys):
    root = tmp_path / "bad"
    good = _bad_inputs(root)
    snapshot = {p.name: p.read_bytes() for p in root.iterdir()
                if p.is_file() and not p.is_symlink()
                and p.name not in ("fifo.ipynb", "good.ipynb")}
    names = ["good.ipynb", "truncated.ipynb", "binary.ipynb", "empty.ipynb", "v3.ipynb",
             "list.ipynb", "surrogate.ipynb", "fifo.ipynb", "loop1.ipynb", "missing.ipynb"]
    code = main(["clean", *(str(root / n) for n in names)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    reasons = {line.split(": ", 2)[1].rsplit("/", 1)[-1]: line.split(": ", 2)[2]
               for line in err[:-1]}
    assert reasons["truncated.ipynb"].startswith("invalid JSON at line")
    assert "binary" in reasons["binary.ipynb"]
    assert reasons["empty.ipynb"] == "empty file"
    assert "nbformat 3" in reasons["v3.ipynb"]
    assert "not a notebook" in reasons["list.ipynb"]
    assert "lone surrogate" in reasons["surrogate.ipynb"]
    assert "not a regular file" in reasons["fifo.ipynb"]
    assert "symlink loop" in reasons["loop1.ipynb"]
    assert "missing.ipynb" in reasons
    assert "no such file" in reasons["missing.ipynb"]
    assert "cleaned 1 of 9 notebooks" in err[-1]
    assert "9 errors" in err[-1]
    assert not _secrets_in(good)  # the good file was still cleaned
    for name, data in snapshot.items():
        assert (root / name).read_bytes() == data, name
    assert all(len(line) < 200 for line in err)


MALFORMED = {  # valid JSON, not valid nbformat: each used to crash clean, filter or fix-keys
    "cell.ipynb": {"cells": ["x", 1]},
    "outputs.ipynb": {"cells": [{"cell_type": "code", "outputs": 1, "source": ""}]},
    "attachments.ipynb": {"cells": [{"cell_type": "markdown", "attachments": 1, "source": ""}]},
    "output-items.ipynb": {"cells": [{"cell_type": "code", "outputs": [1, "x"], "source": ""}]},
    "source-items.ipynb": {"cells": [{"cell_type": "code", "source": [1, None]}]},
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_notebooks_give_one_line_not_a_traceback(tmp_path, name):
    path = tmp_path / name
    path.write_text(json.dumps({**MALFORMED[name], "metadata": {}, "nbformat": 4}))
    before = path.read_bytes()
    for args in (["clean", "-q", "--drop-empty-cells"], ["clean", "-q", "--pii"], ["scan"],
                 ["fix-keys", "--yes"]):
        proc = subprocess.run([sys.executable, "-m", "aisafe_nb", *args, str(path)],
                              capture_output=True, text=True, check=False)
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
        assert proc.returncode in (0, 1, 2), (args, proc.stderr)
    filtered = subprocess.run([sys.executable, "-m", "aisafe_nb", "filter"], input=before,
                              capture_output=True, check=False)
    assert b"Traceback" not in filtered.stderr
    if name in ("output-items.ipynb", "source-items.ipynb"):
        # Odd items are kept as they are (as nbformat's reader keeps them), the rest cleaned.
        assert filtered.returncode == 0
        assert json.loads(filtered.stdout)["cells"][0].get("outputs", []) == (
            [1, "x"] if name == "output-items.ipynb" else [])
    else:
        assert filtered.returncode != 0
        assert len(filtered.stderr.decode().strip().splitlines()) == 1
        assert b"not a notebook" in filtered.stderr
        assert path.read_bytes() == before  # clean left it untouched


def test_permission_denied():
    """An unreadable notebook: one line, exit 2, file untouched. Root reads any file, so
    under root (as in CI) a forked child drops to the unprivileged `nobody` user first."""
    import shutil
    import sys
    import tempfile

    # Not under pytest's tmp folder: that one is private to root, and `nobody` must reach it.
    folder = Path(tempfile.mkdtemp(prefix="aisafe-perm-"))
    folder.chmod(0o755)
    path = write(notebook_with_secret(1), folder / "a.ipynb")
    before = path.read_bytes()
    os.chmod(path, 0)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        code = 99
        try:
            os.dup2(write_end, 2)
            sys.stderr = os.fdopen(2, "w", closefd=False)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            os.chdir(folder)  # the configuration lookup starts here
            code = main(["clean", str(path)])
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        err = pipe.read()
    _, status = os.waitpid(pid, 0)
    os.chmod(path, 0o644)
    try:
        assert os.waitstatus_to_exitcode(status) == 2, err
        assert "permission denied" in err
        assert path.read_bytes() == before
    finally:
        shutil.rmtree(folder)


def test_read_only_folder_keeps_file(tmp_path, capsys):
    """A file that cannot be replaced (immutable folder via a bind of /proc) - as root too:
    a notebook under /proc cannot exist, so use a folder whose write fails: a file path
    whose parent is a file."""
    path = write(notebook_with_secret(1), tmp_path / "a.ipynb")
    summary = clean_paths([path], Policy(), output_dir=tmp_path / "a.ipynb" / "sub")
    assert summary.errors
    assert "a.ipynb" in summary.errors[0]
    assert _secrets_in(path)


@pytest.mark.slow
def test_hundred_megabyte_notebook(tmp_path):
    nb = notebook_with_secret(1)
    blob = "x" * 1000 + "\n"
    nb.cells.append(nbformat.v4.new_code_cell("big()", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=blob * 100_000)]))
    path = write(nb, tmp_path / "big.ipynb")
    assert path.stat().st_size > 100_000_000
    summary = clean_paths([path], Policy(), jobs=1)
    assert not summary.errors
    assert path.stat().st_size < 100_000
    assert not _secrets_in(path)


def test_module_entry_point(tmp_path):
    path = write(notebook_with_secret(1), tmp_path / "a.ipynb")
    proc = subprocess.run([sys.executable, "-m", "aisafe_nb", "clean", "--check", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith("would clean ")  # the list of files that would change
    assert fakes.openai_key(1) not in proc.stdout + proc.stderr
    assert "would clean 1 of 1 notebook" in proc.stderr


def test_progress_bar_only_on_a_terminal(tmp_path):
    import pty

    for i in range(3):
        write(notebook_with_secret(i), tmp_path / f"n{i}.ipynb")
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "aisafe_nb", "clean", "-j", "1",
                               str(tmp_path)], stderr=follower, stdout=subprocess.PIPE,
                              check=False, timeout=60)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    shown = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert "] 3/3" in shown
    assert "[####" in shown
    assert "cleaned 3 of 3 notebooks" in shown
    # and not on a pipe
    for i in range(3):
        write(notebook_with_secret(i), tmp_path / f"n{i}.ipynb")
    piped = subprocess.run([sys.executable, "-m", "aisafe_nb", "clean", str(tmp_path)],
                           capture_output=True, text=True, check=False)
    assert "3/3" not in piped.stderr
    assert "cleaned 3 of 3 notebooks" in piped.stderr
