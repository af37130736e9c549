"""``aisafe-nb clean`` and the git filter, side by side with nbstripout and nb-clean.

One run measures every tool on the same folder (benchmarks/corpus.py, fixed seed, >= 500
notebooks shaped like real ones). Each tool cleans in place, so each round starts from a
fresh copy of the corpus (the copy is not timed). Figures are medians of --rounds.

1. Strip outputs only (the work nbstripout does):
   ``nbstripout FILES`` vs ``nb-clean clean DIR`` vs ``aisafe-nb clean --no-redact DIR``.
   Targets: >= 10x faster than nbstripout, no slower than nb-clean.
2. Full clean (strip + redact secrets and personal data): ``aisafe-nb clean --pii DIR``.
   Target: faster than nbstripout's strip alone.
   The ``--check`` row reads and strips but writes nothing: the difference to the
   ``--no-redact`` row is the cost of crash-safe writes (temp file, fsync, rename).
   The floor row (`write_floor.py`) only reads each file and writes its cleaned bytes in
   place, on all cores, as the other tools write (no temp file, no fsync): what this
   machine's disk costs any in-place tool before any work is done.
3. Git filter on one typical notebook (the corpus median size), start to finish, stdin to
   stdout: ``aisafe-nb filter`` vs ``nbstripout`` (its filter mode). Target: < 150 ms.

The nb-clean measured is the PyPI package ``nb-clean`` 5.x, which installs a compiled Rust
binary (an ELF executable in the venv's bin/), not the older pure-Python nb-clean 4.

    python benchmarks/bench_clean.py [--count 650] [--rounds 3] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import make_corpus  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
#: The row of `write_floor.py`: read each file and write its cleaned bytes, nothing else.
FLOOR = "floor: read + write only (-j all)"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str | None:
    found = BIN / name
    return str(found) if found.exists() else shutil.which(name)


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


#: CPU seconds (user + system) of the last `_timed` command and its children: unlike wall
#: time, this barely moves when other work shares the machine's cores.
LAST_CPU = [0.0]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], *, cwd: Path | None = None, stdin: bytes | None = None) -> float:
    cpu_before = _cpu()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    LAST_CPU[0] = _cpu() - cpu_before
    # nbstripout and our clean report the corpus' one invalid notebook with a non-zero code;
    # anything worse (a crash) shows as an empty stdout and a traceback.
    if b"Traceback" in proc.stderr:
        raise SystemExit(f"{cmd[0]} crashed:\n{proc.stderr.decode()[-2000:]}")
    return elapsed


def bench_folder(corpus: Path, files: list[Path], rounds: int, jobs: int | None) -> dict:
    aisafe = _tool("aisafe-nb")
    nbstripout = _tool("nbstripout")
    nbclean = _tool("nb-clean")
    jobs_args = ["-j", str(jobs)] if jobs else []
    rel = [str(f.relative_to(corpus)) for f in files]
    runs: dict[str, list[str]] = {}
    if nbstripout:
        runs["nbstripout (strip)"] = [nbstripout, *rel]
    if nbclean:
        runs["nb-clean (strip)"] = [nbclean, "clean", "."]
    if aisafe:
        runs["aisafe-nb --no-redact (strip)"] = [aisafe, "clean", "-q", "--no-redact",
                                                 *jobs_args, "."]
        runs["aisafe-nb --pii (strip+redact)"] = [aisafe, "clean", "-q", "--pii", *jobs_args,
                                                  "."]
        runs["aisafe-nb --no-redact --check"] = [aisafe, "clean", "-q", "--no-redact", "--check",
                                                 *jobs_args, "."]
    with tempfile.TemporaryDirectory(prefix="bench-clean-") as tmp:
        if aisafe:  # the cleaned bytes, for the I/O floor (made once, not timed)
            cleaned = Path(tmp) / "cleaned"
            subprocess.run([aisafe, "clean", "-q", "--no-redact", "--output-dir", str(cleaned),
                            "."], cwd=corpus, check=False)
            runs[FLOOR] = [sys.executable, str(REPO / "benchmarks" / "write_floor.py"),
                           str(cleaned)]
        times: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(rounds):
            for name, cmd in runs.items():  # interleaved: drift hits every tool alike
                work = Path(tmp) / "work"
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(corpus, work)
                # Flush the copy first, or its writeback lands on whichever tool calls
                # fsync (we do, for crash safety; nbstripout and nb-clean do not).
                os.sync()
                times[name].append(_timed(cmd, cwd=work))
                cpu[name].append(LAST_CPU[0])
    return {name: statistics.median(t) for name, t in times.items()} | {
        "_runs": {name: t for name, t in times.items()},
        "_cpu": {name: statistics.median(t) for name, t in cpu.items()}}


def bench_filter(notebook: Path, rounds: int) -> dict:
    data = notebook.read_bytes()
    runs: dict[str, list[str]] = {}
    aisafe = _tool("aisafe-nb")
    nbstripout = _tool("nbstripout")
    if aisafe:
        runs["aisafe-nb filter"] = [aisafe, "filter"]
    if nbstripout:
        runs["nbstripout (filter)"] = [nbstripout]
    # pip compiles an installed package's bytecode (nbstripout's too); an editable install
    # run with PYTHONDONTWRITEBYTECODE=1 would instead compile every module at each start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "aisafe_nb")],
                   check=False, stdout=subprocess.DEVNULL)
    times: dict[str, list[float]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory(prefix="bench-filter-") as tmp:
        subprocess.run(["git", "init", "-q", tmp], check=True)  # filters run inside a repo
        for _ in range(rounds):
            for name, cmd in runs.items():
                times[name].append(_timed(cmd, cwd=Path(tmp), stdin=data))
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=650)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--filter-rounds", type=int, default=15)
    parser.add_argument("--jobs", type=int, default=None, help="aisafe-nb -j (default: cores)")
    args = parser.parse_args()

    info = make_corpus(count=args.count)
    files = sorted(info.files)
    sizes = sorted(f.stat().st_size for f in files)
    median_nb = min(files, key=lambda f: abs(f.stat().st_size - sizes[len(sizes) // 2]))
    print(f"corpus: {len(files)} notebooks, {info.total_bytes / 1e6:.1f} MB, "
          f"{os.cpu_count()} cores; filter notebook: {median_nb.stat().st_size / 1e3:.0f} KB")

    folder = bench_folder(info.path, files, args.rounds, args.jobs)
    filt = bench_filter(median_nb, args.filter_rounds)
    base = folder.get("nbstripout (strip)")
    nbc = folder.get("nb-clean (strip)")
    cpu = folder["_cpu"]
    print(f"\n{'folder (median of ' + str(args.rounds) + ')':<34} {'wall s':>8} "
          f"{'vs nbstripout':>14} {'vs nb-clean':>12} {'cpu s':>8}")
    for name, value in folder.items():
        if name.startswith("_"):
            continue
        ratio = f"{base / value:.1f}x" if base else "-"
        ratio2 = f"{nbc / value:.2f}x" if nbc else "-"
        print(f"{name:<34} {value:>8.2f} {ratio:>14} {ratio2:>12} {cpu[name]:>8.2f}")
    print(f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"\n{'git filter, one notebook (median)':<34} {'ms':>8}")
    for name, value in filt.items():
        print(f"{name:<34} {value * 1000:>8.0f}")

    versions = {
        "nbstripout": _version([_tool("nbstripout") or "nbstripout", "--version"]),
        "nb-clean": _version([_tool("nb-clean") or "nb-clean", "--version"]),
        "python": sys.version.split()[0],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_clean.json").write_text(json.dumps({
        "corpus": {"notebooks": len(files), "bytes": info.total_bytes, "invalid": info.invalid},
        "rounds": args.rounds, "cores": os.cpu_count(), "versions": versions,
        "folder_seconds": {k: v for k, v in folder.items() if not k.startswith("_")},
        "folder_runs": folder["_runs"],
        "folder_cpu_seconds": folder["_cpu"],
        "load_average": os.getloadavg()[0],
        "filter_ms": {k: round(v * 1000, 1) for k, v in filt.items()},
    }, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
