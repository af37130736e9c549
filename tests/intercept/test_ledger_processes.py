"""Two processes adding to the ledger at once lose no update."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from aisafe_nb.intercept.ledger import LEDGER_FILE, Ledger

ADDS = 150


def _worker(folder: str, session: str) -> None:
    from pathlib import Path

    ledger = Ledger(Path(folder), session)
    for _ in range(ADDS):
        ledger.add(0.001)


@pytest.mark.slow
def test_concurrent_processes_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_worker, args=(str(tmp_path), f"s{i}")) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    data = json.loads((tmp_path / LEDGER_FILE).read_text())
    assert sum(data["days"].values()) == pytest.approx(2 * ADDS * 0.001)
    assert [data["sessions"][f"s{i}"]["calls"] for i in range(2)] == [ADDS, ADDS]
    assert not list(tmp_path.glob(".ledger.json.*.tmp"))  # no temp file left behind
