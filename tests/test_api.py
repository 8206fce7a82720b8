"""The Python API notebooks use: DataFrames, networkx and rdflib views of one built graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

import kg
from kg.network import NODE_TYPES


@pytest.fixture(scope="module")
def graph(seed_graph: Path) -> kg.Graph:
    return kg.open(seed_graph)


def test_api_adoptions_and_policies_are_dataframes(graph: kg.Graph) -> None:
    adoptions = graph.adoptions()
    assert {
        "mechanism",
        "jurisdiction",
        "province",
        "status",
        "year",
        "evidence",
        "document",
    } <= set(adoptions.columns)
    wushe = adoptions[adoptions.mechanism == "五社联动"]
    assert set(wushe.province) == {"湖北省", "湖南省", "浙江省"}
    policies = graph.policies()
    assert "国办发〔2021〕56号" in set(policies.number) and policies.policy.is_unique


def test_api_to_networkx_types_labels_and_adoption_edges(graph: kg.Graph) -> None:
    g = graph.to_networkx()
    assert {d["type"] for _, d in g.nodes(data=True)} == set(NODE_TYPES)
    assert all(d["label"] for _, d in g.nodes(data=True))
    wushe = next(n for n, d in g.nodes(data=True) if d["label"] == "五社联动")
    edges = [d for _, _, d in g.in_edges(wushe, data=True) if d["kind"] == "adoption"]
    by_adopter = {
        g.nodes[u]["label"]: d
        for u, _, d in g.in_edges(wushe, data=True)
        if d["kind"] == "adoption"
    }
    assert len(edges) == 3 and by_adopter["武义县"]["status"] == "implemented"
    assert (
        by_adopter["湖北省"]["year"] == 2021
        and by_adopter["湖北省"]["document"] == "004_437cfe83a3774da9"
    )


def test_api_sparql_and_named_query_agree(graph: kg.Graph) -> None:
    count = graph.sparql(
        "PREFIX cgkg: <https://w3id.org/cgkg/ontology#> "
        "SELECT (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a cgkg:Adoption } }"
    )
    assert int(count.n[0]) == len(graph.adoptions())


def test_api_rdflib_dataset_reads_the_same_store(graph: kg.Graph) -> None:
    ds = graph.rdflib()
    assert isinstance(ds, rdflib.Dataset)
    rows = list(
        ds.query(
            "PREFIX cgkg: <https://w3id.org/cgkg/ontology#> "
            "SELECT (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a cgkg:Adoption } }"
        )
    )
    assert int(rows[0][0]) == len(graph.adoptions())
    graphs = {str(c.identifier) for c in ds.graphs()}
    assert "https://w3id.org/cgkg/doc/003_5cf41cd4b9546579" in graphs


def test_api_rdflib_dataset_is_read_only(graph: kg.Graph) -> None:
    ds = graph.rdflib()
    with pytest.raises(RuntimeError, match="read-write"):
        ds.add((rdflib.URIRef("http://e/s"), rdflib.URIRef("http://e/p"), rdflib.Literal("o")))


def test_api_graph_repr_gives_the_quads_from_the_build_report(
    graph: kg.Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook shows a graph without scanning its store (0.75 s at 10,000 documents, and
    slower queries after): the number of quads comes from the build's report and equals the
    store's; a store without a report is counted."""
    import shutil

    from kg.store import REPORT_FILE, GraphStore

    quads = graph.store.count()
    with monkeypatch.context() as patched:
        patched.setattr(graph.store, "count", lambda: pytest.fail("the store was scanned"))
        assert repr(graph).endswith(f": {quads} quads)")
    copy = tmp_path / "build"
    shutil.copytree(graph.store.path, copy)
    (copy / REPORT_FILE).unlink()
    bare = GraphStore(graph.store.store, path=copy)
    assert bare.reported_count() == quads == GraphStore(graph.store.store).reported_count()
