"""The API guard over a websocket: the Realtime API's events, scrubbed and restored.

Over HTTP one request is one call. A Realtime session is one long connection instead: the
client sends JSON events (session settings, conversation items, ``response.create``) and
the server streams events back. So here:

* every client event is scrubbed on its own before it is sent, with the same walk as a
  request body (audio, a base64 field, is skipped like any inline binary). An event that
  cannot be scrubbed (not JSON, or the scrubber failed) is not sent: fail closed;
* each ``response.create`` is one call: it passes the loop guard and the budget check,
  and carries the counts of what was scrubbed since the previous one. Its "same request
  again" digest covers every event sent since then, since ``response.create`` itself is
  usually the same few bytes each turn. It is booked when the event that ends it arrives
  (``response.done``, or the Responses API's ``response.completed``...) with the usage it
  reports, or at an estimate when the next one starts first or the connection closes;
* server events are restored like SSE events (`StreamRestorer`): a placeholder split
  across two deltas is held back until it is complete, and held text arrives as an
  extra event of the same shape.

The websocket library's adapter (`ws_adapters`) calls `outgoing` and `incoming`; this
module imports no websocket library.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter, deque
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aisafe_nb.intercept.audit import AuditEntry
from aisafe_nb.intercept.body import BINARY_KEYS
from aisafe_nb.intercept.guard import Call, Guard, endpoint_of
from aisafe_nb.intercept.jsonwalk import map_strings
from aisafe_nb.intercept.limits import requested_output_tokens
from aisafe_nb.intercept.restore import StreamRestorer
from aisafe_nb.intercept.usage import FINAL_RESPONSE_EVENTS, estimate_tokens

#: The client event that asks the model to answer: one call each (the Realtime API's, and
#: the Responses API's over a websocket, which carries the whole request).
RESPONSE_CREATE = "response.create"

Message = str | bytes


class SocketSession:
    """One guarded websocket connection to an AI API. Thread-safe."""

    def __init__(self, guard: Guard, host: str, path: str) -> None:
        self._guard = guard
        self.host = host
        parts = urlsplit(path)
        self.endpoint = endpoint_of(parts.path)
        models = parse_qs(parts.query).get("model")
        self.model: str | None = models[0] if models else None
        self._lock = threading.Lock()
        self._scrubbed: Counter[str] = Counter()  # since the last response.create
        self._digest = hashlib.sha256()  # of the events sent since then
        self._sent_chars = 0
        self._call: Call | None = None
        self._restorer: StreamRestorer | None = None
        self._ready: deque[Message] = deque()  # restored events not yet received

    # --- client events ---

    def outgoing(self, message: Message) -> Message:
        """The event to send in place of `message`.

        Raises `ScrubError`, `BlockedContent`, `BudgetExceeded` or `LoopGuardTripped`
        (as the SDK's error type); the event is then not sent.
        """
        content = message.encode() if isinstance(message, str) else bytes(message)
        entry = AuditEntry(time=time.time(), host=self.host, endpoint=self.endpoint,
                           model=self.model, stream=True)
        with self._lock:
            body, scrubbed = self._guard.scrub_message(content, entry)
            self._scrubbed.update(entry.scrubbed)
            self._digest.update(scrubbed or content)
            self._sent_chars += _text_chars(body)
            if isinstance(body, dict) and body.get("type") == RESPONSE_CREATE:
                self._begin_response(body, entry)
        if scrubbed is None:
            return message
        return scrubbed.decode() if isinstance(message, str) else scrubbed

    def _begin_response(self, body: dict[str, Any], entry: AuditEntry) -> None:
        if self._call is not None:  # the previous answer never reported its end
            self._call.finish(reason="no response.done before the next response")
            self._call = None
        entry.scrubbed = dict(self._scrubbed)
        # Realtime nests the options in "response"; the Responses API sends them at the top
        options = body["response"] if isinstance(body.get("response"), dict) else body
        input_tokens = estimate_tokens(self._sent_chars)
        digest = self._digest.hexdigest()
        self._scrubbed.clear()
        self._digest = hashlib.sha256()
        self._sent_chars = 0
        reserved = self._guard.admit_call(
            entry,
            digest=digest,
            input_tokens=input_tokens,
            # ``max_output_tokens``, or the default when unset or "inf"
            output_tokens=requested_output_tokens(options, self.endpoint),
        )
        self._call = Call(self._guard, entry, input_tokens, reserved)

    # --- server events ---

    def take_ready(self) -> Message | None:
        """A restored event waiting to be received (held text released), or None."""
        with self._lock:
            return self._ready.popleft() if self._ready else None

    def incoming(self, message: Message) -> Message:
        """The event to hand to the caller for a received `message` (others may queue)."""
        try:
            event = json.loads(message)
        except (ValueError, UnicodeDecodeError):
            return message  # not an API event: passed on as it came
        with self._lock:
            self._account(event)
            vault = self._guard.scrubber.vault
            if not vault:
                return message
            if self._restorer is None:
                self._restorer = StreamRestorer(vault)
            out = self._restorer.process([], event)
            if len(out) == 1 and out[0][1] == event:  # nothing restored (audio deltas...)
                return message
            encoded = [_encode(payload, like=message) for _, payload in out]
            self._ready.extend(encoded[1:])
            return encoded[0]

    def _account(self, event: Any) -> None:
        call = self._call
        if call is None:
            return
        call.on_payload(event)
        if isinstance(event, dict) and event.get("type") in FINAL_RESPONSE_EVENTS:
            call.finish(status=200)
            self._call = None

    def close(self) -> None:
        """The connection ended: book an answer still open at an estimate."""
        with self._lock:
            if self._call is not None:
                self._call.finish(reason="connection closed before response.done")
                self._call = None


def _text_chars(body: Any) -> int:
    """Characters of text in an event, for the input estimate of the next call.

    Audio (base64, under the binary keys) is left out: its length says little about its
    tokens, and counted as text it would turn a minute of speech into a million tokens and
    trip any budget. What audio really costs is booked from ``response.done``'s usage.
    """
    total = 0

    def count(text: str, key: str | None) -> str:
        nonlocal total
        total += len(text)
        return text

    map_strings(body, count, skip_keys=BINARY_KEYS)
    return total


def _encode(payload: Any, *, like: Message) -> Message:
    text = json.dumps(payload, ensure_ascii=False)
    return text if isinstance(like, str) else text.encode()
