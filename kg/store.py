"""The embedded graph store: a thin wrapper over an on-disk pyoxigraph ``Store``.

A graph folder (``graph/``) holds finished builds under ``builds/`` and a symbolic link
``current`` to the one in use. A build writes a new folder and then swaps the link in one
atomic rename, so readers never see a half-written graph and a crash leaves the previous
graph in place.

>>> import tempfile, pyoxigraph as ox
>>> root = Path(tempfile.mkdtemp())
>>> staging = new_build_dir(root)
>>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"), ox.NamedNode("http://e/g"))
>>> write_store(staging, [q])
1
>>> publish_build(root, staging)
>>> GraphStore.open(root).count()
1
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError

__all__ = [
    "GraphStore",
    "Table",
    "new_build_dir",
    "write_store",
    "publish_build",
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
_BUILDS = "builds"


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


def term_to_python(term: Any) -> Any:
    """An RDF term as a plain value: IRIs as strings, typed literals as int/float/bool."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "int", "long", "gYear"):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt in ("decimal", "double", "float"):
            return float(term.value)
        if dt == "boolean":
            return term.value == "true"
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
    """A fresh, empty folder for the next build, next to the current one."""
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


def publish_build(root: Path, build: Path) -> None:
    """Make ``build`` the current graph (atomic link swap), then remove older builds."""
    root = Path(root)
    link = root / _CURRENT
    tmp = root / f".{_CURRENT}-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(Path(_BUILDS) / build.name, tmp)
    os.replace(tmp, link)
    for name in (TRIG_FILE, RECORDS_FILE, REPORT_FILE):
        alias = root / name
        if not alias.is_symlink() and not alias.exists():
            os.symlink(Path(_CURRENT) / name, alias)
    for old in (root / _BUILDS).iterdir():
        if old.name != build.name and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)


class GraphStore:
    """Read access to a built graph."""

    def __init__(self, store: ox.Store, *, path: Path | None = None) -> None:
        self.store = store
        self.path = path

    @classmethod
    def open(cls, root: str | Path) -> GraphStore:
        """Open the current build of graph folder ``root`` read-only.

        Raises:
            StoreError: no graph there, or it cannot be opened.
        """
        build = current_build(Path(root))
        try:
            return cls(ox.Store.read_only(str(build / STORE_DIR)), path=build)
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
        rows = tuple(tuple(term_to_python(sol[c]) for c in columns) for sol in result)
        return Table(columns, rows)

    def raw(self, sparql: str) -> Any:
        """Any SPARQL query, answered as pyoxigraph returns it."""
        try:
            return self.store.query(sparql)
        except SyntaxError as exc:
            raise QueryError("E506", reason=exc) from exc

    def count(self) -> int:
        return len(self.store)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())
