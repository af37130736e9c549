"""The cell guard: scan each cell before it runs; warn, or refuse it in strict mode.

IPython gives no single hook that both sees the raw cell and can stop it cleanly
(PLATFORM-NOTES Q4): ``pre_run_cell`` sees the raw cell but cannot stop it, and an AST
transformer can stop it (by raising ``InputRejected``) but only sees the parsed code. So
``pre_run_cell`` scans and decides, and a tiny AST transformer carries out a refusal.
The transformer is registered only while a refusal is armed (one cell): with any AST
transformer present IPython re-walks every cell's tree (``fix_missing_locations``, about
2 ms for 200 lines), which would be most of the guard's cost. It never raises anything
but the refusal: IPython silently drops a transformer that does.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from IPython.core.error import InputRejected

from aisafe_nb.fixkeys.ipyview import scan_view
from aisafe_nb.kernel.masker import SecretMasker, marker, scan_secrets
from aisafe_nb.kernel.render import Notice
from aisafe_nb.policy import Policy

if TYPE_CHECKING:
    from aisafe_nb.detect.finding import Finding

FIX_HINT = (
    "Fix: run `%aisafe fix` to move the key to .env and rewrite the cell "
    "(or `aisafe-nb fix-keys NOTEBOOK.ipynb`); rotate the key if it was shared."
)


class AisafeRejected(InputRejected):
    """A cell refused in strict mode; rendered as a short message, not a traceback."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("aisafe-nb refused to run this cell (inline secret)")
        self.lines = lines

    def _render_traceback_(self) -> list[str]:
        return self.lines


@dataclass
class GuardStats:
    """Counts shown by ``%aisafe status``."""

    cells_scanned: int = 0
    cells_warned: int = 0
    cells_refused: int = 0
    secrets_found: int = 0


@dataclass
class CellScan:
    """The last scanned cell and what was found in it (findings hold previews only)."""

    raw: str
    findings: list[Finding]


@dataclass
class CellGuard:
    """State of the guard in one shell; the hooks below call into it."""

    shell: Any
    masker: SecretMasker
    policy: Policy
    stats: GuardStats = field(default_factory=GuardStats)
    last_scan: CellScan | None = None
    #: Raw text of the last cell with an inline key (for ``%aisafe fix``); memory only.
    last_offending: str | None = None
    _pending_rejection: list[str] | None = None
    _transformer: RejectTransformer | None = None

    @property
    def active(self) -> bool:
        """True when the guard is switched on."""
        return self.policy.enabled

    def pre_run_cell(self, info: Any) -> None:
        """Scan the raw cell; warn now (warn mode) or arm the refusal (strict mode)."""
        self.disarm()
        self.last_scan = None
        if not self.active:
            return
        raw = getattr(info, "raw_cell", None) or ""
        try:
            findings = scan_secrets(scan_view(raw))
        except Exception as exc:  # a broken rule must not break every cell
            print(f"aisafe-nb: cell not scanned: {type(exc).__name__}: {exc}")
            return
        self.stats.cells_scanned += 1
        self.last_scan = CellScan(raw, findings)
        if not findings:
            return
        for f in findings:
            self.masker.add(raw[f.start : f.end], f.type)
        self.stats.secrets_found += len(findings)
        self.last_offending = raw
        lines = describe_findings(raw, findings)
        if self.policy.mode == "strict":
            self.stats.cells_refused += 1
            self._arm(
                "aisafe-nb refused to run this cell: it contains an inline secret.",
                *(f"  {line}" for line in lines),
                FIX_HINT,
                "The cell did not run; its key was kept out of the input history.",
            )
            return
        self.stats.cells_warned += 1
        from IPython.display import display

        display(  # type: ignore[no-untyped-call]
            Notice(
                "inline secret in this cell (it ran; warn mode)",
                lines=lines,
                hint=FIX_HINT,
                level="warning",
            )
        )

    def _arm(self, *lines: str) -> None:
        self._pending_rejection = list(lines)
        if self._transformer is None:
            self._transformer = RejectTransformer(self)
        if self._transformer not in self.shell.ast_transformers:
            self.shell.ast_transformers.append(self._transformer)

    def take_rejection(self) -> list[str] | None:
        """The refusal armed for the current cell, if any (consumed once)."""
        lines, self._pending_rejection = self._pending_rejection, None
        return lines

    def disarm(self) -> None:
        """Drop any armed refusal and unregister the transformer (end of cell, unload)."""
        self._pending_rejection = None
        transformers = getattr(self.shell, "ast_transformers", [])
        while self._transformer is not None and self._transformer in transformers:
            transformers.remove(self._transformer)

    def scrub_history(self, text: str) -> str:
        """`text` with secrets replaced, for the input history.

        The raw cell was just scanned in `pre_run_cell`: when that found nothing, only the
        cheap known-value check runs here, which keeps the guard's cost to one scan a cell.
        """
        if not text:
            return text
        scan = self.last_scan
        if scan is not None and not scan.findings and not self.masker.contains_known(text):
            return text
        scrubbed = self.masker.mask(text)
        return scrubbed


class RejectTransformer(ast.NodeTransformer):
    """Raises the armed refusal from inside IPython's AST step (the only clean stop)."""

    def __init__(self, guard: CellGuard) -> None:
        super().__init__()
        self.guard = guard

    def visit(self, node: ast.AST) -> ast.AST:
        try:
            lines = self.guard.take_rejection()
        except Exception:  # never let IPython unregister us
            return node
        if lines:
            raise AisafeRejected(lines)
        return node


def describe_findings(raw: str, findings: list[Finding]) -> list[str]:
    """``line 3: openai-api-key sk-proj-…ab`` for each finding (previews, never values)."""
    return [f"line {raw.count(chr(10), 0, f.start) + 1}: {f.type} {f.preview}" for f in findings]


__all__ = ["AisafeRejected", "CellGuard", "RejectTransformer", "describe_findings", "marker"]
