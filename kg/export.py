"""Write a built graph to a file: RDF (TriG, N-Quads, Turtle, JSON-LD) or a network (GEXF, GraphML).

The RDF formats come straight from the store: TriG, N-Quads and JSON-LD keep the named
graphs (one per document, plus the ontology in the default graph); Turtle has no named
graphs, so it holds the union of all graphs as triples. The network formats hold the
networkx graph of :mod:`kg.network` (mechanisms, regions, documents, agencies, policies),
built from named queries, for Gephi, Cytoscape or yEd.

>>> import tempfile, pyoxigraph as ox
>>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"), ox.NamedNode("http://e/g"))
>>> store = ox.Store()
>>> store.add(q)
>>> out = Path(tempfile.mkdtemp()) / "g.nq"
>>> export_rdf(store, out, format="nquads")
1
>>> out.read_text()
'<http://e/s> <http://e/p> "o" <http://e/g> .\\n'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import QueryError
from kg.rdf import PREFIXES

__all__ = [
    "FORMATS",
    "RDF_FORMATS",
    "NETWORK_FORMATS",
    "export_graph",
    "export_rdf",
    "export_network",
    "network_for_export",
]

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}
NETWORK_FORMATS = ("gexf", "graphml")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)
# GEXF reads ``start``/``end`` as time intervals; the evidence offsets get their own names.
_RENAMED = {"start": "evidence_start", "end": "evidence_end"}


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise QueryError("E604", fmt=format, known=", ".join(FORMATS))


def export_rdf(store: ox.Store, output: str | Path, *, format: str) -> int:
    """Write ``store`` to ``output`` as RDF ``format``; returns the quad (Turtle: triple) count.

    Raises:
        QueryError: ``format`` is not one of :data:`RDF_FORMATS`.
    """
    if format not in RDF_FORMATS:
        raise QueryError("E604", fmt=format, known=", ".join(RDF_FORMATS))
    rdf_format = RDF_FORMATS[format]
    if format == "turtle":
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in store))
        ox.serialize(triples, str(output), rdf_format, prefixes=PREFIXES)
        return len(triples)
    prefixes = PREFIXES if format == "trig" else None
    store.dump(str(output), rdf_format, prefixes=prefixes)
    return len(store)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Attributes GEXF and GraphML can hold: no None, lists and sets joined, offsets renamed."""
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            value = " ".join(sorted(str(v) for v in value))
        elif not isinstance(value, (str, int, float, bool)):
            value = str(value)
        out[_RENAMED.get(key, key)] = value
    return out


def network_for_export(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``network`` whose node and edge attributes every network format accepts."""
    out = nx.MultiDiGraph()
    out.add_nodes_from((node, _plain(data)) for node, data in network.nodes(data=True))
    out.add_edges_from(
        (u, v, key, _plain(data)) for u, v, key, data in network.edges(keys=True, data=True)
    )
    return out


def export_network(network: nx.MultiDiGraph, output: str | Path, *, format: str) -> tuple[int, int]:
    """Write ``network`` as GEXF or GraphML; returns (nodes, edges).

    Raises:
        QueryError: ``format`` is not one of :data:`NETWORK_FORMATS`.
    """
    if format not in NETWORK_FORMATS:
        raise QueryError("E604", fmt=format, known=", ".join(NETWORK_FORMATS))
    plain = network_for_export(network)
    if format == "gexf":
        nx.write_gexf(plain, str(output))
    else:
        nx.write_graphml(plain, str(output))
    return plain.number_of_nodes(), plain.number_of_edges()


def export_graph(graph: str | Path, output: str | Path, *, format: str) -> str:
    """Export the graph built into folder ``graph`` to file ``output``; returns a one-line summary.

    Raises:
        QueryError: unknown ``format``.
        StoreError: no graph in ``graph``.
    """
    from kg.api import Graph

    _check_format(format)
    opened = Graph(graph)
    if format in RDF_FORMATS:
        count = export_rdf(opened.store.store, output, format=format)
        return (
            f"wrote {count} {'triples' if format == 'turtle' else 'quads'} as {format} to {output}"
        )
    nodes, edges = export_network(opened.to_networkx(), output, format=format)
    return f"wrote {nodes} nodes and {edges} edges as {format} to {output}"
