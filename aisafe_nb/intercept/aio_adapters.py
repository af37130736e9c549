"""A wrapper around ``aiohttp.ClientSession._request``: aiohttp requests to AI APIs.

Who sends them: google-genai's async client (whenever aiohttp is installed), openai 0.x's
``acreate``, and code that calls an AI API with aiohttp itself. Every request method of a
session (``get``, ``post``, ``request``...) ends in ``_request``, so one wrapper covers them.

A selected request is taken apart as the HTTP adapters do: its body (``json=`` or bytes /
text ``data=``) goes through `Guard.prepare`, and the scrubbed body is sent instead. A
body aiohttp would stream (a form, a file, a generator) is sent as it is and logged, like
a streamed upload over httpx. The answer's `StreamReader` is replaced by one fed through
the guard's tap (SSE events or a JSON body, restored and accounted), so ``read()``,
``json()``, ``text()`` and every way of iterating ``resp.content`` see the restored bytes.

aiohttp is never imported here: the wrapper receives the module it patches.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aisafe_nb.intercept.adapters import Active, wrapping
from aisafe_nb.intercept.guard import Call, Guard
from aisafe_nb.intercept.taps import Tap

if TYPE_CHECKING:
    import asyncio

#: Bytes our reader may buffer before it pauses the connection (aiohttp's own default).
_READ_LIMIT = 2**16
#: Pumps still running: a task only weakly referenced by the loop could be collected.
_pumps: set[asyncio.Task[None]] = set()  # asyncio is imported where a pump starts


def wrap_aiohttp_request(mod: ModuleType, original: Callable[..., Any], active: Active) -> Any:
    """``ClientSession._request(method, str_or_url, **kwargs)`` of ``aiohttp.client``."""

    @wrapping(original)
    async def _request(self: Any, method: str, str_or_url: Any, **kwargs: Any) -> Any:
        guard = active()
        if guard is None:
            return await original(self, method, str_or_url, **kwargs)
        url = str(str_or_url)
        headers = _headers(getattr(self, "headers", None), kwargs.get("headers"))
        if not guard.selects(urlsplit(url).hostname or "", headers):
            return await original(self, method, str_or_url, **kwargs)
        content = _body(kwargs)
        if content is not None and kwargs.get("json") is not None:
            headers.setdefault("content-type", "application/json")
        prepared = guard.prepare(method=method, url=url, headers=headers, content=content)
        if prepared is None:
            return await original(self, method, str_or_url, **kwargs)
        if prepared.content is not None:
            kwargs = {**kwargs, "json": None, "data": prepared.content,
                      "headers": {**_plain(kwargs.get("headers")),
                                  "Content-Type": headers.get("content-type",
                                                              "application/json")}}
        try:
            response = await original(self, method, str_or_url, **kwargs)
        except BaseException:
            prepared.call.finish(reason="connection failed")
            raise
        return _finish(guard, prepared.call, response)

    return _request


def _headers(session: Any, request: Any) -> dict[str, str]:
    """The session's default headers with the request's on top, names in lower case."""
    merged: dict[str, str] = {}
    for source in (session, request):
        merged.update({str(k).lower(): str(v) for k, v in _plain(source).items()})
    return merged


def _plain(headers: Any) -> dict[str, str]:
    if headers is None:
        return {}
    items = headers.items() if hasattr(headers, "items") else headers  # a dict, a list of pairs
    return {str(k): str(v) for k, v in items}


def _body(kwargs: Mapping[str, Any]) -> bytes | None:
    """The request body as bytes, or None when aiohttp would stream it (not scrubbed)."""
    if kwargs.get("json") is not None:
        return json.dumps(kwargs["json"]).encode()  # as aiohttp serialises it
    data = kwargs.get("data")
    if data is None:
        return b""
    if isinstance(data, str):
        return data.encode()
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    return None


def _finish(guard: Guard, call: Call, response: Any) -> Any:
    ctype = response.headers.get("Content-Type", "")
    if "json" not in ctype and "event-stream" not in ctype:
        call.finish(status=response.status)
        return response
    tap = guard.tap(call, response.status, ctype)
    response.content = _guarded_reader(response.content, tap, call)
    return response


def _guarded_reader(inner: Any, tap: Tap, call: Call) -> Any:
    """A real `aiohttp.StreamReader` that receives `inner`'s bytes through `tap`.

    A task pumps `inner` into it; the reader pauses the connection when the caller reads
    slower than the server sends, as aiohttp's own reader does.
    """
    import asyncio  # loaded already wherever aiohttp runs; not at `guard()` (50 ms cold)

    loop = asyncio.get_running_loop()
    streams = sys.modules["aiohttp.streams"]  # loaded with aiohttp.client
    reader = streams.StreamReader(inner._protocol, _READ_LIMIT, loop=loop)

    async def pump() -> None:
        try:
            async for chunk in inner.iter_any():
                out = tap.feed(chunk)
                if out:
                    reader.feed_data(out)
            rest = tap.finish()
            if rest:
                reader.feed_data(rest)
        except Exception as exc:
            call.finish(reason="answer stream broken")
            reader.set_exception(exc)
            return
        call.finish()
        reader.feed_eof()

    task = loop.create_task(pump())
    _pumps.add(task)
    task.add_done_callback(_pumps.discard)
    return reader
