"""Where documents are extracted: in this process, in worker processes or on a Dask cluster.

A :class:`Runner` sends one document out to be read and extracted (:func:`extract_path`)
and hands back a pending result; :func:`open_runner` picks one for a build. Each process
loads the pipeline once. :func:`kg.parallel.extract_in_order` puts the results back in
input order.

>>> with open_runner(max_bytes=1000, documents=False) as runner:
...     runner.window
0
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kg.cache import CachedDocument, RecordCache
from kg.errors import BuildError
from kg.extract import load_pipeline
from kg.record import DocumentRecord

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.report import DocumentOutcome

__all__ = ["Pending", "Result", "Runner", "collector_paused", "extract_path", "open_runner"]


class Pending(Protocol):
    """A result on its way: a future of a worker pool or cluster, or one already made."""

    def result(self) -> Any: ...


@dataclass
class _Done:
    value: Any

    def result(self) -> Any:
        return self.value


Result = tuple[DocumentRecord | None, "DocumentOutcome", CachedDocument | None]


def extract_path(
    path: Path,
    max_bytes: int,
    documents: bool = False,
    shacl: bool = False,
    cache_to: tuple[str, str] | None = None,
) -> Result:
    """Read and extract one document with this process's pipeline (loaded once, then cached).

    ``documents=True`` returns the record as a :class:`~kg.cache.CachedDocument` (JSON line
    and TriG fragment, made here, in the worker) instead of the record; ``shacl=True`` then
    also validates its graph against the shapes (the outcome lists the violations).
    ``cache_to`` (record cache folder, key) writes the document to the record cache here,
    unless it fails the shapes: a worker on the builder's machine takes that file write off
    the builder, which receives, writes and loads every document.
    """
    from kg.build import _extract_one

    record, outcome = _extract_one(Path(path), _build_pipeline(), max_bytes)
    if record is None or not documents:
        return record, outcome, None
    document = CachedDocument.of(record, chars=outcome.chars)
    if shacl:
        _check_shapes(outcome, document)
    if cache_to is not None and not outcome.violations:
        _record_cache(cache_to[0]).put(cache_to[1], document)
    return None, outcome, document


@functools.cache
def _record_cache(folder: str) -> RecordCache:
    """This process's handle on the record cache in ``folder`` (it remembers the folders it
    made)."""
    return RecordCache(Path(folder))


@functools.cache
def _build_pipeline() -> Language:
    """The pipeline, loaded once per process, its objects then moved out of the garbage
    collector's reach (``gc.freeze``): they live as long as the process, and every full
    collection would otherwise walk them again, as would the collections at exit. Loading
    (importing spaCy, mostly) makes no garbage worth collecting: the collector waits."""
    with collector_paused():
        nlp = load_pipeline()
    gc.freeze()
    return nlp


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[None]:
    """Pause Python's cycle collector (``gc.disable``) while the block makes many objects that
    live on or hold no cycles; each full collection walks every object there is."""
    enabled = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_shapes(outcome: DocumentOutcome, document: CachedDocument) -> None:
    """Validate the document's graph against the shapes; the outcome lists the violations."""
    from kg.validate import validate_fragment

    violations = validate_fragment(document.fragment)
    outcome.violations = [f"{outcome.path}: {v}" for v in violations]


def _warm_up(shacl: bool) -> None:
    """Make a worker ready before its first document: load the pipeline and, when it checks
    the shapes, the validator."""
    _build_pipeline()
    if shacl:
        _load_validator()


def _load_validator() -> None:
    """Import the validator and compile the shapes to queries (a quarter second)."""
    from kg.validate import validate_fragment

    validate_fragment(b"")


# a runner's submit takes a document's path and, when the record cache is used, the cache's
# folder and the document's key; it returns the pending result and whether the runner writes
# the document to the cache itself
Submit = Callable[[Path, tuple[str, str] | None], tuple[Pending, bool]]


@dataclass(frozen=True)
class Runner:
    """Where documents are extracted: ``submit`` sends one out; at most ``window`` are out at
    once beyond the one the builder waits for."""

    submit: Submit
    window: int
    # the builder may pause its cycle collector: it only moves what a worker made (see
    # open_runner's ahead)
    pause_collector: bool = False


@contextmanager
def _serial(max_bytes: int, documents: bool, shacl: bool) -> Iterator[Runner]:
    yield Runner(lambda path, _: (_Done(extract_path(path, max_bytes, documents, shacl)), False), 0)


@contextmanager
def _processes(jobs: int, max_bytes: int, documents: bool, shacl: bool) -> Iterator[Runner]:
    # spawn, not fork: the parent may hold an open RocksDB store and its threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_warm_up, initargs=(shacl,)
    ) as pool:
        # the workers share the builder's disk: each writes its documents to the cache
        yield Runner(
            lambda path, cache_to: (
                pool.submit(extract_path, path, max_bytes, documents, shacl, cache_to),
                cache_to is not None,
            ),
            4 * jobs,
        )


