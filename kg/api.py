"""The Python API that notebooks and the CLI share.

>>> import kg
>>> g = kg.open("graph")                                  # doctest: +SKIP
>>> g.query("adopters", mechanism="五社联动")              # doctest: +SKIP
>>> g.adoptions().head()                                   # doctest: +SKIP
>>> g.to_networkx().number_of_nodes()                      # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.queries import bound_text, get_query
from kg.store import GraphStore, Table

__all__ = ["Graph", "open_graph", "query", "run_query"]


def run_query(name: str, *, store: GraphStore, **params: Any) -> Table:
    """Run named query ``name`` on ``store`` with ``params`` bound by value (``VALUES``).

    Raises:
        QueryError: unknown query, missing or unknown parameter, or a failing query.
    """
    named = get_query(name)
    return store.select(bound_text(named, params, run=store.lookup))


class Graph:
    """A built graph, opened read-only."""

    def __init__(self, path: str | Path = "graph") -> None:
        self.path = Path(path)
        self.store = GraphStore.open(self.path)

    def __repr__(self) -> str:
        return f"kg.Graph({str(self.path)!r}: {self.store.reported_count()} quads)"

    def table(self, name: str, **params: Any) -> Table:
        """Named query ``name`` as a :class:`~kg.store.Table`."""
        return run_query(name, store=self.store, **params)

    def query(self, name: str, **params: Any) -> Any:
        """Named query ``name`` as a pandas DataFrame."""
        return self.table(name, **params).to_dataframe()

    def sparql(self, text: str) -> Any:
        """Any SELECT query as a pandas DataFrame."""
        return self.store.select(text).to_dataframe()

    def rows(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Named query ``name`` as a list of dicts, one per row."""
        return self.table(name, **params).to_dicts()

    def panel(
        self, mechanism: str, *, level: str = "province", start: int, end: int, own: bool = False
    ) -> Any:
        """A diffusion panel of ``mechanism`` as a pandas DataFrame (see :mod:`kg.panel`)."""
        from kg.panel import make_panel

        made = make_panel(self.store, mechanism, level=level, start=start, end=end, own=own)
        return made.table.to_dataframe()

    def adoptions(self) -> Any:
        """Every adoption: mechanism, jurisdiction, status, year, evidence, document."""
        return self.query("adoptions")

    def policies(self) -> Any:
        """Every policy the documents name: title, number, issuer, citing documents."""
        return self.query("cited-policies")

    def to_networkx(self) -> Any:
        """The whole graph as a ``networkx.MultiDiGraph`` (see :mod:`kg.network`).

        Nodes carry ``type`` and ``label``; adoption edges (region → mechanism) carry
        ``status``, ``year`` and ``document``.
        """
        from kg.network import full_network

        return full_network(self.rows)

    def rdflib(self) -> Any:
        """An ``rdflib.Dataset`` over the same on-disk store, read-only (via oxrdflib).

        >>> ds = Graph("graph").rdflib()  # doctest: +SKIP
        >>> ds.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3")  # doctest: +SKIP
        """
        import rdflib
        from rdflib.store import Store

        oxigraph_store = rdflib.plugin.get("Oxigraph", Store)
        return rdflib.Dataset(store=oxigraph_store(store=self.store.store))  # type: ignore[call-arg]


def open_graph(path: str | Path = "graph") -> Graph:
    """Open the graph built into folder ``path``."""
    return Graph(path)


def query(name: str, *, graph: str | Path = "graph", **params: Any) -> Any:
    """Run a named query on the graph in ``graph`` and return a DataFrame."""
    return Graph(graph).query(name, **params)
