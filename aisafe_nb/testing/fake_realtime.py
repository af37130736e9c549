"""A local Realtime API server (websocket) for tests: no network, no key.

`FakeRealtime` listens on 127.0.0.1 (a free port) in a background thread and speaks
enough of the Realtime protocol for the OpenAI SDK's ``client.realtime.connect``: it
sends ``session.created``, echoes each ``conversation.item.create`` as
``conversation.item.created``, and answers ``response.create`` with the last user text
streamed as ``response.output_text.delta`` events (`chunk_size` characters each, so
placeholders get split as real models split them), ``response.output_text.done`` and a
``response.done`` that reports usage. Every message it receives is recorded as it came.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aisafe_nb.testing.fake_openai import pieces, text_of, token_count


@dataclass
class FakeRealtime:
    """The server. Use as a context manager; `ws_base_url` is the SDK's websocket_base_url."""

    chunk_size: int = 4
    reply_prefix: str = "You said: "
    received: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)

    def __enter__(self) -> FakeRealtime:
        from websockets.sync.server import serve

        self._server = serve(self._handle, "127.0.0.1", 0, max_size=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def ws_base_url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/v1"

    def events(self) -> list[Any]:
        """The received messages, parsed (a message that is not JSON stays text)."""
        out: list[Any] = []
        for text in self.received:
            try:
                out.append(json.loads(text))
            except ValueError:
                out.append(text)
        return out

    def _event(self, kind: str, **fields: Any) -> str:
        return json.dumps({"type": kind, "event_id": f"evt_{next(self._ids)}", **fields})

    def _handle(self, connection: Any) -> None:
        model = connection.request.path.partition("model=")[2] or "gpt-realtime"
        connection.send(self._event("session.created", session={"model": model}))
        last_text = ""
        for message in connection:
            text = message if isinstance(message, str) else message.decode("utf-8", "replace")
            self.received.append(text)
            try:
                event = json.loads(text)
            except ValueError:
                connection.send(self._event("error", error={"message": "invalid JSON"}))
                continue
            kind = event.get("type") if isinstance(event, dict) else None
            if kind == "conversation.item.create":
                item = event.get("item") or {}
                last_text = text_of(item.get("content")) or last_text
                connection.send(self._event("conversation.item.created", item=item))
            elif kind == "response.create":
                self._respond(connection, model, self.reply_prefix + last_text, last_text)

    def _respond(self, connection: Any, model: str, answer: str, prompt: str) -> None:
        ids = {"response_id": "resp_1", "item_id": "item_1", "output_index": 0,
               "content_index": 0}
        for piece in pieces(answer, self.chunk_size):
            connection.send(self._event("response.output_text.delta", delta=piece, **ids))
        connection.send(self._event("response.output_text.done", text=answer, **ids))
        usage = {"total_tokens": token_count(prompt) + token_count(answer),
                 "input_tokens": token_count(prompt), "output_tokens": token_count(answer),
                 "input_token_details": {"cached_tokens": 0}}
        connection.send(self._event("response.done", response={
            "id": "resp_1", "object": "realtime.response", "status": "completed",
            "model": model, "usage": usage,
            "output": [{"id": "item_1", "type": "message", "role": "assistant",
                        "content": [{"type": "output_text", "text": answer}]}],
        }))
