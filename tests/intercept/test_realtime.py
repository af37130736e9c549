"""The API guard on the Realtime API: the real openai SDK over a real websocket on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from websockets.sync.client import connect

from aisafe_nb.intercept import install
from aisafe_nb.intercept.errors import BudgetExceeded, LoopGuardTripped, ScrubError
from aisafe_nb.testing.fake_realtime import FakeRealtime
from tests.intercept.conftest import BrokenScrubber, assert_booked, audit_entries

MODEL = "gpt-realtime"


@pytest.fixture
def realtime() -> Iterator[FakeRealtime]:
    with FakeRealtime(chunk_size=3) as server:
        yield server


def _client(server: FakeRealtime) -> openai.OpenAI:
    # base_url is never called: every byte goes over the websocket
    return openai.OpenAI(api_key="test", base_url="http://127.0.0.1:9/v1",
                         websocket_base_url=server.ws_base_url, max_retries=0)


def _user_item(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def _answer(conn: Any) -> tuple[str, list[str]]:
    """The streamed text of one response, and the types of every event up to its end."""
    text, kinds = "", []
    for event in conn:
        kinds.append(event.type)
        if event.type == "response.output_text.delta":
            text += event.delta
        if event.type == "response.done":
            return text, kinds
    raise AssertionError("the connection ended before response.done")


def _server_text(server: FakeRealtime) -> str:
    return "\n".join(server.received)


def test_sync_events_are_scrubbed_and_the_answer_restored(
    make_guard: Any, realtime: FakeRealtime, secrets: dict[str, str], prompt: str
) -> None:
    make_guard()
    with _client(realtime).realtime.connect(model=MODEL) as conn:
        conn.conversation.item.create(item=_user_item(prompt))
        conn.response.create()
        text, kinds = _answer(conn)
    sent = _server_text(realtime)
    for label, value in secrets.items():
        assert value not in sent, f"{label} reached the server"
    assert "<EMAIL_1>" in sent
    # personal data comes back, even though the 3-character deltas split each placeholder
    assert secrets["email"] in text
    assert secrets["name"] in text
    # a key is replaced for good: not even the answer gets it back
    assert secrets["key"] not in text
    assert "conversation.item.created" in kinds


def test_text_held_back_at_the_end_arrives_as_an_extra_event(
    make_guard: Any, realtime: FakeRealtime, secrets: dict[str, str]
) -> None:
    """An answer ending in "<" (maybe a placeholder's start) is held until the stream moves on."""
    make_guard()
    prompt = f"Is {secrets['email']} <"
    with _client(realtime).realtime.connect(model=MODEL) as conn:
        conn.conversation.item.create(item=_user_item(prompt))
        conn.response.create()
        text, kinds = _answer(conn)
    assert text == "You said: " + prompt
    # the held "<" comes as one more delta, just before the event that released it
    done = kinds.index("response.output_text.done")
    assert kinds[done - 1] == "response.output_text.delta"
    sent_answer = realtime.reply_prefix + prompt.replace(secrets["email"], "<EMAIL_1>")
    server_deltas = -(-len(sent_answer) // realtime.chunk_size)
    assert kinds.count("response.output_text.delta") == server_deltas + 1


def test_async_events_are_scrubbed_and_the_answer_restored(
    make_guard: Any, realtime: FakeRealtime, secrets: dict[str, str], prompt: str
) -> None:
    make_guard()

    async def talk() -> str:
        client = openai.AsyncOpenAI(api_key="test", base_url="http://127.0.0.1:9/v1",
                                    websocket_base_url=realtime.ws_base_url, max_retries=0)
        async with client.realtime.connect(model=MODEL) as conn:
            await conn.conversation.item.create(item=_user_item(prompt))
            await conn.response.create()
            text = ""
            async for event in conn:
                if event.type == "response.output_text.delta":
                    text += event.delta
                if event.type == "response.done":
                    return text
        raise AssertionError("the connection ended before response.done")

    text = asyncio.run(talk())
    assert secrets["email"] not in _server_text(realtime)
    assert secrets["email"] in text
    assert secrets["card"] in text


def test_each_response_is_audited_with_its_usage_and_price(
    make_guard: Any, realtime: FakeRealtime, state: Any, prompt: str
) -> None:
    make_guard()
    with _client(realtime).realtime.connect(model=MODEL) as conn:
        conn.session.update(session={"type": "realtime", "instructions": "Be brief."})
        conn.conversation.item.create(item=_user_item(prompt))
        conn.response.create()
        _answer(conn)
    (entry,) = audit_entries(state)
    assert entry["endpoint"] == "/realtime"
    # the counts of every event sent before the response.create
    assert entry["scrubbed"]["email"] == 1
    assert entry["scrubbed"]["openai-api-key"] == 1
    assert_booked(entry, model=MODEL, prices=(32.00, 64.00))  # gpt-realtime's audio prices


def test_closing_before_the_answer_books_an_estimate(
    make_guard: Any, realtime: FakeRealtime, state: Any
) -> None:
    make_guard()
    with _client(realtime).realtime.connect(model=MODEL) as conn:
        conn.conversation.item.create(item=_user_item("Hello there"))
        conn.response.create()
    (entry,) = audit_entries(state)
    assert entry["usage_estimated"]
    assert entry["reason"] == "connection closed before response.done"
    assert entry["cost_usd"] > 0


def test_budget_refuses_response_create_before_it_is_sent(
    make_guard: Any, realtime: FakeRealtime, state: Any
) -> None:
    make_guard(budget_session=0.001)
    with _client(realtime).realtime.connect(model=MODEL) as conn:
        conn.conversation.item.create(item=_user_item("Hello there"))
        with pytest.raises(BudgetExceeded, match="session budget"):
            conn.response.create()
    kinds = [e.get("type") for e in realtime.events()]
    assert kinds == ["conversation.item.create"]
    (entry,) = audit_entries(state)
    assert entry["blocked"]
    assert "budget" in entry["reason"]


def test_repeating_the_same_turn_trips_the_loop_guard(
    make_guard: Any, realtime: FakeRealtime
) -> None:
    make_guard(max_repeats=2)
    with _client(realtime).realtime.connect(model=MODEL) as conn:
        for _ in range(2):
            conn.conversation.item.create(item=_user_item("Again"))
            conn.response.create()
            _answer(conn)
        conn.conversation.item.create(item=_user_item("Again"))
        with pytest.raises(LoopGuardTripped, match="same request"):
            conn.response.create()
        # a different turn is a different request
        conn.conversation.item.create(item=_user_item("Something else"))
        conn.response.create()
        _answer(conn)
    assert [e.get("type") for e in realtime.events()].count("response.create") == 3


def test_a_failing_scrubber_sends_nothing(
    make_guard: Any, realtime: FakeRealtime, prompt: str
) -> None:
    guard = make_guard()

    guard.scrubber = BrokenScrubber()
    with (
        _client(realtime).realtime.connect(model=MODEL) as conn,
        pytest.raises(ScrubError, match=r"scrubbing failed \(RuntimeError\)"),
    ):
        conn.conversation.item.create(item=_user_item(prompt))
    assert realtime.received == []


def test_a_message_that_is_not_json_is_not_sent(make_guard: Any, realtime: FakeRealtime) -> None:
    make_guard()
    with connect(realtime.ws_base_url + "/realtime", user_agent_header="OpenAI/Python 9") as ws:
        assert json.loads(ws.recv())["type"] == "session.created"
        with pytest.raises(ScrubError, match="could not be read"):
            ws.send("my card is on file")
        with pytest.raises(ScrubError, match="fragmented"):
            ws.send(["a", "b"])
    assert realtime.received == []


def test_other_websockets_are_left_alone(
    make_guard: Any, realtime: FakeRealtime, secrets: dict[str, str]
) -> None:
    """A connection that is not the SDK's, to a host that is not an AI API, is not touched."""
    make_guard()
    message = json.dumps({"type": "chat", "text": secrets["email"]})
    with connect(realtime.ws_base_url + "/chat", user_agent_header="my-app/1.0") as ws:
        ws.recv()
        ws.send(message)
        ws.send("not json at all")
    assert realtime.received[:2] == [message, "not json at all"]


def test_responses_api_over_a_websocket_is_one_call_per_response(
    guarded: Any, state: Any, secrets: dict[str, str]
) -> None:
    """The Responses API's websocket mode: the request rides in response.create itself."""
    session = guarded.open_socket("api.openai.com", "/v1/responses", {})
    request = {"type": "response.create", "model": "gpt-4o", "max_output_tokens": 50,
               "input": f"Write to {secrets['email']}"}
    sent = session.outgoing(json.dumps(request))
    assert secrets["email"] not in sent
    assert "<EMAIL_1>" in sent
    done = {"type": "response.completed", "response": {
        "model": "gpt-4o", "usage": {"input_tokens": 12, "output_tokens": 7},
        "output": [{"type": "message", "content": [{"type": "output_text",
                                                     "text": "Sent to <EMAIL_1>"}]}]}}
    received = json.loads(session.incoming(json.dumps(done).encode()))
    assert received["response"]["output"][0]["content"][0]["text"] == (
        f"Sent to {secrets['email']}")
    guarded.flush()
    (entry,) = audit_entries(state)
    assert entry["endpoint"] == "/responses"
    assert (entry["input_tokens"], entry["output_tokens"]) == (12, 7)
    assert not entry["usage_estimated"]
    assert entry["reason"] is None


def test_audio_does_not_count_as_text_in_the_budget_estimate(
    make_guard: Any, realtime: FakeRealtime, state: Any
) -> None:
    """A minute of base64 audio is not a million tokens: the budget check lets the turn go."""
    make_guard(budget_session=0.5)
    second_of_audio = "A" * 64_000  # 24 kHz 16-bit mono, base64
    with _client(realtime).realtime.connect(model=MODEL) as conn:
        for _ in range(60):
            conn.input_audio_buffer.append(audio=second_of_audio)
        conn.input_audio_buffer.commit()
        conn.response.create()
        _answer(conn)
    (entry,) = audit_entries(state)
    assert not entry["blocked"]
    assert entry["cost_usd"] < 0.5


def test_events_with_nothing_to_restore_pass_byte_for_byte(
    guarded: Any, secrets: dict[str, str]
) -> None:
    session = guarded.open_socket("api.openai.com", "/v1/realtime?model=gpt-realtime", {})
    session.outgoing(json.dumps({"type": "conversation.item.create",
                                 "item": _user_item(secrets["email"])}))
    assert guarded.scrubber.vault  # there is something that could be restored
    audio = json.dumps({"type": "response.output_audio.delta", "item_id": "i",
                        "delta": "UklGRi4AAABXQVZF" * 500}, separators=(",", ":"))
    assert session.incoming(audio) is audio
    text = json.dumps({"type": "response.output_text.delta", "item_id": "i",
                       "delta": "To <EMAIL_1>."})
    assert json.loads(session.incoming(text))["delta"] == f"To {secrets['email']}."


def test_websockets_imported_after_the_guard_are_patched_on_import(
    tmp_path: Any, secrets: dict[str, str]
) -> None:
    """As in a notebook: %load_ext first; the SDK imports websockets only when it connects."""
    code = textwrap.dedent(f"""
        import json, sys
        from aisafe_nb.policy import Policy
        from aisafe_nb.intercept.install import guard
        guard(Policy(state_dir={str(tmp_path)!r}))
        before = "websockets" in sys.modules
        import openai
        from aisafe_nb.testing.fake_realtime import FakeRealtime
        with FakeRealtime() as server:
            client = openai.OpenAI(api_key="t", base_url="http://127.0.0.1:9/v1",
                                   websocket_base_url=server.ws_base_url)
            with client.realtime.connect(model="gpt-realtime") as conn:
                conn.conversation.item.create(item={{"type": "message", "role": "user",
                    "content": [{{"type": "input_text", "text": {secrets['email']!r}}}]}})
                conn.response.create()
                text = ""
                for event in conn:
                    if event.type == "response.output_text.delta":
                        text += event.delta
                    if event.type == "response.done":
                        break
        print(json.dumps({{"before": before, "sent": server.received, "text": text}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["before"] is False
    assert secrets["email"] not in "".join(result["sent"])
    assert result["text"].endswith(secrets["email"])


def test_unguard_restores_the_websocket_methods(make_guard: Any) -> None:
    from websockets.asyncio.connection import Connection as AsyncConnection
    from websockets.sync.connection import Connection

    originals = {(cls, m): getattr(cls, m) for cls in (Connection, AsyncConnection)
                 for m in ("send", "recv", "close")}
    make_guard()
    for (cls, method), original in originals.items():
        assert getattr(cls, method).__aisafe_original__ is original
    install.unguard()
    for (cls, method), original in originals.items():
        assert getattr(cls, method) is original
