"""Wrappers around the ``send`` methods of httpx2, httpx and requests.

They are installed on the classes, so clients created before the guard are covered too
(methods are looked up at call time). Each wrapper asks the active `Guard` whether the
request is for an AI API, sends the scrubbed body instead of the original, and passes the
answer through the guard (usage, audit, restoring placeholders).

The HTTP libraries are never imported here: each wrapper receives the module it patches.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import Any, TypeVar

from aisafe_nb.intercept.guard import Call, Guard
from aisafe_nb.intercept.taps import Tap

Active = Callable[[], Guard | None]
Wrapped = TypeVar("Wrapped", bound=Callable[..., Any])


def wrapping(original: Callable[..., Any]) -> Callable[[Wrapped], Wrapped]:
    """``functools.wraps(original)``, plus the mark ``__aisafe_original__`` that tells a
    patched method from the library's own (every adapter's wrappers carry it)."""

    def decorate(wrapper: Wrapped) -> Wrapped:
        functools.update_wrapper(wrapper, original)
        wrapper.__aisafe_original__ = original  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _headers_dict(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


# --- httpx and httpx2 -------------------------------------------------------------


def _prepare_httpx(mod: ModuleType, guard: Guard, request: Any) -> tuple[Any, Call | None]:
    headers = _headers_dict(request.headers)
    if not guard.selects(request.url.host, headers):
        return request, None
    try:
        content: bytes | None = request.content
    except mod.RequestNotRead:  # a streaming upload
        content = _read_upload(request, headers)
    prepared = guard.prepare(
        method=request.method, url=str(request.url), headers=headers, content=content
    )
    if prepared is None:
        return request, None
    if prepared.content is not None:
        request = mod.Request(
            request.method,
            request.url,
            headers=[(k, v) for k, v in request.headers.raw if k.lower() != b"content-length"],
            content=prepared.content,
            extensions=request.extensions,
        )
    return request, prepared.call


def _read_upload(request: Any, headers: dict[str, str]) -> bytes | None:
    """A multipart upload's bytes, so its text files can be checked; None for other streams.

    httpx replaces a stream it has read with the bytes, so the request is sent unchanged.
    A body that is neither multipart nor readable here is passed through (and logged).
    """
    from collections.abc import Iterable

    if not headers.get("content-type", "").lower().startswith("multipart/"):
        return None
    if not isinstance(request.stream, Iterable):
        return None
    content: bytes = request.read()
    return content


def _finish_httpx(mod: ModuleType, guard: Guard, call: Call, response: Any, streamed: bool) -> Any:
    ctype = response.headers.get("content-type", "")
    if not streamed:
        restored = guard.restore_body(call, response.status_code, response.content, ctype)
        if restored is not None:
            response._content = restored  # the body was read already; swap the bytes
            response.headers["content-length"] = str(len(restored))
            response.headers.pop("content-encoding", None)
        return response
    if "json" not in ctype and "event-stream" not in ctype:
        call.finish(status=response.status_code)
        return response
    decoder = _decoder(response)
    if decoder is None:
        call.finish(status=response.status_code, reason="encoded answer not inspected")
        return response
    tap = guard.tap(call, response.status_code, ctype)
    response.headers.pop("content-encoding", None)
    response.headers.pop("content-length", None)
    inner = response.stream
    if hasattr(inner, "__aiter__") and not hasattr(inner, "__iter__"):
        response.stream = _make_async_stream(mod, inner, tap, decoder, call)
    else:
        response.stream = _make_sync_stream(mod, inner, tap, decoder, call)
    return response


def _decoder(response: Any) -> Any:
    """httpx's own decoder for the answer's content-encoding (None when unavailable)."""
    encoding = response.headers.get("content-encoding", "identity").lower()
    if encoding in ("", "identity"):
        return _Identity()
    get = getattr(response, "_get_content_decoder", None)
    return get() if get is not None else None


class _Identity:
    def decode(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


def _make_sync_stream(mod: ModuleType, inner: Any, tap: Tap, decoder: Any, call: Call) -> Any:
    class GuardedStream(mod.SyncByteStream):  # type: ignore[name-defined,misc]
        def __iter__(self) -> Iterator[bytes]:
            try:
                for chunk in inner:
                    out = tap.feed(decoder.decode(chunk))
                    if out:
                        yield out
                out = tap.feed(decoder.flush()) + tap.finish()
            except Exception:
                call.finish(reason="answer stream broken")
                raise
            if out:
                yield out
            call.finish()

        def close(self) -> None:
            try:
                inner.close()
            finally:
                call.finish()

    return GuardedStream()


def _make_async_stream(mod: ModuleType, inner: Any, tap: Tap, decoder: Any, call: Call) -> Any:
    class GuardedAsyncStream(mod.AsyncByteStream):  # type: ignore[name-defined,misc]
        async def __aiter__(self) -> AsyncIterator[bytes]:
            try:
                async for chunk in inner:
                    out = tap.feed(decoder.decode(chunk))
                    if out:
                        yield out
                out = tap.feed(decoder.flush()) + tap.finish()
            except Exception:
                call.finish(reason="answer stream broken")
                raise
            if out:
                yield out
            call.finish()

        async def aclose(self) -> None:
            try:
                await inner.aclose()
            finally:
                call.finish()

    return GuardedAsyncStream()


def wrap_httpx_sync(
    mod: ModuleType, original: Callable[..., Any], active: Active
) -> Callable[..., Any]:
    """A replacement for ``Client.send`` of `mod` (httpx or httpx2)."""

    @wrapping(original)
    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        guard = active()
        if guard is None:
            return original(self, request, *args, **kwargs)
        request, call = _prepare_httpx(mod, guard, request)
        if call is None:
            return original(self, request, *args, **kwargs)
        try:
            response = original(self, request, *args, **kwargs)
        except BaseException:
            call.finish(reason="connection failed")
            raise
        return _finish_httpx(mod, guard, call, response, bool(kwargs.get("stream", False)))

    return send


def wrap_httpx_async(
    mod: ModuleType, original: Callable[..., Any], active: Active
) -> Callable[..., Any]:
    """A replacement for ``AsyncClient.send`` of `mod` (httpx or httpx2)."""

    @wrapping(original)
    async def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        guard = active()
        if guard is None:
            return await original(self, request, *args, **kwargs)
        request, call = _prepare_httpx(mod, guard, request)
        if call is None:
            return await original(self, request, *args, **kwargs)
        try:
            response = await original(self, request, *args, **kwargs)
        except BaseException:
            call.finish(reason="connection failed")
            raise
        return _finish_httpx(mod, guard, call, response, bool(kwargs.get("stream", False)))

    return send


# --- requests -------------------------------------------------------------------------


def wrap_requests(
    mod: ModuleType, original: Callable[..., Any], active: Active
) -> Callable[..., Any]:
    """A replacement for ``requests.Session.send``: scrubs JSON bodies, restores JSON answers.

    Streamed ``requests`` answers are passed through (no restore; usage estimated).
    """
    from urllib.parse import urlsplit

    @wrapping(original)
    def send(self: Any, request: Any, **kwargs: Any) -> Any:
        guard = active()
        if guard is None:
            return original(self, request, **kwargs)
        headers = _headers_dict(request.headers)
        body = request.body
        if isinstance(body, str):
            body = body.encode()
        if not isinstance(body, bytes) or not guard.selects(
            urlsplit(request.url).hostname or "", headers
        ):
            return original(self, request, **kwargs)
        prepared = guard.prepare(
            method=request.method, url=request.url, headers=headers, content=body
        )
        if prepared is None:
            return original(self, request, **kwargs)
        if prepared.content is not None:
            request = request.copy()
            request.body = prepared.content
            request.headers["Content-Length"] = str(len(prepared.content))
        try:
            response = original(self, request, **kwargs)
        except BaseException:
            prepared.call.finish(reason="connection failed")
            raise
        if kwargs.get("stream"):
            prepared.call.finish(
                status=response.status_code, reason="streamed answer not inspected"
            )
            return response
        restored = guard.restore_body(
            prepared.call,
            response.status_code,
            response.content,
            response.headers.get("content-type", ""),
        )
        if restored is not None:
            response._content = restored
            response.headers["Content-Length"] = str(len(restored))
        return response

    return send
