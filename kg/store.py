"""The embedded graph store: a thin wrapper over an on-disk pyoxigraph ``Store``.

A graph folder (``graph/``) holds finished builds under ``builds/`` and a symbolic link
``current`` to the one in use. A build writes a new folder and then swaps the link in one
atomic rename, so readers never see a half-written graph and a crash leaves the previous
graph in place. The build that was current before is kept (link ``previous``) until the
next one is published, so a reader that opened it (a notebook, ``kg serve``) keeps
answering from it while a new build is published.

>>> import tempfile, pyoxigraph as ox
>>> root = Path(tempfile.mkdtemp())
>>> staging = new_build_dir(root)
>>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"), ox.NamedNode("http://e/g"))
>>> write_store(staging, [q])
1
>>> publish_build(root, staging)
>>> GraphStore.open(root).count()
1
>>> following = new_build_dir(root)
>>> write_store(following, [q])
1
>>> publish_build(root, following)
>>> (root / "previous").resolve() == staging.resolve() and current_build(root) == following.resolve()
True
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError, warning_text

__all__ = [
    "BackgroundLoader",
    "GraphStore",
    "Table",
    "new_build_dir",
    "write_store",
    "publish_build",
    "remove_stale_builds",
    "current_build",
    "term_to_python",
    "STORE_DIR",
    "TRIG_FILE",
    "RECORDS_FILE",
    "REPORT_FILE",
]

STORE_DIR = "store"
TRIG_FILE = "graph.trig"
RECORDS_FILE = "records.jsonl"
REPORT_FILE = "build-report.json"
_CURRENT = "current"
_PREVIOUS = "previous"
_BUILDS = "builds"
_PUBLISHED = ".published"  # in a build folder once it has been made current


class BackgroundLoader:
    """Loads TriG into a store on a background thread while documents keep coming.

    The fragments are gathered into slices of about ``slice_bytes`` bytes; each slice goes
    to the store's bulk loader, which parses and indexes it in native code without holding
    the interpreter lock, so loading overlaps the extraction of the next documents (in this
    process or in the workers whose results this process receives). One slice loads at a
    time: a full slice waits for the previous one, which bounds the memory held.

    A fragment may *replace* a named graph of the store (an incremental build's changed
    document): the graph is cleared on the loading thread right before the slice that holds
    the new fragment is loaded, never while the bulk loader runs. Fewer than
    ``small_bytes`` bytes in all go in one transaction instead (:meth:`ox.Store.load`): the
    bulk loader writes a set of files per call, which costs more than it saves for a few
    documents, while for many it indexes twice as fast as transactions.
    """

    def __init__(
        self, store: ox.Store, *, slice_bytes: int = 8 << 20, small_bytes: int = 0
    ) -> None:
        self.store = store
        self.slice_bytes = slice_bytes
        self.small_bytes = small_bytes
        self.pieces: list[bytes] = []
        self.replacing: list[ox.NamedNode] = []  # cleared before ``pieces`` are loaded
        self.size = 0
        self.total = 0  # bytes of TriG added
        self.bulk = False  # whether the bulk loader was used
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="cgkg-load")
        self.loading: Future[None] | None = None

    def __enter__(self) -> BackgroundLoader:
        return self

    def add(self, fragment: bytes, *, replaces: ox.NamedNode | None = None) -> None:
        if replaces is not None:
            self.replacing.append(replaces)
        self.pieces.append(fragment)
        self.size += len(fragment)
        self.total += len(fragment)
        if self.size >= self.slice_bytes:
            self._send()

    def _send(self) -> None:
        data, graphs = b"".join(self.pieces), self.replacing
        self.pieces, self.replacing, self.size = [], [], 0
        self._wait()
        self.bulk = True
        self.loading = self.pool.submit(self._load, graphs, data)

    def _load(self, graphs: list[ox.NamedNode], data: bytes) -> None:
        for graph in graphs:
            self.store.remove_graph(graph)
        self.store.bulk_load(data, format=ox.RdfFormat.TRIG)

    def _wait(self) -> None:
        if self.loading is not None:
            loading, self.loading = self.loading, None
            loading.result()  # a failed load raises here, in the builder's thread

    def __exit__(self, kind: object, *rest: object) -> None:
        try:
            if kind is None and not self.bulk and self.total < self.small_bytes:
                for graph in self.replacing:
                    self.store.remove_graph(graph)
                if self.pieces:
                    self.store.load(b"".join(self.pieces), format=ox.RdfFormat.TRIG)
            elif kind is None and (self.pieces or self.replacing):
                self._send()
            self._wait()
        finally:
            self.pool.shutdown(wait=True)


@dataclass(frozen=True)
class Table:
    """A query answer: column names and rows of Python values (str, int, float, bool, None)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The answer as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(self.columns))


