"""Restoring placeholders in JSON and in SSE byte streams cut at any point."""

from __future__ import annotations

import json

import pytest

from aisafe_nb.intercept.restore import StreamRestorer, restore_json, restore_text
from aisafe_nb.intercept.taps import SSETap

VAULT = {"<PERSON_NAME_1>": 'Jo "JJ" O\\Brien', "<EMAIL_1>": "jo" + "@" + "mail.test"}


def chat_stream(pieces, *, usage=True):
    events = []
    for piece in pieces:
        choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
        events.append({"id": "c", "model": "m", "choices": [choice]})
    events.append(
        {"id": "c", "model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    )
    if usage:
        events.append(
            {"id": "c", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}
        )
    raw = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
    return raw + b"data: [DONE]\n\n"


def run_tap(raw: bytes, cut: int, vault=VAULT):
    seen = []
    tap = SSETap(seen.append, StreamRestorer(vault))
    out = b"".join(tap.feed(raw[i : i + cut]) for i in range(0, len(raw), cut)) + tap.finish()
    return out, seen


def parse_sse(out: bytes):
    events = [e for e in out.split(b"\n\n") if e.strip()]
    payloads = [e.split(b"data: ", 1)[1] for e in events]
    assert payloads[-1] == b"[DONE]"
    return [json.loads(p) for p in payloads[:-1]]


@pytest.mark.parametrize("cut", [1, 2, 7, 50, 10_000])
def test_split_placeholder_restored_whatever_the_byte_cuts(cut):
    raw = chat_stream(["Hi <PERS", "ON_NAME", "_1>, mail <", "EMAIL_1", "> now <", "b>"])
    out, seen = run_tap(raw, cut)
    events = parse_sse(out)  # still valid SSE + JSON
    text = "".join(
        c["delta"].get("content") or "" for e in events for c in e["choices"] if "delta" in c
    )
    assert text == f"Hi {VAULT['<PERSON_NAME_1>']}, mail {VAULT['<EMAIL_1>']} now <b>"
    assert any(isinstance(p, dict) and p.get("usage") for p in seen)


def test_held_text_flushed_at_end_of_truncated_stream():
    raw = chat_stream(["mail <EMA"], usage=False).split(
        b'data: {"id": "c", "model": "m", "choices": [{"index": 0, "delta": {}'
    )[0]
    out, _ = run_tap(raw, 5)
    assert b"<EMA" in out  # nothing is lost, even when it cannot be completed


def test_passthrough_when_nothing_to_restore():
    raw = chat_stream(["plain ", "text"])
    seen = []
    tap = SSETap(seen.append, None)
    out = b"".join(tap.feed(raw[i : i + 3]) for i in range(0, len(raw), 3)) + tap.finish()
    assert out == raw
    assert seen[-1] == "[DONE]"


def test_tool_arguments_restored_with_json_escaping():
    args = json.dumps({"who": "<PERSON_NAME_1>"})
    restored = restore_json({"function": {"arguments": args}}, VAULT)
    assert json.loads(restored["function"]["arguments"]) == {"who": VAULT["<PERSON_NAME_1>"]}


def test_unknown_placeholders_and_plain_text_untouched():
    assert restore_text("a <EMAIL_9> b <i>", VAULT) == "a <EMAIL_9> b <i>"
    assert restore_text("no placeholders", {}) == "no placeholders"


def test_responses_stream_events():
    restorer = StreamRestorer(VAULT)
    base = {
        "type": "response.output_text.delta",
        "item_id": "m",
        "output_index": 0,
        "content_index": 0,
    }
    out = []
    for piece in ["to <EMA", "IL_1>!"]:
        out += restorer.process([b"event: response.output_text.delta"], {**base, "delta": piece})
    done = {"type": "response.output_text.done", "text": "to <EMAIL_1>!"}
    out += restorer.process([b"event: response.output_text.done"], done)
    deltas = "".join(p["delta"] for _, p in out if p["type"].endswith(".delta"))
    assert deltas == f"to {VAULT['<EMAIL_1>']}!"
    assert out[-1][1]["text"] == f"to {VAULT['<EMAIL_1>']}!"


def test_anthropic_block_deltas_text_and_tool_input():
    """content_block_delta: text restored as text, tool input (JSON) restored JSON-escaped,
    and text held at a block's end released before its content_block_stop."""
    restorer = StreamRestorer(VAULT)
    lines = [b"event: content_block_delta"]

    def delta(index, kind, field, piece):
        return {"type": "content_block_delta", "index": index,
                "delta": {"type": kind, field: piece}}

    out = []
    for piece in ["Hi <PERSON", "_NAME_1>, <EM"]:
        out += restorer.process(lines, delta(0, "text_delta", "text", piece))
    out += restorer.process([b"event: content_block_stop"],
                            {"type": "content_block_stop", "index": 0})
    for piece in ['{"to": "<PER', 'SON_NAME_1>"}']:
        out += restorer.process(lines, delta(1, "input_json_delta", "partial_json", piece))
    text = "".join(p["delta"]["text"] for _, p in out if p.get("index") == 0 and "delta" in p)
    assert text == f"Hi {VAULT['<PERSON_NAME_1>']}, <EM"
    stop = next(i for i, (_, p) in enumerate(out) if p["type"] == "content_block_stop")
    assert out[stop - 1] == (lines, delta(0, "text_delta", "text", "<EM"))  # held, then released
    tool_input = "".join(p["delta"]["partial_json"] for _, p in out if p.get("index") == 1)
    assert json.loads(tool_input) == {"to": VAULT["<PERSON_NAME_1>"]}


def test_gemini_chunks_restored_and_held_text_released_at_finish():
    restorer = StreamRestorer(VAULT)

    def chunk(text, finish=None):
        candidate = {"index": 0, "content": {"role": "model", "parts": [{"text": text}]}}
        if finish:
            candidate["finishReason"] = finish
        return {"candidates": [candidate], "modelVersion": "gemini-x"}

    out = []
    for piece, finish in [("Hi <EMA", None), ("IL_1> <", "STOP")]:
        out += restorer.process([], chunk(piece, finish))
    texts = [p["candidates"][0]["content"]["parts"][0]["text"] for _, p in out]
    assert "".join(texts) == f"Hi {VAULT['<EMAIL_1>']} <"
    # the "<" held at the finishing chunk comes right after it, as one more chunk
    assert out[1][1]["candidates"][0]["finishReason"] == "STOP"
    assert texts[-1] == "<"
    assert not restorer.holding


def test_memo_scrubber_reuses_results_and_keeps_placeholders():
    from aisafe_nb.intercept.memo import MemoScrubber
    from aisafe_nb.scrub import Scrubber
    from tests import fakes

    calls = []

    class Counting(Scrubber):
        def scrub(self, text):
            calls.append(text)
            return super().scrub(text)

    memo = MemoScrubber(Counting(), max_entries=2)
    long_text = f"Earlier in this conversation you wrote to {fakes.email(1)} about the invoice."
    first = memo.scrub(long_text)
    again = memo.scrub(long_text)
    assert again is first
    assert len(calls) == 1
    assert "<EMAIL_1>" in first.text
    assert memo.vault["<EMAIL_1>"] == fakes.email(1)
    memo.scrub("x" * 70)
    memo.scrub("y" * 70)  # evicts the oldest entry
    memo.scrub(long_text)
    assert len(calls) == 4
    memo.scrub("short")
    memo.scrub("short")
    assert calls.count("short") == 2  # short texts are not stored


def test_escaped_angle_brackets_are_restored_too():
    data = '{"choices": [{"index": 0, "delta": {"content": "hi \\u003cEMAIL_1\\u003e"}}]}'
    raw = b"data: " + data.encode() + b"\n\ndata: [DONE]\n\n"
    out, _ = run_tap(raw, 4)
    assert parse_sse(out)[0]["choices"][0]["delta"]["content"] == f"hi {VAULT['<EMAIL_1>']}"


def test_events_without_placeholders_pass_byte_for_byte():
    raw = chat_stream(["plain ", "text"])
    out, seen = run_tap(raw, 9)
    assert out == raw
    assert len(seen) == 5


def test_json_mode_answers_stay_valid_json():
    content = json.dumps({"who": "<PERSON_NAME_1>", "note": "x"})
    answer = {"choices": [{"message": {"content": content}}]}
    plain = restore_json(answer, VAULT)
    with pytest.raises(ValueError, match="Expecting"):
        json.loads(plain["choices"][0]["message"]["content"])  # why JSON mode needs escaping
    escaped = restore_json(answer, VAULT, escape_all=True)
    parsed = json.loads(escaped["choices"][0]["message"]["content"])
    assert parsed["who"] == VAULT["<PERSON_NAME_1>"]
