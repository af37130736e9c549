"""The API guard in a real kernel: %load_ext, the SDK, budget magics (the demo path)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from aisafe_nb.testing.demo import guard_notebook, printed_lines, received_prompts, run_notebook
from tests.procs import children


@pytest.mark.kernel
@pytest.mark.slow
def test_guard_demo_in_a_real_kernel(tmp_path):
    before = children()
    run = run_notebook(guard_notebook(), tmp_path)
    assert children() <= before  # the kernel was shut down, not left to notice on its own
    wrote = printed_lines(run.notebook, "user wrote:")
    reads = printed_lines(run.notebook, "user reads:")
    got = received_prompts(run.requests)
    assert len(wrote) == 2
    for i in range(2):
        assert "@" in wrote[i]
        assert "@" not in got[i]  # the email never reached the endpoint
        assert "<EMAIL_1>" in got[i]
        assert reads[i] == "You said: " + wrote[i]  # restored for the user (stream too)
    stopped = printed_lines(run.notebook, "stopped after")
    assert stopped
    assert "budget" in stopped[0]
    assert len(run.requests) < 2 + 100  # the runaway loop was cut short
    outputs = json.dumps([c.get("outputs") for c in run.notebook.cells])
    assert "API spending" in outputs  # %aisafe spent rendered
    assert "/chat/completions" in outputs  # %aisafe log rendered
    assert (tmp_path / "aisafe-state" / "audit.jsonl").exists()  # the demo's own state


def test_fake_server_runs_as_a_module():
    proc = subprocess.Popen(
        [sys.executable, "-m", "aisafe_nb.testing.fake_openai", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()
        assert "listening on http://127.0.0.1:" in line
        base = line.strip().rsplit(" ", 1)[-1]
        body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
        request = urllib.request.Request(
            base + "/chat/completions",
            data=body.encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        assert answer["choices"][0]["message"]["content"] == "You said: hi"
        logged = json.loads(proc.stdout.readline())
        assert logged["body"]["messages"][0]["content"] == "hi"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
