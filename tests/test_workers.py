"""`fork_map`: real forked workers, real pipes, real process deaths."""

from __future__ import annotations

import os
import signal
import time

import pytest

from aisafe_nb.workers import WorkerDied, fork_map
from tests.procs import children


@pytest.fixture(autouse=True)
def no_children_left():
    """Other tests' servers may be running: only the children made here must be gone."""
    before = children()
    yield
    assert children() <= before


def square_with_pid(n: int) -> tuple[int, int, int]:
    time.sleep(0.002)
    return n, n * n, os.getpid()


def test_every_task_once_spread_over_the_workers():
    results = list(fork_map(square_with_pid, list(range(60)), 3))
    assert sorted((n, sq) for n, sq, _ in results) == [(n, n * n) for n in range(60)]
    pids = {pid for _, _, pid in results}
    assert os.getpid() not in pids
    assert len(pids) >= 2


def test_more_task_numbers_than_a_pipe_holds():
    count = 40_000  # 160 KB of task numbers: written as the workers take them
    assert sorted(fork_map(abs, list(range(-count, 0)), 2)) == list(range(1, count + 1))


def test_results_bigger_than_a_pipe_arrive_whole():
    sizes = [5_000_000, 1, 300_000]
    results = list(fork_map(lambda n: b"x" * n, sizes, 2))
    assert sorted(len(r) for r in results) == sorted(sizes)


def test_tasks_and_function_are_inherited_not_pickled():
    unpicklable = [lambda: 1, lambda: 2]
    assert sorted(fork_map(lambda f: f(), unpicklable, 2)) == [1, 2]


def failing(n: int) -> int:
    if n == 3:
        raise ValueError("task three is broken")
    return n


def test_an_exception_in_a_worker_is_reported_after_the_other_results(capfd):
    got: list[int] = []
    with pytest.raises(WorkerDied) as caught:
        got.extend(fork_map(failing, list(range(6)), 1))
    assert got == [0, 1, 2]  # one worker: the tasks after the failure are never taken
    assert "exit status 1" in str(caught.value)
    assert "task three is broken" in capfd.readouterr().err


def killed_on_two(n: int) -> int:
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def test_a_killed_worker_is_named():
    with pytest.raises(WorkerDied) as caught:
        list(fork_map(killed_on_two, list(range(4)), 1))
    assert caught.value.how == " (killed by SIGKILL)"


def sleep_for(seconds: int) -> int:
    time.sleep(seconds)
    return seconds


def test_giving_up_early_kills_the_workers():
    started = time.monotonic()
    results = fork_map(sleep_for, [0, 30, 30, 30], 2)
    assert next(results) == 0
    results.close()  # as a caller's exception or break would
    assert time.monotonic() - started < 10


def test_nothing_to_do_forks_nothing():
    assert list(fork_map(abs, [], 4)) == []
