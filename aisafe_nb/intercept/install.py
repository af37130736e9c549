"""Install and remove the API guard: ``guard(policy)`` and ``unguard()``.

The guard wraps ``send`` of ``httpx2.Client``/``AsyncClient`` (openai 3.x),
``httpx.Client``/``AsyncClient`` (openai 1.x and 2.x), ``requests.Session`` (openai
0.x, raw calls) and ``aiohttp.ClientSession._request`` (google-genai's async client), and
``send``/``recv``/``close`` of the ``websockets`` connections (the Realtime API).
It never imports them: importing ``openai`` costs about 0.8 s and
``%load_ext`` must stay fast. Libraries already imported are patched at once; the
others are patched the moment they are first imported, by a finder on ``sys.meta_path``.
A finder was chosen over re-checking ``sys.modules`` on every cell because it also works
in plain scripts (no cells) and costs nothing per cell.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from aisafe_nb.intercept.adapters import wrap_httpx_async, wrap_httpx_sync, wrap_requests
from aisafe_nb.intercept.aio_adapters import wrap_aiohttp_request
from aisafe_nb.intercept.guard import Guard
from aisafe_nb.intercept.ws_adapters import (
    wrap_ws_close_async,
    wrap_ws_close_sync,
    wrap_ws_recv_async,
    wrap_ws_recv_sync,
    wrap_ws_send_async,
    wrap_ws_send_sync,
)
from aisafe_nb.policy import Policy

Wrapper = Callable[[ModuleType, Callable[..., Any], Callable[[], Guard | None]], Callable[..., Any]]

#: module -> (class path, method, wrapper)
TARGETS: dict[str, tuple[tuple[str, str, Wrapper], ...]] = {
    "httpx2": (("Client", "send", wrap_httpx_sync), ("AsyncClient", "send", wrap_httpx_async)),
    "httpx": (("Client", "send", wrap_httpx_sync), ("AsyncClient", "send", wrap_httpx_async)),
    "requests": (("Session", "send", wrap_requests),),
    # google-genai's async client, openai 0.x's acreate, aiohttp code (`aio_adapters`)
    "aiohttp.client": (("ClientSession", "_request", wrap_aiohttp_request),),
    # the Realtime API's websockets (`ws_adapters`)
    "websockets.sync.connection": (
        ("Connection", "send", wrap_ws_send_sync),
        ("Connection", "recv", wrap_ws_recv_sync),
        ("Connection", "close", wrap_ws_close_sync),
    ),
    "websockets.asyncio.connection": (
        ("Connection", "send", wrap_ws_send_async),
        ("Connection", "recv", wrap_ws_recv_async),
        ("Connection", "close", wrap_ws_close_async),
    ),
}

_lock = threading.RLock()
_active: Guard | None = None
_originals: dict[tuple[str, str, str], Callable[..., Any]] = {}
_finder: _PatchOnImport | None = None
_cell_hook: tuple[Any, Callable[..., None]] | None = None


def active_guard() -> Guard | None:
    """The installed guard, or None."""
    return _active


def guard(policy: Policy | None = None) -> Guard:
    """Install the API guard (idempotent); a second call only updates the policy.

    Returns the process-wide `Guard`, whose scrubber and ledger the magics use.
    """
    global _active, _finder
    with _lock:
        if _active is None:
            _active = Guard(policy or Policy.load())
        elif policy is not None:
            _active.update(policy)
        for name in TARGETS:
            if name in sys.modules:
                _patch(name, sys.modules[name])
        if _finder is None:
            _finder = _PatchOnImport()
            sys.meta_path.insert(0, _finder)
        _hook_cells()
        return _active


def unguard() -> None:
    """Remove the guard: restore every original method and drop the import finder."""
    global _active, _finder
    with _lock:
        if _finder is not None:
            if _finder in sys.meta_path:
                sys.meta_path.remove(_finder)
            _finder = None
        for (module_name, cls_name, method), original in list(_originals.items()):
            module = sys.modules.get(module_name)
            if module is not None:
                setattr(getattr(module, cls_name), method, original)
            del _originals[(module_name, cls_name, method)]
        _unhook_cells()
        _active = None


def _hook_cells() -> None:
    """In IPython, start a new per-cell count before each cell.

    The kernel extension may call `Guard.begin_cell` too; doing it here as well makes
    ``aisafe_nb.guard()`` in a notebook without ``%load_ext`` count per cell. IPython is
    only used when it is already imported (never imported here).
    """
    global _cell_hook
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython else None
    if _cell_hook is not None or shell is None or not hasattr(shell, "events"):
        return

    def on_cell(info: Any = None) -> None:
        if _active is not None:
            _active.begin_cell()

    shell.events.register("pre_run_cell", on_cell)
    _cell_hook = (shell, on_cell)


def _unhook_cells() -> None:
    global _cell_hook
    if _cell_hook is not None:
        shell, on_cell = _cell_hook
        with contextlib.suppress(ValueError):
            shell.events.unregister("pre_run_cell", on_cell)
        _cell_hook = None


def patched_modules() -> Sequence[str]:
    """Names of the HTTP libraries currently patched."""
    return sorted({key[0] for key in _originals})


def _patch(name: str, module: ModuleType) -> None:
    with _lock:
        for cls_name, method, wrapper in TARGETS[name]:
            key = (name, cls_name, method)
            cls = getattr(module, cls_name, None)
            if cls is None or key in _originals:
                continue
            original = getattr(cls, method)
            _originals[key] = original
            setattr(cls, method, wrapper(module, original, active_guard))


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Patches a target library right after its first import."""

    def __init__(self) -> None:
        self._busy: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in TARGETS or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._busy.discard(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module: ModuleType) -> None:
            exec_module(module)
            if _active is not None:
                _patch(fullname, module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec
