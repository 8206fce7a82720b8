"""The embedded store and named queries, on a real graph built from the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.api import Graph, run_query
from kg.errors import QueryError, StoreError
from kg.queries import get_query, list_queries
from kg.store import GraphStore


def test_store_adopters_of_wushe_liandong_lists_the_three_provinces(seed_graph: Path) -> None:
    rows = Graph(seed_graph).table("adopters", mechanism="五社联动").to_dicts()
    provinces = {r["province"] for r in rows}
    assert {"湖北省", "湖南省", "浙江省"} <= provinces
    wuyi = [r for r in rows if r["jurisdiction"] == "武义县"]
    assert wuyi and wuyi[0]["status"] == "implemented"
    hunan = [r for r in rows if r["province"] == "湖南省"]
    assert {r["status"] for r in hunan} == {"planned"}


def test_store_adopters_carry_evidence_and_offsets(seed_graph: Path) -> None:
    rows = Graph(seed_graph).table("adopters", mechanism="一有七中心").to_dicts()
    henan = [r for r in rows if r["jurisdiction"] == "河南省"]
    assert henan and henan[0]["since"] == 2018 and henan[0]["status"] == "implemented"
    assert "一有七中心" in henan[0]["evidence"]
    assert henan[0]["end"] > henan[0]["start"] >= 0


def test_store_variant_label_finds_the_same_mechanism(seed_graph: Path) -> None:
    store = GraphStore.open(seed_graph)
    main = run_query("adopters", store=store, mechanism="街道吹哨、部门报到").rows
    variant = run_query("adopters", store=store, mechanism="吹哨报到").rows
    assert main and [r[1:] for r in main] == [r[1:] for r in variant]


@pytest.mark.parametrize(
    "hostile",
    ['五社联动" } ; DROP ALL ; #', "<http://x>", "?mechanism", '五社联动\\" ) } UNION { ?s ?p ?o'],
)
def test_store_parameters_are_bound_not_pasted(seed_graph: Path, hostile: str) -> None:
    store = GraphStore.open(seed_graph)
    before = store.count()
    assert run_query("adopters", store=store, mechanism=hostile).rows == ()
    assert GraphStore.open(seed_graph).count() == before


def test_store_unknown_and_missing_parameters_are_rejected(seed_graph: Path) -> None:
    store = GraphStore.open(seed_graph)
    with pytest.raises(QueryError, match="E504"):
        run_query("adopters", store=store)
    with pytest.raises(QueryError, match="E505"):
        run_query("adopters", store=store, mechanism="五社联动", region="x")
    with pytest.raises(QueryError, match="E503"):
        get_query("../etc/passwd")


def test_store_every_named_query_declares_a_description() -> None:
    for named in list_queries():
        assert named.description, named.name


def test_store_missing_graph_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="E501"):
        GraphStore.open(tmp_path / "nothing")


def test_store_one_named_graph_per_document(seed_graph: Path, seed_records: list[dict]) -> None:
    graphs = GraphStore.open(seed_graph).named_graphs()
    assert len(graphs) == len(seed_records) == 5
