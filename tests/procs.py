"""Process helpers for tests that start workers or kernels."""

from __future__ import annotations

import os


def children() -> set[int]:
    """This process's children, zombies included (Linux /proc)."""
    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as fh:
            found.update(int(pid) for pid in fh.read().split())
    return found
