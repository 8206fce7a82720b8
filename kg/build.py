"""Build a graph from a corpus: read → extract → records → quads → store, atomically.

One broken document never stops the build: its error is reported in
``build-report.json`` and the others are built. The new graph is written next to the old
one and swapped in only when complete, so a crash never leaves a half-written graph; the
folders of builds that were killed are removed by the next build.

Exit codes of a build: 0 all documents built, 1 some failed (graph still written),
2 nothing built (or a usage error).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from kg.cache import (
    CACHE_DIR,
    CachedDocument,
    RecordCache,
    build_fingerprint,
    keys_fingerprint,
    ontology_fragment,
)
from kg.errors import BuildError, CgkgError, ExtractionError, ReadError, warning_text
from kg.extract import extract_text
from kg.incremental import MANIFEST_FILE, Entry, Manifest, SplicedFile
from kg.parallel import Extracted, extract_in_order
from kg.rdf import document_iri
from kg.read import read_file
from kg.record import DocumentRecord
from kg.report import BuildReport, DocumentOutcome
from kg.runners import Runner, collector_paused, open_runner
from kg.store import (
    RECORDS_FILE,
    REPORT_FILE,
    STORE_DIR,
    TRIG_FILE,
    BackgroundLoader,
    current_build,
    new_build_dir,
    publish_build,
    remove_stale_builds,
)

__all__ = [
    "DOCUMENT_SUFFIXES",
    "DocumentOutcome",
    "BuildReport",
    "find_documents",
    "extract_documents",
    "build_graph",
]

DOCUMENT_SUFFIXES = (".txt", ".htm", ".html")
LOAD_SLICE = 8 << 20  # bytes of TriG per bulk load: keeps memory flat as the corpus grows
# an incremental build loads changed documents of fewer bytes of TriG than this (some 60
# documents) in one transaction, more with the bulk loader (see BackgroundLoader)
SMALL_UPDATE = 1 << 20
DEFAULT_MAX_BYTES = 20_000_000


def document_id(path: Path) -> str:
    """The id of a document: as its folder's ``MANIFEST.json`` declares it, else the file stem.

    A manifest lets a corpus give files readable names while keeping the ids that other data
    (gold annotations, earlier graphs) use.
    """
    folder, name = os.path.split(os.fspath(path))  # not pathlib: 10,000 calls a build
    return _manifest_ids(folder or ".").get(name) or os.path.splitext(name)[0]


@functools.lru_cache(maxsize=64)
def _manifest_ids(folder: str) -> dict[str, str]:
    manifest = Path(folder) / "MANIFEST.json"
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8")).get("documents", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return {
        e["file"]: e["id"] for e in entries if isinstance(e, dict) and "file" in e and "id" in e
    }


def find_documents(sources: Iterable[str | Path]) -> list[Path]:
    """Every document file under ``sources`` (files or folders), in a stable order.

    Raises:
        BuildError: a source does not exist or holds no document.
    """
    out: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(
                (
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith(".")
                ),
                key=lambda p: p.parts,  # the order of paths, without comparing Path objects
            )
            if not found:
                raise BuildError("E601", path=path)
            out.extend(found)
        elif path.exists() or path.is_symlink():
            out.append(path)
        else:
            raise BuildError("E601", path=path)
    return out


def _printable(path: Path | str) -> str:
    """``path`` as text that can be printed and written as UTF-8, odd bytes as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _extract_one(
    path: Path, nlp: object, max_bytes: int
) -> tuple[DocumentRecord | None, DocumentOutcome]:
    """Read and extract one document; any failure becomes the outcome's message."""
    name, doc_id = _printable(path), document_id(path)
    outcome = DocumentOutcome(path=name, id=_printable(doc_id), status="failed")
    if name != str(path):  # a name in GBK, say, from an archive made on Windows
        outcome.message = str(BuildError("E607", path=name))
        return None, outcome
    try:
        text = read_file(path, max_bytes=max_bytes)
        if not text.text.strip():
            raise ReadError("E106", path=path)
        digest = text.sha256
        outcome.sha256 = digest
        outcome.chars = len(text.text)
        record = extract_text(text, doc_id=doc_id, sha256=digest, nlp=nlp)  # type: ignore[arg-type]
    except CgkgError as exc:
        outcome.message = str(exc)
        return None, outcome
    except OSError as exc:  # the file changed or vanished after it was read
        outcome.message = str(ReadError("E100", path=path, reason=exc.strerror or exc))
        return None, outcome
    except Exception as exc:  # noqa: BLE001 - one document must not stop the build; reported
        reason = f"{type(exc).__name__}: {exc}"
        outcome.message = str(ExtractionError("E203", path=path, reason=reason))
        return None, outcome
    record = _with_build_warnings(replace(record, path=path.name), path)
    outcome.status = "built"
    outcome.adoptions = len(record.adoptions)
    outcome.warnings = list(record.warnings)
    return record, outcome


