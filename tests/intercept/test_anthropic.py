"""The real anthropic SDK against the fake server: scrubbed, restored, budgeted like openai's."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import anthropic
import pytest

from aisafe_nb.intercept.errors import BudgetExceeded, ScrubError
from aisafe_nb.testing.fake_openai import FakeOpenAI
from tests.intercept.conftest import (
    BrokenScrubber,
    assert_booked,
    assert_clean,
    audit_entries,
)

MODEL = "claude-haiku-4-5"


def client(fake: FakeOpenAI) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=fake.base_url.removesuffix("/v1"), api_key="test",
                               max_retries=0)


def _ask(prompt: str) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 200, "messages": [{"role": "user", "content": prompt}]}


def test_message_scrubbed_and_restored(
    fake: FakeOpenAI, guarded: Any, state: Path, secrets: dict[str, str], prompt: str
) -> None:
    answer = client(fake).messages.create(**_ask(prompt))
    assert_clean(fake, secrets)
    assert "<EMAIL_1>" in fake.requests[-1].body["messages"][0]["content"]
    text = answer.content[0].text
    for label in ("email", "card", "name"):
        assert secrets[label] in text
    assert secrets["key"] not in text
    guarded.flush()
    (entry,) = audit_entries(state)
    assert entry["endpoint"] == "/messages"
    assert_booked(entry, model=MODEL, prices=(1.00, 5.00))  # claude-haiku-4-5


def test_stream_restores_split_placeholders_and_books_its_usage(
    fake: FakeOpenAI, guarded: Any, state: Path, secrets: dict[str, str], prompt: str
) -> None:
    """3-character deltas split every placeholder; usage comes in two events."""
    with client(fake).messages.stream(**_ask(prompt)) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert_clean(fake, secrets)
    for label in ("email", "card", "name"):
        assert secrets[label] in text
    assert final.content[0].text == text
    guarded.flush()
    (entry,) = audit_entries(state)
    assert entry["stream"]
    # input tokens from message_start, output tokens from message_delta
    assert_booked(entry, model=MODEL, prices=(1.00, 5.00))
    assert entry["output_tokens"] > 1


def test_async_stream_restored(
    fake: FakeOpenAI, guarded: Any, secrets: dict[str, str], prompt: str
) -> None:
    async def ask() -> str:
        async_client = anthropic.AsyncAnthropic(
            base_url=fake.base_url.removesuffix("/v1"), api_key="test", max_retries=0)
        async with async_client.messages.stream(**_ask(prompt)) as stream:
            return "".join([piece async for piece in stream.text_stream])

    text = asyncio.run(ask())
    assert_clean(fake, secrets)
    assert secrets["email"] in text


def test_refusals_reach_the_user_as_they_are(
    fake: FakeOpenAI, make_guard: Any, prompt: str
) -> None:
    """The SDK re-raises its own error type unchanged: ours is made one, not a retried
    "Connection error"."""
    make_guard(budget_session=1e-6)
    with pytest.raises(BudgetExceeded, match="session budget") as caught:
        client(fake).messages.create(**_ask("Hello"))
    assert isinstance(caught.value, anthropic.AnthropicError)
    assert fake.requests == []


def test_scrub_failure_sends_nothing(fake: FakeOpenAI, guarded: Any, prompt: str) -> None:
    guarded.scrubber = BrokenScrubber()
    with pytest.raises(ScrubError, match=r"scrubbing failed \(RuntimeError\)"):
        client(fake).messages.create(**_ask(prompt))
    assert fake.requests == []
