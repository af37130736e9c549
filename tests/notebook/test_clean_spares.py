"""A process's batches share its spare inodes; none is left behind when the run ends."""

from __future__ import annotations

from aisafe_nb import atomic
from aisafe_nb.atomic import is_temp_name
from aisafe_nb.notebook import clean as clean_module
from aisafe_nb.policy import Policy
from aisafe_nb.staged_writes import MAX_FILES
from tests.cli.nbgen import notebook_with_secret, write


def _folder(tmp_path, count: int):
    for i in range(count):
        write(notebook_with_secret(i), tmp_path / f"n{i:02d}.ipynb")
    return tmp_path


def _temps(folder) -> list:
    return [p for p in folder.rglob("*") if is_temp_name(p.name)]


def test_the_second_batch_writes_into_the_first_batchs_inodes(tmp_path, monkeypatch):
    folder = _folder(tmp_path, 60)  # one process, two batches of 30
    fresh: list[object] = []
    real_new_temp = atomic._new_temp

    def new_temp(target):
        fresh.append(target)
        return real_new_temp(target)

    monkeypatch.setattr(atomic, "_new_temp", new_temp)
    summary = clean_module.clean_paths([folder], Policy(), jobs=1)
    assert [r.status for r in summary.results].count("cleaned") == 60
    # Each batch used to start with fresh inodes for its first group (2 x 24); now only the
    # first batch does, and the second finds the first batch's old inodes.
    assert MAX_FILES <= len(fresh) < 2 * MAX_FILES
    assert _temps(folder) == []
    assert clean_module._spares is None  # nothing carried into a next run


def test_forked_workers_leave_no_spare_behind(tmp_path):
    folder = _folder(tmp_path, 40)
    summary = clean_module.clean_paths([folder], Policy(), jobs=2)
    assert [r.status for r in summary.results].count("cleaned") == 40
    assert _temps(folder) == []
