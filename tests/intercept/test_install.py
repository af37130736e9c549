"""guard()/unguard(): idempotent, reversible, lazy, and covering raw HTTP to AI hosts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import requests

import aisafe_nb
from aisafe_nb.intercept import install


@pytest.fixture(params=["httpx", "httpx2"])
def http(request):
    """Each HTTP library the SDK may use (openai 3.x: httpx2; 1.x/2.x: httpx)."""
    return pytest.importorskip(request.param)


def test_guard_is_idempotent_and_unguard_restores(make_guard, http):
    original = http.Client.send
    original_async = http.AsyncClient.send
    first = make_guard()
    wrapped = http.Client.send
    assert wrapped is not original
    second = make_guard(max_repeats=2)
    assert second is first  # one guard per process: placeholders stay stable
    assert http.Client.send is wrapped  # not wrapped twice
    assert first.policy.max_repeats == 2  # the second call updated the policy
    install.unguard()
    assert http.Client.send is original
    assert http.AsyncClient.send is original_async
    assert install.active_guard() is None


def test_public_name():
    assert aisafe_nb.guard is install.guard


def test_guard_never_imports_openai_and_patches_on_first_import(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys, json
        from aisafe_nb.policy import Policy
        from aisafe_nb.intercept.install import guard, patched_modules
        guard(Policy(state_dir={str(tmp_path)!r}))
        before = {{m: m in sys.modules for m in ("openai", "httpx2", "httpx", "requests")}}
        import openai
        http = sys.modules.get("httpx2") or sys.modules["httpx"]
        patched = getattr(http.Client.send, "__aisafe_original__", None) is not None
        print(json.dumps({{"before": before, "patched": patched, "mods": list(patched_modules())}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["before"] == {"openai": False, "httpx2": False, "httpx": False, "requests": False}
    assert result["patched"] is True
    assert {"httpx2", "httpx"} & set(result["mods"])


def test_raw_httpx_to_configured_ai_host_is_scrubbed(fake, make_guard, secrets, http):
    make_guard(ai_hosts=("127.0.0.1",))
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": secrets["email"]}]}
    with http.Client() as client:
        answer = client.post(fake.base_url + "/chat/completions", json=body).json()
    assert secrets["email"] not in fake.bodies()[-1]
    assert secrets["email"] in answer["choices"][0]["message"]["content"]


def test_raw_requests_to_configured_ai_host_is_scrubbed(fake, make_guard, secrets):
    make_guard(ai_hosts=("127.0.0.1",))
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": secrets["email"]}]}
    answer = requests.post(fake.base_url + "/chat/completions", json=body, timeout=10).json()
    assert secrets["email"] not in fake.bodies()[-1]
    assert secrets["email"] in answer["choices"][0]["message"]["content"]


def test_other_hosts_pass_untouched(fake, guarded, secrets, http):
    body = {"messages": [{"role": "user", "content": secrets["email"]}]}
    with http.Client() as client:
        client.post(fake.base_url + "/chat/completions", json=body)
    requests.post(fake.base_url + "/chat/completions", json=body, timeout=10)
    assert all(secrets["email"] in b for b in fake.bodies())
    assert guarded.audit.tail(5) == []


def test_multipart_passes_through_and_is_logged(fake, make_guard, http):
    guard = make_guard(ai_hosts=("127.0.0.1",))
    with http.Client() as client:
        client.post(fake.base_url + "/files", files={"file": ("a.txt", b"hello")})
    entry = guard.audit.tail(1)[0]
    assert entry["reason"].startswith("not scrubbed: ")
    assert "multipart/form-data" in entry["reason"]


_CELL_COUNT_SCRIPT = """
from IPython.core.interactiveshell import InteractiveShell
from aisafe_nb.intercept import install
from aisafe_nb.policy import Policy

shell = InteractiveShell.instance()
guard = install.guard(Policy(state_dir=STATE))
guard.loop.cell_calls = 7
shell.run_cell("x = 1", store_history=False)
assert guard.loop.cell_calls == 0, guard.loop.cell_calls
install.unguard()
guard.loop.cell_calls = 7
shell.run_cell("x = 2", store_history=False)
assert guard.loop.cell_calls == 7, "the hook must leave with the guard"
print("ok")
"""


def test_each_ipython_cell_starts_a_new_count(tmp_path):
    # In its own process: IPython allows one shell singleton per process, and the kernel
    # tests own this process's.
    import subprocess
    import sys

    script = f"STATE = {str(tmp_path)!r}\n" + _CELL_COUNT_SCRIPT
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
