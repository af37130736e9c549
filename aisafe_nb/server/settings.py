"""Which save and export settings are in force, and where each one came from.

Three layers, later wins: the project's `Policy` (``[tool.aisafe-nb]`` and
``AISAFE_NB_*`` variables, read from the notebook's folder upwards), the server's traitlets
(``c.AISafeServer.save_mode = "block"``; unset traitlets defer to the policy), and the
settings the JupyterLab extension posts to ``/aisafe-nb/settings``. The last layer lives
in server memory: a Jupyter server belongs to one user (JupyterHub starts one per user),
so "per server process" is "per user session".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from traitlets import Bool, Enum, Unicode
from traitlets.config import LoggingConfigurable

from aisafe_nb.policy import ENV_PREFIX, Policy, PolicyError, find_config_file

#: The settings a save reads; the UI and the traitlets may override exactly these.
SAVE_SETTINGS = ("save_redact_secrets", "save_redact_pii", "save_strip_outputs", "save_mode")


class AISafeServer(LoggingConfigurable):
    """Server-side settings of aisafe-nb (same names as in ``[tool.aisafe-nb]``).

    `None` means "not set here": the value then comes from the project's configuration.
    """

    enabled = Bool(True, help="Sanitize notebooks on save and serve the /aisafe-nb API.").tag(
        config=True
    )
    save_redact_secrets = Bool(
        None, allow_none=True, help="Redact secrets in every notebook saved."
    ).tag(config=True)
    save_redact_pii = Bool(
        None, allow_none=True, help="Also redact personal data (emails, phones, ...) on save."
    ).tag(config=True)
    save_strip_outputs = Bool(
        None, allow_none=True, help="Strip outputs and execution counts on save."
    ).tag(config=True)
    save_mode = Enum(
        ["scrub", "block"],
        default_value=None,
        allow_none=True,
        help="scrub: redact and save; block: refuse the save while secrets are present.",
    ).tag(config=True)
    config_root = Unicode(
        None,
        allow_none=True,
        help="Folder where the policy search starts (default: the notebook's own folder).",
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ui_overrides: dict[str, Any] = {}
        #: (config file, its mtime, overrides) -> policy; saves are frequent, and building
        #: a Policy checks every value's type (a few ms), so unchanged inputs reuse one.
        self._cache: dict[tuple[Any, ...], tuple[Policy, Policy]] = {}

    def trait_overrides(self) -> dict[str, Any]:
        """The save settings explicitly set as traitlets."""
        return {n: getattr(self, n) for n in SAVE_SETTINGS if getattr(self, n) is not None}

    def set_ui_overrides(self, values: dict[str, Any]) -> None:
        """Replace the UI layer; raise `PolicyError` on an unknown name or bad value."""
        unknown = sorted(set(values) - set(SAVE_SETTINGS))
        if unknown:
            raise PolicyError(f"settings: unknown save setting(s) {', '.join(unknown)}")
        Policy().replace(**values)  # validates types and Literal values
        self.ui_overrides = dict(values)

    def policy_for(self, folder: Path) -> Policy:
        """The policy in force for a notebook in `folder` (all three layers applied)."""
        return self._policies(folder)[0]

    def save_policy_for(self, folder: Path) -> Policy:
        """`save_policy` of `policy_for(folder)`: what a save in `folder` applies."""
        return self._policies(folder)[1]

    def _policies(self, folder: Path) -> tuple[Policy, Policy]:
        start = Path(self.config_root) if self.config_root else folder
        found = find_config_file(start)
        overrides = {**self.trait_overrides(), **self.ui_overrides}
        key = (found, _mtime(found), tuple(sorted(overrides.items())), _env_settings())
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        try:
            base = Policy.load(start)
        except PolicyError as exc:
            # A broken config file must not stop saves; secrets are still redacted.
            self.log.error("aisafe_nb: %s; using the defaults", exc)
            base = Policy()
        policy = base.replace(**overrides)
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = (policy, save_policy(policy))
        return self._cache[key]

    def describe(self, folder: Path) -> dict[str, Any]:
        """The settings in force for `folder`, for ``GET /aisafe-nb/status``."""
        policy = self.policy_for(folder)
        found = find_config_file(Path(self.config_root) if self.config_root else folder)
        return {
            "enabled": self.enabled,
            "settings": {n: getattr(policy, n) for n in SAVE_SETTINGS},
            "config_file": str(found) if found else None,
            "server_overrides": self.trait_overrides(),
            "ui_overrides": dict(self.ui_overrides),
        }


def _mtime(path: Path | None) -> int:
    try:
        return path.stat().st_mtime_ns if path else 0
    except OSError:
        return -1


def _env_settings() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX)))


def save_policy(policy: Policy) -> Policy:
    """The sanitizer policy a save applies: the ``save_*`` settings mapped onto it.

    Execution counts go with outputs: a save that keeps outputs keeps their numbering.
    """
    return policy.replace(
        redact_secrets=policy.save_redact_secrets,
        redact_pii=policy.save_redact_pii,
        strip_outputs=policy.save_strip_outputs,
        strip_execution_count=policy.save_strip_outputs,
    )
