"""Fail closed on scrub errors; clear errors and a consistent ledger on broken answers."""

from __future__ import annotations

import json
import sys

import openai
import pytest

import aisafe_nb
from aisafe_nb.intercept.errors import BlockedContent, ResponseError
from aisafe_nb.intercept.ledger import LEDGER_FILE

MODEL = "gpt-4o-mini"


def client(fake, **kwargs):
    return openai.OpenAI(base_url=fake.base_url, api_key="test", **kwargs)


def chat(c, text, **kwargs):
    return c.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}], **kwargs
    )


def test_scrub_failure_blocks_the_request(fake, guarded, secrets, monkeypatch):
    def broken(text):
        raise RuntimeError("detector exploded")

    monkeypatch.setattr(guarded.scrubber, "scrub", broken)
    with pytest.raises(aisafe_nb.ScrubError) as info:
        chat(client(fake), f"mail {secrets['email']}")
    assert fake.requests == []  # not one byte reached the server
    message = str(info.value)
    assert "not sent" in message
    assert "RuntimeError" in message
    assert secrets["email"] not in message
    assert "\n" not in message
    refused = guarded.audit.tail(1)[0]
    assert refused["blocked"] is True


def test_scrub_error_is_not_retried_or_hidden(fake, guarded, monkeypatch):
    calls = []

    def broken(text):
        calls.append(text)
        raise ValueError("bad")

    monkeypatch.setattr(guarded.scrubber, "scrub", broken)
    with pytest.raises(aisafe_nb.ScrubError):
        chat(client(fake, max_retries=3), "hello")
    assert len(calls) == 1  # the SDK re-raised it at once, no retry loop


def test_block_operator_refuses(fake, make_guard, secrets):
    make_guard(operators={"credit-card": "block"})
    with pytest.raises(BlockedContent) as info:
        chat(client(fake), f"card {secrets['card']}")
    assert fake.requests == []
    assert "credit-card" in str(info.value)
    assert secrets["card"] not in str(info.value)


def test_redact_and_allow_operators(fake, make_guard, secrets):
    make_guard(operators={"email": "redact", "credit-card": "allow"})
    chat(client(fake), f"mail {secrets['email']} card {secrets['card']}")
    body = fake.bodies()[-1]
    assert secrets["email"] not in body
    assert "[REDACTED:email]" in body
    assert secrets["card"] in body  # allowed on purpose


def test_scrub_prompts_off_still_budgets(fake, make_guard, secrets):
    guard = make_guard(scrub_prompts=False)
    chat(client(fake), f"mail {secrets['email']}")
    assert secrets["email"] in fake.bodies()[-1]
    assert guard.audit.tail(1)[0]["cost_usd"] > 0


def ledger_total(state):
    data = json.loads((state / LEDGER_FILE).read_text())
    return sum(data["days"].values())


def audit_total(guard):
    return sum(e["cost_usd"] for e in guard.audit.tail(1000))


def test_malformed_answer_clear_error_consistent_ledger(fake, guarded, state):
    fake.fail("malformed")
    with pytest.raises(ResponseError) as info:
        chat(client(fake, max_retries=0), "hello")
    assert "invalid JSON" in str(info.value)
    entry = guarded.audit.tail(1)[0]
    assert entry["usage_estimated"] is True
    assert entry["reason"] == "answer was not valid JSON"
    assert guarded.flush()
    assert ledger_total(state) == pytest.approx(audit_total(guarded))


def test_truncated_answer_and_stream(fake, guarded, state):
    c = client(fake, max_retries=0)
    fake.fail("truncated")
    with pytest.raises(openai.APIConnectionError):
        chat(c, "hello")
    fake.fail("truncated_stream")
    # openai 3.x wraps the broken stream in APIConnectionError; 2.x lets httpx's error through
    broken = (openai.APIConnectionError, *_remote_protocol_errors())
    with pytest.raises(broken):
        for _ in chat(c, "hello again", stream=True):
            pass
    entries = guarded.audit.tail(2)
    assert entries[0]["reason"] == "connection failed"
    assert entries[1]["reason"] == "answer stream broken"
    chat(c, "and now it works")
    assert guarded.flush()
    assert ledger_total(state) == pytest.approx(audit_total(guarded))
    assert len(guarded.audit.tail(100)) == 3


def _remote_protocol_errors():
    return tuple(
        sys.modules[name].RemoteProtocolError for name in ("httpx", "httpx2") if name in sys.modules
    )


def test_server_error_costs_nothing(fake, guarded, state):
    fake.fail("status", status=400)
    with pytest.raises(openai.BadRequestError):
        chat(client(fake, max_retries=0), "hello")
    entry = guarded.audit.tail(1)[0]
    assert entry["status"] == 400
    assert entry["cost_usd"] == 0
    assert not (state / LEDGER_FILE).exists()


def test_a_text_the_detector_cannot_finish_is_not_sent(fake, guarded, monkeypatch):
    """A rule that times out makes the guard's strict detector give up: fail closed."""
    from aisafe_nb.detect.engine import Detector
    from aisafe_nb.detect.rules import parse_rule
    from aisafe_nb.intercept.memo import MemoScrubber
    from aisafe_nb.scrub import Scrubber

    # A pattern that backtracks catastrophically even in `regex`; user rules keep the timeout.
    slow = parse_rule({"id": "slow", "type": "slow", "kind": "pii", "pattern": "(?:a|aa)+b"})
    strict = Detector([slow], strict=True)
    monkeypatch.setattr(guarded, "scrubber", MemoScrubber(Scrubber(detector=strict)))
    with pytest.raises(aisafe_nb.ScrubError) as info:
        chat(client(fake), "a" * 60)
    assert fake.requests == []
    assert "ScanIncomplete" in str(info.value)
