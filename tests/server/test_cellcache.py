"""The per-path cache of clean cells: unchanged cells are skipped, changed ones rescanned."""

from __future__ import annotations

import copy

from aisafe_nb.policy import Policy
from aisafe_nb.server.cellcache import CleanCells, cell_digest
from aisafe_nb.server.settings import save_policy
from tests.server.conftest import key_cell, notebook

POLICY = save_policy(Policy())


def test_second_save_skips_unchanged_cells_but_catches_a_new_key():
    cache = CleanCells()
    nb = notebook("a = 1\n", "b = 2\n", "c = 3\n")
    first = cache.sanitize(copy.deepcopy(nb), POLICY, "n.ipynb")
    assert first.skipped == 0
    source, key = key_cell()
    nb["cells"][1]["source"] = source
    saved = copy.deepcopy(nb)
    second = cache.sanitize(saved, POLICY, "n.ipynb")
    assert second.skipped == 2, "only the edited cell is scanned again"
    assert key not in saved["cells"][1]["source"]
    assert [second.cell_index(nf.cell) for nf in second.report.findings] == [1]
    # The editor keeps the key and saves again: the cell is not cached as clean.
    third_nb = copy.deepcopy(nb)
    third = cache.sanitize(third_nb, POLICY, "n.ipynb")
    assert key not in third_nb["cells"][1]["source"]
    assert len(third.report.findings) == 1


def test_policy_change_rescans_everything():
    cache = CleanCells()
    nb = notebook("a = 1\n", "b = 2\n")
    cache.sanitize(copy.deepcopy(nb), POLICY, "p.ipynb")
    again = cache.sanitize(copy.deepcopy(nb), POLICY.replace(redact_pii=True), "p.ipynb")
    assert again.skipped == 0


def test_digest_sees_every_change():
    cell = notebook("x = 1\n")["cells"][0]
    other = copy.deepcopy(cell)
    assert cell_digest(cell) == cell_digest(other)
    other["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    assert cell_digest(cell) != cell_digest(other)
    # Type tags keep "1" (text) and 1 (number) apart.
    assert cell_digest({"a": "1"}) != cell_digest({"a": 1})


def test_lines_and_joined_text_hash_the_same():
    as_lines = {"source": ["a = 1\n", "b = 2\n"], "metadata": {"x": 1, "y": 2}}
    as_text = {"metadata": {"y": 2, "x": 1}, "source": "a = 1\nb = 2\n"}
    assert cell_digest(as_lines) == cell_digest(as_text)


def test_prime_from_disk_lets_first_save_skip_clean_cells():
    cache = CleanCells()
    source, key = key_cell()
    on_disk = notebook("a = 1\n", source, "c = 3\n")
    for cell in on_disk["cells"]:
        cell["source"] = cell["source"].splitlines(keepends=True)
    cache.prime("d.ipynb", on_disk, POLICY, dirty={1})
    sent = notebook("a = 1\n", source, "c = 3\n")  # JupyterLab sends joined strings
    result = cache.sanitize(sent, POLICY, "d.ipynb")
    assert result.skipped == 2
    assert key not in sent["cells"][1]["source"], "the dirty cell is still scanned"


def test_digest_counts_images_by_size_and_text_by_content():
    def with_output(png: str, text: str) -> dict:
        cell = notebook("plot()\n")["cells"][0]
        data = {"image/png": png, "text/plain": text}
        cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": data}]
        return cell

    base = cell_digest(with_output("A" * 400, "fig"))
    assert cell_digest(with_output("B" * 400, "fig")) == base, "same-size image: no rescan"
    assert cell_digest(with_output("A" * 404, "fig")) != base, "size feeds keep/drop rules"
    assert cell_digest(with_output("A" * 400, "fig 2")) != base, "text is always hashed"
