"""aiohttp requests to AI APIs (google-genai's async client, raw aiohttp code)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from google import genai

from aisafe_nb.intercept import install
from aisafe_nb.intercept.errors import BudgetExceeded
from aisafe_nb.testing.fake_openai import FakeOpenAI
from tests.intercept.conftest import assert_clean


def _chat(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], **extra}


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_json_answer_scrubbed_and_restored(
    fake: FakeOpenAI, make_guard: Any, secrets: dict[str, str], prompt: str
) -> None:
    make_guard(ai_hosts=("127.0.0.1",))

    async def ask() -> dict[str, Any]:
        async with aiohttp.ClientSession() as session, session.post(
            fake.base_url + "/chat/completions", json=_chat(prompt)
        ) as response:
            answer: dict[str, Any] = await response.json()
            return answer

    answer = _run(ask())
    assert_clean(fake, secrets)
    text = answer["choices"][0]["message"]["content"]
    assert secrets["email"] in text
    assert secrets["name"] in text


def test_stream_read_line_by_line_is_restored(
    fake: FakeOpenAI, make_guard: Any, secrets: dict[str, str], prompt: str
) -> None:
    """The answer's StreamReader is replaced: iterating resp.content gets restored events."""
    make_guard(ai_hosts=("127.0.0.1",))

    async def ask() -> str:
        text = ""
        body = json.dumps(_chat(prompt, stream=True))  # data= as text, like openai 0.x
        async with aiohttp.ClientSession() as session, session.post(
            fake.base_url + "/chat/completions", data=body,
            headers={"Content-Type": "application/json"},
        ) as response:
            async for line in response.content:
                if line.startswith(b"data: {"):
                    for choice in json.loads(line[6:]).get("choices", []):
                        text += (choice.get("delta") or {}).get("content") or ""
        return text

    text = _run(ask())
    assert_clean(fake, secrets)
    assert secrets["email"] in text
    assert secrets["card"] in text


def test_gemini_async_client_goes_through_aiohttp_and_is_guarded(
    fake: FakeOpenAI, guarded: Any, secrets: dict[str, str], prompt: str
) -> None:
    """google-genai's async client uses aiohttp whenever it is installed."""
    gemini = genai.Client(api_key="test",
                          http_options={"base_url": fake.base_url.removesuffix("/v1")})

    async def ask() -> str:
        text = ""
        stream = await gemini.aio.models.generate_content_stream(
            model="gemini-2.5-flash", contents=prompt)
        async for chunk in stream:
            text += chunk.text or ""
        return text

    text = _run(ask())
    assert "aiohttp.client" in install.patched_modules()
    assert_clean(fake, secrets)
    assert secrets["email"] in text
    assert secrets["name"] in text


def test_refused_request_is_not_sent(fake: FakeOpenAI, make_guard: Any) -> None:
    make_guard(ai_hosts=("127.0.0.1",), budget_session=1e-9)

    async def ask() -> None:
        async with aiohttp.ClientSession() as session:
            await session.post(fake.base_url + "/chat/completions", json=_chat("Hello"))

    with pytest.raises(BudgetExceeded, match="session budget"):
        _run(ask())
    assert fake.requests == []


def test_other_hosts_and_unguarded_sessions_are_untouched(
    fake: FakeOpenAI, make_guard: Any, secrets: dict[str, str]
) -> None:
    make_guard()  # 127.0.0.1 is not an AI host, and the agent is aiohttp's

    async def ask() -> str:
        async with aiohttp.ClientSession() as session, session.post(
            fake.base_url + "/chat/completions", json=_chat(secrets["email"])
        ) as response:
            return await response.text()

    _run(ask())
    assert secrets["email"] in fake.bodies()[-1]
    original = install._originals[("aiohttp.client", "ClientSession", "_request")]
    install.unguard()
    assert aiohttp.ClientSession._request is original
