"""Wrappers around ``send`` and ``recv`` of the ``websockets`` library's connections.

The OpenAI SDK talks to the Realtime API over ``websockets`` (its sync and its asyncio
client, in openai 1.x to 3.x alike). Wrapping the connection classes' methods covers every
way the SDK opens a connection, and connections opened before the guard. Each client
connection is looked at once, by the handshake it sent (host and headers, as an HTTP
request is); the selected ones get a `SocketSession`, which scrubs what is sent and
restores what is received. Server-side connections (a local test server in the same
process) and connections to other hosts are left alone.

``recv`` may receive one event and return two (text held back from a split placeholder,
released as an extra event); the extra one is returned by the next ``recv`` without
waiting on the network. Fragmented sends and ``recv_streaming`` are not scrubbed: a
fragmented send to a selected host is refused (fail closed); the SDK uses neither.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from aisafe_nb.intercept.adapters import Active, wrapping
from aisafe_nb.intercept.errors import ScrubError, for_sdk
from aisafe_nb.intercept.guard import Guard
from aisafe_nb.intercept.sockets import Message, SocketSession

#: Each connection's session (None: not guarded), decided on its first send or recv.
_sessions: weakref.WeakKeyDictionary[Any, SocketSession | None] = weakref.WeakKeyDictionary()


def session_for(connection: Any, active: Active) -> SocketSession | None:
    """The guarded session of a client `connection`, or None when it is not guarded."""
    guard = active()
    if guard is None:
        return None
    try:
        return _sessions[connection]
    except KeyError:
        pass
    except TypeError:  # not weak-referenceable: decided again on each call
        return _open(connection, guard)
    session = _sessions.setdefault(connection, _open(connection, guard))
    return session


def _open(connection: Any, guard: Guard) -> SocketSession | None:
    side = getattr(getattr(connection, "protocol", None), "side", None)
    request = getattr(connection, "request", None)
    if getattr(side, "name", None) != "CLIENT" or request is None:
        return None  # a server's connection, or a handshake not made yet
    raw = getattr(request.headers, "raw_items", None)
    pairs = raw() if raw is not None else request.headers.items()
    headers = {str(k).lower(): str(v) for k, v in pairs}
    host = urlsplit("//" + headers.get("host", "")).hostname or ""
    return guard.open_socket(host, str(request.path), headers)


def _outgoing(session: SocketSession, message: Any) -> Message:
    if isinstance(message, (str, bytes, bytearray, memoryview)):
        return session.outgoing(message if isinstance(message, str) else bytes(message))
    kind = "fragmented" if isinstance(message, Iterable) else type(message).__name__
    raise for_sdk(ScrubError(
        f"aisafe-nb: websocket message to {session.host}{session.endpoint} not sent: a "
        f"{kind} message cannot be scrubbed"
    ))


def _as_requested(message: Message, decode: bool | None) -> Message:
    """`message` as ``recv(decode=...)`` returns it: text, bytes, or as it came."""
    if decode is False and isinstance(message, str):
        return message.encode()
    if decode is True and isinstance(message, bytes):
        return message.decode()
    return message


# --- websockets.sync -----------------------------------------------------------------


def wrap_ws_send_sync(mod: ModuleType, original: Callable[..., Any], active: Active) -> Any:
    """``Connection.send`` of ``websockets.sync.connection``."""

    @wrapping(original)
    def send(self: Any, message: Any, *args: Any, **kwargs: Any) -> Any:
        session = session_for(self, active)
        if session is not None:
            message = _outgoing(session, message)
        return original(self, message, *args, **kwargs)

    return send


def wrap_ws_recv_sync(mod: ModuleType, original: Callable[..., Any], active: Active) -> Any:
    """``Connection.recv(timeout=None, decode=None)`` of ``websockets.sync.connection``."""

    @wrapping(original)
    def recv(self: Any, *args: Any, **kwargs: Any) -> Any:
        session = session_for(self, active)
        if session is None:
            return original(self, *args, **kwargs)
        decode = kwargs.get("decode", args[1] if len(args) > 1 else None)
        ready = session.take_ready()
        if ready is None:
            ready = session.incoming(original(self, *args, **kwargs))
        return _as_requested(ready, decode)

    return recv


def wrap_ws_close_sync(mod: ModuleType, original: Callable[..., Any], active: Active) -> Any:
    """``Connection.close``: a response still open is booked at an estimate."""

    @wrapping(original)
    def close(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, *args, **kwargs)
        finally:
            _closed(self)

    return close


# --- websockets.asyncio --------------------------------------------------------------


def wrap_ws_send_async(mod: ModuleType, original: Callable[..., Any], active: Active) -> Any:
    """``Connection.send`` of ``websockets.asyncio.connection``."""

    @wrapping(original)
    async def send(self: Any, message: Any, *args: Any, **kwargs: Any) -> Any:
        session = session_for(self, active)
        if session is not None:
            message = _outgoing(session, message)
        return await original(self, message, *args, **kwargs)

    return send


def wrap_ws_recv_async(mod: ModuleType, original: Callable[..., Any], active: Active) -> Any:
    """``Connection.recv(decode=None)`` of ``websockets.asyncio.connection``."""

    @wrapping(original)
    async def recv(self: Any, *args: Any, **kwargs: Any) -> Any:
        session = session_for(self, active)
        if session is None:
            return await original(self, *args, **kwargs)
        decode = kwargs.get("decode", args[0] if args else None)
        ready = session.take_ready()
        if ready is None:
            ready = session.incoming(await original(self, *args, **kwargs))
        return _as_requested(ready, decode)

    return recv


def wrap_ws_close_async(mod: ModuleType, original: Callable[..., Any], active: Active) -> Any:
    """``Connection.close`` (asyncio): a response still open is booked at an estimate."""

    @wrapping(original)
    async def close(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        finally:
            _closed(self)

    return close


def _closed(connection: Any) -> None:
    try:
        session = _sessions.pop(connection, None)
    except TypeError:
        return
    if session is not None:
        session.close()
