"""A local OpenAI-compatible HTTP server for tests and the demo: no network, no key.

`FakeOpenAI` listens on 127.0.0.1 (a free port) in a background thread, records every
request it receives, and answers like the OpenAI API: chat completions (plain, streamed
with or without usage, tool calls), the Responses API (plain and streamed), embeddings,
legacy completions, Anthropic's Messages API and Gemini's generateContent. Answers echo
the last user text, so a test can check that the server saw placeholders while the user
sees their data restored. Failure modes (HTTP errors, malformed JSON, truncated bodies and
streams) test the unhappy paths.

Run it for a demo: ``python -m aisafe_nb.testing.fake_openai --port 8765``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

Failure = Literal["status", "malformed", "truncated", "truncated_stream"]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or the raw text when it was not JSON


@dataclass(slots=True)
class _Fault:
    kind: Failure
    status: int = 500


@dataclass
class FakeOpenAI:
    """The server. Use as a context manager, or call `start()` and `stop()`.

    `chunk_size` is the number of characters per streamed text delta: small values split
    placeholders such as ``<EMAIL_1>`` across events, as real models do.
    """

    port: int = 0
    chunk_size: int = 4
    reply_prefix: str = "You said: "
    log: Any = None  # a text stream: each received body is printed to it (demo)
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._faults: deque[_Fault] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---

    def start(self) -> FakeOpenAI:
        """Start listening (in a daemon thread)."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and wait for the thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The URL to pass as ``base_url`` to an OpenAI client (ends in ``/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    # --- failure modes ---

    def fail(self, kind: Failure = "status", *, times: int = 1, status: int = 500) -> None:
        """Make the next `times` requests fail with `kind`."""
        with self._lock:
            self._faults.extend(_Fault(kind, status) for _ in range(times))

    def _next_fault(self) -> _Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def record(self, request: RecordedRequest) -> None:
        """Keep `request` (and print it when a log stream is set)."""
        with self._lock:
            self.requests.append(request)
        if self.log is not None:
            print(
                json.dumps({"path": request.path, "body": request.body}), file=self.log, flush=True
            )

    def bodies(self) -> list[str]:
        """Every received body as JSON text (convenient for "never contains" checks)."""
        with self._lock:
            return [json.dumps(r.body, ensure_ascii=False) for r in self.requests]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr line."""

    def do_GET(self) -> None:
        self.fake.record(RecordedRequest("GET", self.path, dict(self.headers), None))
        self._json(200, {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace")
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        self.fake.record(RecordedRequest("POST", self.path, dict(self.headers), body))
        fault = self.fake._next_fault()
        if fault is not None and fault.kind == "status":
            self._json(fault.status, {"error": {"message": "fake failure", "type": "server_error"}})
            return
        if fault is not None and fault.kind == "malformed":
            self._raw(200, "application/json", b'{"id": "chatcmpl-broken", "choices": [')
            return
        if not isinstance(body, dict):
            self._json(400, {"error": {"message": "body must be JSON", "type": "invalid_request"}})
            return
        route = self.path.split("?", 1)[0].removeprefix("/v1beta").removeprefix("/v1")
        if route.startswith("/models/") and ":" in route:  # Gemini: /models/<model>:<method>
            model, _, method = route.removeprefix("/models/").partition(":")
            body = {**body, "model": model, "stream": method == "streamGenerateContent"}
            route = "/models:generateContent"
        answer = _ROUTES.get(route)
        if answer is None:
            self._json(404, {"error": {"message": f"no route {route}", "type": "not_found"}})
            return
        if body.get("stream"):
            events = list(answer(self.fake, body, True))
            self._stream(events, truncated=fault is not None and fault.kind == "truncated_stream")
        else:
            result = next(answer(self.fake, body, False))
            if fault is not None and fault.kind == "truncated":
                data = json.dumps(result).encode()
                self._raw(200, "application/json", data[: len(data) // 2], length=len(data))
            else:
                self._json(200, result)

    # --- writing ---

    def _json(self, status: int, payload: Any) -> None:
        self._raw(status, "application/json", json.dumps(payload).encode())

    def _raw(self, status: int, ctype: str, data: bytes, *, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(data) if length is None else length))
        if length is not None:
            self.send_header("connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _stream(self, events: list[tuple[str | None, Any]], *, truncated: bool) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        if truncated:
            events = events[: max(1, len(events) // 2)]
        for name, payload in events:
            data = "[DONE]" if payload == "[DONE]" else json.dumps(payload)
            text = (f"event: {name}\n" if name else "") + f"data: {data}\n\n"
            self._chunk(text.encode())
        if truncated:
            # end the connection without the terminating chunk: a broken stream
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


# --- answers ------------------------------------------------------------------------

Events = Iterator[Any]


def text_of(value: Any) -> str:
    """The text of a message content / input value (string, parts or items)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(text_of(v) for v in value)
    if isinstance(value, dict):
        for key in ("text", "content", "input"):
            if key in value:
                return text_of(value[key])
    return ""


