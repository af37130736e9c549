"""The real openai SDK against the fake server: nothing sensitive leaves, answers restored."""

from __future__ import annotations

import json

import openai
import pytest

from aisafe_nb.testing.fake_openai import FakeOpenAI
from tests.intercept.conftest import assert_clean

MODEL = "gpt-4o-mini"


def client(fake: FakeOpenAI, **kwargs) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.base_url, api_key="test", **kwargs)


def test_chat_scrubbed_and_restored(fake, guarded, secrets, prompt):
    answer = client(fake).chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": prompt}]
    )
    assert_clean(fake, secrets)
    received = fake.requests[-1].body["messages"][0]["content"]
    assert "<EMAIL_1>" in received
    assert "<CREDIT_CARD_1>" in received
    assert "<PERSON_NAME_1>" in received
    text = answer.choices[0].message.content
    for label in ("email", "card", "name"):
        assert secrets[label] in text
    assert secrets["key"] not in text  # secrets are never restored
    assert "<OPENAI_API_KEY_1>" in text


def test_client_created_before_guard(fake, make_guard, secrets, prompt):
    early = client(fake)
    make_guard()
    early.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}])
    assert_clean(fake, secrets)


def test_content_parts_system_and_tool_results(fake, guarded, secrets):
    email = secrets["email"]
    client(fake).chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": f"Escalate to {email}"},
            {"role": "user", "content": [{"type": "text", "text": f"mail {email}"}]},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": json.dumps({"q": email})},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": f"owner: {email}"},
        ],
    )
    body = fake.bodies()[-1]
    assert email not in body
    assert body.count("<EMAIL_1>") == 4
    assert '"tool_call_id": "call_1"' in body  # structure untouched


@pytest.mark.parametrize("include_usage", [True, False])
def test_chat_stream_restores_split_placeholders(fake, guarded, secrets, prompt, include_usage):
    extra = {"stream_options": {"include_usage": True}} if include_usage else {}
    stream = client(fake).chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": prompt}], stream=True, **extra
    )
    text = ""
    for chunk in stream:  # the usual user loop must still work
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
    assert_clean(fake, secrets)
    assert text == "You said: " + prompt.replace(secrets["key"], "<OPENAI_API_KEY_1>")
    entry = guarded.audit.tail(1)[0]
    assert entry["stream"] is True
    assert entry["usage_estimated"] is (not include_usage)
    assert entry["output_tokens"] > 0


def test_stream_helper_accumulates_restored_text(fake, guarded, secrets):
    prompt = f"mail {secrets['email']} please"
    with client(fake).chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": prompt}]
    ) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "You said: " + prompt


def test_tool_call_arguments_restored_as_valid_json(fake, guarded, secrets):
    prompt = f"mail {secrets['email']}"
    tools = [{"type": "function", "function": {"name": "send", "parameters": {"type": "object"}}}]
    c = client(fake)
    answer = c.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": prompt}], tools=tools
    )
    args = json.loads(answer.choices[0].message.tool_calls[0].function.arguments)
    assert args == {"text": prompt}
    stream = c.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": prompt}], tools=tools, stream=True
    )
    streamed = "".join(
        call.function.arguments or ""
        for chunk in stream
        if chunk.choices and chunk.choices[0].delta.tool_calls
        for call in chunk.choices[0].delta.tool_calls
    )
    assert json.loads(streamed) == {"text": prompt}
    assert secrets["email"] not in "".join(fake.bodies())


def test_responses_api(fake, guarded, secrets, prompt):
    c = client(fake)
    answer = c.responses.create(model=MODEL, input=prompt, instructions=f"cc {secrets['email']}")
    assert secrets["email"] in answer.output_text
    with c.responses.stream(model=MODEL, input=[{"role": "user", "content": prompt}]) as stream:
        deltas = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert_clean(fake, secrets)
    assert secrets["name"] in deltas
    assert secrets["card"] in final.output_text
    entries = guarded.audit.tail(2)
    assert [e["endpoint"] for e in entries] == ["/responses", "/responses"]
    assert all(e["input_tokens"] > 0 and not e["usage_estimated"] for e in entries)


def test_embeddings_and_legacy_completions(fake, guarded, secrets):
    c = client(fake)
    c.embeddings.create(model="text-embedding-3-small", input=[f"to {secrets['email']}", "x"])
    done = c.completions.create(model="gpt-3.5-turbo-instruct", prompt=f"to {secrets['email']}")
    assert secrets["email"] in done.choices[0].text
    streamed = "".join(
        ch.choices[0].text
        for ch in c.completions.create(
            model="gpt-3.5-turbo-instruct", prompt=f"to {secrets['email']}", stream=True
        )
    )
    assert streamed == f"You said: to {secrets['email']}"
    assert secrets["email"] not in "".join(fake.bodies())
    assert guarded.audit.tail(3)[0]["endpoint"] == "/embeddings"


def test_raw_and_streaming_response(fake, guarded, secrets, prompt):
    c = client(fake)
    raw = c.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": prompt}]
    )
    assert secrets["email"] in raw.parse().choices[0].message.content
    assert secrets["email"] in raw.text
    with c.chat.completions.with_streaming_response.create(
        model=MODEL, messages=[{"role": "user", "content": prompt}]
    ) as response:
        parsed = response.parse()
    assert secrets["email"] in parsed.choices[0].message.content
    assert_clean(fake, secrets)


def test_each_retry_is_scrubbed(fake, guarded, secrets, prompt):
    fake.fail("status", times=2, status=500)
    c = client(fake, max_retries=2)
    answer = c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}])
    assert len(fake.requests) == 3
    assert_clean(fake, secrets)
    assert [r.headers.get("x-stainless-retry-count") for r in fake.requests] == ["0", "1", "2"]
    assert secrets["email"] in answer.choices[0].message.content
    statuses = [e["status"] for e in guarded.audit.tail(3)]
    assert statuses == [500, 500, 200]


def test_legacy_httpx_client_passed_by_user(fake, guarded, secrets, prompt):
    httpx = pytest.importorskip("httpx")
    with httpx.Client() as http:
        c = client(fake, http_client=http)
        answer = c.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": prompt}]
        )
    assert_clean(fake, secrets)
    assert secrets["email"] in answer.choices[0].message.content


def test_async_client(fake, guarded, secrets, prompt):
    import asyncio

    async def main() -> tuple[str, str]:
        c = openai.AsyncOpenAI(base_url=fake.base_url, api_key="test")
        answer = await c.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": prompt}]
        )
        stream = await c.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": prompt}], stream=True
        )
        text = ""
        async for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
        await c.close()
        return answer.choices[0].message.content, text

    plain, streamed = asyncio.run(main())
    assert_clean(fake, secrets)
    assert secrets["name"] in plain
    assert secrets["email"] in streamed
    assert secrets["card"] in streamed


def test_structured_output_parse(fake, guarded, secrets):
    from pydantic import BaseModel

    class Echo(BaseModel):
        text: str

    prompt = f"My name is {secrets['name']}, mail {secrets['email']}"
    c = client(fake)
    parsed = c.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": prompt}], response_format=Echo
    )
    assert parsed.choices[0].message.parsed == Echo(text=prompt)
    with c.chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": prompt}], response_format=Echo
    ) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.parsed == Echo(text=prompt)
    assert_clean(fake, {k: secrets[k] for k in ("name", "email")})
