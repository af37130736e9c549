"""Clean many notebooks: sanitize each file in place (atomically) or into another folder.

The hot loop is msgspec's decode -> dict-level `sanitize_in_place` -> msgspec's encode in
Jupyter's format (``json`` whenever msgspec refuses a file; see `parse_notebook`); nbformat
is never imported (its import and validation cost more than the cleaning itself; tests
validate the results instead). A notebook whose content does not change is not rewritten
at all. Each file is its own unit of failure: a file that cannot be read, is not a
notebook, or changes on disk while it is being cleaned is reported in one line and left
untouched, and the run goes on.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from aisafe_nb.atomic import (
    FileChangedError,
    SpareInodes,
    atomic_write_bytes,
    fsync_dir,
    remove_stale_temps,
)

if TYPE_CHECKING:
    from aisafe_nb.notebook.locate import NotebookFinding
    from aisafe_nb.policy import Policy

__all__ = ["CleanSummary", "FileResult", "Progress", "clean_file", "clean_paths", "notebook_paths"]

Status = Literal["unchanged", "cleaned", "would-clean", "error"]
#: Called after each file as ``progress(done, total, result)``.
Progress = Callable[[int, int, "FileResult"], None]

NOTEBOOK_SUFFIXES = (".ipynb",)
#: Below this many files a process pool costs more than it saves.
_POOL_MIN_FILES = 8
#: Units of work per worker process. Each unit ends by waiting for its last writes to reach
#: the disk, so few are best; two let a worker that finishes early take over work from a slow one.
_BATCHES_PER_WORKER = 2
#: ... but no unit bigger than this many bytes of notebooks, so progress keeps moving.
_BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file. `error` is a one-line reason (never a secret)."""

    path: Path
    status: Status
    findings: tuple[NotebookFinding, ...] = ()
    outputs_removed: int = 0
    cells_changed: int = 0
    error: str | None = None
    #: Unified diff with secrets masked (only when asked for).
    diff: str | None = None
    #: Where the cleaned notebook was written (the file itself, or under --output-dir).
    written: Path | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Redactions by finding type."""
        return dict(Counter(f.finding.type for f in self.findings))


@dataclass(slots=True)
class CleanSummary:
    """The outcome of `clean_paths`, file by file and in total."""

    results: list[FileResult] = field(default_factory=list)
    #: Paths that could not be walked (missing), as one-line messages.
    walk_errors: list[str] = field(default_factory=list)
    temps_removed: int = 0

    @property
    def changed(self) -> list[FileResult]:
        """Files that were (or, with check/dry-run, would be) changed."""
        return [r for r in self.results if r.status in ("cleaned", "would-clean")]

    @property
    def errors(self) -> list[str]:
        """Every per-file or per-path problem, one line each."""
        return self.walk_errors + [f"{r.path}: {r.error}" for r in self.results if r.error]

    @property
    def counts(self) -> dict[str, int]:
        """Redactions by finding type over all files."""
        total: Counter[str] = Counter()
        for r in self.results:
            total.update(r.counts)
        return dict(total)


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path
    dest: Path | None
    policy: Policy
    write: bool
    want_diff: bool


def clean_paths(
    paths: Iterable[str | os.PathLike[str]],
    policy: Policy,
    *,
    check: bool = False,
    dry_run: bool = False,
    diff: bool = False,
    output_dir: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    include_checkpoints: bool = True,
    respect_gitignore: bool = True,
) -> CleanSummary:
    """Sanitize every notebook under `paths` by `policy`.

    In place by default; with `output_dir`, cleaned copies mirror each folder's tree there
    and the originals are not touched. `check` and `dry_run` write nothing. `jobs` is the
    number of worker processes (default: all cores). Never raises for a bad file: problems
    land in the summary.
    """
    summary = CleanSummary()
    write = not (check or dry_run)
    out_root = Path(output_dir) if output_dir is not None else None
    planned = list(notebook_paths(paths, policy, summary.walk_errors,
                                  include_checkpoints=include_checkpoints,
                                  respect_gitignore=respect_gitignore, output_dir=out_root))
    if write:
        summary.temps_removed = _remove_temps(planned, out_root)
    jobs_list = [_Job(p, d, policy, write, diff) for p, d in planned]
    summary.results = _run(jobs_list, jobs, progress)
    return summary


def notebook_paths(
    paths: Iterable[str | os.PathLike[str]],
    policy: Policy,
    errors: list[str],
    *,
    include_checkpoints: bool = True,
    respect_gitignore: bool = True,
    output_dir: Path | None = None,
) -> Iterator[tuple[Path, Path | None]]:
    """Each notebook to clean, with its destination under `output_dir` (None = in place)."""
    from aisafe_nb.walk import WalkError, iter_files

    def on_error(err: WalkError) -> None:
        errors.append(str(err))

    for raw in paths:
        root = Path(raw)
        for path in iter_files([root], exclude=policy.exclude, suffixes=NOTEBOOK_SUFFIXES,
                               respect_gitignore=respect_gitignore,
                               include_checkpoints=include_checkpoints, on_error=on_error):
            if output_dir is None:
                yield path, None
            elif path == root or not root.is_dir():
                yield path, output_dir / path.name
            else:
                yield path, output_dir / path.relative_to(root)


def _remove_temps(planned: Sequence[tuple[Path, Path | None]], out_root: Path | None) -> int:
    """Remove leftovers of killed runs next to every file this run may write."""
    folders = {(d if d is not None else p).parent for p, d in planned}
    return sum(len(remove_stale_temps(f)) for f in folders)


def _run(jobs: list[_Job], workers: int | None, progress: Progress | None) -> list[FileResult]:
    """Every job's result, in the order of `jobs` (`progress` sees them as they finish)."""
    total = len(jobs)
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    if total < _POOL_MIN_FILES:
        workers = 1
    from aisafe_nb.workers import WorkerDied, can_fork, fork_map

    batches = _balanced_batches(jobs, workers)
    if workers == 1 or not can_fork():
        results: Iterable[_BatchDone] = map(_run_batch, batches)
    else:
        _prepare_workers(jobs[0].policy)
        results = fork_map(_run_batch, batches, workers)
    ordered: list[FileResult | None] = [None] * total
    done = 0
    spares: set[Path] = set()
    try:
        for batch in results:
            spares.update(batch.spares)
            for index, result in batch.results:
                ordered[index] = result
                done += 1
                if progress is not None:
                    progress(done, total, result)
    except WorkerDied as exc:  # the files it held are reported, the others stand
        reason = f"not cleaned: a worker process died{exc.how}; run again"
        for index, job in enumerate(jobs):
            if ordered[index] is None:
                ordered[index] = FileResult(job.path, "error", error=reason)
    finally:
        _drop_spares(spares)
    final = [r for r in ordered if r is not None]
    folders = {r.written.parent for r in final if r.written is not None}
    if folders:  # the renames reach the disk together, once every worker is done
        from aisafe_nb.staged_writes import sync_folders

        sync_folders(folders)
    return final


