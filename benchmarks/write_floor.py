"""The I/O floor of stripping a folder in place: read each notebook, write its cleaned bytes.

No parsing, no stripping, no temporary files, no fsync: only what every in-place tool must
do at the least (nbstripout and nb-clean truncate and rewrite each file the same way),
spread over all cores. `bench_clean.py` times it beside the tools, so a run shows how much
of a target is left for the work itself on this machine's disk.

    python benchmarks/write_floor.py CLEANED_DIR      (run inside the folder to rewrite)

CLEANED_DIR mirrors the folder (``aisafe-nb clean --output-dir``); files it lacks are skipped.
"""

from __future__ import annotations

import os
import sys


def _rewrite(pairs: list[tuple[str, str]]) -> None:
    for target, cleaned in pairs:
        with open(target, "rb") as fh:
            fh.read()
        with open(cleaned, "rb") as fh:
            data = fh.read()
        with open(target, "wb") as fh:
            fh.write(data)


def main(cleaned_dir: str) -> int:
    pairs: list[tuple[int, str, str]] = []
    for root, _dirs, names in os.walk(cleaned_dir):
        for name in names:
            cleaned = os.path.join(root, name)
            target = os.path.relpath(cleaned, cleaned_dir)
            if name.endswith(".ipynb") and os.path.exists(target):
                pairs.append((os.stat(target).st_size, target, cleaned))
    workers = os.cpu_count() or 1
    shares: list[list[tuple[str, str]]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for size, target, cleaned in sorted(pairs, reverse=True):  # biggest to the lightest share
        lightest = loads.index(min(loads))
        shares[lightest].append((target, cleaned))
        loads[lightest] += size
    children = []
    for share in shares[1:]:
        pid = os.fork()
        if pid == 0:
            _rewrite(share)
            os._exit(0)
        children.append(pid)
    _rewrite(shares[0])
    failed = sum(os.waitpid(pid, 0)[1] != 0 for pid in children)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