@contextmanager
def _dask(scheduler: str, max_bytes: int, documents: bool, shacl: bool) -> Iterator[Runner]:
    from distributed import Client

    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise BuildError("E608", scheduler=scheduler, reason=exc) from exc
    try:
        # a cluster's workers may not see the builder's disk: the builder writes the cache
        yield Runner(
            lambda path, _: (
                client.submit(
                    extract_path, path, max_bytes, documents, shacl, pure=False, retries=1
                ),
                False,
            ),
            256,
        )
    finally:
        client.close()


class _Worker:
    """One extraction process, started before the builder knows what it will extract.

    It loads the pipeline (a second, most of it importing spaCy) while the builder finds
    what changed, and then extracts documents in the order they are sent. The builder, which
    waits for it anyway, checks the shapes (loading the validator when the first document
    goes out) and so writes the record cache; without the shapes the worker writes it.
    Closing it kills the process: whatever it was doing (loading a pipeline nobody needs) is
    thrown away, and every reply was read before.
    """

    def __init__(self, max_bytes: int, documents: bool, shacl: bool) -> None:
        # fork when no other thread runs (a command line build): the child has this
        # process's modules already. Else spawn: a thread may hold a lock fork would copy
        context: Any = multiprocessing.get_context("fork" if _single_threaded() else "spawn")
        self.options = (max_bytes, documents, False)
        self.shacl = shacl
        self._conn, child = context.Pipe()
        for stream in (sys.stdout, sys.stderr):  # or a forked child could write them again
            stream.flush()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._paths: list[Path] = []  # sent, in order
        self._received = 0
        self._replies: dict[int, Any] = {}

    def submit(self, path: Path, cache_to: tuple[str, str] | None) -> tuple[Pending, bool]:
        if self.shacl:
            if not self._paths:
                _load_validator()  # while the worker loads the pipeline
            cache_to = None  # the builder knows the violations: it writes the cache
        try:
            self._conn.send((path, *self.options, cache_to))
        except OSError:
            pass  # the process is gone: reading its reply says so
        self._paths.append(path)
        return _Reply(self, len(self._paths) - 1), cache_to is not None

    def reply(self, index: int) -> Any:
        """The result of request ``index``; replies come back in the order sent."""
        while index not in self._replies:
            try:
                status, value = self._conn.recv()
            except (EOFError, OSError):
                self._process.join(5)
                raise BuildError(
                    "E610", status=self._process.exitcode, path=self._paths[self._received]
                ) from None
            if status == "error":
                raise value
            self._replies[self._received] = value
            self._received += 1
        record, outcome, document = self._replies.pop(index)
        if self.shacl and document is not None:
            _check_shapes(outcome, document)
        return record, outcome, document

    def close(self) -> None:
        self._process.kill()
        self._process.join()
        self._conn.close()


@dataclass
class _Reply:
    worker: _Worker
    index: int

    def result(self) -> Any:
        return self.worker.reply(self.index)


def _serve(conn: Connection) -> None:
    """A worker's loop: load the pipeline, then extract each document sent, until the pipe
    closes. An error goes back to the builder, which raises it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on a terminal stops the builder
    try:
        _build_pipeline()
        while True:
            try:
                request = conn.recv()
            except EOFError:
                return
            conn.send(("ok", extract_path(*request)))
    except Exception as exc:  # noqa: BLE001 - sent back to be raised there
        conn.send(("error", exc))


def _single_threaded() -> bool:
    """Whether this process runs one thread (Linux shows them in ``/proc/self/task``)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


@contextmanager
def _ahead(max_bytes: int, documents: bool, shacl: bool) -> Iterator[Runner]:
    try:
        worker = _Worker(max_bytes, documents, shacl)
    except OSError:  # no process to be had (memory, a limit on processes): extract here
        with _serial(max_bytes, documents, shacl) as runner:
            yield runner
        return
    try:
        yield Runner(worker.submit, 4, pause_collector=True)
    finally:
        worker.close()


def open_runner(
    jobs: int = 1,
    scheduler: str | None = None,
    *,
    max_bytes: int,
    documents: bool,
    shacl: bool = False,
    ahead: bool = False,
) -> AbstractContextManager[Runner]:
    """Where to extract: on the Dask cluster at ``scheduler``, in ``jobs`` worker processes,
    or here.

    ``ahead=True`` asks, for a build of one job expected to extract little (a rebuild), for
    one worker process started now, to load the pipeline while the builder finds what
    changed: on a machine of two cores or more, and unless this process has loaded the
    pipeline already. ``documents`` returns :class:`~kg.cache.CachedDocument` results,
    ``shacl`` validates each against the shapes.
    """
    if scheduler:
        return _dask(scheduler, max_bytes, documents, shacl)
    if jobs > 1:
        return _processes(jobs, max_bytes, documents, shacl)
    if ahead and documents and (os.cpu_count() or 1) > 1 and not _pipeline_loaded():
        return _ahead(max_bytes, documents, shacl)
    return _serial(max_bytes, documents, shacl)


def _pipeline_loaded() -> bool:
    return _build_pipeline.cache_info().currsize > 0
