"""Extraction in order, whatever runs it, with the record cache and the previous build.

:func:`extract_in_order` turns document paths into :class:`Extracted` items in input order,
whatever runs the extraction (a :class:`~kg.runners.Runner`: this process, ``jobs`` worker
processes, each loading the pipeline once, or the workers of a Dask ``distributed``
scheduler). Results come back through a bounded window, so the single store writer sees them
in the same order as a serial build and writes byte-identical records. Documents found in
the record cache, or unchanged since the previous build, are not extracted again.

>>> items = list(extract_in_order([], max_bytes=1000))
>>> items
[]
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.cache import CachedDocument, RecordCache, build_fingerprint, cache_key, keys_fingerprint
from kg.incremental import Entry, Manifest, file_signature
from kg.record import DocumentRecord
from kg.runners import Pending, Runner, open_runner

if TYPE_CHECKING:
    from kg.report import DocumentOutcome

__all__ = ["Extracted", "extract_in_order"]


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
    Item = tuple[Path, str | None, Hit, Pending | None, tuple[int, ...], bool]
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
            future: Pending | None = None
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
