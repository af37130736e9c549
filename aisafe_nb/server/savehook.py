"""The pre-save hook: every notebook saved through Jupyter is sanitized before it is written.

Jupyter calls the hook synchronously on its event loop for every save (autosave too), with
``model["content"]`` as a plain dict, so the hook mutates that dict in place and imports
nothing heavy. Only a `tornado.web.HTTPError` rejects a save; any other failure is logged
and the save goes ahead (losing the user's work is worse than one unsanitized save, and
the batch CLI and git filter remain as later nets).

A post-save hook then cleans the older checkpoints of the same path: new checkpoints are
copies of the (already clean) file, but ones written before the extension was installed,
or under other settings, may still hold a key.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import time
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Any

from tornado.web import HTTPError

from aisafe_nb.detect.finding import Kind
from aisafe_nb.policy import Policy
from aisafe_nb.server.cellcache import CleanCells
from aisafe_nb.server.lastsave import Redaction, SaveLog, SaveRecord, now
from aisafe_nb.server.settings import AISafeServer, save_policy

log = logging.getLogger("aisafe_nb.server")

#: The id `FileCheckpoints` gives every checkpoint (it keeps one per file). Listing
#: checkpoints is async on the async manager and this hook is sync, so the path is
#: computed from this id directly.
FILE_CHECKPOINT_ID = "checkpoint"


class SaveGuard:
    """Holds the settings and the save log; its methods are the contents-manager hooks."""

    def __init__(self, settings: AISafeServer, root_dir: str, save_log: SaveLog) -> None:
        self.settings = settings
        self.root_dir = root_dir
        self.save_log = save_log
        self.clean_cells = CleanCells()
        #: per path: (mtime_ns, size) of files known clean, i.e. the sanitized saves and
        #: checkpoints already checked (`shutil.copy2` keeps mtimes, so a checkpoint copied
        #: from a clean save carries that save's stamp and needs no second look)
        self._clean_stamps: dict[str, deque[tuple[int, int]]] = {}

    def policy_for_path(self, path: str) -> Policy:
        """The policy in force for the notebook at contents path `path`."""
        return self.settings.policy_for(self._folder(path))

    def save_policy_for_path(self, path: str) -> Policy:
        """The sanitizer policy a save of `path` applies."""
        return self.settings.save_policy_for(self._folder(path))

    def _folder(self, path: str) -> Path:
        return Path(self.root_dir, posixpath.dirname(path.strip("/")))

    # --- hooks (Jupyter's calling convention: keyword arguments) ---

    def pre_save(self, model: dict[str, Any], path: str, **_: Any) -> None:
        """Sanitize a notebook model before the contents manager writes it."""
        if not self.settings.enabled or model.get("type") != "notebook":
            return
        path = path.strip("/")
        content: Any = model.get("content")
        reason = invalid_reason(content)
        if reason is not None:
            # Refuse here, before anything touches the file: a clear 400, file unchanged.
            raise HTTPError(400, f"aisafe_nb: cannot save {path}: {reason}")
        started = time.perf_counter()
        try:
            record = self._sanitize(content, path)
        except HTTPError:
            raise
        except Exception as exc:
            log.error("aisafe_nb: save hook failed on %s; saved unchanged", path, exc_info=True)
            record = SaveRecord(path=path, time=now(), mode="error", error=type(exc).__name__)
        elapsed = (time.perf_counter() - started) * 1000
        self.save_log.put(_with_elapsed(record, elapsed))

    def post_save(self, model: dict[str, Any], os_path: str, contents_manager: Any) -> None:
        """Clean the checkpoint of the saved notebook unless it is a copy of a clean save."""
        try:
            if not self.settings.enabled or model.get("type") != "notebook":
                return
            path = str(model.get("path", "")).strip("/")
            stamps = self._clean_stamps.setdefault(path, deque(maxlen=16))
            record = self.save_log.get(path)
            if record is not None and record.error is None and not record.blocked:
                stamps.append(_stamp(os_path))
            cp_path = checkpoint_file(contents_manager, path)
            if cp_path is None or _stamp(cp_path) in stamps:
                return
            clean_checkpoints(contents_manager, path, self.policy_for_path(path))
            stamps.append(_stamp(cp_path))
        except Exception:
            # A post-save hook error would turn a good save into a 500; log it instead.
            log.error("aisafe_nb: cleaning checkpoints of %s failed", os_path, exc_info=True)

    # --- work ---

    def _sanitize(self, content: dict[str, Any], path: str) -> SaveRecord:
        policy = self.policy_for_path(path)
        if policy.save_mode == "block":
            self._refuse_if_findings(content, path, policy)
        result = self.clean_cells.sanitize(content, self.save_policy_for_path(path), path)
        redactions = [
            replace(r, cell=result.cell_index(r.cell)) for r in redactions_of(result.report)
        ]
        counts: dict[str, int] = {}
        for r in redactions:
            counts[r.type] = counts.get(r.type, 0) + 1
        return SaveRecord(
            path=path,
            time=now(),
            mode=policy.save_mode,
            redactions=tuple(redactions),
            outputs_stripped=int(getattr(result.report, "outputs_removed", 0) or 0),
            counts=counts,
            cells_skipped=result.skipped,
        )

    def _refuse_if_findings(self, content: dict[str, Any], path: str, policy: Policy) -> None:
        from aisafe_nb.notebook.locate import scan_notebook

        kinds: list[Kind] = []
        if policy.save_redact_secrets:
            kinds.append("secret")
        if policy.save_redact_pii:
            kinds.append("pii")
        if not kinds:
            return
        found = scan_notebook(content, kinds=tuple(kinds))
        if not found:
            return
        first = found[0]
        where = f"cell {first.cell + 1}" if first.cell is not None else first.field
        types = sorted({nf.finding.type for nf in found})
        self.save_log.put(
            SaveRecord(
                path=path,
                time=now(),
                mode="block",
                blocked=True,
                redactions=tuple(_redaction(nf) for nf in found),
            )
        )
        raise HTTPError(
            400,
            f"aisafe_nb: save refused: {len(found)} finding(s) ({', '.join(types)}), "
            f"first in {where} ({first.finding.preview}); remove them or run "
            "'Move inline keys to .env', then save again",
        )


def invalid_reason(content: Any) -> str | None:
    """Why `content` cannot be a notebook, or None; cheap structural checks only."""
    from aisafe_nb.notebook.load import NotebookError, check_notebook

    try:
        check_notebook(content)
    except NotebookError as exc:
        return exc.reason
    return None


def redactions_of(report: Any) -> list[Redaction]:
    """The sanitizer report's findings as safe `Redaction` records."""
    return [_redaction(nf) for nf in getattr(report, "findings", ()) or ()]


