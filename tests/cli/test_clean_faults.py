"""Fault injection: ``kill -9`` the clean process at random moments while it rewrites 200
notebooks. Every file must then be byte-identical to its original or to its cleaned version
(never half-written), and the next run must finish the job and leave no temporary file."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from aisafe_nb.atomic import is_temp_name
from tests.cli.nbgen import notebook_with_secret, write

N_NOTEBOOKS = 200
ROUNDS = 12


def _clean_cmd(folder, jobs):
    return [sys.executable, "-m", "aisafe_nb", "clean", "-q", "-j", str(jobs), str(folder)]


@pytest.mark.slow
def test_kill_minus_nine_never_leaves_a_half_written_notebook(tmp_path):
    pristine = tmp_path / "pristine"
    for i in range(N_NOTEBOOKS):
        write(notebook_with_secret(i, size=3), pristine / f"d{i % 7}" / f"n{i}.ipynb")
    files = sorted(p.relative_to(pristine) for p in pristine.rglob("*.ipynb"))
    original = {p: (pristine / p).read_bytes() for p in files}

    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    started = time.monotonic()
    subprocess.run(_clean_cmd(reference, 1), check=True)
    full_run = time.monotonic() - started
    cleaned = {p: (reference / p).read_bytes() for p in files}
    assert all(cleaned[p] != original[p] for p in files)

    rng = random.Random(1234)
    work = tmp_path / "work"
    kills_mid_run = mixed_rounds = 0
    deadline = time.monotonic() + 45
    for round_no in range(ROUNDS):
        if time.monotonic() > deadline:
            break
        if round_no % 2 == 0:  # start over from the originals every other round
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(pristine, work)
        proc = subprocess.Popen(_clean_cmd(work, rng.choice([1, 2])), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, full_run * 0.9))
        if proc.poll() is None:
            kills_mid_run += 1
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the process and its workers, like kill -9
        proc.wait()
        states = set()
        for p in files:
            now = (work / p).read_bytes()
            assert now in (original[p], cleaned[p]), f"round {round_no}: {p} is half-written"
            states.add(now == cleaned[p])
        mixed_rounds += len(states) == 2
    assert kills_mid_run >= ROUNDS // 3, (
        f"the kills should land while the run is working ({kills_mid_run}, {full_run:.2f} s)")

    assert mixed_rounds >= 2, "some kills should land between two files of one run"

    # the next run removes leftovers and finishes the job
    subprocess.run(_clean_cmd(work, 2), check=True)
    assert not [p for p in work.rglob("*") if is_temp_name(p.name)]
    for p in files:
        assert (work / p).read_bytes() == cleaned[p]
        # A killed run may leave a replaced file's inode under a temporary name (a spare);
        # once those are removed, no notebook has a second name.
        assert (work / p).stat().st_nlink == 1


def test_a_worker_killed_mid_run_costs_only_its_files(tmp_path, monkeypatch):
    from aisafe_nb.notebook import clean as clean_module
    from aisafe_nb.policy import Policy

    for i in range(40):
        write(notebook_with_secret(i), tmp_path / f"n{i:02d}.ipynb")
    doomed = tmp_path / "n07.ipynb"
    original_doomed = doomed.read_bytes()
    real_run_batch = clean_module._run_batch

    def run_batch(jobs):
        if any(job.path == doomed for _, job in jobs):
            os.kill(os.getpid(), signal.SIGKILL)  # in the forked worker: a real death
        return real_run_batch(jobs)

    monkeypatch.setattr(clean_module, "_run_batch", run_batch)
    summary = clean_module.clean_paths([tmp_path], Policy(), jobs=2)
    errors = {r.path: r.error for r in summary.results if r.status == "error"}
    assert doomed in errors
    assert errors[doomed] == "not cleaned: a worker process died (killed by SIGKILL); run again"
    assert doomed.read_bytes() == original_doomed
    cleaned = [r for r in summary.results if r.status == "cleaned"]
    assert cleaned, "the other worker's files are cleaned"
    assert len(cleaned) + len(errors) == 40
