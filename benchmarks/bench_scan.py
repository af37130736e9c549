"""Speed of `aisafe-nb scan`, side by side with the scanners users would pick instead.

One run, same folders, medians of at least 3 timed runs (after one warm-up):

- the generated 650-notebook folder (`benchmarks/corpus.py`): `aisafe-nb scan` secrets
  only and secrets + personal data, vs Kingfisher (``kingfisher scan --no-validate
  --no-update-check``, compiled Rust);
- a smaller subfolder: `aisafe-nb scan` vs ``detect-secrets scan --all-files`` (too slow
  for the whole folder), compared per MB;
- one small notebook, start to finish (target < 150 ms).

Uses hyperfine when installed (``apt-get install hyperfine``), else a subprocess loop.

    python benchmarks/bench_scan.py [--count 650] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.corpus import CORPUS_ROOT, make_corpus, subset  # noqa: E402
from benchmarks.installed import byte_compile  # noqa: E402

BIN = Path(sys.executable).parent


def tool(name: str) -> str | None:
    """The executable `name` from this venv, else from PATH."""
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def time_commands(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, float]]:
    """Median/min/max wall seconds of each command (exit codes ignored: 1 = found)."""
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "h.json"
            args = [hyperfine, "-N", "-i", "--warmup", "1", "--runs", str(runs),
                    "--export-json", str(out), "--style", "none"]
            for name, cmd in commands.items():
                args += ["-n", name, " ".join(_quote(c) for c in cmd)]
            subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
            data = json.loads(out.read_text())["results"]
        return {r["command"]: {"median": r["median"], "min": r["min"], "max": r["max"]}
                for r in data}
    results = {}
    for name, cmd in commands.items():
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            times.append(time.perf_counter() - t)
        results[name] = {"median": statistics.median(times), "min": min(times),
                         "max": max(times)}
    return results


def _quote(arg: str) -> str:
    return f"'{arg}'" if any(c in arg for c in " '\"") else arg


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def count_findings(cmd: list[str]) -> str:
    """A short 'what it found' for the table (our JSON, or the tool's summary)."""
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if "--format" in cmd:
        data = json.loads(proc.stdout)
        return f"{len(data['findings'])} findings, {len(data['errors'])} errors"
    for line in proc.stdout.splitlines():
        if "Findings...." in line:
            return line.split(":")[-1].strip() + " findings"
    try:
        data = json.loads(proc.stdout)
        return f"{sum(len(v) for v in data.get('results', {}).values())} findings"
    except json.JSONDecodeError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=650)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--small-mb", type=float, default=6.0,
                        help="size of the subfolder given to detect-secrets")
    args = parser.parse_args()

    byte_compile()  # as pip leaves an installed package (see benchmarks/installed.py)
    info = make_corpus(count=args.count)
    corpus = info.path
    mb = folder_mb(corpus)
    ours = tool("aisafe-nb")
    assert ours, "aisafe-nb is not installed in this environment"
    kingfisher, detect_secrets = tool("kingfisher"), tool("detect-secrets")
    cores = os.cpu_count()
    print(f"corpus: {corpus} — {len(info.files)} notebooks, {mb:.1f} MB; {cores} cores; "
          f"median of {args.runs} runs after 1 warm-up")

    big: dict[str, list[str]] = {
        "aisafe-nb scan --kinds secret": [ours, "scan", "--kinds", "secret", str(corpus)],
        "aisafe-nb scan (secret+pii)": [ours, "scan", str(corpus)],
    }
    if kingfisher:
        big["kingfisher --no-validate"] = [kingfisher, "scan", str(corpus), "--no-validate",
                                           "--no-update-check"]
    else:
        print("kingfisher not installed: pip install kingfisher-bin (the `bench` extra)")
    res = time_commands(big, args.runs)
    _table(res, mb, baseline="kingfisher --no-validate")

    small = subset(info, CORPUS_ROOT / f"small_{int(args.small_mb)}mb", int(args.small_mb * 1e6))
    smb = small.total_bytes / 1e6
    print(f"\nsubfolder for detect-secrets: {len(small.files)} notebooks, {smb:.1f} MB")
    side: dict[str, list[str]] = {
        "aisafe-nb scan --kinds secret": [ours, "scan", "--kinds", "secret", str(small.path)],
        "aisafe-nb scan (secret+pii)": [ours, "scan", str(small.path)],
    }
    if detect_secrets:
        side["detect-secrets --all-files"] = [detect_secrets, "scan", "--all-files",
                                              str(small.path)]
    else:
        print("detect-secrets not installed: pip install detect-secrets (the `bench` extra)")
    res_small = time_commands(side, args.runs)
    _table(res_small, smb, baseline="detect-secrets --all-files")

    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one_small.ipynb"
        # A typical small notebook: the one nearest the 10th size percentile (~10 kB).
        shutil.copyfile(min(info.files, key=lambda f: abs(f.stat().st_size - 10_000)), one)
        res_one = time_commands({"aisafe-nb scan one_small.ipynb": [ours, "scan", str(one)]},
                                max(args.runs, 10))
        kb = one.stat().st_size / 1e3
    m = res_one["aisafe-nb scan one_small.ipynb"]["median"]
    print(f"\none small notebook ({kb:.0f} kB), start to finish: median {m * 1000:.0f} ms "
          f"(target < 150 ms)")

    print("\nwhat each found on the big folder:")
    for name, cmd in big.items():
        shown = [*cmd[:2], "--format", "json", *cmd[2:]] if cmd[0] == ours else cmd
        print(f"  {name}: {count_findings(shown)}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_scan.json").write_text(json.dumps({
        "corpus_mb": mb, "notebooks": len(info.files), "big": res, "small_mb": smb,
        "small": res_small, "one_small_ms": m * 1000, "cores": cores,
    }, indent=1))
    return 0


def _table(res: dict[str, dict[str, float]], mb: float, *, baseline: str) -> None:
    base = res.get(baseline, {}).get("median")
    print(f"  {'command':34} {'median s':>9} {'min':>7} {'max':>7} {'MB/s':>7} {'ratio':>7}")
    for name, r in res.items():
        ratio = f"{base / r['median']:.2f}x" if base else "-"
        print(f"  {name:34} {r['median']:9.2f} {r['min']:7.2f} {r['max']:7.2f} "
              f"{mb / r['median']:7.1f} {ratio:>7}")
    if base:
        print(f"  (ratio = {baseline} time / command time; > 1 means faster than it)")


if __name__ == "__main__":
    sys.exit(main())
