"""A real JupyterLab on 127.0.0.1 and headless Debian chromium, driven by Playwright.

The server gets a token and its own config, data, runtime, workspace and settings folders,
so nothing from the user's Jupyter setup (open tabs, news toast) leaks into the test. The
labextension is taken from this tree's build output (``aisafe_nb/labextension``) when it
exists, ahead of any installed copy, so the test checks the code in the tree.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
BUILT_EXTENSION = REPO / "aisafe_nb" / "labextension"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Without chromium, e2e tests skip locally but fail on CI (a skip is not a pass)."""
    if Path(CHROMIUM).exists():
        return
    for item in items:
        if "e2e" in item.keywords and os.environ.get("CI") != "true":
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} not installed"))


@dataclass
class Lab:
    url: str
    token: str
    root: Path

    def tree_url(self, path: str) -> str:
        return f"{self.url}lab/tree/{path}?reset&token={self.token}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _isolated_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("config", "data", "runtime", "ipython", "jpath/labextensions"):
        (base / name).mkdir(parents=True, exist_ok=True)
    if (BUILT_EXTENSION / "static" / "style.js").is_file():
        (base / "jpath" / "labextensions" / "aisafe-nb").symlink_to(BUILT_EXTENSION)
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
        JUPYTER_PATH=str(base / "jpath"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    env.pop("AISAFE_NB_SAVE_MODE", None)
    return env


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """Start `jupyter lab` for the session; stop it (and only it) at the end."""
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    root.mkdir()
    settings = base / "settings"
    settings.mkdir()
    overrides = {
        "@jupyterlab/apputils-extension:notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        }
    }
    (settings / "overrides.json").write_text(json.dumps(overrides), encoding="utf-8")
    token = secrets.token_hex(16)
    port = _free_port()
    log = (base / "lab.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.workspaces_dir={base / 'workspaces'}",
            f"--LabApp.app_settings_dir={settings}",
            # Kernels talk over Unix sockets in the isolated runtime folder, not localhost
            # TCP ports (which ipykernel warns about in the log on every start).
            "--KernelManager.transport=ipc",
            "--allow-root",
        ],
        env=_isolated_env(base),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"jupyter lab did not start; see {base / 'lab.log'}"
                    raise RuntimeError(msg) from None
                time.sleep(0.25)
        yield Lab(url=url, token=token, root=root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if ARTIFACTS.is_dir():
            shutil.copy(base / "lab.log", ARTIFACTS / "lab.log")


@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Overrides pytest-jupyter's autouse loop fixture (loaded for tests/server), which
    would try to close the loop Playwright's sync API is running."""
    return None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    """Overrides pytest-jupyter's autouse server cleanup: these tests start their own."""
    return None


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (no browser download).

    Module scope: Playwright's sync API keeps an event loop running while it is open, so
    it must be closed before the async server tests of the same session run.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; install it with apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
