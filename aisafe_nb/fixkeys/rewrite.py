"""Rewrite a cell so its inline keys come from the environment (``.env`` + python-dotenv).

Python cells are read with `ast`, so only a whole string literal is replaced and its
context (``x = "..."``, ``api_key="..."``, ``os.environ["X"] = "..."``) picks the variable
name and the action. IPython syntax is handled line by line: line magics and ``!`` lines
are masked as ``pass`` before parsing (so the Python around them keeps its positions), and
``%env NAME=value`` lines are deleted because ``load_dotenv()`` sets the variable. Anything
else (f-strings, keys inside longer strings, shell lines, cell magics) is reported as a
manual fix instead of being guessed at.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass

from aisafe_nb.detect.engine import scan_text
from aisafe_nb.detect.finding import Finding
from aisafe_nb.fixkeys.ipyview import scan_view
from aisafe_nb.fixkeys.model import KeyFix, KeyMove, ManualFix
from aisafe_nb.fixkeys.naming import is_valid_name, name_for, unique_name

_MAGIC_LINE = re.compile(r"^\s*(?:[%!]|[\w.,\[\]\s]+=\s*[%!])")
_ENV_MAGIC = re.compile(
    r"^(?P<indent>\s*)%(?:set_)?env\s+(?P<name>[A-Za-z_]\w*)\s*[= ]\s*(?P<value>.*?)\s*$"
)
_IMPORT_OS = re.compile(r"(?m)^\s*import\s+(?:[\w.]+\s*,\s*)*os\s*(?:,|$|#)")
_LOADS_DOTENV = re.compile(r"(?m)load_dotenv\s*\(|^\s*%dotenv\b")
_FUTURE = re.compile(r"^from\s+__future__\s+import\b")

HEADER_OS = "import os\n"
HEADER_DOTENV = "from dotenv import load_dotenv\nload_dotenv()\n"


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Site:
    """Where one finding sits and what to do with it."""

    finding: Finding
    value: str
    line: int
    assigned: str | None = None  # env-shaped name chosen by the user's code, if any
    fixed_name: bool = False  # the name is dictated by the code (os.environ["X"], %env X)
    edit_span: tuple[int, int] | None = None
    delete: bool = False  # the edit removes a statement; otherwise it replaces a literal
    manual: str | None = None
    #: What a deleted statement leaves behind (``pass`` when it was a block's only statement).
    leftover: str = ""


def plan_fix(source: str, *, existing_env: Mapping[str, str]) -> KeyFix | None:
    """Plan moving every inline key of `source` into ``.env``; None when there is none.

    `existing_env` is the current content of ``.env`` (name -> value): a name holding the
    same value is reused, a name holding another value is never overwritten (the key gets
    ``NAME_2``...). Idempotent: the rewritten source holds no movable key, so planning it
    again moves nothing (keys needing a manual fix are reported again).
    """
    findings = scan_text(scan_view(source), kinds=("secret",))
    if not findings:
        return None
    index = _LineIndex(source)
    tree = _parse_python_view(source)
    sites = [_locate(f, source, index, tree) for f in findings]

    taken: dict[str, str] = dict(existing_env)
    names_by_value: dict[tuple[str, str | None], KeyMove] = {}
    moves: list[KeyMove] = []
    manual: list[ManualFix] = []
    edits: list[_Edit] = []
    for site in sites:
        f = site.finding
        if site.manual is not None or site.edit_span is None:
            manual.append(ManualFix(site.line, f.type, f.preview, site.manual or "not rewritable"))
            continue
        key = (site.value, site.assigned if site.fixed_name else None)
        move = names_by_value.get(key)
        if move is None:
            base = (
                site.assigned
                if site.fixed_name and site.assigned
                else name_for(f.type, site.assigned)
            )
            name = unique_name(base, site.value, taken)
            if site.fixed_name and name != base:
                manual.append(
                    ManualFix(
                        site.line, f.type, f.preview, f"{base} in .env holds a different value"
                    )
                )
                continue
            move = KeyMove(
                name=name,
                type=f.type,
                preview=f.preview,
                fingerprint=f.fingerprint,
                line=site.line,
                value=site.value,
                reused=existing_env.get(name) == site.value,
                renamed_from=base if name != base else None,
            )
            taken[name] = site.value
            names_by_value[key] = move
            moves.append(move)
        start, end = site.edit_span
        edits.append(
            _Edit(start, end, site.leftover if site.delete else f"os.environ[{move.name!r}]")
        )

    if not moves:
        return KeyFix(new_source=source, moves=[], manual=manual)
    new_source = _apply(source, edits)
    needs_os = any(e.text.startswith("os.environ") for e in edits)
    return KeyFix(new_source=_add_header(new_source, needs_os=needs_os), moves=moves, manual=manual)


class _LineIndex:
    """Offsets <-> (1-based line, column) for one source text."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True) or [""]
        self.starts: list[int] = []
        pos = 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line)

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def offset(self, lineno: int, byte_col: int) -> int:
        """Char offset of an `ast` position (ast columns count UTF-8 bytes)."""
        line = self.lines[lineno - 1]
        col = len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
        return self.starts[lineno - 1] + col


