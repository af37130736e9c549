"""Install and remove everything ``%load_ext aisafe_nb`` adds to a shell.

Each piece is installed with a matching undo function, kept in one list, so
``%unload_ext`` restores exactly what was there (and a second ``load`` is a no-op).
Nothing heavy is imported here: not openai, not nbformat, not python-dotenv unless a
``.env`` file exists. Settings changes (``%config AISafe...``, ``%aisafe mode``) are
applied at once and therefore take effect from the next cell.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisafe_nb.kernel.config import AISafe, AISafeBase
from aisafe_nb.kernel.guard import CellGuard
from aisafe_nb.kernel.history import install_history
from aisafe_nb.kernel.magics import register
from aisafe_nb.kernel.masker import SecretMasker
from aisafe_nb.kernel.outputs import (
    Restore,
    StreamMasking,
    install_display,
    install_tracebacks,
)
from aisafe_nb.policy import Policy, PolicyError

log = logging.getLogger("aisafe_nb.kernel")


@dataclass
class Installed:
    """What the extension installed in one shell, and how to take it out again."""

    shell: Any
    settings: AISafeBase
    base_policy: Policy
    guard: CellGuard
    masker: SecretMasker
    streams: StreamMasking | None = None
    restores: list[Restore] = field(default_factory=list)
    api_guard: bool = False
    env_path: Path | None = None

    @property
    def policy(self) -> Policy:
        """The settings in force."""
        return self.guard.policy

    def apply_settings(self, _change: Any = None) -> None:
        """Recompute the policy from the base and the ``AISafe`` traits; push it everywhere."""
        try:
            policy = self.settings.effective(self.base_policy)
        except PolicyError as exc:
            print(f"aisafe-nb: {exc}; keeping the previous settings")
            return
        self.guard.policy = policy
        if self.streams is not None:
            self.streams.set_enabled(self.masking_active())
        if self.api_guard:
            self.api_guard = _start_api_guard(policy)

    def masking_active(self) -> bool:
        """True when outputs are masked."""
        return self.guard.policy.enabled and self.guard.policy.mask_outputs


_INSTALLED: dict[int, Installed] = {}


def current(shell: Any) -> Installed | None:
    """The extension's state in `shell`, or None when it is not loaded there."""
    return _INSTALLED.get(id(shell))


def load(shell: Any) -> Installed:
    """Install the cell guard, history scrubbing, output masking, magics and API guard."""
    existing = current(shell)
    if existing is not None:
        return existing
    base = _base_policy()
    masker = SecretMasker()
    settings = AISafe(parent=shell)
    try:
        policy = settings.effective(base)
    except PolicyError as exc:
        print(f"aisafe-nb: {exc}; using the file/environment settings")
        policy = base
    guard = CellGuard(shell=shell, masker=masker, policy=policy)
    inst = Installed(shell=shell, settings=settings, base_policy=base, guard=guard, masker=masker)
    _INSTALLED[id(shell)] = inst
    try:
        _install(inst)
    except Exception:
        unload(shell)
        raise
    return inst


def _install(inst: Installed) -> None:
    shell, guard, masker = inst.shell, inst.guard, inst.masker
    undo = inst.restores

    shell.configurables.append(inst.settings)
    undo.append(lambda: _remove(shell.configurables, inst.settings))
    inst.settings.observe(inst.apply_settings)
    undo.append(lambda: inst.settings.unobserve(inst.apply_settings))

    streams = inst.streams = StreamMasking(masker)
    streams.set_enabled(inst.masking_active())
    streams.ensure()
    undo.append(streams.restore)

    def pre_run_cell(info: Any) -> None:
        streams.ensure()
        guard.pre_run_cell(info)

    def post_run_cell(_result: Any) -> None:
        guard.disarm()  # a refusal never outlives its cell
        streams.drain()

    shell.events.register("pre_run_cell", pre_run_cell)
    shell.events.register("post_run_cell", post_run_cell)
    undo.append(lambda: _unregister(shell, "pre_run_cell", pre_run_cell))
    undo.append(lambda: _unregister(shell, "post_run_cell", post_run_cell))

    undo.append(guard.disarm)

    undo.append(install_history(shell, guard.scrub_history))
    undo.append(install_display(shell, masker, inst.masking_active))
    undo.append(install_tracebacks(shell, masker, inst.masking_active))
    undo.append(register(shell))

    env_path = Path.cwd() / ".env"
    if env_path.is_file():
        from aisafe_nb.envfile import read_env

        inst.env_path = env_path
        masker.add_env_values(read_env(env_path))

    inst.api_guard = _start_api_guard(inst.policy)
    if inst.api_guard:
        undo.append(_stop_api_guard)


def unload(shell: Any) -> None:
    """Remove every hook, patch and magic `load` installed in `shell`."""
    inst = _INSTALLED.pop(id(shell), None)
    if inst is None:
        return
    for restore in reversed(inst.restores):
        try:
            restore()
        except Exception:  # one failing undo must not leave the others installed
            log.exception("aisafe-nb: could not undo a hook")


def _base_policy() -> Policy:
    try:
        return Policy.load()
    except PolicyError as exc:
        print(f"aisafe-nb: {exc}; using the default settings")
        return Policy()


def _start_api_guard(policy: Policy) -> bool:
    """Start the API guard; on failure say loudly that prompts are not guarded.

    The cell guard must keep working even when the API guard cannot start, so a failure
    here does not abort `%load_ext`; it is printed to stderr, where it cannot be missed.
    """
    try:
        from aisafe_nb.intercept.install import guard

        guard(policy)
    except Exception as exc:
        print(
            f"aisafe-nb: WARNING: the API guard did not start ({type(exc).__name__}: {exc}); "
            "requests to LLM APIs are NOT scrubbed or budgeted in this session.",
            file=sys.stderr,
        )
        return False
    return True


def _stop_api_guard() -> None:
    from aisafe_nb.intercept.install import unguard

    unguard()


def _remove(items: list[Any], item: Any) -> None:
    while item in items:
        items.remove(item)


def _unregister(shell: Any, event: str, callback: Callable[..., Any]) -> None:
    with contextlib.suppress(ValueError):
        shell.events.unregister(event, callback)