def _last_user_text(body: dict[str, Any]) -> str:
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "user":
                return text_of(message.get("content"))
    if "input" in body:
        items = body["input"]
        if isinstance(items, list):
            users = [i for i in items if isinstance(i, dict) and i.get("role", "user") == "user"]
            return text_of(users[-1]) if users else text_of(items)
        return text_of(items)
    return text_of(body.get("prompt", ""))


def token_count(text: str) -> int:
    return max(1, len(text) // 4)


def _capped(tokens: int, body: dict[str, Any]) -> int:
    """Usage never exceeds the request's output limit (the text is not cut, for echo tests)."""
    for key in ("max_completion_tokens", "max_tokens", "max_output_tokens"):
        limit = body.get(key)
        if isinstance(limit, int):
            return min(tokens, limit)
    return tokens


def pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), max(1, size))] or [""]


def _chat(fake: FakeOpenAI, body: dict[str, Any], stream: bool) -> Events:
    model = str(body.get("model", "gpt-4o-mini"))
    user = _last_user_text(body)
    reply = fake.reply_prefix + user
    if (body.get("response_format") or {}).get("type") in ("json_object", "json_schema"):
        reply = json.dumps({"text": user})  # JSON mode: the answer is a JSON document
    usage = {
        "prompt_tokens": token_count(json.dumps(body.get("messages"))),
        "completion_tokens": _capped(token_count(reply), body),
    }
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    base = {"id": "chatcmpl-fake", "created": int(time.time()), "model": model}
    wants_tool = bool(body.get("tools"))
    arguments = json.dumps({"text": user})
    if not stream:
        message: dict[str, Any] = {"role": "assistant", "content": None if wants_tool else reply}
        if wants_tool:
            message["tool_calls"] = [_tool_call(body, arguments)]
        choice = {
            "index": 0,
            "message": message,
            "finish_reason": "tool_calls" if wants_tool else "stop",
            "logprobs": None,
        }
        yield {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
        return
    chunk = {**base, "object": "chat.completion.chunk"}
    events: list[tuple[str | None, Any]] = []

    def delta(d: dict[str, Any], finish: str | None = None) -> tuple[None, Any]:
        return None, {
            **chunk,
            "choices": [{"index": 0, "delta": d, "finish_reason": finish, "logprobs": None}],
        }

    events.append(delta({"role": "assistant", "content": ""}))
    if wants_tool:
        call = _tool_call(body, "")
        events.append(delta({"tool_calls": [{"index": 0, **call}]}))
        for piece in pieces(arguments, fake.chunk_size):
            events.append(delta({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
    else:
        events.extend(delta({"content": piece}) for piece in pieces(reply, fake.chunk_size))
    events.append(delta({}, "tool_calls" if wants_tool else "stop"))
    options = body.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage"):
        events.append((None, {**chunk, "choices": [], "usage": usage}))
    events.append((None, "[DONE]"))
    yield from events


def _tool_call(body: dict[str, Any], arguments: str) -> dict[str, Any]:
    tool = body["tools"][0]
    name = tool.get("function", {}).get("name", "tool") if isinstance(tool, dict) else "tool"
    return {
        "id": "call_fake",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def _responses(fake: FakeOpenAI, body: dict[str, Any], stream: bool) -> Events:
    model = str(body.get("model", "gpt-4o-mini"))
    reply = fake.reply_prefix + _last_user_text(body)
    n_in, n_out = token_count(json.dumps(body.get("input"))), _capped(token_count(reply), body)
    usage = {
        "input_tokens": n_in,
        "output_tokens": n_out,
        "total_tokens": n_in + n_out,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 0},
    }
    text_part = {"type": "output_text", "text": reply, "annotations": []}
    item = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [text_part],
    }
    response = {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "model": model,
        "status": "completed",
        "output": [item],
        "usage": usage,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }
    if not stream:
        yield response
        return
    seq = iter(range(1_000_000))
    pending = {**response, "status": "in_progress", "output": [], "usage": None}
    yield (
        "response.created",
        {"type": "response.created", "sequence_number": next(seq), "response": pending},
    )
    empty_item = {**item, "status": "in_progress", "content": []}
    yield (
        "response.output_item.added",
        {
            "type": "response.output_item.added",
            "sequence_number": next(seq),
            "output_index": 0,
            "item": empty_item,
        },
    )
    where = {"item_id": "msg_fake", "output_index": 0, "content_index": 0}
    yield (
        "response.content_part.added",
        {
            "type": "response.content_part.added",
            "sequence_number": next(seq),
            **where,
            "part": {"type": "output_text", "text": "", "annotations": []},
        },
    )
    for piece in pieces(reply, fake.chunk_size):
        yield (
            "response.output_text.delta",
            {
                "type": "response.output_text.delta",
                "sequence_number": next(seq),
                **where,
                "delta": piece,
                "logprobs": [],
            },
        )
    yield (
        "response.output_text.done",
        {
            "type": "response.output_text.done",
            "sequence_number": next(seq),
            **where,
            "text": reply,
            "logprobs": [],
        },
    )
    yield (
        "response.output_item.done",
        {
            "type": "response.output_item.done",
            "sequence_number": next(seq),
            "output_index": 0,
            "item": item,
        },
    )
    yield (
        "response.completed",
        {
            "type": "response.completed",
            "sequence_number": next(seq),
            "response": response,
        },
    )


def _embeddings(fake: FakeOpenAI, body: dict[str, Any], stream: bool) -> Events:
    inputs = body.get("input")
    items = inputs if isinstance(inputs, list) else [inputs]
    data = [
        {"object": "embedding", "index": i, "embedding": [0.1, 0.2, float(len(str(x)) % 7)]}
        for i, x in enumerate(items)
    ]
    tokens = token_count(json.dumps(inputs))
    yield {
        "object": "list",
        "data": data,
        "model": body.get("model", "text-embedding-3-small"),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def _completions(fake: FakeOpenAI, body: dict[str, Any], stream: bool) -> Events:
    model = str(body.get("model", "gpt-3.5-turbo-instruct"))
    reply = fake.reply_prefix + text_of(body.get("prompt", ""))
    usage = {
        "prompt_tokens": token_count(json.dumps(body.get("prompt"))),
        "completion_tokens": _capped(token_count(reply), body),
    }
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    base = {
        "id": "cmpl-fake",
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
    }
    if not stream:
        choice = {"index": 0, "text": reply, "finish_reason": "stop", "logprobs": None}
        yield {**base, "choices": [choice], "usage": usage}
        return
    for piece in pieces(reply, fake.chunk_size):
        yield (
            None,
            {
                **base,
                "choices": [{"index": 0, "text": piece, "finish_reason": None, "logprobs": None}],
            },
        )
    yield (
        None,
        {**base, "choices": [{"index": 0, "text": "", "finish_reason": "stop", "logprobs": None}]},
    )
    yield None, "[DONE]"


def _messages(fake: FakeOpenAI, body: dict[str, Any], stream: bool) -> Events:
    """Anthropic's Messages API (``/v1/messages``), which the guard covers as well."""
    model = str(body.get("model", "claude-sonnet-4-5"))
    reply = fake.reply_prefix + _last_user_text(body)
    n_in = token_count(json.dumps(body.get("messages")))
    n_out = min(token_count(reply), int(body.get("max_tokens") or 1024))
    usage = {"input_tokens": n_in, "output_tokens": n_out, "cache_read_input_tokens": 0,
             "cache_creation_input_tokens": 0}
    message = {"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
               "content": [{"type": "text", "text": reply}], "stop_reason": "end_turn",
               "stop_sequence": None, "usage": usage}
    if not stream:
        yield message
        return
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**usage, "output_tokens": 1}}
    yield "message_start", {"type": "message_start", "message": start}
    yield "content_block_start", {"type": "content_block_start", "index": 0,
                                  "content_block": {"type": "text", "text": ""}}
    for piece in pieces(reply, fake.chunk_size):
        yield "content_block_delta", {"type": "content_block_delta", "index": 0,
                                      "delta": {"type": "text_delta", "text": piece}}
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    yield "message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                            "usage": {"output_tokens": n_out}}
    yield "message_stop", {"type": "message_stop"}


def _gemini(fake: FakeOpenAI, body: dict[str, Any], stream: bool) -> Events:
    """Google's Gemini API (``models/<model>:generateContent``, streamed with ``alt=sse``)."""
    contents = body.get("contents") or []
    users = [c for c in contents if isinstance(c, dict) and c.get("role", "user") == "user"]
    reply = fake.reply_prefix + (text_of(users[-1].get("parts")) if users else "")
    n_in = token_count(json.dumps(contents))
    n_out = token_count(reply)

    def chunk(text: str, *, last: bool, prompt: int, out: int) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]},
                                     "index": 0}
        if last:
            candidate["finishReason"] = "STOP"
        return {"candidates": [candidate], "modelVersion": body["model"],
                "usageMetadata": {"promptTokenCount": prompt, "candidatesTokenCount": out,
                                  "totalTokenCount": prompt + out}}

    if not stream:
        yield chunk(reply, last=True, prompt=n_in, out=n_out)
        return
    parts = pieces(reply, fake.chunk_size)
    for number, piece in enumerate(parts, 1):
        last = number == len(parts)
        # like Gemini, every chunk reports usage so far
        yield chunk(piece, last=last, prompt=n_in, out=n_out if last else number)


def _as_events(fn: Any) -> Any:
    """Non-stream answers are bare payloads; streamed ones are (event name, payload)."""

    def wrapped(fake: FakeOpenAI, body: dict[str, Any], stream: bool) -> Events:
        for item in fn(fake, body, stream):
            yield item if not stream or isinstance(item, tuple) else (None, item)

    return wrapped


_ROUTES = {
    "/chat/completions": _as_events(_chat),
    "/responses": _as_events(_responses),
    "/embeddings": _as_events(_embeddings),
    "/completions": _as_events(_completions),
    "/messages": _as_events(_messages),
    "/models:generateContent": _as_events(_gemini),
}


def main(argv: list[str] | None = None) -> int:
    """Run the server in the foreground, printing each received body as one JSON line."""
    parser = argparse.ArgumentParser(description="A local OpenAI-compatible fake server.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--chunk-size", type=int, default=4)
    args = parser.parse_args(argv)
    server = FakeOpenAI(port=args.port, chunk_size=args.chunk_size, log=sys.stdout).start()
    print(f"fake OpenAI API listening on {server.base_url}", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