def _parse_python_view(source: str) -> ast.Module | None:
    """Parse `source` with IPython-only lines masked as ``pass``; None if it is not Python."""
    lines = source.splitlines(keepends=True)
    first = next((ln for ln in lines if ln.strip()), "")
    if first.lstrip().startswith("%%"):
        return None
    view = []
    for line in lines:
        if _MAGIC_LINE.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            line = indent + "pass" + ("\n" if line.endswith("\n") else "")
        view.append(line)
    try:
        return ast.parse("".join(view))
    except (SyntaxError, ValueError):
        return None


def _locate(f: Finding, source: str, index: _LineIndex, tree: ast.Module | None) -> _Site:
    value = source[f.start : f.end]
    lineno = index.line_of(f.start)
    line = index.lines[lineno - 1]
    env = _ENV_MAGIC.match(line.rstrip("\r\n"))
    if env is not None:
        raw = env.group("value")
        if raw.strip("'\"") == value:
            start = index.starts[lineno - 1]
            return _Site(
                f, value, lineno, env.group("name"), True, (start, start + len(line)), True
            )
        return _Site(f, value, lineno, manual="%env value holds more than the key")
    if _MAGIC_LINE.match(line):
        return _Site(f, value, lineno, manual="shell command or line magic")
    if tree is None:
        return _Site(f, value, lineno, manual="not Python code (cell magic or syntax error)")
    return _locate_in_python(f, value, lineno, index, tree)


def _locate_in_python(
    f: Finding, value: str, lineno: int, index: _LineIndex, tree: ast.Module
) -> _Site:
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        start = index.offset(node.lineno, node.col_offset)
        end = index.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        if not (start <= f.start and f.end <= end):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.JoinedStr) or _inside_fstring(node, parents):
            return _Site(f, value, lineno, manual="key inside an f-string")
        if node.value != value:
            return _Site(f, value, lineno, manual="key is part of a longer string")
        return _site_for_literal(f, value, lineno, index, node, parent, parents, (start, end))
    return _Site(f, value, lineno, manual="key is not a plain string literal")


def _inside_fstring(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    current = parents.get(id(node))
    while current is not None:
        if isinstance(current, ast.JoinedStr):
            return True
        current = parents.get(id(current))
    return False


def _site_for_literal(
    f: Finding,
    value: str,
    lineno: int,
    index: _LineIndex,
    node: ast.Constant,
    parent: ast.AST | None,
    parents: dict[int, ast.AST],
    span: tuple[int, int],
) -> _Site:
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        env_name = _environ_target(targets[0]) if len(targets) == 1 else None
        if env_name is not None and is_valid_name(env_name):
            whole = _whole_lines(parent, index)
            if whole is not None:
                holder = parents.get(id(parent))
                body = getattr(holder, "body", None)
                alone = (
                    not isinstance(holder, ast.Module) and isinstance(body, list) and len(body) == 1
                )
                line = index.lines[parent.lineno - 1]
                leftover = line[: len(line) - len(line.lstrip())] + "pass\n" if alone else ""
                return _Site(f, value, lineno, env_name, True, whole, True, leftover=leftover)
            return _Site(f, value, lineno, env_name, True, span)
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            return _Site(f, value, lineno, targets[0].id, False, span)
    return _Site(f, value, lineno, None, False, span)


def _environ_target(target: ast.expr) -> str | None:
    """``os.environ["X"]`` -> ``"X"``."""
    if (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "environ"
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
    ):
        return target.slice.value
    return None


def _whole_lines(stmt: ast.stmt, index: _LineIndex) -> tuple[int, int] | None:
    """The span of the full lines of `stmt`, when nothing else shares them."""
    first = index.lines[stmt.lineno - 1]
    last_no = stmt.end_lineno or stmt.lineno
    last = index.lines[last_no - 1]
    indent = len(first) - len(first.lstrip())
    if index.offset(stmt.lineno, stmt.col_offset) != index.starts[stmt.lineno - 1] + indent:
        return None
    tail = last[len(last.encode("utf-8")[: stmt.end_col_offset or 0].decode("utf-8", "ignore")) :]
    if tail.strip() and not tail.strip().startswith("#"):
        return None
    return index.starts[stmt.lineno - 1], index.starts[last_no - 1] + len(last)


def _apply(source: str, edits: list[_Edit]) -> str:
    out = source
    last_start = len(source) + 1
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        if edit.end > last_start:
            continue  # overlapping edits: the later one already covers this span
        out = out[: edit.start] + edit.text + out[edit.end :]
        last_start = edit.start
    return out


def _add_header(source: str, *, needs_os: bool) -> str:
    header = ""
    first_use = source.find("os.environ[")
    if needs_os and not _IMPORT_OS.search(source[: max(first_use, 0)]):
        header += HEADER_OS
    if not _LOADS_DOTENV.search(source):
        header += HEADER_DOTENV
    if not header:
        return source
    lines = source.splitlines(keepends=True)
    at = 0
    for i, line in enumerate(lines):
        if _FUTURE.match(line):
            at = i + 1
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, header)
    return "".join(lines)
