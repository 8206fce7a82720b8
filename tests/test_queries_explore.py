"""Named queries that feed the explorer, the plots and the Python API, on the seed graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.api import Graph


@pytest.fixture(scope="module")
def graph(seed_graph: Path) -> Graph:
    return Graph(seed_graph)


def test_queries_adoptions_one_row_per_adoption_with_names_and_year(graph: Graph) -> None:
    rows = graph.table("adoptions").to_dicts()
    assert len({r["adoption"] for r in rows}) == len(rows)
    wuyi = [r for r in rows if r["mechanism"] == "五社联动" and r["jurisdiction"] == "武义县"]
    assert wuyi and wuyi[0]["province"] == "浙江省" and wuyi[0]["province_en"] == "Zhejiang"
    assert wuyi[0]["mechanism_en"] == "Five-society linkage" and wuyi[0]["level"] == "county"
    assert wuyi[0]["year"] == 2023 and wuyi[0]["document"] == "003_5cf41cd4b9546579"
    assert "五社联动" in wuyi[0]["evidence"]
    henan = [r for r in rows if r["mechanism"] == "一有七中心" and r["jurisdiction"] == "河南省"]
    assert henan[0]["since"] == henan[0]["year"] == 2018  # the stated year wins over the document's


def test_queries_adoptions_every_row_has_a_mechanism_and_a_province(graph: Graph) -> None:
    rows = graph.table("adoptions").to_dicts()
    assert all(r["mechanism"] and r["status"] and r["province"] for r in rows)


@pytest.mark.parametrize(
    ("document", "publisher", "year"),
    [
        ("000_9a37cc60360357d4", "河南省民政厅", 2023),
        ("001_3d9120629dc52b13", "山东省民政厅", 2018),
    ],
)
def test_queries_documents_have_publisher_and_year(
    graph: Graph, document: str, publisher: str, year: int
) -> None:
    rows = {r["document"]: r for r in graph.table("source-documents").to_dicts()}
    assert len(rows) == 5
    assert rows[document]["publisher_name"] == publisher and rows[document]["year"] == year


def test_queries_citations_link_documents_to_policies_and_issuers(graph: Graph) -> None:
    rows = graph.table("citations").to_dicts()
    hunan = [
        r
        for r in rows
        if r["document"] == "002_31f2aab0d1bf4292" and r["number"] == "国办发〔2021〕56号"
    ]
    assert hunan and hunan[0]["relation"] == "cites" and hunan[0]["issuer"] == "国务院办公厅"


def test_queries_policies_counts_citing_documents(graph: Graph) -> None:
    rows = graph.table("cited-policies").to_dicts()
    assert len({r["policy"] for r in rows}) == len(rows)
    national = [r for r in rows if r["number"] == "国办发〔2021〕56号"]
    assert national and national[0]["cited_by"] == 1
    published = [
        r for r in rows if r["title"] == "关于加强社区管理的建议"
    ]  # the proposal Shandong answers
    assert published and published[0]["cited_by"] == 0


def test_queries_lineage_runs_from_sanshe_to_wushe(graph: Graph) -> None:
    pairs = {(r["succeeds"], r["mechanism"]) for r in graph.table("lineage").to_dicts()}
    assert {("三社联动", "四社联动"), ("四社联动", "五社联动")} <= pairs