def _balanced_batches(jobs: list[_Job], workers: int) -> list[list[tuple[int, _Job]]]:
    """Jobs (with their index) in batches of about equal bytes, biggest files spread first.

    Notebook sizes span three orders of magnitude, so equal file counts make unequal work:
    a worker left with the big ones finishes long after the other. Greedy largest-first
    (each file to the lightest batch) evens them out.
    """
    sizes = [_size(job.path) for job in jobs]
    count = max(workers * _BATCHES_PER_WORKER, -(-sum(sizes) // _BATCH_BYTES))
    count = max(1, min(count, len(jobs)))
    loads = [(0, b) for b in range(count)]  # a heap of (bytes, batch number)
    batches: list[list[tuple[int, _Job]]] = [[] for _ in range(count)]
    for index in sorted(range(len(jobs)), key=sizes.__getitem__, reverse=True):
        load, b = heapq.heappop(loads)
        batches[b].append((index, jobs[index]))
        heapq.heappush(loads, (load + sizes[index], b))
    return batches


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # reported when the job runs


def _prepare_workers(policy: Policy) -> None:
    """Import and build, before forking, what every file needs: the workers share it.

    Otherwise each worker imports msgspec (and, to redact, builds the detector) on its
    own: the same wall time, but twice the CPU on a machine whose cores are all busy.
    """
    from aisafe_nb.staged_writes import syncfs_function

    syncfs_function()  # ctypes and libc's syncfs, looked up once for every worker
    from aisafe_nb.notebook import load, sanitize, write

    load.prepare_parse()
    sanitize.prepare(policy)
    write.prepare_write()


@dataclass(frozen=True, slots=True)
class _BatchDone:
    """A batch's results, and the spare inodes its process holds once it is done."""

    results: list[tuple[int, FileResult]]
    spares: tuple[Path, ...]


#: The spare inodes of this process (`_process_spares`).
_spares: SpareInodes | None = None


def _process_spares() -> SpareInodes:
    """One `SpareInodes` for all the batches a process cleans.

    A batch starts with the inodes the process's earlier batches replaced, instead of
    allocating fresh ones for its first files and unlinking its leftovers at its end.
    Spares live under temporary names: `_run` unlinks those left when all batches are done
    (a killed run leaves them for the next run to remove, as any temporary file).
    """
    global _spares
    if _spares is None:
        _spares = SpareInodes()
    return _spares


def _drop_spares(reported: set[Path]) -> None:
    """Unlink the spares batches reported holding (those reused since are gone already)."""
    global _spares
    if _spares is not None:  # batches that ran in this process
        _spares.close()
        _spares = None
    for spare in reported:
        with contextlib.suppress(OSError):
            os.unlink(spare)


def _run_batch(jobs: list[tuple[int, _Job]]) -> _BatchDone:
    """Clean a batch of files; their writes are made durable together (`StagedWrites`).

    The files replaced in place lend their inodes to the next writes (`SpareInodes`). The
    caller makes the renames durable (`sync_folders`) when every batch is done.
    """
    from aisafe_nb.staged_writes import StagedWrites

    results: list[tuple[int, FileResult]] = []
    plans: dict[int, _Write] = {}
    spares = _process_spares()
    with StagedWrites[int](spares) as writes:
        for index, job in jobs:
            plan = _plan(job.path, job.policy, dest=job.dest, write=job.write,
                         want_diff=job.want_diff)
            if isinstance(plan, FileResult):
                results.append((index, plan))
                continue
            plans[index] = plan
            try:
                _make_folder(plan)
            except OSError as exc:
                writes.fail(index, exc)
                continue
            writes.add(index, plan.target, plan.data, mode=plan.mode,
                       expect_stat=plan.before)
    results += [(index, _outcome(plans[index], error)) for index, error in writes.done]
    return _BatchDone(results, tuple(spares.held()))


def clean_file(
    path: Path,
    policy: Policy,
    *,
    dest: Path | None = None,
    write: bool = True,
    want_diff: bool = False,
) -> FileResult:
    """Clean one notebook file; every problem becomes a `FileResult` with status ``error``."""
    plan = _plan(path, policy, dest=dest, write=write, want_diff=want_diff)
    if isinstance(plan, FileResult):
        return plan
    result = _finish(plan)
    if result.written is not None:
        fsync_dir(result.written.parent)
    return result


@dataclass(frozen=True, slots=True)
class _Write:
    """A sanitized file waiting to be written, and the result it will have."""

    result: FileResult
    target: Path
    data: bytes
    before: os.stat_result | None
    mode: int | None


def _plan(
    path: Path, policy: Policy, *, dest: Path | None, write: bool, want_diff: bool
) -> FileResult | _Write:
    from aisafe_nb.notebook.load import NotebookError, os_reason, parse_notebook
    from aisafe_nb.notebook.sanitize import sanitize_in_place
    from aisafe_nb.notebook.write import notebook_to_bytes

    try:
        # Write through a symlinked file to its target, not over the link itself.
        real, before = path, os.lstat(path)
        if stat.S_ISLNK(before.st_mode):
            real = Path(os.path.realpath(path))
            before = os.stat(real)
        raw = _read(real, before)
        parsed = parse_notebook(raw, None)
        shown = _masked_text(raw, policy) if want_diff else None
        report = sanitize_in_place(parsed.nb, policy)
        new = (notebook_to_bytes(parsed.nb, from_msgspec=parsed.from_msgspec)
               if (report.changed or dest is not None) else raw)
    except NotebookError as exc:
        return FileResult(path, "error", error=exc.reason)
    except OSError as exc:
        return FileResult(path, "error", error=os_reason(exc))
    except RecursionError:
        return FileResult(path, "error", error="notebook nested too deeply")
    except UnicodeEncodeError:
        # JSON may escape a lone surrogate (\ud800) that no UTF-8 file can hold.
        return FileResult(path, "error", error="invalid Unicode (a lone surrogate) in the text")
    changed = new != raw
    status: Status = "unchanged"
    if changed:
        status = "cleaned" if write else "would-clean"
    diff = _diff(path, shown, new) if shown is not None and changed else None
    result = FileResult(path, status, tuple(report.findings), report.outputs_removed,
                        report.cells_changed, diff=diff)
    if not write or not (changed or dest is not None):
        return result
    if dest is None:
        return _Write(replace(result, written=path), real, new, before, None)
    return _Write(replace(result, written=dest), dest, new, None, _mode(before))


def _finish(plan: _Write) -> FileResult:
    """Write one file atomically (the folder is fsynced by the caller)."""
    try:
        _make_folder(plan)
        atomic_write_bytes(plan.target, plan.data, mode=plan.mode, expect_stat=plan.before,
                           sync_dir=False)
    except OSError as exc:
        return _outcome(plan, exc)
    return plan.result


def _make_folder(plan: _Write) -> None:
    """Create the destination folder of a copy (``--output-dir``); in place, it exists."""
    if plan.before is None:
        plan.target.parent.mkdir(parents=True, exist_ok=True)


def _outcome(plan: _Write, error: OSError | None) -> FileResult:
    """The result of a write that ended with `error` (None: written)."""
    from aisafe_nb.notebook.load import os_reason

    if error is None:
        return plan.result
    if isinstance(error, FileChangedError):
        return replace(plan.result, status="error", written=None, findings=(),
                       error="file changed while it was being cleaned; left as is (run again)")
    return replace(plan.result, status="error", written=None, findings=(),
                   error=os_reason(error))


def _read(path: Path, st: os.stat_result) -> bytes:
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block, a device never end
        raise OSError(0, "not a regular file")
    with path.open("rb") as fh:
        return fh.read()


def _mode(st: os.stat_result) -> int:
    return stat.S_IMODE(st.st_mode)


def _masked_text(raw: bytes, policy: Policy) -> str:
    """The original notebook in Jupyter's format, each finding shown as its preview."""
    from aisafe_nb.notebook.load import read_notebook_text
    from aisafe_nb.notebook.sanitize import mask_in_place
    from aisafe_nb.notebook.write import notebook_to_text

    nb = read_notebook_text(raw, None)
    mask_in_place(nb, policy)
    return notebook_to_text(nb)


def _diff(path: Path, old: str, new: bytes) -> str:
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(True),
        new.decode("utf-8").splitlines(True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(lines)


