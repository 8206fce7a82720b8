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
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kg.cache import CachedDocument, RecordCache, build_fingerprint, cache_key, keys_fingerprint
from kg.extract import load_pipeline
from kg.incremental import Entry, Manifest, file_signature
from kg.record import DocumentRecord

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.report import DocumentOutcome

__all__ = ["Extracted", "extract_in_order", "extract_path"]


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
        from kg.validate import validate_fragment

        violations = validate_fragment(document.fragment)
        outcome.violations = [f"{outcome.path}: {v}" for v in violations]
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
    collection would otherwise walk them again, as would the collections at exit."""
    nlp = load_pipeline()
    gc.freeze()
    return nlp


def _load_pipeline_once() -> None:
    _build_pipeline()


# a runner takes a document's path and, when the record cache is used, the cache's folder
# and the document's key; it returns the pending result and whether the runner writes the
# document to the cache itself
Submit = Callable[[Path, tuple[str, str] | None], tuple[_Pending, bool]]


@contextmanager
def _serial(max_bytes: int, documents: bool, shacl: bool) -> Iterator[Submit]:
    yield lambda path, _: (_Done(extract_path(path, max_bytes, documents, shacl)), False)


@contextmanager
def _processes(jobs: int, max_bytes: int, documents: bool, shacl: bool) -> Iterator[Submit]:
    # spawn, not fork: the parent may hold an open RocksDB store and its threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_load_pipeline_once) as pool:
        # the workers share the builder's disk: each writes its documents to the cache
        yield lambda path, cache_to: (
            pool.submit(extract_path, path, max_bytes, documents, shacl, cache_to),
            cache_to is not None,
        )


@contextmanager
def _dask(scheduler: str, max_bytes: int, documents: bool, shacl: bool) -> Iterator[Submit]:
    from distributed import Client

    from kg.errors import BuildError

    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise BuildError("E608", scheduler=scheduler, reason=exc) from exc
    try:
        # a cluster's workers may not see the builder's disk: the builder writes the cache
        yield lambda path, _: (
            client.submit(extract_path, path, max_bytes, documents, shacl, pure=False, retries=1),
            False,
        )
    finally:
        client.close()


def _runner(
    jobs: int, scheduler: str | None, max_bytes: int, documents: bool, shacl: bool
) -> AbstractContextManager[Any]:
    if scheduler:
        return _dask(scheduler, max_bytes, documents, shacl)
    if jobs > 1:
        return _processes(jobs, max_bytes, documents, shacl)
    return _serial(max_bytes, documents, shacl)


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
    window: int | None = None,
    shacl: bool = False,
    previous: Manifest | None = None,
    keys: str | None = None,
) -> Iterator[Extracted]:
    """Every document of ``paths`` extracted (or taken from ``cache``), in input order.

    ``jobs`` > 1 extracts in that many worker processes; ``scheduler`` (``tcp://host:8786``)
    on the workers of a Dask cluster, which must see the documents at the same paths. At most
    ``window`` documents are in flight. With ``use_cache=False`` every document is extracted,
    and the cache is only written. A file that the ``previous`` build's manifest shows
    unchanged (:meth:`~kg.incremental.Manifest.unchanged`) is not read: it comes as
    ``kept``. ``keys`` is the fingerprint the cache keys are made with, when the caller has
    it (:func:`~kg.cache.keys_fingerprint`).

    Raises:
        BuildError: the Dask scheduler cannot be reached.
    """
    from kg.build import document_id

    if window is None:
        window = 256 if scheduler else 4 * jobs if jobs > 1 else 0
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
    with _runner(jobs, scheduler, max_bytes, cache is not None, shacl) as submit:
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
                future, written = submit(path, cache_to)
                in_flight += 1
            pending.append((path, key, hit, future, signature, written))
            while pending and (pending[0][3] is None or in_flight > window):
                in_flight -= pending[0][3] is not None
                yield ready(pending.popleft())
        while pending:
            yield ready(pending.popleft())
