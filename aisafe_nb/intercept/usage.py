"""Read token usage from API answers: whole JSON bodies and single stream events.

Chat, legacy completions and embeddings report ``prompt_tokens``/``completion_tokens``;
the Responses API reports ``input_tokens``/``output_tokens`` (in streams, inside the
``response.completed`` event). Chat streams without ``stream_options.include_usage``
report nothing; the guard then estimates (see `estimate_tokens`).
"""

from __future__ import annotations

from typing import Any

from aisafe_nb.intercept.prices import Usage

#: Characters per token used for every estimate (the usual rule of thumb for English).
CHARS_PER_TOKEN = 4
#: Stream events that end a response and carry its usage (Responses API; Realtime's
#: ``response.done``). Anthropic's streams report usage in ``message_start`` (input) and
#: ``message_delta`` (output so far): `Usage.merged` puts the parts together.
FINAL_RESPONSE_EVENTS = (
    "response.completed", "response.incomplete", "response.failed", "response.done"
)


def estimate_tokens(chars: int) -> int:
    """A rough token count for `chars` characters of text or JSON."""
    return (chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def usage_from_payload(payload: Any) -> Usage | None:
    """Usage in a JSON answer or one stream event, or None when it carries none."""
    if not isinstance(payload, dict):
        return None
    gemini = payload.get("usageMetadata")
    if isinstance(gemini, dict):
        return Usage(
            input_tokens=count(gemini.get("promptTokenCount")),
            cached_tokens=count(gemini.get("cachedContentTokenCount")),
            # thinking tokens are billed as output
            output_tokens=count(gemini.get("candidatesTokenCount"))
            + count(gemini.get("thoughtsTokenCount")),
        )
    usage = payload.get("usage")
    if not isinstance(usage, dict):
        kind = payload.get("type")
        holder = (payload.get("response") if kind in FINAL_RESPONSE_EVENTS
                  else payload.get("message") if kind == "message_start" else None)
        usage = holder.get("usage") if isinstance(holder, dict) else None
    if not isinstance(usage, dict):
        return None
    if "input_tokens" in usage or "output_tokens" in usage:
        # the Responses API says input_tokens_details, the Realtime API input_token_details
        details = usage.get("input_tokens_details") or usage.get("input_token_details") or {}
        # Anthropic counts cache reads and writes apart from input_tokens
        cache_read = count(usage.get("cache_read_input_tokens"))
        cache_write = count(usage.get("cache_creation_input_tokens"))
        return Usage(
            input_tokens=count(usage.get("input_tokens")) + cache_read + cache_write,
            cached_tokens=cache_read + count(
                details.get("cached_tokens") if isinstance(details, dict) else 0),
            output_tokens=count(usage.get("output_tokens")),
        )
    details = usage.get("prompt_tokens_details") or {}
    return Usage(
        input_tokens=count(usage.get("prompt_tokens")),
        cached_tokens=count(details.get("cached_tokens") if isinstance(details, dict) else 0),
        output_tokens=count(usage.get("completion_tokens")),
    )


def model_from_payload(payload: Any) -> str | None:
    """The model an answer or stream event names, if any."""
    if not isinstance(payload, dict):
        return None
    model = payload.get("model") or payload.get("modelVersion")  # Gemini: modelVersion
    if not isinstance(model, str):
        response = payload.get("response")
        model = response.get("model") if isinstance(response, dict) else None
    return model if isinstance(model, str) else None


def count(value: Any) -> int:
    """A count read from a JSON value: a number as an int, anything else 0."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
