"""The ``%aisafe`` subcommands and ``%%aisafe_scrub``: each parses its arguments, calls the
library (`aisafe_nb.fixkeys`, `aisafe_nb.envfile`, `aisafe_nb.scrub`) and returns a
`Notice`. Nothing here prints a secret: only names, counts and previews.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from aisafe_nb.kernel.extension import Installed, current
from aisafe_nb.kernel.render import Notice

HELP_LINES = [
    "%aisafe status            what is on, and counts of what was caught",
    "%aisafe on | off          switch the cell guard and output masking",
    "%aisafe mode warn|strict  warn about inline keys, or refuse to run the cell",
    "%aisafe env [PATH] [--gitignore]  load .env (names only); check it is git-ignored",
    "%aisafe fix               move the last offending cell's keys to .env; rewrite the cell",
    "%aisafe budget | spent | log      API guard (when installed)",
    "%%aisafe_scrub            preview a prompt after scrubbing, with its placeholders",
]


def _state(shell: Any) -> Installed | Notice:
    inst = current(shell)
    if inst is None:
        return Notice("the extension is not loaded (`%load_ext aisafe_nb`)", level="error")
    return inst


def help_(shell: Any, args: str) -> Notice:
    """``%aisafe help``."""
    return Notice("commands", lines=HELP_LINES)


def status(shell: Any, args: str) -> Notice:
    """``%aisafe status``: settings in force and counts."""
    inst = _state(shell)
    if isinstance(inst, Notice):
        return inst
    p, s = inst.policy, inst.guard.stats
    lines = [
        f"guard: {'on' if p.enabled else 'off'}, mode: {p.mode}",
        f"output masking: {'on' if inst.masking_active() else 'off'}",
        f"API guard: {'on' if inst.api_guard else 'not available'}",
        f"cells scanned: {s.cells_scanned}, warned: {s.cells_warned}, refused: {s.cells_refused}",
        f"inline secrets found: {s.secrets_found}, outputs masked: {inst.masker.masked_count}",
        f"secret values known (masked in outputs): {inst.masker.known_count()}",
    ]
    return Notice("status", lines=lines)


def _set(shell: Any, **values: Any) -> Notice | None:
    inst = _state(shell)
    if isinstance(inst, Notice):
        return inst
    for name, value in values.items():
        setattr(inst.settings, name, value)  # the observer re-applies the policy
    return None


def turn_on(shell: Any, args: str) -> Notice:
    """``%aisafe on``."""
    return _set(shell, enabled=True) or Notice("guard on")


def turn_off(shell: Any, args: str) -> Notice:
    """``%aisafe off``: no scanning, no masking until ``%aisafe on``."""
    return _set(shell, enabled=False) or Notice(
        "guard off: cells are not scanned and outputs are not masked", level="warning"
    )


def mode(shell: Any, args: str) -> Notice:
    """``%aisafe mode warn|strict``."""
    wanted = args.strip()
    if wanted not in ("warn", "strict"):
        return Notice("usage: %aisafe mode warn|strict", level="error")
    return _set(shell, mode=wanted) or Notice(f"mode: {wanted}")


def env(shell: Any, args: str) -> Notice:
    """``%aisafe env [PATH] [--gitignore]``: load ``.env``, list names, check git."""
    from aisafe_nb.envfile import check_gitignored, ensure_gitignored, read_env

    inst = _state(shell)
    if isinstance(inst, Notice):
        return inst
    try:
        words = shlex.split(args)
    except ValueError as exc:
        return Notice(f"cannot parse arguments: {exc}", level="error")
    add_ignore = "--gitignore" in words
    paths = [w for w in words if not w.startswith("--")]
    path = Path(paths[0]) if paths else Path.cwd() / ".env"
    if not path.is_file():
        return Notice(f"no {path} found", hint="Create it with NAME=value lines.", level="warning")
    values = read_env(path)
    from dotenv import load_dotenv

    load_dotenv(path, override=False)
    inst.masker.add_env_values(values)
    inst.env_path = path
    git = ensure_gitignored(path) if add_ignore else check_gitignored(path)
    lines = [f"loaded {len(values)} variable(s) from {path}: {', '.join(sorted(values)) or '-'}"]
    lines.extend(git.describe(path.name))
    hint = ""
    if git.in_repo and not git.ignored and not add_ignore:
        hint = "Run `%aisafe env --gitignore` to add it to .gitignore."
    return Notice("env", lines=lines, hint=hint, level="info" if git.ok else "warning")


def fix(shell: Any, args: str) -> Notice:
    """``%aisafe fix [ENV_PATH]``: move the last offending cell's keys to ``.env``."""
    from aisafe_nb.envfile import EnvConflictError, apply_env, ensure_gitignored, read_env
    from aisafe_nb.fixkeys import plan_fix

    inst = _state(shell)
    if isinstance(inst, Notice):
        return inst
    source = inst.guard.last_offending
    if source is None:
        return Notice("no cell with an inline key has run in this session")
    path = Path(args.strip()) if args.strip() else Path.cwd() / ".env"
    plan = plan_fix(source, existing_env=read_env(path))
    if plan is None:
        return Notice("the last offending cell holds no key any more")
    lines = plan.describe()
    if not plan.moves:
        return Notice("nothing could be moved automatically", lines=lines, level="warning")
    try:
        lines += apply_env(path, plan.moves)
    except (EnvConflictError, OSError) as exc:
        return Notice(f"{path} not changed", lines=[str(exc)], level="error")
    lines += ensure_gitignored(path).describe(path.name)
    for move in plan.moves:
        inst.masker.add(move.value, move.type)
    inst.guard.last_offending = None
    shell.set_next_input(plan.new_source, replace=False)
    return Notice(
        f"moved {len(plan.moves)} key(s) to {path}",
        lines=lines,
        hint="The rewritten cell is in the next input: run it, then delete the old cell.",
    )


def scrub_preview(shell: Any, cell: str) -> Notice:
    """What `cell` looks like after scrubbing, and which placeholder stands for what.

    The table shows each placeholder with a *preview* of the original, not the value:
    this output is saved in the notebook, and printing the personal data here would put
    back exactly what scrubbing removes.
    """
    from aisafe_nb.detect.finding import preview
    from aisafe_nb.scrub import Scrubber

    scrubbed = Scrubber().scrub(cell)
    table = [(ph, preview(value, "pii")) for ph, value in scrubbed.vault.items()]
    seen: set[str] = set()
    for f in scrubbed.findings:
        if f.kind == "secret" and f.fingerprint not in seen:
            seen.add(f.fingerprint)
            table.append((f"{f.type} (secret: never restored)", f.preview))
    return Notice(
        f"prompt after scrubbing ({len(scrubbed.findings)} replacement(s))",
        block=scrubbed.text,
        table=table,
    )
