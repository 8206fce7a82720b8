"""Exports of the seed graph: what is written parses back to the same quads, triples or network."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.api import Graph
from kg.cli import app
from kg.errors import QueryError, StoreError
from kg.export import RDF_FORMATS, export_graph, export_network, network_for_export
from kg.store import GraphStore


@pytest.fixture(scope="module")
def seed_quads(seed_graph: Path) -> set[ox.Quad]:
    return set(GraphStore.open(seed_graph).store)


@pytest.fixture(scope="module")
def seed_network(seed_graph: Path) -> nx.MultiDiGraph:
    return Graph(seed_graph).to_networkx()


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_export_rdf_datasets_round_trip(
    seed_graph: Path, seed_quads: set[ox.Quad], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    summary = export_graph(seed_graph, out, format=fmt)
    assert f"{len(seed_quads)} quads" in summary
    parsed = set(ox.parse(path=str(out), format=RDF_FORMATS[fmt]))
    assert parsed == seed_quads
    graphs = {q.graph_name for q in parsed}
    assert ox.DefaultGraph() in graphs and len(graphs) == 6  # the ontology + one graph per document


def test_export_turtle_is_the_union_of_all_graphs(
    seed_graph: Path, seed_quads: set[ox.Quad], tmp_path: Path
) -> None:
    out = tmp_path / "graph.ttl"
    export_graph(seed_graph, out, format="turtle")
    parsed = list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE))
    assert all(q.graph_name == ox.DefaultGraph() for q in parsed)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in parsed}
    assert triples == {ox.Triple(q.subject, q.predicate, q.object) for q in seed_quads}
    adoption = ox.NamedNode("https://w3id.org/cgkg/ontology#Adoption")
    assert any(t.object == adoption for t in triples)  # document data, not only the ontology


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_networks_round_trip(
    seed_graph: Path, seed_network: nx.MultiDiGraph, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    summary = export_graph(seed_graph, out, format=fmt)
    assert (
        f"{seed_network.number_of_nodes()} nodes and {seed_network.number_of_edges()} edges"
        in summary
    )
    back = nx.read_gexf(str(out)) if fmt == "gexf" else nx.read_graphml(str(out))
    assert back.number_of_nodes() == seed_network.number_of_nodes()
    assert back.number_of_edges() == seed_network.number_of_edges()
    assert set(back.nodes) == set(seed_network.nodes)
    types = Counter(data["type"] for _, data in back.nodes(data=True))
    assert {"mechanism", "region", "document", "agency", "policy"} <= set(types)
    assert types == Counter(data["type"] for _, data in seed_network.nodes(data=True))
    adoptions = [d for *_, d in back.edges(data=True) if d.get("kind") == "adoption"]
    assert adoptions and all(d["evidence_end"] > d["evidence_start"] for d in adoptions)


def test_export_network_attributes_are_plain() -> None:
    g = nx.MultiDiGraph()
    g.add_node("a", type="region", year=None, documents={"d2", "d1"})
    g.add_edge("a", "b", key="k", start=3, end=9, status="pilot")
    plain = network_for_export(g)
    assert plain.nodes["a"] == {"type": "region", "documents": "d1 d2"}
    assert plain.edges["a", "b", "k"] == {"evidence_start": 3, "evidence_end": 9, "status": "pilot"}
    assert g.nodes["a"]["year"] is None  # the input is left alone


def test_export_unknown_format_and_missing_graph(seed_graph: Path, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="E604"):
        export_graph(seed_graph, tmp_path / "x", format="xml")
    with pytest.raises(QueryError, match="E604"):
        export_network(nx.MultiDiGraph(), tmp_path / "x", format="trig")
    with pytest.raises(StoreError, match="E501"):
        export_graph(tmp_path / "nothing", tmp_path / "x", format="trig")


def test_export_cli_writes_the_file(seed_graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.nq"
    result = CliRunner().invoke(
        app, ["export", "--format", "nquads", "-o", str(out), "--graph", str(seed_graph)]
    )
    assert result.exit_code == 0 and "quads" in result.output and out.stat().st_size > 0
    bad = CliRunner().invoke(
        app, ["export", "--format", "xml", "-o", str(out), "--graph", str(seed_graph)]
    )
    assert bad.exit_code == 2 and "E604" in bad.output
