"""Byte-level processors for answers: SSE streams and buffered JSON bodies.

The HTTP adapters hand every chunk of an answer to a tap and forward what it returns.
`SSETap` cuts the byte stream into events as they arrive (usage must be read
incrementally: the SDK stops reading after ``[DONE]``), reports each payload for usage
accounting and, when there is something to restore, rewrites the events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aisafe_nb.intercept.restore import StreamRestorer, restore_json

DONE = "[DONE]"
_SEPARATORS = (b"\r\n\r\n", b"\n\n", b"\r\r")


class Tap(Protocol):
    """What the adapters need from a processor of answer bytes."""

    def feed(self, chunk: bytes) -> bytes:
        """Bytes to pass on for an incoming chunk."""
        ...

    def finish(self) -> bytes:
        """Bytes still to pass on when the answer ended."""
        ...


class SSETap:
    """Parses server-sent events; restores placeholders in them when a restorer is given."""

    def __init__(self, on_payload: Callable[[Any], None], restorer: StreamRestorer | None) -> None:
        self._on_payload = on_payload
        self._restorer = restorer
        self._buffer = b""

    def feed(self, chunk: bytes) -> bytes:
        """Process complete events in `chunk`; pass through or rewrite."""
        self._buffer += chunk
        out: list[bytes] = []
        while True:
            cut, sep = _find_separator(self._buffer)
            if cut < 0:
                break
            raw, self._buffer = self._buffer[:cut], self._buffer[cut + len(sep) :]
            out.append(self._event(raw, sep))
        if self._restorer is None:
            return chunk
        return b"".join(out)

    def finish(self) -> bytes:
        """The unterminated rest (a truncated stream) and any held-back text."""
        rest, self._buffer = self._buffer, b""
        out = b""
        if rest.strip():
            rewritten = self._event(rest, b"\n\n")
            out = rewritten if self._restorer is not None else b""
        if self._restorer is not None:
            out += b"".join(_render(lines, p) for lines, p in self._restorer.finish())
        return out

    def _event(self, raw: bytes, sep: bytes) -> bytes:
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        data = [line[5:].removeprefix(b" ") for line in lines if line.startswith(b"data:")]
        other = [line for line in lines if not line.startswith(b"data:")]
        if not data:
            return raw + sep
        text = b"\n".join(data)
        payload: Any
        if text.strip() == DONE.encode():
            payload = DONE
        else:
            try:
                payload = json.loads(text)
            except ValueError:
                return raw + sep
        self._on_payload(payload)
        if self._restorer is None or not (_may_hold_placeholder(text) or self._restorer.holding):
            return raw + sep  # nothing to restore or flush: the bytes go out unchanged
        return b"".join(_render(o, p) for o, p in self._restorer.process(other, payload))


def _may_hold_placeholder(data: bytes) -> bool:
    """True when `data` may contain ``<`` (some servers escape it as ``\\u003c``)."""
    return b"<" in data or b"\\u003c" in data.lower()


def _render(other: list[bytes], payload: Any) -> bytes:
    data = (
        DONE if payload == DONE else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    )
    return b"\n".join([*other, b"data: " + data.encode()]) + b"\n\n"


def _find_separator(buffer: bytes) -> tuple[int, bytes]:
    best, best_sep = -1, b""
    for sep in _SEPARATORS:
        at = buffer.find(sep)
        if at >= 0 and (best < 0 or at < best):
            best, best_sep = at, sep
    return best, best_sep


class JSONTap:
    """Buffers a whole JSON answer that arrives as a stream, then restores it at the end."""

    def __init__(
        self, on_payload: Callable[[Any], None], vault: Mapping[str, str], *, escape_all: bool
    ) -> None:
        self._on_payload = on_payload
        self._vault = vault
        self._escape_all = escape_all
        self._parts: list[bytes] = []

    def feed(self, chunk: bytes) -> bytes:
        """Hold every chunk until the body is complete."""
        self._parts.append(chunk)
        return b""

    def finish(self) -> bytes:
        """The whole body, restored when it is valid JSON, else unchanged."""
        body = b"".join(self._parts)
        self._parts = []
        try:
            payload = json.loads(body)
        except ValueError:
            return body
        self._on_payload(payload)
        restored = restore_json(payload, self._vault, escape_all=self._escape_all)
        if restored is payload:  # nothing to put back: the server's bytes go out unchanged
            return body
        return json.dumps(restored, ensure_ascii=False).encode()
