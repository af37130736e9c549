"""Scrub the text a user sends in an API request body, whatever the endpoint.

The walk visits every string of the JSON body except structural fields (model, role,
ids...) and inline binary payloads (base64 images, audio, files): new endpoints and new
content-part shapes are then covered without a code change. One `Scrubber` per guard
keeps placeholders stable across the calls of a session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aisafe_nb.intercept.errors import BlockedContent
from aisafe_nb.intercept.jsonwalk import map_strings
from aisafe_nb.scrub import Scrubbed


class TextScrubber(Protocol):
    """What the walk needs: `Scrubber` or its memoising front `MemoScrubber`."""

    def scrub(self, text: str) -> Scrubbed:
        """Replace the findings in `text`."""
        ...


#: Keys whose string values are structure, not user text: never scanned or changed.
STRUCTURAL_KEYS = frozenset(
    {
        "model",
        "role",
        "type",
        "id",
        "tool_call_id",
        "call_id",
        "previous_response_id",
        "response_id",
        "item_id",
        "object",
        "encoding_format",
        "service_tier",
        "voice",
        "format",
        "detail",
        "tool_choice",
        "truncation",
        "conversation",
        "prompt_cache_key",
        "reasoning_effort",
        "modalities",
        "include",
        "status",
        "stop",
    }
)
#: Keys holding inline binary data (base64): never scanned as text.
BINARY_KEYS = frozenset({"b64_json", "file_data", "data", "image_base64", "audio"})
_DATA_URL = "data:"


@dataclass(slots=True)
class BodyScrub:
    """The outcome of scrubbing one request body."""

    body: Any  # the input where nothing changed, else a copy along the changed paths
    counts: Counter[str] = field(default_factory=Counter)
    blocked: list[tuple[str, str]] = field(default_factory=list)  # (type, preview)

    @property
    def changed(self) -> bool:
        """True when at least one value was replaced."""
        return bool(self.counts)


def scrub_body(body: Any, scrubber: TextScrubber, blocked_types: Mapping[str, bool]) -> BodyScrub:
    """Return the JSON value `body` scrubbed; `body` itself is never modified.

    Only the containers on the path to a changed string are copied (see `jsonwalk`), so a
    body with nothing to scrub comes back as the same object. `blocked_types` maps finding
    types and kinds whose operator is ``block``; a finding of one of them raises
    `BlockedContent` (after the walk, naming every blocked type once).
    """
    result = BodyScrub(body=None)

    def scrub(text: str, key: str | None) -> str:
        if key in STRUCTURAL_KEYS or text.startswith(_DATA_URL):  # BINARY_KEYS: skipped
            return text
        scrubbed = scrubber.scrub(text)
        for finding in scrubbed.findings:
            result.counts[finding.type] += 1
            if blocked_types.get(finding.type) or blocked_types.get(finding.kind):
                result.blocked.append((finding.type, finding.preview))
        return scrubbed.text

    result.body = map_strings(body, scrub, skip_keys=BINARY_KEYS)
    if result.blocked:
        kinds = ", ".join(sorted({f"{t} ({p})" for t, p in result.blocked}))
        raise BlockedContent(
            f"aisafe-nb: request not sent: it contains {kinds}, and the policy operator for "
            "that type is 'block' (change Policy.operators to send it scrubbed)"
        )
    return result
