"""The real google-genai SDK against the fake server: scrubbed, restored, budgeted."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from google import genai
from google.genai import types

from aisafe_nb.intercept.errors import BudgetExceeded
from aisafe_nb.testing.fake_openai import FakeOpenAI
from tests.intercept.conftest import assert_booked, assert_clean, audit_entries

MODEL = "gemini-2.5-flash"


def client(fake: FakeOpenAI) -> genai.Client:
    return genai.Client(api_key="test",
                        http_options={"base_url": fake.base_url.removesuffix("/v1")})


def test_generate_scrubbed_and_restored(
    fake: FakeOpenAI, guarded: Any, state: Path, secrets: dict[str, str], prompt: str
) -> None:
    gemini = client(fake)  # kept: the SDK closes its HTTP client when the Client is collected
    answer = gemini.models.generate_content(model=MODEL, contents=prompt)
    assert_clean(fake, secrets)
    assert "<EMAIL_1>" in fake.bodies()[-1]
    for label in ("email", "card", "name"):
        assert secrets[label] in answer.text
    assert secrets["key"] not in answer.text
    guarded.flush()
    (entry,) = audit_entries(state)
    assert entry["endpoint"].endswith(":generateContent")
    # the model is named in the URL, not the body
    assert_booked(entry, model=MODEL, prices=(0.30, 2.50))  # gemini-2.5-flash


def test_stream_restores_split_placeholders_and_books_its_usage(
    fake: FakeOpenAI, guarded: Any, state: Path, secrets: dict[str, str], prompt: str
) -> None:
    """3-character chunks split every placeholder; each chunk reports usage so far."""
    gemini = client(fake)
    chunks = list(gemini.models.generate_content_stream(model=MODEL, contents=prompt))
    text = "".join(chunk.text or "" for chunk in chunks)
    assert_clean(fake, secrets)
    for label in ("email", "card", "name"):
        assert secrets[label] in text
    guarded.flush()
    (entry,) = audit_entries(state)
    assert entry["stream"]
    assert_booked(entry, model=MODEL, prices=(0.30, 2.50))
    assert entry["output_tokens"] > len(chunks) // 2  # the last chunk's total, not its count


def test_async_generate_restored(
    fake: FakeOpenAI, guarded: Any, secrets: dict[str, str], prompt: str
) -> None:
    async def ask() -> str:
        gemini = client(fake)
        answer = await gemini.aio.models.generate_content(model=MODEL, contents=prompt)
        return answer.text or ""

    text = asyncio.run(ask())
    assert_clean(fake, secrets)
    assert secrets["email"] in text


def test_budget_counts_max_output_tokens(fake: FakeOpenAI, make_guard: Any) -> None:
    """generationConfig.maxOutputTokens is the worst case the budget check uses."""
    make_guard(budget_session=0.01)
    gemini = client(fake)
    config = types.GenerateContentConfig(max_output_tokens=100_000)  # up to 0.25 USD
    with pytest.raises(BudgetExceeded, match="session budget"):
        gemini.models.generate_content(model=MODEL, contents="Hello", config=config)
    assert fake.requests == []
    small = types.GenerateContentConfig(max_output_tokens=100)
    gemini.models.generate_content(model=MODEL, contents="Hello", config=small)
    assert len(fake.requests) == 1
