"""Every named query, run on the graph built from the five seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.api import Graph
from kg.queries import get_query, list_queries

NEW_QUERIES = [
    "timeline",
    "mechanisms",
    "policies",
    "cites",
    "co-adoption",
    "documents",
    "evidence",
]


@pytest.mark.parametrize("name", NEW_QUERIES)
def test_queries_are_declared_with_a_description(name: str) -> None:
    named = get_query(name)
    assert named.description and name in {q.name for q in list_queries()}


def test_queries_timeline_of_wushe_liandong_has_first_years_per_province(seed_graph: Path) -> None:
    rows = {
        r["province"]: r
        for r in Graph(seed_graph).table("timeline", mechanism="五社联动").to_dicts()
    }
    assert {"湖北省", "湖南省", "浙江省"} <= set(rows)
    assert (
        rows["湖北省"]["first_year"] == 2021
        and rows["湖北省"]["documents"] == "004_437cfe83a3774da9"
    )
    assert rows["湖南省"]["first_year"] == 2022 and "湖南省" in rows["湖南省"]["adopters"]
    assert rows["浙江省"]["adopters"] == "武义县"


def test_queries_timeline_prefers_the_stated_year(seed_graph: Path) -> None:
    rows = Graph(seed_graph).table("timeline", mechanism="一有七中心").to_dicts()
    assert [(r["province"], r["first_year"]) for r in rows] == [("河南省", 2018)]


def test_queries_mechanisms_of_a_province_include_its_cities(seed_graph: Path) -> None:
    rows = Graph(seed_graph).table("mechanisms", region="河南省").to_dicts()
    yiyou = [r for r in rows if r["mechanism"] == "一有七中心"]
    assert yiyou and yiyou[0]["jurisdiction"] == "河南省"
    assert yiyou[0]["status"] == "implemented" and yiyou[0]["since"] == 2018
    assert yiyou[0]["document"] == "000_9a37cc60360357d4"
    cities = {r["jurisdiction"] for r in rows} - {"河南省"}
    assert cities and {"郑州市", "洛阳市"} & cities


def test_queries_mechanisms_of_a_province_reach_its_counties(seed_graph: Path) -> None:
    for region in ("浙江省", "金华市", "武义县"):
        rows = Graph(seed_graph).table("mechanisms", region=region).to_dicts()
        wushe = [r for r in rows if r["mechanism"] == "五社联动"]
        assert (
            wushe and wushe[0]["jurisdiction"] == "武义县" and wushe[0]["status"] == "implemented"
        )
    assert Graph(seed_graph).table("mechanisms", region="湖北省").rows
    assert not [
        r
        for r in Graph(seed_graph).table("mechanisms", region="湖北省").to_dicts()
        if r["jurisdiction"] == "武义县"
    ]


def test_queries_policies_by_issuer_name_and_by_agency(seed_graph: Path) -> None:
    rows = Graph(seed_graph).table("policies", issuer="国务院办公厅").to_dicts()
    assert [(r["number"], r["documents"]) for r in rows] == [
        ("国办发〔2021〕56号", "002_31f2aab0d1bf4292")
    ]
    joint = Graph(seed_graph).table("policies", issuer="财政部办公厅").to_dicts()
    assert joint and joint[0]["documents"] == "000_9a37cc60360357d4"
    hunan = Graph(seed_graph).table("policies", issuer="湖南省人民政府").to_dicts()
    assert "湘政发〔2021〕7号" in {r["number"] for r in hunan}


def test_queries_cites_finds_the_citing_document_by_number_or_title(seed_graph: Path) -> None:
    rows = Graph(seed_graph).table("cites", policy="国办发〔2021〕56号").to_dicts()
    assert [(r["document"], r["relation"]) for r in rows] == [("002_31f2aab0d1bf4292", "cites")]
    by_title = (
        Graph(seed_graph)
        .table("cites", policy="《国务院办公厅关于印发“十四五”城乡社区服务体系建设规划的通知》")
        .to_dicts()
    )
    assert [r["document"] for r in by_title] == ["002_31f2aab0d1bf4292"]
    assert Graph(seed_graph).table("cites", policy="").rows == ()


def test_queries_co_adoption_counts_shared_jurisdictions(seed_graph: Path) -> None:
    graph = Graph(seed_graph)
    rows = graph.table("co-adoption").to_dicts()
    assert rows and all(r["mechanism_a"] != r["mechanism_b"] and r["count"] >= 1 for r in rows)
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    wushe = [
        r for r in rows if "五社联动" in (r["mechanism_a"], r["mechanism_b"]) and r["count"] >= 2
    ]
    assert wushe
    for row in wushe[:3]:  # every listed jurisdiction adopted both, says `adopters`
        places = set(row["jurisdictions"].split("、"))
        assert len(places) == row["count"]
        for mechanism in (row["mechanism_a"], row["mechanism_b"]):
            assert places <= {
                r["jurisdiction"] for r in graph.table("adopters", mechanism=mechanism).to_dicts()
            }


def test_queries_documents_under_a_region(seed_graph: Path) -> None:
    rows = Graph(seed_graph).table("documents", region="浙江省").to_dicts()
    assert [r["document"] for r in rows] == ["003_5cf41cd4b9546579"]
    assert rows[0]["jurisdiction"] == "武义县" and rows[0]["genre"] == "proposal-reply"
    assert rows[0]["issued"] == "2023-05-26" and rows[0]["title"]
    everything = Graph(seed_graph).table("documents", region="中华人民共和国").rows
    assert len(everything) == 5


def test_queries_evidence_gives_the_sentence_and_offsets(seed_graph: Path) -> None:
    rows = (
        Graph(seed_graph)
        .table("evidence", mechanism="一有七中心", jurisdiction="河南省")
        .to_dicts()
    )
    assert len(rows) == 1
    row = rows[0]
    assert "一有七中心" in row["evidence"] and row["file"] == "henan-2023-proposal-reply.txt"
    assert (
        row["end"] > row["start"] >= 0 and row["status"] == "implemented" and row["since"] == 2018
    )
    assert (
        Graph(seed_graph).table("evidence", mechanism="一有七中心", jurisdiction="湖北省").rows
        == ()
    )