def _redaction(nf: Any) -> Redaction:
    f = nf.finding
    return Redaction(
        cell=getattr(nf, "cell", None),
        field=str(getattr(nf, "field", "")),
        type=f.type,
        kind=f.kind,
        preview=f.preview,
        fingerprint=f.fingerprint,
    )


def _with_elapsed(record: SaveRecord, elapsed_ms: float) -> SaveRecord:
    return replace(record, elapsed_ms=round(elapsed_ms, 3))


def _stamp(os_path: str) -> tuple[int, int]:
    try:
        st = os.stat(os_path)
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def checkpoint_file(contents_manager: Any, path: str) -> str | None:
    """The on-disk checkpoint of `path` (file checkpoints only), or None."""
    locate = getattr(getattr(contents_manager, "checkpoints", None), "checkpoint_path", None)
    if locate is None:
        return None
    cp_path = str(locate(FILE_CHECKPOINT_ID, path))
    return cp_path if os.path.isfile(cp_path) else None


def clean_checkpoints(contents_manager: Any, path: str, policy: Policy) -> int:
    """Sanitize the stored checkpoint of `path` in place; return how many files changed.

    Works with file checkpoints (the default); other checkpoint stores are left alone.
    """
    cp_path = checkpoint_file(contents_manager, path)
    if cp_path is None:
        return 0
    from aisafe_nb.atomic import atomic_write_text
    from aisafe_nb.notebook.sanitize import sanitize_in_place
    from aisafe_nb.notebook.write import notebook_to_text

    try:
        with open(cp_path, encoding="utf-8") as fh:
            nb = json.load(fh)
    except (OSError, ValueError):
        return 0
    if invalid_reason(nb) is not None:
        return 0
    report = sanitize_in_place(nb, save_policy(policy))
    if not (redactions_of(report) or getattr(report, "changed", False)):
        return 0
    atomic_write_text(cp_path, notebook_to_text(nb))
    return 1
