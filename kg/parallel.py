"""Extraction in order, in this process, in worker processes or on a Dask cluster.

:func:`extract_in_order` turns document paths into :class:`Extracted` items in input order,
whatever runs the extraction: the documents go out to ``jobs`` worker processes (each loads
the pipeline once) or to the workers of a Dask ``distributed`` scheduler, and come back
through a bounded window, so the single store writer sees them in the same order as a
serial build and writes byte-identical records. Documents found in the record cache are
not extracted again.

>>> items = list(extract_in_order([], max_bytes=1000))
>>> items
[]
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kg.cache import CachedDocument, RecordCache, build_fingerprint, cache_key, keys_fingerprint
from kg.errors import BuildError
from kg.extract import load_pipeline
from kg.incremental import Entry, Manifest, file_signature
from kg.record import DocumentRecord

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.report import DocumentOutcome

__all__ = [
    "Extracted",
    "Runner",
    "collector_paused",
    "extract_in_order",
    "extract_path",
    "open_runner",
]


@dataclass
class Extracted:
    """One document on its way to the store, and its outcome.

    With a cache (in a build), a built document comes as ``document``: its record's JSON
    line and TriG fragment, made by the worker that extracted it or read from the cache, and
    ``record`` is None; or, when its file is unchanged since the previous build, as ``kept``:
    that build's manifest entry. Without a cache, ``record`` is the record. All are None
    when the document failed.
    """

    path: Path
    record: DocumentRecord | None
    outcome: DocumentOutcome
    key: str | None = None
    document: CachedDocument | None = None
    kept: Entry | None = None  # unchanged since the previous build: copied from its files
    signature: tuple[int, ...] = ()  # of the file, as the manifest notes it


class _Pending(Protocol):
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
Submit = Callable[[Path, tuple[str, str] | None], tuple[_Pending, bool]]


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

    def submit(self, path: Path, cache_to: tuple[str, str] | None) -> tuple[_Pending, bool]:
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


def _from_cache(
    path: Path, key: str, document: CachedDocument | Entry, signature: tuple[int, ...]
) -> Extracted:
    """A document taken from the record cache (``CachedDocument``) or the previous build
    (``Entry``), with the outcome the report shows for it. Either was found under the
    document's id (it is part of the cache key), so its id is the path's."""
    from kg.build import _printable
    from kg.report import DocumentOutcome

    outcome = DocumentOutcome(
        path=_printable(path),
        id=document.id,
        status="built",
        sha256=document.sha256,
        adoptions=document.adoptions,
        warnings=list(document.warnings),
        chars=document.chars,
        cached=True,
    )
    if isinstance(document, Entry):
        return Extracted(path, None, outcome, key, kept=document, signature=signature)
    return Extracted(path, None, outcome, key, document, signature=signature)


def _signature(path: Path) -> tuple[os.stat_result | None, tuple[int, ...]]:
    """The file's ``os.stat`` and signature; no signature for what is not a regular file."""
    try:
        info = os.stat(os.fsencode(path))
    except OSError:
        return None, ()
    return info, file_signature(info) if stat.S_ISREG(info.st_mode) else ()


def _fresh(
    path: Path,
    key: str | None,
    result: Any,
    cache: RecordCache | None,
    signature: tuple[int, ...],
) -> Extracted:
    record, outcome, document = result
    if document is not None and key is not None and cache is not None and not outcome.violations:
        cache.put(key, document)  # a document that fails the shapes is never cached
    return Extracted(path, record, outcome, key, document, signature=signature)


def extract_in_order(
    paths: Iterable[Path],
    *,
    max_bytes: int,
    jobs: int = 1,
    scheduler: str | None = None,
    cache: RecordCache | None = None,
    use_cache: bool = True,
    shacl: bool = False,
    previous: Manifest | None = None,
    keys: str | None = None,
    runner: Runner | None = None,
) -> Iterator[Extracted]:
    """Every document of ``paths`` extracted (or taken from ``cache``), in input order.

    ``jobs`` > 1 extracts in that many worker processes; ``scheduler`` (``tcp://host:8786``)
    on the workers of a Dask cluster, which must see the documents at the same paths; or a
    ``runner`` the caller opened (:func:`open_runner`), which must return documents when
    ``cache`` is given and records when not. With ``use_cache=False`` every document is
    extracted, and the cache is only written. A file that the ``previous`` build's manifest
    shows unchanged (:meth:`~kg.incremental.Manifest.unchanged`) is not read: it comes as
    ``kept``. ``keys`` is the fingerprint the cache keys are made with, when the caller has
    it (:func:`~kg.cache.keys_fingerprint`).

    Raises:
        BuildError: the Dask scheduler cannot be reached.
    """
    from kg.build import document_id

    Hit = CachedDocument | Entry | None
    # path, key, cache hit, pending result, signature, whether the worker writes the cache
    Item = tuple[Path, str | None, Hit, _Pending | None, tuple[int, ...], bool]
    pending: deque[Item] = deque()

    def ready(entry: Item) -> Extracted:
        path, key, hit, future, signature, written = entry
        if hit is not None and key is not None:
            return _from_cache(path, key, hit, signature)
        assert future is not None
        return _fresh(path, key, future.result(), None if written else cache, signature)

    if cache is not None and keys is None:
        keys = keys_fingerprint(build_fingerprint(), shacl=shacl)
    if runner is None:
        started = open_runner(
            jobs, scheduler, max_bytes=max_bytes, documents=cache is not None, shacl=shacl
        )
    else:
        started = nullcontext(runner)
    with started as extract:
        in_flight = 0
        for path in paths:
            key: str | None = None
            hit: Hit = None
            future: _Pending | None = None
            if cache is not None:
                assert keys is not None
                info, signature = _signature(path)
                doc_id = document_id(path)
                if previous is not None and info is not None and signature and use_cache:
                    hit = previous.unchanged(doc_id, path, info)
                    key = hit.key if hit is not None else None
                if hit is None:
                    key = cache_key(
                        path, doc_id=doc_id, max_bytes=max_bytes, fingerprint=keys, info=info
                    )
                    hit = cache.get(key) if key is not None and use_cache else None
            else:
                signature = ()
            written = False
            if hit is None:
                cache_to = (
                    (os.path.abspath(cache.folder), key) if cache is not None and key else None
                )
                future, written = extract.submit(path, cache_to)
                in_flight += 1
            pending.append((path, key, hit, future, signature, written))
            while pending and (pending[0][3] is None or in_flight > extract.window):
                in_flight -= pending[0][3] is not None
                yield ready(pending.popleft())
        while pending:
            yield ready(pending.popleft())
