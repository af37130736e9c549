"""Run every benchmark in one go (``make bench``) and keep each one's output.

Each script prints its own table (medians, ratios against the tool users would otherwise
pick); this runner only sequences them, so no two compete for the machine's cores, and
writes each transcript to ``benchmarks/results/<name>.txt``.

    python benchmarks/run_all.py [--only NAME ...] [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

#: name -> (module, normal arguments, arguments for --quick)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "accuracy": ("benchmarks.accuracy", [], []),
    "faker_check": ("benchmarks.faker_check", [], []),
    "prompt_scan": ("benchmarks.bench_prompt_scan", [], ["--rounds", "5"]),
    "guard": ("benchmarks.bench_guard", [], ["--rounds", "50", "--calls", "50"]),
    "kernel": ("benchmarks.bench_kernel", [], ["--runs", "50", "--load-runs", "3"]),
    "scan": ("benchmarks.bench_scan", [], ["--count", "200"]),
    "clean": ("benchmarks.bench_clean", [], ["--count", "200", "--rounds", "1"]),
    "save": ("benchmarks.bench_save", [], ["--rounds", "3"]),
}


def run_one(name: str, module: str, args: list[str]) -> int:
    """Run one benchmark module, echoing and saving its output; return its exit code."""
    print(f"\n===== {name}: python -m {module} {' '.join(args)}", flush=True)
    if not (ROOT / (module.replace(".", "/") + ".py")).exists():
        print(f"(skipped: {module} is not in this checkout)")
        return 0
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    transcript = proc.stdout + (f"\n[stderr]\n{proc.stderr}" if proc.returncode else "")
    print(transcript, end="")
    print(f"({name}: exit {proc.returncode}, {time.perf_counter() - started:.0f} s)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.txt").write_text(transcript, encoding="utf-8")
    return proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), default=None)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, smaller folders")
    ns = parser.parse_args()
    failed = []
    for name, (module, normal, quick) in BENCHMARKS.items():
        if ns.only and name not in ns.only:
            continue
        if run_one(name, module, quick if ns.quick else normal):
            failed.append(name)
    print(f"\nbenchmarks done; transcripts in {RESULTS.relative_to(ROOT)}/")
    if failed:
        print("missed a target or failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
