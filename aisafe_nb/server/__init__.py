"""Jupyter server extension: sanitize notebooks on save, and the ``/aisafe-nb/`` REST API.

Enabled on install by ``jupyter-config/jupyter_server_config.d/aisafe_nb.json``. Settings
are the `AISafeServer` traitlets (``c.AISafeServer.save_mode = "block"``), layered over the
project's ``[tool.aisafe-nb]``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["_jupyter_server_extension_points", "_load_jupyter_server_extension"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "aisafe_nb.server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the save hooks next to any the user has, and mount the REST handlers."""
    from aisafe_nb.server.handlers import routes
    from aisafe_nb.server.lastsave import SaveLog
    from aisafe_nb.server.savehook import SaveGuard
    from aisafe_nb.server.settings import AISafeServer

    settings = AISafeServer(parent=serverapp, config=serverapp.config)
    save_log = SaveLog()
    guard = SaveGuard(settings, serverapp.root_dir, save_log)
    cm = serverapp.contents_manager
    cm.register_pre_save_hook(guard.pre_save)
    cm.register_post_save_hook(guard.post_save)

    web_app = serverapp.web_app
    web_app.settings["aisafe_nb.settings"] = settings
    web_app.settings["aisafe_nb.save_log"] = save_log
    web_app.settings["aisafe_nb.guard"] = guard
    web_app.settings["aisafe_nb.collaborative"] = collaborative = _collaboration_on(serverapp)
    web_app.add_handlers(".*$", routes(web_app.settings["base_url"]))
    if collaborative:
        serverapp.log.warning(
            "aisafe_nb: real-time collaboration is on: saved files are sanitized, but the "
            "shared document in server memory keeps the raw text until its room closes"
        )
    serverapp.log.info(
        "aisafe_nb: save hook on %s (%s), REST under /aisafe-nb/",
        type(cm).__name__,
        "enabled" if settings.enabled else "disabled by AISafeServer.enabled",
    )


def _collaboration_on(serverapp: Any) -> bool:
    """True when jupyter-collaboration (RTC) is enabled: its ydoc bypasses the editor model."""
    enabled = getattr(serverapp, "jpserver_extensions", {}) or {}
    return any(enabled.get(name) for name in ("jupyter_server_ydoc", "jupyter_collaboration"))
