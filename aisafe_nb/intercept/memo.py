"""Remember scrub results per text: a chat resends its whole history on every call.

With a 20-turn conversation, every call would scan all earlier messages again. The
Scrubber is deterministic within a session (same value, same placeholder), so the result
for a text can be reused as long as the scrubber is the same; a bounded LRU keeps memory
flat. Short texts are cheap to scan and are not stored.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

from aisafe_nb.scrub import Scrubbed, Scrubber

#: Texts shorter than this are scanned every time (cheaper than hashing and storing them).
MIN_CHARS = 64
MAX_ENTRIES = 1024


class MemoScrubber:
    """A `Scrubber` front that reuses the result for a text it has already scrubbed."""

    def __init__(self, scrubber: Scrubber, *, max_entries: int = MAX_ENTRIES) -> None:
        self.inner = scrubber
        self._max = max_entries
        self._memo: OrderedDict[str, Scrubbed] = OrderedDict()

    @property
    def vault(self) -> Mapping[str, str]:
        """Placeholder -> original value for every placeholder issued in this session."""
        return self.inner.vault

    def scrub(self, text: str) -> Scrubbed:
        """Like `Scrubber.scrub`, from memory when `text` was seen before."""
        if len(text) < MIN_CHARS:
            return self.inner.scrub(text)
        hit = self._memo.get(text)
        if hit is not None:
            self._memo.move_to_end(text)
            return hit
        result = self.inner.scrub(text)
        self._memo[text] = result
        if len(self._memo) > self._max:
            self._memo.popitem(last=False)
        return result

    def restore(self, text: str) -> str:
        """Put the original values back (delegates to the scrubber)."""
        return self.inner.restore(text)
