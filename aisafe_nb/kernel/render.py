"""Notices shown by the guard and the magics: HTML in JupyterLab, plain text elsewhere.

A `Notice` carries both representations, so `display(notice)` picks HTML in a notebook
front end and text in terminal IPython; it never holds a secret, only previews.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["info", "warning", "error"]

_COLOURS: dict[Level, str] = {"info": "#1565c0", "warning": "#b26a00", "error": "#b00020"}


@dataclass(frozen=True)
class Notice:
    """A titled list of lines, optionally followed by a hint (the fix)."""

    title: str
    lines: list[str] = field(default_factory=list)
    hint: str = ""
    level: Level = "info"
    #: Extra rows shown as a two-column table (e.g. placeholder -> preview).
    table: list[tuple[str, str]] = field(default_factory=list)
    #: Preformatted text shown in a code block (e.g. a scrubbed prompt).
    block: str = ""

    def text(self) -> str:
        """The plain-text form (terminal IPython, logs, ``text/plain``)."""
        out = [f"aisafe-nb: {self.title}"]
        out.extend(f"  {line}" for line in self.lines)
        if self.block:
            out.append("")
            out.extend(f"    {line}" for line in self.block.splitlines())
            out.append("")
        if self.table:
            width = max(len(a) for a, _ in self.table)
            out.extend(f"  {a.ljust(width)}  {b}" for a, b in self.table)
        if self.hint:
            out.append(f"  {self.hint}")
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text())

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.level]
        esc = html.escape
        parts = [
            f'<div class="aisafe-notice aisafe-{self.level}" style="border-left:4px solid {colour};'
            'padding:4px 10px;margin:4px 0;font-family:var(--jp-ui-font-family,sans-serif)">',
            f'<b style="color:{colour}">aisafe-nb: {esc(self.title)}</b>',
        ]
        if self.lines:
            parts.append("<ul style='margin:4px 0'>")
            parts.extend(f"<li><code>{esc(line)}</code></li>" for line in self.lines)
            parts.append("</ul>")
        if self.block:
            parts.append(f"<pre style='margin:4px 0'>{esc(self.block)}</pre>")
        if self.table:
            parts.append("<table style='margin:4px 0'>")
            parts.extend(
                f"<tr><td><code>{esc(a)}</code></td><td><code>{esc(b)}</code></td></tr>"
                for a, b in self.table
            )
            parts.append("</table>")
        if self.hint:
            parts.append(f"<div>{esc(self.hint)}</div>")
        parts.append("</div>")
        return "".join(parts)
