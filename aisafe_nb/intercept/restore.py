"""Put personal data back into what the user receives: JSON answers and SSE streams.

The model only ever saw placeholders such as ``<EMAIL_1>``; the user should see their own
data. OpenAI's stream shapes (chat chunks, ``*.delta`` events), Anthropic's
(``content_block_delta``) and Gemini's (``candidates`` chunks) are restored alike. Whole
answers are restored string by string after parsing, so the JSON stays valid whatever the
value contains. Streams are restored event by event; a placeholder split across two events
(``<EMA`` + ``IL_1>``) is held back until it is complete, and held text is sent as an
extra event of the same shape, so the SDK still parses a valid stream. Tool-call
``arguments`` (and Anthropic's tool input) are JSON inside a string, so values restored
there are escaped; so is every text of an answer in JSON mode (``response_format``/
``text.format`` asking for JSON), whose content the SDK parses as JSON.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from aisafe_nb.intercept.jsonwalk import map_strings
from aisafe_nb.scrub import restore_text as _restore_text

#: A possible start of a placeholder at the end of a text (held back in streams).
_PARTIAL_TAIL = re.compile(r"<(?:[A-Z][A-Z0-9_]*)?$")
#: Longest text held back: a placeholder is never longer than this.
MAX_HOLD = 64
#: Keys whose string values are JSON documents (restored values must be JSON-escaped).
JSON_STRING_KEYS = frozenset({"arguments", "partial_json"})
#: The text fields of an Anthropic ``content_block_delta`` (text, thinking, tool input).
_BLOCK_DELTA_FIELDS = ("text", "thinking", "partial_json")


def restore_text(text: str, vault: Mapping[str, str], *, escape: bool = False) -> str:
    """Replace every placeholder of `vault` in `text`; `escape` for text that is JSON."""
    return _restore_text(text, vault, _json_escaped if escape else None)


def _json_escaped(value: str) -> str:
    return json.dumps(value)[1:-1]


def restore_json(
    value: Any, vault: Mapping[str, str], key: str | None = None, *, escape_all: bool = False
) -> Any:
    """The JSON value `value` with placeholders restored in every string.

    `escape_all` JSON-escapes every restored value (answers in JSON mode). Only what
    changed is copied (see `jsonwalk`): `value` itself comes back when nothing was
    restored, and the input is never modified.
    """
    if not vault:
        return value

    def put(text: str, at: str | None) -> str:
        return restore_text(text, vault, escape=escape_all or at in JSON_STRING_KEYS)

    return map_strings(value, put, key)


Event = tuple[list[bytes], Any]  # (non-data lines such as b"event: x", JSON payload)
Builder = Callable[[str], Any]  # held text -> a JSON event carrying it


class StreamRestorer:
    """Restores placeholders in parsed SSE events, holding split placeholders back.

    `process(payload)` returns the events to emit in place of one incoming event (held
    text of finished channels comes as extra events); `finish()` returns the rest.
    """

    def __init__(self, vault: Mapping[str, str], *, escape_all: bool = False) -> None:
        self.vault = vault
        self.escape_all = escape_all
        self._held: dict[tuple[Any, ...], tuple[str, Builder, list[bytes], bool]] = {}

    def process(self, other_lines: list[bytes], payload: Any) -> list[Event]:
        """Events to emit for one incoming JSON event (or the ``[DONE]`` marker)."""
        if not isinstance(payload, dict):  # [DONE] and anything unknown
            return [*self._flush(None), (other_lines, payload)]
        choices = payload.get("choices")
        if isinstance(choices, list):
            return self._chat(other_lines, payload, choices)
        candidates = payload.get("candidates")
        if isinstance(candidates, list):
            return self._gemini(other_lines, payload, candidates)
        kind = payload.get("type")
        if (
            isinstance(kind, str)
            and kind.endswith(".delta")
            and isinstance(payload.get("delta"), str)
        ):
            key = (
                kind,
                payload.get("item_id"),
                payload.get("output_index"),
                payload.get("content_index"),
            )
            escape = "arguments" in kind

            def build(held: str, template: dict[str, Any] = payload) -> Any:
                return {**template, "delta": held}

            payload = {
                **payload,
                "delta": self._push(key, payload["delta"], build, other_lines, escape),
            }
            return [(other_lines, payload)]
        if kind == "content_block_delta" and isinstance(payload.get("delta"), dict):
            return [(other_lines, self._block_delta(other_lines, payload, payload["delta"]))]
        return [
            *self._flush(None),
            (other_lines, restore_json(payload, self.vault, escape_all=self.escape_all)),
        ]

    @property
    def holding(self) -> bool:
        """True while part of a possible placeholder is held back."""
        return bool(self._held)

    def finish(self) -> list[Event]:
        """Held text of every channel, as final events."""
        return self._flush(None)

    # --- Anthropic's Messages API ---

    def _block_delta(
        self, lines: list[bytes], payload: dict[str, Any], delta: dict[str, Any]
    ) -> dict[str, Any]:
        """A ``content_block_delta``: text, thinking, or tool input (JSON, so escaped).

        Held text is released by the next event of another kind (``content_block_stop``
        comes right after a block's last delta), through the generic flush.
        """
        field = next((f for f in _BLOCK_DELTA_FIELDS if isinstance(delta.get(f), str)), None)
        if field is None:
            restored: dict[str, Any] = restore_json(payload, self.vault, escape_all=self.escape_all)
            return restored

        def build(held: str, template: dict[str, Any] = payload) -> Any:
            return {**template, "delta": {**template["delta"], field: held}}

        text = self._push(("block", payload.get("index"), field), delta[field], build, lines,
                          escape=field == "partial_json")
        return {**payload, "delta": {**delta, field: text}}

    # --- Gemini (generateContent chunks) ---

    def _gemini(
        self, lines: list[bytes], payload: dict[str, Any], candidates: list[Any]
    ) -> list[Event]:
        """Each chunk carries every candidate's next text parts; a finished candidate
        (``finishReason``) releases its held text as one more chunk."""
        head = restore_json({k: v for k, v in payload.items() if k != "candidates"}, self.vault)
        out: list[Any] = []
        after: list[Event] = []
        for position, candidate in enumerate(candidates):
            content = candidate.get("content") if isinstance(candidate, dict) else None
            parts = content.get("parts") if isinstance(content, dict) else None
            if not (isinstance(content, dict) and isinstance(parts, list)):
                out.append(restore_json(candidate, self.vault, escape_all=self.escape_all))
                continue
            index = candidate.get("index", position)
            new_parts = [self._gemini_part(lines, payload, index, part) for part in parts]
            rest = {k: v for k, v in candidate.items() if k != "content"}
            out.append({**restore_json(rest, self.vault), "content": {**content,
                                                                      "parts": new_parts}})
            if candidate.get("finishReason"):
                after.extend(self._flush(("gemini", index)))
        return [(lines, {**head, "candidates": out}), *after]

    def _gemini_part(
        self, lines: list[bytes], payload: dict[str, Any], index: Any, part: Any
    ) -> Any:
        if not (isinstance(part, dict) and isinstance(part.get("text"), str)):
            return restore_json(part, self.vault, escape_all=self.escape_all)
        thought = bool(part.get("thought"))
        model = payload.get("modelVersion")

        def build(held: str) -> Any:
            piece = {"text": held, **({"thought": True} if thought else {})}
            return {"candidates": [{"index": index, "content": {"role": "model",
                                                                "parts": [piece]}}],
                    **({"modelVersion": model} if model else {})}

        key = ("gemini", index, "thought" if thought else "text")
        return {**part, "text": self._push(key, part["text"], build, lines)}

    # --- chat and legacy completions ---

    def _chat(self, lines: list[bytes], payload: dict[str, Any], choices: list[Any]) -> list[Event]:
        before = self._flush(None) if not choices else []
        after: list[Event] = []
        out_choices = []
        for choice in choices:
            if not isinstance(choice, dict):
                out_choices.append(choice)
                continue
            choice = restore_json(
                {k: v for k, v in choice.items() if k not in ("delta", "text")},
                self.vault,
                escape_all=self.escape_all,
            ) | {k: choice[k] for k in ("delta", "text") if k in choice}
            index = choice.get("index", 0)
            delta = choice.get("delta")
            if isinstance(delta, dict):
                choice["delta"] = self._chat_delta(lines, payload, index, delta)
            elif isinstance(choice.get("text"), str):
                choice["text"] = self._push(
                    ("text", index), choice["text"], _chat_builder(payload, index, "text"), lines
                )
            if choice.get("finish_reason"):
                after.extend(self._flush(("chat", index)))
                after.extend(self._flush(("text", index)))
            out_choices.append(choice)
        return [*before, (lines, {**payload, "choices": out_choices}), *after]

    def _chat_delta(
        self, lines: list[bytes], payload: dict[str, Any], index: int, delta: dict[str, Any]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in delta.items():
            if key == "content" and isinstance(value, str):
                out[key] = self._push(
                    ("chat", index, "content"),
                    value,
                    _chat_builder(payload, index, "content"),
                    lines,
                )
            elif key == "tool_calls" and isinstance(value, list):
                out[key] = [self._tool_call(lines, payload, index, call) for call in value]
            else:
                out[key] = restore_json(value, self.vault, key, escape_all=self.escape_all)
        return out

    def _tool_call(self, lines: list[bytes], payload: dict[str, Any], index: int, call: Any) -> Any:
        if not isinstance(call, dict) or not isinstance(call.get("function"), dict):
            return restore_json(call, self.vault, escape_all=self.escape_all)
        function = dict(call["function"])
        if isinstance(function.get("arguments"), str):
            call_index = call.get("index", 0)
            function["arguments"] = self._push(
                ("chat", index, "tool", call_index),
                function["arguments"],
                _tool_builder(payload, index, call_index),
                lines,
                escape=True,
            )
        return {**call, "function": function}

    # --- holding and flushing ---

    def _push(
        self,
        key: tuple[Any, ...],
        text: str,
        build: Builder,
        lines: list[bytes],
        escape: bool = False,
    ) -> str:
        escape = escape or self.escape_all
        held = self._held.pop(key, None)
        if held is not None:
            text = held[0] + text
        match = _PARTIAL_TAIL.search(text, pos=max(0, len(text) - MAX_HOLD))
        if match is not None and self.vault:
            self._held[key] = (text[match.start() :], build, lines, escape)
            text = text[: match.start()]
        return restore_text(text, self.vault, escape=escape)

    def _flush(self, prefix: tuple[Any, ...] | None) -> list[Event]:
        out: list[Event] = []
        for key in list(self._held):
            if prefix is None or key[: len(prefix)] == prefix:
                text, build, lines, escape = self._held.pop(key)
                out.append((lines, build(restore_text(text, self.vault, escape=escape))))
        return out


def _chat_builder(payload: dict[str, Any], index: int, field: str) -> Builder:
    base = {k: v for k, v in payload.items() if k not in ("choices", "usage")}

    def build(held: str) -> Any:
        choice: dict[str, Any] = {"index": index, "finish_reason": None}
        if field == "text":
            choice["text"] = held
        else:
            choice["delta"] = {field: held}
        return {**copy.deepcopy(base), "choices": [choice]}

    return build


def _tool_builder(payload: dict[str, Any], index: int, call_index: int) -> Builder:
    base = {k: v for k, v in payload.items() if k not in ("choices", "usage")}

    def build(held: str) -> Any:
        call = {"index": call_index, "function": {"arguments": held}}
        choice = {"index": index, "delta": {"tool_calls": [call]}, "finish_reason": None}
        return {**copy.deepcopy(base), "choices": [choice]}

    return build