def _with_build_warnings(record: DocumentRecord, path: Path) -> DocumentRecord:
    """Add W201 (no date) and W202 (no jurisdiction) to the record's warnings."""
    added = []
    if record.dates.issued is None and record.dates.published is None:
        added.append(warning_text("W201", path=path))
    if record.jurisdiction is None:
        added.append(warning_text("W202", path=path))
    fresh = tuple(w for w in added if w not in record.warnings)
    return replace(record, warnings=record.warnings + fresh) if fresh else record


def extract_documents(
    paths: Iterable[Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    scheduler: str | None = None,
) -> Iterator[tuple[DocumentRecord | None, DocumentOutcome]]:
    """Records (or failures) for ``paths``, one at a time; duplicates are reported once.

    ``jobs`` and ``scheduler`` extract in worker processes or on a Dask cluster
    (see :func:`kg.parallel.extract_in_order`); the order and the records stay the same.
    """
    items = extract_in_order(paths, max_bytes=max_bytes, jobs=jobs, scheduler=scheduler)
    for item in _deduplicated(items):
        yield item.record, item.outcome


def _deduplicated(items: Iterable[Extracted]) -> Iterator[Extracted]:
    seen_hash: dict[str, str] = {}
    seen_id: set[str] = set()
    for item in items:
        built = item.document or item.record or item.kept
        outcome, path = item.outcome, item.path
        if built is not None:
            if built.sha256 in seen_hash:
                first = seen_hash[built.sha256]
                outcome.status, outcome.warnings, built = "duplicate", [], None
                outcome.message = warning_text("W601", path=path, other=first)
            elif built.id in seen_id:
                outcome.status, outcome.warnings, built = "failed", [], None
                outcome.message = str(BuildError("E606", path=path, id=outcome.id))
            else:
                seen_hash[built.sha256] = str(path)
                seen_id.add(built.id)
        if built is None:
            item.record = item.document = item.kept = None
        yield item


def build_graph(
    sources: Iterable[str | Path],
    out: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[DocumentOutcome], None] | None = None,
    validate: Callable[[Path], int] | None = None,
    shacl: bool = True,
    jobs: int = 1,
    scheduler: str | None = None,
    incremental: bool = True,
    started: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build the graph of ``sources`` into graph folder ``out`` and make it current.

    Builds are incremental: a document whose bytes (and the extractor, ontology and
    pipeline) did not change since the last build is taken from the record cache in
    ``out/cache``, and the new store is a copy of the current one in which only the graphs
    of changed, new and removed documents are replaced. ``incremental=False`` extracts
    every document and loads a new store. ``jobs`` > 1 extracts in worker processes,
    ``scheduler`` (``tcp://host:8786``) on a Dask cluster; the output is the same. A
    rebuild of one job extracts in one worker process started at once (see
    :func:`kg.runners.open_runner`).

    ``shacl`` validates every newly extracted document's graph against
    ``ontology/shapes.ttl`` where it is extracted (so it runs in the workers, and a cached
    document is not validated again); ``validate`` (optional) is called on the finished
    build folder and returns the number of violations. Either way a build with violations
    is discarded and the previous graph kept.
    ``started`` (optional) is called with the number of documents before extraction starts.
    Folders left in ``out`` by builds that were killed are removed first.

    Raises:
        BuildError: no documents, nothing could be built, validation failed, or ``out``
            cannot be written (E609; the previous graph is kept).
    """
    started_at, started_ns = time.perf_counter(), time.time_ns()
    root = Path(out)
    # a rebuild mostly extracts a few documents: then one worker process loads the pipeline
    # (a second, most of it importing spaCy) while this one finds which documents changed
    ahead = incremental and _has_manifest(root)
    with (
        open_runner(
            jobs, scheduler, max_bytes=max_bytes, documents=True, shacl=shacl, ahead=ahead
        ) as runner,
        collector_paused(runner.pause_collector),
    ):
        # a rebuild's builder only moves documents made by its worker: its own objects
        # (manifest entries, outcomes, some ten for each document) hold no cycles, and each
        # full collection would walk them all
        return _build(
            sources, root, runner, (started_at, started_ns), max_bytes=max_bytes,
            progress=progress, validate=validate, shacl=shacl, incremental=incremental,
            started=started,
        )  # fmt: skip


def _build(
    sources: Iterable[str | Path],
    root: Path,
    runner: Runner,
    clock: tuple[float, int],
    *,
    max_bytes: int,
    progress: Callable[[DocumentOutcome], None] | None,
    validate: Callable[[Path], int] | None,
    shacl: bool,
    incremental: bool,
    started: Callable[[int], None] | None,
) -> BuildReport:
    """:func:`build_graph`, extracting with ``runner``; ``clock`` is when it started
    (``perf_counter`` and ns since the epoch)."""
    started_at, started_ns = clock
    _manifest_ids.cache_clear()  # a corpus manifest may have changed since the last build
    paths = find_documents(sources)
    if started is not None:
        started(len(paths))
    try:
        remove_stale_builds(root)
        staging = new_build_dir(root)
    except OSError as exc:
        raise BuildError("E609", path=root, reason=_write_failure(root, exc)) from exc
    report = BuildReport(graph=str(root), documents=[])
    try:
        cache = RecordCache(root / CACHE_DIR)
        fingerprint = build_fingerprint()
        ontology, ontology_count = ontology_fragment(cache, fingerprint=fingerprint)
        manifest = Manifest(
            fingerprint,
            {},
            ontology_count,
            keys=keys_fingerprint(fingerprint, shacl=shacl),
            max_bytes=max_bytes,
            started=started_ns,
        )
        previous = _previous_manifest(root, manifest.fingerprint) if incremental else None
        if previous is not None and previous.mostly_changed(
            {document_id(path): path for path in paths},
            keys=manifest.keys,
            max_bytes=manifest.max_bytes,
        ):
            previous = None  # a new store, bulk loaded, costs less than replacing most graphs
        reusable, before = None, None  # the previous build, when its files can be copied
        if previous is not None:
            built = current_build(root)
            current = ox.Store.read_only(str(built / STORE_DIR))
            current.backup(str(staging / STORE_DIR))  # a checkpoint: hard links, no copy
            del current
            report.incremental = True
            if previous.reusable(built, keys=manifest.keys, max_bytes=max_bytes):
                reusable, before = previous, built
        items = _deduplicated(
            extract_in_order(
                paths,
                max_bytes=max_bytes,
                runner=runner,
                cache=cache,
                use_cache=incremental,
                shacl=shacl,
                previous=reusable,
                keys=manifest.keys,
            )
        )
        store = ox.Store(str(staging / STORE_DIR))
        with (
            SplicedFile(staging / RECORDS_FILE, source=before and before / RECORDS_FILE) as records,
            SplicedFile(staging / TRIG_FILE, source=before and before / TRIG_FILE) as trig,
        ):
            trig.write(ontology)

            def documents() -> Iterator[Extracted]:
                for item in items:
                    report.documents.append(item.outcome)
                    if progress:
                        progress(item.outcome)
                    if item.kept is not None:  # unchanged: its bytes from the previous build
                        kept = item.kept
                        entry = kept.moved(records.copy(*kept.records), trig.copy(*kept.trig))
                    elif item.document is not None:
                        entry = _entry(item, item.document, records, trig)
                    else:
                        continue
                    manifest.documents[entry.id] = entry
                    yield item

            if previous is None:
                with BackgroundLoader(store, slice_bytes=LOAD_SLICE) as loader:
                    loader.add(ontology)
                    for item in documents():
                        assert item.document is not None
                        loader.add(item.document.fragment)
                # compact the bulk-loaded files: each lookup then reads fewer of them, which
                # halves the latency of queries that seek once per row (benchmarks/queries.py)
                store.optimize()
            else:
                report.removed, loader = _update_store(store, documents(), previous, manifest)
                if loader.bulk and loader.total * 10 >= trig.size:
                    store.optimize()  # a tenth or more of the graph was loaded anew
            store.flush()
            report.quads = manifest.quads
            del store
        manifest.sizes = (records.size, trig.size)
        manifest.write(staging)
        report.seconds = time.perf_counter() - started_at
        if not report.built:
            raise BuildError("E605", count=len(report.failed))
        found = [v for d in report.documents for v in d.violations]
        if found:
            raise BuildError("E602", count=len(found), first=found[0])
        if validate is not None:
            count = validate(staging)
            if count:
                raise BuildError("E602", count=count, first="see `kg validate`")
        (staging / REPORT_FILE).write_text(report.to_json(), encoding="utf-8")
        tidied = publish_build(root, staging)
        if tidied is not None:  # published all the same: say so, and do not fail the build
            report.warnings.append(tidied)
    except OSError as exc:  # the disk filled up, the folder was removed under the build
        _discard(root, staging)
        raise BuildError("E609", path=root, reason=_write_failure(root, exc)) from exc
    except BaseException:
        _discard(root, staging)
        raise
    cache.prune(
        {entry.key for entry in manifest.documents.values()}, fingerprint=manifest.fingerprint
    )
    return report


def _discard(root: Path, staging: Path) -> None:
    """Remove the folder of a build that failed, unless it was already made current."""
    try:
        if current_build(root) == staging.resolve():
            return  # publishing failed after the swap (tidying up): the new graph stands
    except CgkgError:
        pass
    shutil.rmtree(staging, ignore_errors=True)


def _write_failure(root: Path, exc: OSError) -> str:
    """Why graph folder ``root`` cannot be written, in words: a file in the way, or the OS's reason."""
    for folder in (root, *root.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                return f"{_printable(folder)} is a file, not a folder"
            break
    reason = exc.strerror or str(exc)
    return f"{reason} ({_printable(Path(exc.filename))})" if exc.filename else reason


def _entry(
    item: Extracted, document: CachedDocument, records: SplicedFile, trig: SplicedFile
) -> Entry:
    """The manifest entry of a document extracted (or taken from the cache) in this build,
    its record and TriG appended to ``records`` and ``trig``."""
    return Entry(
        document.id,
        item.key or "",
        document.quads,
        path=os.fsdecode(item.path),
        signature=item.signature if item.key else (),
        sha256=document.sha256,
        chars=document.chars,
        adoptions=document.adoptions,
        warnings=document.warnings,
        records=records.write(document.record_json.encode("utf-8") + b"\n"),
        trig=trig.write(document.fragment),
    )


def _previous_manifest(root: Path, fingerprint: str) -> Manifest | None:
    """The manifest of the current build when its store can be updated in place, else None."""
    try:
        build = current_build(root)
    except CgkgError:
        return None
    manifest = Manifest.read(build)
    if manifest is None or manifest.fingerprint != fingerprint or not (build / STORE_DIR).is_dir():
        return None
    return manifest


def _has_manifest(root: Path) -> bool:
    """Whether graph folder ``root`` has a current build that notes its documents."""
    try:
        return (current_build(root) / MANIFEST_FILE).is_file()
    except CgkgError:
        return False


def _update_store(
    store: ox.Store, items: Iterable[Extracted], previous: Manifest, manifest: Manifest
) -> tuple[list[str], BackgroundLoader]:
    """Replace, in a copy of the previous store, the graphs of documents that changed.

    A few changed documents are loaded in one transaction; many (a corpus moved, an
    extractor option changed) through the bulk loader, as a full build loads them, which
    indexes twice as fast: the loader clears each old graph right before it loads the new.
    Returns the ids of the previous build's documents that are gone (removed or failed), and
    the loader, which tells how much was loaded and how.
    """
    with BackgroundLoader(store, slice_bytes=LOAD_SLICE, small_bytes=SMALL_UPDATE) as loader:
        for item in items:
            if item.kept is not None:
                continue  # the file is unchanged: its graph in the copied store is right
            assert item.document is not None
            doc_id = item.document.id
            before = previous.documents.get(doc_id)
            if before is not None and item.key and before.key == item.key:
                continue  # the same bytes: its graph in the copied store is right
            old = document_iri(doc_id) if before is not None else None
            loader.add(item.document.fragment, replaces=old)
    removed = sorted(set(previous.documents) - set(manifest.documents))
    for doc_id in removed:
        store.remove_graph(document_iri(doc_id))
    return removed, loader
