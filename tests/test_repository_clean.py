"""This repository holds no secrets and no personal data: `aisafe-nb scan` of it exits 0.

Tests and docs mention credential shapes on purpose, but every such value is built at run
time, so there is nothing to allowlist. `[tool.aisafe-nb] exclude` keeps build output,
`.venv` and node_modules out; `.gitignore` keeps the rest out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_repository_scans_clean():
    script = Path(sys.executable).with_name("aisafe-nb")
    proc = subprocess.run([str(script), "scan", "."], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert proc.stdout.strip().startswith("0 findings")
