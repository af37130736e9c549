"""Save-hook and live-scan speed, through real Jupyter servers on 127.0.0.1.

1. Saving a ~5 MB notebook (base64 PNG outputs, one inline fake key) through the contents
   REST API, on a server with the aisafe_nb extension and on one without it, alternating,
   median of --rounds. Target: hook on < 1.5x hook off.
2. The live scan of a 200-cell notebook: the JupyterLab extension posts the cell sources
   to /aisafe-nb/scan on every (debounced) edit; measured here as the HTTP round trip and
   the server's own scan time. Target: < 50 ms per refresh. The browser-side figure
   (payload building + request + applying markers) is measured by tests/e2e/test_lab.py
   into test-artifacts/live-scan-timing.json and included when present.

    python benchmarks/bench_save.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import make_notebook  # noqa: E402
from tests.fakes import openai_key  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
SEED = 20261127


def big_notebook() -> dict:
    nb = make_notebook(random.Random(SEED), 5_000_000)
    nb["cells"].insert(
        1,
        {
            "cell_type": "code",
            "id": "key-cell",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": f'client = OpenAI(api_key="{openai_key(5)}")\n',
        },
    )
    return nb


def live_payload(cells: int = 200) -> dict:
    """What the labextension sends on each refresh: ids, types, sources."""
    rng = random.Random(SEED)
    src = [
        {
            "id": f"c{i}",
            "cell_type": "code",
            "source": f"x_{i} = {rng.random()}\nprint(x_{i} * 2)\n",
        }
        for i in range(cells)
    ]
    src[100]["source"] = f'api_key = "{openai_key(6)}"\n'
    return {"content": {"cells": src, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}}


class Server:
    """A `jupyter server` subprocess with or without the aisafe_nb extension."""

    def __init__(self, root: Path, with_hook: bool) -> None:
        self.token = secrets.token_hex(12)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = base = Path(tempfile.mkdtemp(prefix="bench-jp-"))
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(base / "cfg"), JUPYTER_RUNTIME_DIR=str(base))
        self.log = (base / "server.log").open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root}",
                "--allow-root",
                "--ServerApp.jpserver_extensions",
                f"aisafe_nb={with_hook}",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                self.request("GET", "api/status")
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {base / 'server.log'}") from None
                time.sleep(0.2)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.url + path, data=body, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if body is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    nb = big_notebook()
    body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
    root_on = Path(tempfile.mkdtemp(prefix="bench-on-"))
    root_off = Path(tempfile.mkdtemp(prefix="bench-off-"))
    on, off = Server(root_on, True), Server(root_off, False)
    try:
        assert on.request("GET", "aisafe-nb/status")[0] == 200, "extension not loaded"
        assert off.request("GET", "aisafe-nb/status")[0] == 404, "extension loaded on 'off'"
        for srv in (on, off):  # warm up: imports, first checkpoint
            srv.request("PUT", "api/contents/big.ipynb", body)
        # "new": a path this server never saw (every cell scanned, new checkpoint);
        # "opened": a file on disk, opened in JupyterLab (which asks for one scan of it),
        #           then saved for the first time; "repeat": saved again (autosave, Ctrl+S).
        kinds = ("new", "opened", "repeat")
        times: dict[str, dict[str, list[float]]] = {
            k: {"on": [], "off": [], "hook": []} for k in kinds
        }
        raw = json.dumps(nb)
        for r in range(args.rounds):
            names = {"new": f"new{r}.ipynb", "opened": f"opened{r}.ipynb", "repeat": "big.ipynb"}
            for kind, name in names.items():
                url = f"api/contents/{name}"
                t = times[kind]
                if kind == "opened":
                    for root in (root_on, root_off):
                        (root / name).write_text(raw, encoding="utf-8")
                    scan = json.dumps({"path": name}).encode()
                    assert on.request("POST", "aisafe-nb/scan", scan)[0] == 200
                t["off"].append(timed(lambda url=url: off.request("PUT", url, body)))
                t["on"].append(timed(lambda url=url: on.request("PUT", url, body)))
                rec = json.loads(on.request("GET", f"aisafe-nb/last-save?path={name}")[1])
                t["hook"].append(rec["last_save"]["elapsed_ms"])
                saved = (root_on / name).read_text(encoding="utf-8")
                assert openai_key(5) not in saved, "the key reached the disk"

        payload = json.dumps(live_payload()).encode()
        on.request("POST", "aisafe-nb/scan", payload)
        rt, server_ms = [], []
        for _ in range(max(20, args.rounds)):
            status, raw = 0, b""

            def call() -> None:
                nonlocal status, raw
                status, raw = on.request("POST", "aisafe-nb/scan", payload)

            rt.append(timed(call))
            assert status == 200
            server_ms.append(json.loads(raw)["elapsed_ms"])
            assert json.loads(raw)["counts"] == {"secret": 1}
    finally:
        on.stop()
        off.stop()
        for folder in (root_on, root_off, on.base, off.base):
            shutil.rmtree(folder, ignore_errors=True)

    med = statistics.median
    result: dict[str, object] = {"notebook_bytes": len(body), "rounds": args.rounds}
    for kind, t in times.items():
        result[f"{kind}_save_hook_off_ms"] = round(med(t["off"]), 1)
        result[f"{kind}_save_hook_on_ms"] = round(med(t["on"]), 1)
        result[f"{kind}_save_ratio"] = round(med(t["on"]) / med(t["off"]), 3)
        result[f"{kind}_hook_time_in_server_ms"] = round(med(t["hook"]), 2)
    result["save_ratio"] = result["opened_save_ratio"]
    result |= {
        "live_scan_200_cells_roundtrip_ms": round(med(rt), 2),
        "live_scan_200_cells_server_ms": round(med(server_ms), 2),
    }
    browser = REPO / "test-artifacts" / "live-scan-timing.json"
    if browser.is_file():
        browser_ms = json.loads(browser.read_text())["median_total_ms"]
        result["live_scan_200_cells_browser_ms"] = browser_ms
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_save.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"5 MB save ({len(body) / 1e6:.1f} MB body), median of {args.rounds}:")
    for kind in times:
        print(
            f"  {kind:6} save: hook off {result[f'{kind}_save_hook_off_ms']} ms | hook on "
            f"{result[f'{kind}_save_hook_on_ms']} ms | ratio {result[f'{kind}_save_ratio']}x "
            f"(target < 1.5x); in the hook {result[f'{kind}_hook_time_in_server_ms']} ms"
        )
    print(
        f"live scan, 200 cells: round trip {result['live_scan_200_cells_roundtrip_ms']} ms, "
        f"server {result['live_scan_200_cells_server_ms']} ms (target < 50 ms)"
    )
    if "live_scan_200_cells_browser_ms" in result:
        print(f"  in the browser (tests/e2e): {result['live_scan_200_cells_browser_ms']} ms")


if __name__ == "__main__":
    main()