_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = ox.NamedNode(_XSD + "string")
_CONVERTERS: dict[str, Any] = {
    **dict.fromkeys(("integer", "int", "long", "gYear"), int),
    **dict.fromkeys(("decimal", "double", "float"), float),
    "boolean": lambda value: value == "true",
}


def term_to_python(term: Any) -> Any:
    """An RDF term as a plain value: IRIs as strings, typed literals as int/float/bool."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.language:
            return term.value
        datatype = term.datatype
        if datatype == _STRING:  # the common case, answered without parsing the IRI
            return term.value
        convert = _CONVERTERS.get(datatype.value.rsplit("#", 1)[-1])
        if convert is None:
            return term.value
        try:
            return convert(term.value)
        except ValueError:
            return term.value
    return term.value


def current_build(root: Path) -> Path:
    """The build folder that ``root/current`` points to.

    Raises:
        StoreError: there is no finished build in ``root``.
    """
    link = Path(root) / _CURRENT
    if not link.exists():
        raise StoreError("E501", path=root)
    return link.resolve()


def new_build_dir(root: Path) -> Path:
    """A fresh, empty folder for the next build, next to the current one.

    Its name carries the id of the building process, so that a folder left by a build that
    was killed can be told from one still being written (see :func:`remove_stale_builds`).
    """
    builds = Path(root) / _BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    path = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


def write_store(build: Path, quads: Iterable[ox.Quad]) -> int:
    """Bulk-load ``quads`` into a new store in ``build``; returns the number of quads."""
    counter = _Counter(quads)
    store = ox.Store(str(build / STORE_DIR))
    try:
        store.bulk_extend(counter)
        store.flush()
        store.optimize()
    finally:
        del store
    return counter.count


class _Counter:
    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self._quads = iter(quads)
        self.count = 0

    def __iter__(self) -> Iterator[ox.Quad]:
        for quad in self._quads:
            self.count += 1
            yield quad


def _builder_pid(build: Path) -> int | None:
    """The id of the process that made build folder ``build`` (see :func:`new_build_dir`)."""
    parts = build.name.split("-")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def _is_abandoned(build: Path) -> bool:
    """True when the process that made ``build`` is gone (or the name is not ours)."""
    pid = _builder_pid(build)
    return pid is None or (pid != os.getpid() and not _is_running(pid))


def _linked_builds(root: Path) -> set[Path]:
    """The build folders that ``current`` and ``previous`` point to."""
    links = (root / _CURRENT, root / _PREVIOUS)
    return {link.resolve() for link in links if link.exists()}


def remove_stale_builds(root: Path) -> list[Path]:
    """Remove build folders no reader needs any more; keep the rest.

    Kept: the current build, the previous one (readers may still have it open) and
    folders of builds still running in other processes. Removed: folders of builds that
    died (killed, power cut) and builds that were current before the previous one.
    Returns the folders removed.
    """
    root = Path(root)
    builds = root / _BUILDS
    if not builds.is_dir():
        return []
    keep = _linked_builds(root)
    removed = []
    for folder in builds.iterdir():
        if folder.name.startswith(".") or folder.resolve() in keep:
            continue
        if (folder / _PUBLISHED).exists() or _is_abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for name in (_CURRENT, _PREVIOUS):
        for tmp in root.glob(f".{name}-*"):  # a link swap that was cut short
            pid = tmp.name.rsplit("-", 1)[-1]
            if tmp.is_symlink() and pid.isdigit() and not _is_running(int(pid)):
                tmp.unlink()
    return removed


def _point_link(root: Path, name: str, build: Path) -> None:
    """Make ``root/name`` a link to ``builds/<build>``, atomically (rename over the old link)."""
    tmp = root / f".{name}-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(Path(_BUILDS) / build.name, tmp)
    os.replace(tmp, root / name)


def publish_build(root: Path, build: Path) -> str | None:
    """Make ``build`` the current graph (atomic link swap) and keep the one it replaces.

    The replaced build becomes ``previous``, so readers that opened it keep working until
    the next publish; the build that was previous before is removed, and so are folders
    left by dead builds. Folders of builds still running in other processes are kept.

    Returns None, or a warning (W602) when the swap was made but tidying up after it failed:
    the new graph is current all the same.
    """
    root = Path(root)
    link = root / _CURRENT
    builds = (root / _BUILDS).resolve()
    replaced = link.resolve() if link.exists() else None
    if replaced is not None and replaced.parent == builds and replaced.name != build.name:
        # first, so that a crash between the two swaps leaves the replaced build protected
        _point_link(root, _PREVIOUS, replaced)
    _point_link(root, _CURRENT, build)
    try:
        (build / _PUBLISHED).touch()
        for name in (TRIG_FILE, RECORDS_FILE, REPORT_FILE):
            alias = root / name
            if not alias.is_symlink() and not alias.exists():
                os.symlink(Path(_CURRENT) / name, alias)
        remove_stale_builds(root)
    except OSError as exc:
        return warning_text("W602", path=root, reason=exc.strerror or exc)
    return None


_MAX_LOOKUPS = 1024  # distinct lookups kept per store; then they are forgotten, all at once


class GraphStore:
    """Read access to a built graph."""

    def __init__(
        self, store: ox.Store, *, path: Path | None = None, read_only: bool = False
    ) -> None:
        self.store = store
        self.path = path
        #: answers of :meth:`lookup`, kept only for a read-only store, which cannot change
        self._lookups: dict[str, Table] | None = {} if read_only else None

    @classmethod
    def open(cls, root: str | Path) -> GraphStore:
        """Open the current build of graph folder ``root`` read-only.

        Raises:
            StoreError: no graph there, or it cannot be opened.
        """
        build = current_build(Path(root))
        try:
            return cls(ox.Store.read_only(str(build / STORE_DIR)), path=build, read_only=True)
        except OSError as exc:
            raise StoreError("E502", path=root, reason=exc) from exc

    def select(self, sparql: str, *, substitutions: dict[str, Any] | None = None) -> Table:
        """Run a SELECT query; ``substitutions`` bind variables to RDF terms by value.

        Raises:
            QueryError: the query is not valid SPARQL or not a SELECT.
        """
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            result = self.store.query(sparql, substitutions=subs or None)
        except SyntaxError as exc:
            raise QueryError("E506", reason=exc) from exc
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("E506", reason="only SELECT queries return a table")
        columns = tuple(v.value for v in result.variables)
        rows = tuple(tuple(map(term_to_python, solution)) for solution in result)
        return Table(columns, rows)

    def lookup(self, sparql: str) -> Table:
        """:meth:`select` for the small queries that bind another's parameters (a mechanism's
        IRIs by name, see :mod:`kg.queries`). On a read-only store the answers are kept, so a
        notebook that asks about the same mechanism again does not look it up again."""
        if self._lookups is None:
            return self.select(sparql)
        table = self._lookups.get(sparql)
        if table is None:
            if len(self._lookups) >= _MAX_LOOKUPS:
                self._lookups.clear()
            table = self._lookups[sparql] = self.select(sparql)
        return table

    def raw(self, sparql: str) -> Any:
        """Any SPARQL query, answered as pyoxigraph returns it."""
        try:
            return self.store.query(sparql)
        except SyntaxError as exc:
            raise QueryError("E506", reason=exc) from exc

    def count(self) -> int:
        """The number of quads, counted in the store: it reads every quad (0.75 s at 10,000
        documents) and leaves the store's caches cold for the queries that follow."""
        return len(self.store)

    def reported_count(self) -> int:
        """The number of quads as this build's report gives it (the build counted what it
        loaded), without reading the store; :meth:`count` when there is no report."""
        if self.path is not None:
            try:
                report = json.loads((self.path / REPORT_FILE).read_text(encoding="utf-8"))
                return int(report["quads"])
            except (OSError, ValueError, KeyError, TypeError):
                pass
        return self.count()

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())
