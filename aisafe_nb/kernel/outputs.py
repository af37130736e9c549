"""Where output masking plugs in: streams, display data, execute results, tracebacks.

Every seam is patched on the instance (never the class), and each `install_*` returns a
function that puts the original back, so ``%unload_ext`` leaves nothing behind.

- stdout/stderr: ipykernel's ``OutStream`` accepts an instance ``write``; a plain text
  stream (terminal IPython) is wrapped in a proxy. A key may arrive split across two
  writes, so a trailing run of key-like characters is held back until the next write, a
  flush, or the end of the cell.
- display data: ``shell.display_pub.publish`` (``ZMQDisplayPublisher`` in a kernel).
- execute results: ``shell.displayhook.compute_format_data`` (feeds both the message
  and IPython's output history).
- tracebacks: ``shell._showtraceback`` (both the formatted lines and ``evalue``).
Only text mime types are masked; images and other binary payloads pass untouched.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from aisafe_nb.kernel.masker import SecretMasker

Restore = Callable[[], None]

#: A trailing run that could be the first half of a key split across writes.
_KEYLIKE_TAIL = re.compile(r"[A-Za-z0-9_\-+/=.:]+\Z")
#: Longest tail held back; longer runs are emitted (and scanned) as they come.
_MAX_HOLD = 512


def is_text_mime(mime: str) -> bool:
    """Mime types whose payload is text a key could appear in."""
    return mime.startswith("text/") or mime.endswith("json") or mime == "application/javascript"


def mask_mimebundle(masker: SecretMasker, data: Any) -> Any:
    """A copy of a display-data dict with its text payloads masked."""
    if not isinstance(data, dict):
        return data
    return {k: masker.mask_data(v) if is_text_mime(k) else v for k, v in data.items()}


class MaskedWriter:
    """Masks what is written to one text stream; holds back a possibly split key."""

    def __init__(
        self, masker: SecretMasker, write: Callable[[str], Any], flush: Callable[[], Any]
    ) -> None:
        self._masker = masker
        self._write = write
        self._flush = flush
        self._pending = ""
        self.enabled = True

    def write(self, s: Any) -> int:
        """Mask and forward everything except a trailing key-like run."""
        if not isinstance(s, str):
            return int(self._write(s) or 0)
        if not self.enabled:
            self.drain()
            return int(self._write(s) or 0) if s else 0
        data = self._pending + s
        tail = _KEYLIKE_TAIL.search(data)
        cut = tail.start() if tail and len(data) - tail.start() <= _MAX_HOLD else len(data)
        emit, self._pending = data[:cut], data[cut:]
        if emit:
            self._write(self._masker.mask(emit))
        return len(s)

    def drain(self) -> None:
        """Emit the held-back tail (masked)."""
        if self._pending:
            pending, self._pending = self._pending, ""
            self._write(self._masker.mask(pending))

    def flush(self) -> Any:
        """Emit the held-back tail, then flush the stream."""
        self.drain()
        return self._flush()


class _StreamProxy:
    """Stands in for a stream that does not accept instance attributes (a TextIOWrapper)."""

    def __init__(self, stream: Any, writer: MaskedWriter) -> None:
        self._stream = stream
        self._writer = writer

    def write(self, s: Any) -> int:
        return self._writer.write(s)

    def flush(self) -> Any:
        return self._writer.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class StreamMasking:
    """Keeps ``sys.stdout``/``sys.stderr`` masked before every cell (`ensure`).

    IPython 9 itself swaps an instance ``write`` on the stream for the length of each
    cell (to record outputs) and puts the original back afterwards, which drops any
    wrapper installed during the cell; tools like ``redirect_stdout`` replace the stream
    outright. So `ensure` runs before each cell and wraps whatever is there now, outermost,
    which also means IPython's own output recording only ever sees masked text.
    """

    def __init__(self, masker: SecretMasker) -> None:
        self._masker = masker
        self._enabled = True
        self._current: dict[str, _Wrapped] = {}

    @property
    def writers(self) -> list[MaskedWriter]:
        """The writers currently installed."""
        return [w.writer for w in self._current.values()]

    def set_enabled(self, enabled: bool) -> None:
        """Switch masking on or off for every wrapped stream."""
        self._enabled = enabled
        for writer in self.writers:
            writer.enabled = enabled

    def drain(self) -> None:
        """Emit every held-back tail (end of a cell)."""
        for writer in self.writers:
            writer.drain()

    def ensure(self) -> None:
        """Wrap ``sys.stdout``/``sys.stderr`` unless our wrapper is what is there now."""
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            known = self._current.get(name)
            if stream is None or (known is not None and known.installed(stream)):
                continue
            if known is not None:
                known.writer.drain()
            self._current[name] = _Wrapped.install(name, stream, self._masker, self._enabled)

    def restore(self) -> None:
        """Take every wrapper off again."""
        for wrapped in self._current.values():
            wrapped.remove()
        self._current.clear()


class _Wrapped:
    """One wrapper on one stream: an instance ``write``/``flush``, or a proxy on ``sys``."""

    def __init__(self, name: str, stream: Any, writer: MaskedWriter, proxy: Any) -> None:
        self.name, self.stream, self.writer, self.proxy = name, stream, writer, proxy
        own = vars(stream) if proxy is None else {}
        self.previous = {a: own[a] for a in ("write", "flush") if a in own}

    @classmethod
    def install(cls, name: str, stream: Any, masker: SecretMasker, enabled: bool) -> _Wrapped:
        writer = MaskedWriter(masker, stream.write, stream.flush)
        writer.enabled = enabled
        try:
            wrapped = cls(name, stream, writer, None)
            stream.write = writer.write
            stream.flush = writer.flush
        except (AttributeError, TypeError):
            wrapped = cls(name, stream, writer, _StreamProxy(stream, writer))
            setattr(sys, name, wrapped.proxy)
        return wrapped

    def installed(self, current: Any) -> bool:
        if self.proxy is not None:
            return current is self.proxy
        return current is self.stream and vars(current).get("write") == self.writer.write

    def remove(self) -> None:
        self.writer.drain()
        if self.proxy is not None:
            if getattr(sys, self.name) is self.proxy:
                setattr(sys, self.name, self.stream)
            return
        own = vars(self.stream)
        for attr, ours in (("write", self.writer.write), ("flush", self.writer.flush)):
            if own.get(attr) != ours:
                continue  # replaced since; not ours to undo
            if attr in self.previous:
                setattr(self.stream, attr, self.previous[attr])
            else:
                delattr(self.stream, attr)


def _patch(obj: Any, attr: str, wrapper: Callable[..., Any]) -> Restore:
    """Set `wrapper` as an instance attribute; the undo removes it (or puts back the old one)."""
    had_own = attr in vars(obj)
    previous = vars(obj).get(attr)
    setattr(obj, attr, wrapper)

    def restore() -> None:
        if vars(obj).get(attr) is not wrapper:
            return  # someone patched over us; leave their patch alone
        if had_own:
            setattr(obj, attr, previous)
        else:
            delattr(obj, attr)

    return restore


def install_display(shell: Any, masker: SecretMasker, active: Callable[[], bool]) -> Restore:
    """Mask display data and execute results while `active()` is true."""
    undo: list[Restore] = []
    pub = getattr(shell, "display_pub", None)
    if pub is not None:
        original_publish = pub.publish

        def publish(data: Any, *args: Any, **kwargs: Any) -> Any:
            if active():
                data = mask_mimebundle(masker, data)
            return original_publish(data, *args, **kwargs)

        undo.append(_patch(pub, "publish", publish))
    hook = getattr(shell, "displayhook", None)
    if hook is not None and hasattr(hook, "compute_format_data"):
        original_compute = hook.compute_format_data

        # Masking where the result is formatted covers both what is sent
        # (``write_format_data``) and what IPython keeps (``log_output``: Out reprs in history).
        def compute_format_data(result: Any) -> Any:
            format_dict, md_dict = original_compute(result)
            if active():
                format_dict = mask_mimebundle(masker, format_dict)
            return format_dict, md_dict

        undo.append(_patch(hook, "compute_format_data", compute_format_data))

    def restore() -> None:
        for fn in reversed(undo):
            fn()

    return restore


class _MaskedException(Exception):
    """Stands in for an exception value whose message held a secret (only ``str`` is used)."""


def install_tracebacks(shell: Any, masker: SecretMasker, active: Callable[[], bool]) -> Restore:
    """Mask tracebacks (formatted lines and the exception message) while `active()`."""
    original = shell._showtraceback

    def showtraceback(etype: Any, evalue: Any, stb: Any) -> Any:
        if active():
            stb = [masker.mask(line) if isinstance(line, str) else line for line in stb]
            text = str(evalue)
            masked = masker.mask(text)
            if masked != text:
                evalue = _MaskedException(masked)
        return original(etype, evalue, stb)

    return _patch(shell, "_showtraceback", showtraceback)
