"""The guard: the decisions taken for every request the adapters intercept.

The HTTP adapters (`install`) know how to take a request apart and put an answer back
together for httpx2, httpx and requests; this module decides what happens in between:
is the request for an AI API, what must be scrubbed, may it be sent (budget, loop
guard), and how is the answer accounted and restored. It imports no HTTP library.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import threading
import time
import tomllib
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aisafe_nb.detect.engine import Detector
from aisafe_nb.intercept.audit import AuditEntry, AuditLog
from aisafe_nb.intercept.body import scrub_body
from aisafe_nb.intercept.booking import Booker
from aisafe_nb.intercept.errors import AisafeError, ResponseError, ScrubError, for_sdk
from aisafe_nb.intercept.ledger import Ledger, Totals
from aisafe_nb.intercept.limits import LoopGuard, check_budget, requested_output_tokens
from aisafe_nb.intercept.memo import MemoScrubber
from aisafe_nb.intercept.prices import PriceTable, Usage
from aisafe_nb.intercept.restore import StreamRestorer, restore_json
from aisafe_nb.intercept.state import resolve_state_dir
from aisafe_nb.intercept.taps import JSONTap, SSETap, Tap
from aisafe_nb.intercept.uploads import check_upload
from aisafe_nb.intercept.usage import estimate_tokens, model_from_payload, usage_from_payload
from aisafe_nb.policy import Policy
from aisafe_nb.scrub import Operator, Scrubber

if TYPE_CHECKING:
    from aisafe_nb.intercept.sockets import SocketSession

#: Policy operators the Scrubber applies itself; ``block`` is enforced here.
_SCRUBBER_OPERATORS = ("placeholder", "redact", "mask", "hash", "allow")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@functools.cache
def _selection_data() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The AI hosts and SDK agent prefixes of ``data/hosts.toml``."""
    text = resources.files("aisafe_nb.intercept").joinpath("data/hosts.toml").read_text()
    data = tomllib.loads(text)
    return (tuple(str(h).lower() for h in data.get("hosts", [])),
            tuple(str(a) for a in data.get("agents", [])))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request after the guard: the body to send (None = unchanged) and its `Call`."""

    content: bytes | None
    call: Call


class Call:
    """One request in flight: collects usage from the answer, then books and logs it once."""

    def __init__(
        self, guard: Guard, entry: AuditEntry, input_estimate: int, reserved: float = 0.0
    ) -> None:
        self._guard = guard
        self._reserved = reserved
        self.entry = entry
        self._input_estimate = input_estimate
        self._usage: Usage | None = None
        self._output_chars = 0
        self._done = False
        #: the request asked for a JSON answer: restored values are JSON-escaped
        self.json_mode = False

    def on_payload(self, payload: Any) -> None:
        """Read usage and model from an answer body or one stream event."""
        usage = usage_from_payload(payload)
        if usage is not None:
            self._usage = usage if self._usage is None else self._usage.merged(usage)
        model = model_from_payload(payload)
        if model and not self.entry.model:
            self.entry.model = model
        self._output_chars += _delta_chars(payload)

    def finish(self, *, status: int | None = None, reason: str | None = None) -> None:
        """Book the cost in the ledger and write the audit line (only the first time)."""
        if self._done:
            return
        self._done = True
        self.entry.status = status if status is not None else self.entry.status
        if reason:
            self.entry.reason = reason
        failed = self.entry.status is not None and self.entry.status >= 400
        usage = self._usage
        if usage is None and not failed and reason != "connection failed":
            # no usage reported (stream without include_usage, truncated answer): estimate
            usage = Usage(self._input_estimate, 0, estimate_tokens(self._output_chars), True)
        self._guard._book(self.entry, usage, self._reserved)


def _delta_chars(payload: Any) -> int:
    if not isinstance(payload, dict):
        return 0
    delta = payload.get("delta")
    if isinstance(delta, str):
        return len(delta)
    total = 0
    for choice in payload.get("choices") or ():
        if isinstance(choice, dict):
            inner = choice.get("delta")
            if isinstance(inner, dict) and isinstance(inner.get("content"), str):
                total += len(inner["content"])
            elif isinstance(choice.get("text"), str):
                total += len(choice["text"])
    return total


class Guard:
    """The API guard of one session: scrubber, prices, ledger, audit log and loop guard.

    One instance per process (see `install.guard`), so placeholders are stable across all
    calls of a session and the vault can restore every answer.
    """

    def __init__(self, policy: Policy | None = None) -> None:
        self.session_id = uuid.uuid4().hex
        self._lock = threading.Lock()
        self.loop = LoopGuard()
        self._reserved = 0.0  # USD reserved by calls in flight or not yet booked
        self._booker = Booker()
        self._operators: dict[str, Operator] = {}
        self.base_policy = policy or Policy()
        #: settings changed by magics (``%aisafe budget``): they win over later policies
        self.overrides: dict[str, Any] = {}
        self.policy = self.base_policy
        self._configure(self.base_policy, first=True)

    # --- configuration ---

    def update(self, policy: Policy) -> None:
        """Apply a new policy; the scrubber (and its placeholders) stays unless operators change.

        Settings set with `override` (the magics) are applied on top, so a kernel that
        re-sends its policy after ``%aisafe mode strict`` does not undo ``%aisafe budget 5``.
        """
        self.base_policy = policy
        self._configure(policy.replace(**self.overrides), first=False)

    def override(self, **changes: Any) -> None:
        """Change settings for the rest of the session (used by the magics)."""
        self.overrides.update(changes)
        self.update(self.base_policy)

    def _configure(self, policy: Policy, *, first: bool) -> None:
        operators: dict[str, Operator] = {}
        blocked: dict[str, bool] = {}
        for name, op in policy.operators.items():
            if op == "block":
                blocked[name] = True
                operators[name] = "redact"
            elif op in _SCRUBBER_OPERATORS:
                operators[name] = op  # type: ignore[assignment]
            else:
                raise AisafeError(
                    f"aisafe-nb: unknown operator {op!r} for {name!r}; "
                    "use placeholder, redact, allow or block"
                )
        if first or operators != self._operators:
            # strict: a text the detector could not finish scanning is never sent.
            detector = Detector.from_policy(policy, strict=True)
            self.scrubber = MemoScrubber(Scrubber(operators=operators, detector=detector))
        self._operators = operators
        self._blocked = blocked
        self.policy = policy
        self.state_dir: Path = resolve_state_dir(policy.state_dir)
        self.prices = PriceTable.load(
            default=policy.default_price, override=self.state_dir / "prices.toml"
        )
        self.ledger = Ledger(self.state_dir, self.session_id)
        self.audit = AuditLog(self.state_dir)
        default_hosts, self._agents = _selection_data()
        hosts = set(default_hosts) | {h.lower() for h in policy.ai_hosts}
        for var in ("OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"):
            host = urlsplit(os.environ.get(var, "")).hostname
            if host:
                hosts.add(host.lower())
        self._hosts = frozenset(hosts)

    def begin_cell(self) -> None:
        """A new cell started (the kernel calls this from ``pre_run_cell``)."""
        with self._lock:
            self.loop.begin_cell()

    def totals(self) -> Totals:
        """Spending so far: this session, today, this month (after pending bookings)."""
        self.flush()
        return self.ledger.totals()

    # --- selection ---

    def selects(self, host: str, headers: Mapping[str, str]) -> bool:
        """True for requests of an AI SDK (OpenAI's, Anthropic's, Google's: any host) and for
        configured AI hosts."""
        # "OpenAI/Python 3.1", and the other clients' "AsyncOpenAI/", "AzureOpenAI/"...: a
        # websocket handshake carries the agent but none of the x-stainless headers
        agent = headers.get("user-agent", "")
        if agent.partition("/")[0].endswith("OpenAI") or agent.startswith(self._agents):
            return True
        if any(k.lower().startswith("x-stainless-") for k in headers):
            return True
        host = host.lower()
        return host in self._hosts or any(
            h.startswith(".") and host.endswith(h) for h in self._hosts
        )

    # --- before sending ---

    def prepare(
        self, *, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> Prepared | None:
        """Scrub and admit one selected request; None when it is passed through untouched.

        Raises `ScrubError` (scrubbing failed), `BlockedContent`, `BudgetExceeded` or
        `LoopGuardTripped`; in every case nothing has been sent.
        """
        try:
            return self._prepare(method, url, headers, content)
        except AisafeError as exc:
            raise for_sdk(exc) from None

    def _prepare(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> Prepared | None:
        if method.upper() not in _BODY_METHODS:
            return None
        parts = urlsplit(url)
        entry = AuditEntry(
            time=time.time(), host=parts.hostname or "", endpoint=endpoint_of(parts.path)
        )
        ctype = headers.get("content-type", "").lower()
        if content is None:  # a streamed upload (files, audio): never JSON
            entry.reason = f"not scrubbed: streamed {ctype.split(';')[0] or 'unknown'} body"
            return Prepared(None, Call(self, entry, 0))
        if ctype.startswith("multipart/"):
            return self._prepare_upload(content, ctype, entry)
        if "json" not in ctype and not content.lstrip().startswith((b"{", b"[")):
            entry.reason = f"not scrubbed: {ctype.split(';')[0] or 'unknown'} body"
            return Prepared(None, Call(self, entry, estimate_tokens(len(content))))
        with self._lock:
            body, new_content = self._scrub(content, entry)
            if isinstance(body, dict):
                entry.model = body.get("model") if isinstance(body.get("model"), str) else None
                entry.stream = body.get("stream") is True
            # Gemini names the model and the streaming in the path: models/<model>:<method>
            model, _, method = parts.path.rpartition("/models/")[2].partition(":")
            if method:
                entry.model = entry.model or model
                entry.stream = entry.stream or method.startswith("stream")
            sent = new_content or content
            reserved = self._admit(
                entry,
                # an SDK retry is the same call, not a loop
                digest=None if _is_retry(headers) else hashlib.sha256(sent).hexdigest(),
                input_tokens=estimate_tokens(len(sent)),
                output_tokens=requested_output_tokens(body, entry.endpoint),
            )
        call = Call(self, entry, estimate_tokens(len(sent)), reserved)
        call.json_mode = _asks_for_json(body)
        return Prepared(new_content, call)

    def _prepare_upload(self, content: bytes, ctype: str, entry: AuditEntry) -> Prepared:
        """Send a multipart upload as it is once its text files hold no secret (`uploads`)."""
        entry.reason = f"not scrubbed: {ctype.split(';')[0]} upload"
        if self.policy.scrub_prompts:
            inner = self.scrubber.inner
            with self._lock, self._fail_closed(entry, "checking the upload"):
                sent = check_upload(
                    content, ctype, inner.detector.scan, inner.operator_for, self._blocked
                )
            if sent:
                counts = ", ".join(f"{kind} {n}" for kind, n in sorted(sent.items()))
                entry.reason += f", with personal data: {counts}"
        return Prepared(None, Call(self, entry, estimate_tokens(len(content))))

    def _scrub(self, content: bytes, entry: AuditEntry) -> tuple[Any, bytes | None]:
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ScrubError(
                f"aisafe-nb: request to {entry.host}{entry.endpoint} not sent: its JSON body "
                f"could not be read ({type(exc).__name__})"
            ) from None
        if not self.policy.scrub_prompts:
            return body, None
        with self._fail_closed(entry, "scrubbing"):
            result = scrub_body(body, self.scrubber, self._blocked)
        entry.scrubbed = dict(result.counts)
        if not result.changed:
            return body, None
        return result.body, json.dumps(result.body, ensure_ascii=False).encode()

    @contextlib.contextmanager
    def _fail_closed(self, entry: AuditEntry, step: str) -> Iterator[None]:
        """Any failure of `step` refuses the request: it is logged, and nothing is sent.

        Our own refusals pass as they are; anything else (a bug, a rule that blew up)
        becomes a `ScrubError` naming only the exception's type, never the text.
        """
        try:
            yield
        except AisafeError as exc:
            self._log_refusal(entry, str(exc))
            raise
        except Exception as exc:
            reason = f"{step} failed ({type(exc).__name__})"
            self._log_refusal(entry, reason)
            raise ScrubError(
                f"aisafe-nb: request to {entry.host}{entry.endpoint} not sent: {reason}"
            ) from None

    def _admit(
        self, entry: AuditEntry, *, digest: str | None, input_tokens: int, output_tokens: int
    ) -> float:
        """Pass the loop guard and the budget check; return the USD reserved for the call.

        `digest` identifies the request for the "same request again" check (None: not
        counted, e.g. an SDK retry); the token counts are the call's worst case.
        """
        try:
            if digest is not None:
                self.loop.admit(self.policy, digest)
            if self.policy.budget_session or self.policy.budget_daily or self.policy.budget_monthly:
                worst = self.prices.cost(entry.model, Usage(input_tokens, 0, output_tokens))
                # calls still in flight (threads, asyncio.gather) count at their worst case
                spent = self.ledger.totals()
                pending = self._reserved
                check_budget(
                    self.policy,
                    Totals(spent.session + pending, spent.daily + pending, spent.monthly + pending),
                    worst,
                )
                self._reserved += worst
                return worst
        except AisafeError as exc:
            self._log_refusal(entry, str(exc))
            raise
        return 0.0

    def _log_refusal(self, entry: AuditEntry, reason: str) -> None:
        entry.blocked = True
        entry.reason = reason.removeprefix("aisafe-nb: ")
        with contextlib.suppress(OSError):
            self.audit.append(entry)

    # --- websockets (the Realtime API): see `sockets` ---

    def open_socket(
        self, host: str, path: str, headers: Mapping[str, str]
    ) -> SocketSession | None:
        """A `SocketSession` for a selected websocket connection, or None (not an AI API)."""
        if not self.selects(host, headers):
            return None
        from aisafe_nb.intercept.sockets import SocketSession

        return SocketSession(self, host, path)

    def scrub_message(self, content: bytes, entry: AuditEntry) -> tuple[Any, bytes | None]:
        """One websocket event parsed, and scrubbed (None: send it unchanged); fail closed."""
        try:
            with self._lock:
                return self._scrub(content, entry)
        except AisafeError as exc:
            raise for_sdk(exc) from None

    def admit_call(
        self, entry: AuditEntry, *, digest: str, input_tokens: int, output_tokens: int
    ) -> float:
        """Loop guard and budget check for a call made over a websocket; USD reserved."""
        try:
            with self._lock:
                return self._admit(entry, digest=digest, input_tokens=input_tokens,
                                   output_tokens=output_tokens)
        except AisafeError as exc:
            raise for_sdk(exc) from None

    # --- after sending ---

    def restore_body(
        self, call: Call, status: int, content: bytes, content_type: str = ""
    ) -> bytes | None:
        """Account a complete answer; the restored body, or None when unchanged.

        Raises `ResponseError` for a successful answer that claims JSON but is not valid
        JSON (the call is booked at an estimate first, so the ledger stays consistent).
        """
        call.entry.status = status
        try:
            payload = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            broken = status < 400 and "json" in content_type.lower()
            call.finish(status=status, reason="answer was not valid JSON" if broken else None)
            if broken:
                raise for_sdk(
                    ResponseError(
                        f"aisafe-nb: {call.entry.host} answered {call.entry.endpoint} with invalid "
                        f"JSON ({len(content)} bytes, HTTP {status}); no result. The call was "
                        f"booked at an estimated {call.entry.cost_usd:.6f} USD"
                    )
                ) from None
            return None
        call.on_payload(payload)
        call.finish(status=status)
        vault = self.scrubber.vault
        if not vault or status >= 400:
            return None
        restored = restore_json(payload, vault, escape_all=call.json_mode)
        if restored is payload:  # restore_json copies only what it changed
            return None
        return json.dumps(restored, ensure_ascii=False).encode()

    def tap(self, call: Call, status: int, content_type: str) -> Tap:
        """A processor for a streamed answer (SSE events or a JSON body read in chunks)."""
        call.entry.status = status
        vault = self.scrubber.vault
        if "event-stream" in content_type.lower():
            restorer = StreamRestorer(vault, escape_all=call.json_mode) if vault else None
            return SSETap(call.on_payload, restorer)
        return JSONTap(call.on_payload, vault if status < 400 else {}, escape_all=call.json_mode)

    def _book(self, entry: AuditEntry, usage: Usage | None, reserved: float) -> None:
        if usage is not None:
            entry.input_tokens = usage.input_tokens
            entry.output_tokens = usage.output_tokens
            entry.cached_tokens = usage.cached_tokens
            entry.usage_estimated = usage.estimated
            entry.cost_usd = round(self.prices.cost(entry.model, usage), 8)
        try:
            self.audit.append(entry)
        finally:
            if entry.cost_usd > 0:
                ledger, cost = self.ledger, entry.cost_usd
                self._booker.submit(lambda: self._add_to_ledger(ledger, cost, reserved))
            else:
                self._release(reserved)

    def _add_to_ledger(self, ledger: Ledger, cost: float, reserved: float) -> None:
        try:
            ledger.add(cost)
        finally:
            self._release(reserved)

    def _release(self, reserved: float) -> None:
        with self._lock:
            self._reserved = max(0.0, self._reserved - reserved)

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait for pending ledger bookings (see `booking`); False on timeout."""
        return self._booker.flush(timeout)


def endpoint_of(path: str) -> str:
    """``/v1/chat/completions`` -> ``/chat/completions`` (also for Azure deployment paths)."""
    for marker in ("/v1/", "/openai/"):
        if marker in path:
            return "/" + path.split(marker, 1)[1]
    return path or "/"


def _asks_for_json(body: Any) -> bool:
    """True when the request wants a JSON answer (chat ``response_format``, ``text.format``)."""
    if not isinstance(body, dict):
        return False
    fmt = body.get("response_format")
    text = body.get("text")
    if isinstance(text, dict):
        fmt = fmt or text.get("format")
    return isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema")


def _is_retry(headers: Mapping[str, str]) -> bool:
    count = headers.get("x-stainless-retry-count", "0")
    return count.isdigit() and int(count) > 0
