"""Speed of ``%load_ext aisafe_nb``: per-cell guard overhead and extension load time.

1. Guard overhead: a 200-line cell without secrets is run many times in one in-process
   IPython shell, cell by cell alternately with the extension loaded and unloaded (so
   drift affects both sides equally); the figure is the difference of the medians, in
   CPU time and in wall time (target < 1 ms). The guard's own hooks (scan + history
   scrub) are also timed directly.
2. Load time: ``%load_ext aisafe_nb`` in a fresh subprocess (IPython already imported,
   as in a kernel), median of several runs (target < 150 ms), also without the API
   guard (another issue's part) and the API guard alone. ``%load_ext dotenv``
   (python-dotenv's IPython extension) is timed the same way as a reference point.

Run: ``.venv/bin/python benchmarks/bench_kernel.py [--runs N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def make_cell(lines: int = 200) -> str:
    """A realistic cell of ordinary code (no secrets) with `lines` lines."""
    body = []
    for i in range(lines):
        kind = i % 5
        if kind == 0:
            body.append(f"value_{i} = {i} * 3 + len('row {i} of the table')")
        elif kind == 1:
            body.append(f"label_{i} = f'item-{{value_{i - 1}}}'  # a comment about step {i}")
        elif kind == 2:
            body.append(f"items_{i} = [n for n in range({i % 7 + 2})]")
        elif kind == 3:
            body.append(f"config_{i} = {{'name': 'model-{i}', 'temperature': 0.{i % 9}}}")
        else:
            body.append(f"total_{i} = sum(items_{i - 2}) + value_{i - 4}")
    return "\n".join(body) + "\n"


def bench_overhead(runs: int) -> dict[str, float]:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    cell = make_cell()
    shell.run_cell(cell, store_history=True)  # warm caches (compile, rules)
    shell.run_line_magic("load_ext", "aisafe_nb")
    shell.run_cell(cell, store_history=True)
    shell.run_line_magic("unload_ext", "aisafe_nb")

    # Alternate cell by cell (loading/unloading between timed cells, untimed), so drift
    # and the load of other processes hit both sides alike. CPU time of this process is
    # the main figure: on a shared machine wall time mostly measures the neighbours.
    cpu_with: list[float] = []
    cpu_without: list[float] = []
    with_ext: list[float] = []
    without: list[float] = []
    for _ in range(runs):
        for loaded in (True, False):
            shell.run_line_magic("load_ext" if loaded else "unload_ext", "aisafe_nb")
            shell.run_cell("pass", store_history=True)
            c0, t0 = time.process_time(), time.perf_counter()
            shell.run_cell(cell, store_history=True)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            (with_ext if loaded else without).append(wall)
            (cpu_with if loaded else cpu_without).append(cpu)

    # The hooks alone, without the noise of compiling and running the cell.
    from types import SimpleNamespace

    from aisafe_nb.kernel.extension import current, load, unload

    inst = load(shell)
    hooks: list[float] = []
    info = SimpleNamespace(raw_cell=cell)
    for _ in range(runs):
        t0 = time.perf_counter()
        inst.guard.pre_run_cell(info)
        inst.guard.scrub_history(cell)
        inst.guard.take_rejection()
        hooks.append(time.perf_counter() - t0)
    assert current(shell) is inst
    unload(shell)
    ms = 1000.0
    return {
        "cell_without_ms": statistics.median(without) * ms,
        "cell_with_ms": statistics.median(with_ext) * ms,
        "overhead_ms": (statistics.median(with_ext) - statistics.median(without)) * ms,
        "cpu_overhead_ms": (statistics.median(cpu_with) - statistics.median(cpu_without)) * ms,
        "hooks_only_ms": statistics.median(hooks) * ms,
    }


_LOAD_SNIPPET = """
import time
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
t0 = time.perf_counter()
ip.run_line_magic("load_ext", {ext!r})
print((time.perf_counter() - t0) * 1000)
"""

#: The extension without the API guard (made unimportable), i.e. this issue's own part.
_NO_API_SNIPPET = """
import sys, time
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
sys.modules["aisafe_nb.intercept.install"] = None  # import fails -> load() skips it
t0 = time.perf_counter()
ip.run_line_magic("load_ext", "aisafe_nb")
print((time.perf_counter() - t0) * 1000)
"""

#: The API guard alone (intercept engineer's part), started the way `load` starts it.
_API_SNIPPET = """
import time
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
from aisafe_nb.policy import Policy
policy = Policy.load()
t0 = time.perf_counter()
from aisafe_nb.intercept.install import guard
guard(policy)
print((time.perf_counter() - t0) * 1000)
"""


def _median_ms(snippet: str, runs: int) -> float:
    times = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "IPYTHONDIR": home}
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", snippet],
                capture_output=True,
                text=True,
                check=True,
                env=env,
                cwd=home,
            ).stdout
            times.append(float(out.strip().splitlines()[-1]))
    return statistics.median(times)


def bench_load(ext: str, runs: int) -> float:
    """Median time of ``%load_ext EXT`` in fresh processes (ms)."""
    return _median_ms(_LOAD_SNIPPET.format(ext=ext), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="cell runs per side")
    parser.add_argument("--load-runs", type=int, default=7, help="fresh processes per extension")
    args = parser.parse_args()
    over = bench_overhead(args.runs)
    load_ours = bench_load("aisafe_nb", args.load_runs)
    load_api = _median_ms(_API_SNIPPET, args.load_runs)
    load_no_api = _median_ms(_NO_API_SNIPPET, args.load_runs)
    load_dotenv = bench_load("dotenv", args.load_runs)
    print(
        f"200-line cell, median of {args.runs}: without {over['cell_without_ms']:.3f} ms, "
        f"with {over['cell_with_ms']:.3f} ms"
    )
    print(
        f"guard overhead per cell, CPU time (difference of medians): "
        f"{over['cpu_overhead_ms']:.3f} ms (target < 1 ms)"
    )
    print(
        f"guard overhead per cell, wall time (difference of medians): {over['overhead_ms']:.3f} ms "
        f"(target < 1 ms); hooks alone: {over['hooks_only_ms']:.3f} ms"
    )
    print(
        f"%load_ext aisafe_nb, median of {args.load_runs} fresh processes: {load_ours:.1f} ms "
        f"(target < 150 ms); without the API guard: {load_no_api:.1f} ms; "
        f"the API guard started alone: {load_api:.1f} ms; "
        f"%load_ext dotenv: {load_dotenv:.1f} ms"
    )


if __name__ == "__main__":
    main()
