"""REST endpoints under ``/aisafe-nb/``, behind Jupyter's own authentication.

Every verb is ``@tornado.web.authenticated`` (an API request without a valid token gets
403) and ``@authorized`` on the "contents" resource, since each endpoint reads or writes
notebooks. Paths go through `checked_path` and then the contents manager, so nothing
outside the server's root folder is reachable. Responses carry masked previews and
fingerprints only, never a found value.
"""

from __future__ import annotations

import json
import posixpath
import time
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async, url_path_join
from tornado.web import HTTPError

from aisafe_nb.policy import PolicyError
from aisafe_nb.server.lastsave import SaveLog
from aisafe_nb.server.paths import checked_path, sibling_path
from aisafe_nb.server.settings import AISafeServer

KINDS = ("secret", "pii")


class AISafeHandler(APIHandler):
    """Shared plumbing: JSON bodies, contents access, the extension's state."""

    auth_resource = "contents"

    @property
    def aisafe(self) -> AISafeServer:
        """The server-side settings object."""
        settings: AISafeServer = self.settings["aisafe_nb.settings"]
        return settings

    @property
    def save_log(self) -> SaveLog:
        """What recent saves redacted."""
        save_log: SaveLog = self.settings["aisafe_nb.save_log"]
        return save_log

    def body(self) -> dict[str, Any]:
        """The request body as a JSON object, or a 400 naming the problem."""
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise HTTPError(400, "aisafe_nb: request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise HTTPError(400, "aisafe_nb: request body must be a JSON object")
        return data

    def folder_of(self, path: str) -> Path:
        """The on-disk folder of contents path `path` (for the project's policy and .env)."""
        return Path(self.contents_manager.root_dir, posixpath.dirname(path))

    async def load_notebook(self, path: str) -> dict[str, Any]:
        """The notebook at `path` as a plain dict, through the contents manager."""
        cm: Any = self.contents_manager
        if not await ensure_async(cm.file_exists(path)):
            raise HTTPError(404, f"aisafe_nb: no such notebook: {path}")
        try:
            model = await ensure_async(cm.get(path, content=True, type="notebook"))
        except HTTPError as exc:
            message = f"aisafe_nb: cannot read {path}: {exc.log_message}"
            raise HTTPError(exc.status_code, message) from None
        nb: dict[str, Any] = json.loads(json.dumps(model["content"]))  # NotebookNode -> dict
        return nb

    async def notebook_from_body(self, data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The posted ``content``, else the notebook at ``path``; plus the path if given."""
        path = checked_path(data["path"]) if data.get("path") is not None else None
        content = data.get("content")
        if content is not None:
            from aisafe_nb.server.savehook import invalid_reason

            reason = invalid_reason(content)
            if reason is not None:
                raise HTTPError(400, f"aisafe_nb: 'content' is not a notebook: {reason}")
            return content, path
        if path is None:
            raise HTTPError(400, "aisafe_nb: give 'path' or 'content'")
        return await self.load_notebook(path), path

    def prime_save_cache(
        self, path: str, nb: dict[str, Any], scanned: set[str], dirty: set[int | None]
    ) -> None:
        """After a full scan of the file on disk, let the next save skip its clean cells."""
        from aisafe_nb.server.savehook import SaveGuard

        guard: SaveGuard = self.settings["aisafe_nb.guard"]
        policy = self.aisafe.save_policy_for(self.folder_of(path))
        needed = {"secret"} if policy.redact_secrets else set()
        needed |= {"pii"} if policy.redact_pii else set()
        if needed <= scanned:
            guard.clean_cells.prime(path, nb, policy, {c for c in dirty if c is not None})

    async def save_notebook(self, nb: dict[str, Any], path: str) -> dict[str, Any]:
        """Write `nb` to `path` through the contents manager (so the save hook runs too)."""
        model = {"type": "notebook", "format": "json", "content": nb}
        cm: Any = self.contents_manager
        saved: dict[str, Any] = await ensure_async(cm.save(model, path))
        return saved


class ScanHandler(AISafeHandler):
    """``POST /aisafe-nb/scan`` {path} or {content[, kinds]} -> findings with their cells."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        data = self.body()
        nb, path = await self.notebook_from_body(data)
        kinds = data.get("kinds", list(KINDS))
        if not isinstance(kinds, list) or not set(kinds) <= set(KINDS) or not kinds:
            raise HTTPError(400, "aisafe_nb: 'kinds' must be a list of 'secret' and/or 'pii'")
        from aisafe_nb.notebook.locate import scan_notebook

        started = time.perf_counter()
        found = scan_notebook(nb, kinds=tuple(kinds))
        elapsed = (time.perf_counter() - started) * 1000
        if path is not None and data.get("content") is None:
            self.prime_save_cache(path, nb, set(kinds), {nf.cell for nf in found})
        findings = [finding_json(nf) for nf in found]
        self.finish(
            {
                "path": path,
                "findings": findings,
                "counts": _counts(findings),
                "elapsed_ms": round(elapsed, 3),
            }
        )


class ExportHandler(AISafeHandler):
    """``POST /aisafe-nb/export`` {path, target?, policy?} -> writes a sanitized copy."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        data = self.body()
        path = checked_path(data.get("path"))
        target = checked_path(data.get("target") or sibling_path(path), what="target")
        if target == path:
            raise HTTPError(400, "aisafe_nb: 'target' must differ from 'path'")
        from aisafe_nb.server.presets import export_policy

        try:
            policy = export_policy(self.aisafe.policy_for(self.folder_of(path)), data.get("policy"))
        except PolicyError as exc:
            raise HTTPError(400, f"aisafe_nb: {exc}") from None
        nb = await self.load_notebook(path)
        from aisafe_nb.notebook.sanitize import sanitize

        clean, report = sanitize(nb, policy)
        await self.save_notebook(clean, target)
        from aisafe_nb.server.savehook import redactions_of

        redactions = [r.__dict__ for r in redactions_of(report)]
        self.finish({"path": path, "target": target, "redactions": redactions})


class LastSaveHandler(AISafeHandler):
    """``GET /aisafe-nb/last-save?path=`` -> what the last save of that path redacted."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        path = checked_path(self.get_query_argument("path", ""))
        record = self.save_log.get(path)
        self.finish({"path": path, "last_save": record.to_json() if record else None})


class FixKeysHandler(AISafeHandler):
    """``POST /aisafe-nb/fix-keys`` {path[, content]} -> keys moved to the folder's ``.env``.

    With ``content`` (the open notebook) the rewritten cells are only returned, for the
    editor to apply; with ``path`` alone the notebook file is rewritten as well.
    """

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        data = self.body()
        if data.get("path") is None:
            raise HTTPError(400, "aisafe_nb: 'path' is required (the .env goes next to it)")
        nb, path = await self.notebook_from_body(data)
        assert path is not None
        from aisafe_nb.envfile import EnvConflictError
        from aisafe_nb.server.fixkeys import fix_notebook_keys

        try:
            result = fix_notebook_keys(nb, self.folder_of(path))
        except EnvConflictError as exc:
            raise HTTPError(409, f"aisafe_nb: {exc}") from None
        if result.moved and data.get("content") is None:
            await self.save_notebook(nb, path)
        env_rel = posixpath.join(posixpath.dirname(path), ".env") if result.moved else None
        self.finish(
            {
                "path": path,
                "moved": result.moved,
                "cells": result.cells,
                "env_path": env_rel,
                "gitignored": result.gitignored,
                "notebook": nb,
            }
        )


class StatusHandler(AISafeHandler):
    """``GET /aisafe-nb/status[?path=]`` -> the settings in force (for that notebook)."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        raw = self.get_query_argument("path", "")
        folder = self.folder_of(checked_path(raw)) if raw else Path(self.contents_manager.root_dir)
        from aisafe_nb import _version_string

        rtc = bool(self.settings.get("aisafe_nb.collaborative"))
        self.finish(
            {"version": _version_string(), "collaborative": rtc, **self.aisafe.describe(folder)}
        )


class SettingsHandler(AISafeHandler):
    """``POST /aisafe-nb/settings`` {save_*: value} -> the JupyterLab settings, kept in memory.

    An empty object clears them (the project's configuration applies again).
    """

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        data = self.body()
        try:
            self.aisafe.set_ui_overrides(data)
        except PolicyError as exc:
            raise HTTPError(400, f"aisafe_nb: {exc}") from None
        self.finish(self.aisafe.describe(Path(self.contents_manager.root_dir)))


def finding_json(nf: Any) -> dict[str, Any]:
    """One located finding as the API returns it (no value, only a masked preview)."""
    f = nf.finding
    return {
        "cell": nf.cell,
        "cell_id": nf.cell_id,
        "field": nf.field,
        "line": nf.line,
        "column": nf.column,
        "type": f.type,
        "kind": f.kind,
        "confidence": f.confidence,
        "preview": f.preview,
        "fingerprint": f.fingerprint,
    }


def _counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f["kind"]] = out.get(f["kind"], 0) + 1
    return out


def routes(base_url: str) -> list[tuple[str, type[AISafeHandler]]]:
    """The URL table, under the server's base URL."""
    table: dict[str, type[AISafeHandler]] = {
        "scan": ScanHandler,
        "export": ExportHandler,
        "last-save": LastSaveHandler,
        "fix-keys": FixKeysHandler,
        "status": StatusHandler,
        "settings": SettingsHandler,
    }
    return [(url_path_join(base_url, "aisafe-nb", name), h) for name, h in table.items()]
