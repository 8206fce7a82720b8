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


def test_store_adopters_carry_the_evidence_sentence_and_its_document(seed_graph: Path) -> None:
    graph = Graph(seed_graph)
    rows = graph.table("adopters", mechanism="一有七中心").to_dicts()
    henan = [r for r in rows if r["jurisdiction"] == "河南省"]
    assert henan and henan[0]["year"] == 2018 and henan[0]["status"] == "implemented"
    assert "一有七中心" in henan[0]["evidence"]
    # its file and offsets come from `evidence`, for the same sentence
    located = graph.table("evidence", mechanism="一有七中心", jurisdiction="河南省").to_dicts()
    same = [r for r in located if r["evidence"] == henan[0]["evidence"]]
    assert same and same[0]["document"] == henan[0]["document"]
    assert same[0]["end"] > same[0]["start"] >= 0


def test_store_variant_label_finds_the_same_mechanism(seed_graph: Path) -> None:
    store = GraphStore.open(seed_graph)
    main = run_query("adopters", store=store, mechanism="街道吹哨、部门报到").rows
    variant = run_query("adopters", store=store, mechanism="吹哨报到").rows
    assert main and [r[1:] for r in main] == [r[1:] for r in variant]


def test_store_english_name_finds_the_same_adopters(seed_graph: Path) -> None:
    store = GraphStore.open(seed_graph)
    chinese = run_query("adopters", store=store, mechanism="五社联动").rows
    english = run_query("adopters", store=store, mechanism="Five-society linkage").rows
    assert chinese and [r[1:] for r in chinese] == [r[1:] for r in english]


def test_store_adopters_of_a_discovered_mechanism(seed_graph: Path) -> None:
    """A mechanism found by a discovery rule is labelled only in its documents' graphs; the
    name lookup finds it there, and adopters lists each of its adoptions."""
    store = GraphStore.open(seed_graph)
    discovered = store.select(
        "PREFIX cgkg: <https://w3id.org/cgkg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?name (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?m cgkg:discovered true ; "
        "skos:prefLabel ?name . ?a cgkg:mechanism ?m } } GROUP BY ?name"
    ).rows
    assert discovered
    for name, count in discovered:
        rows = run_query("adopters", store=store, mechanism=name).to_dicts()
        assert len(rows) == count and {r["mechanism"] for r in rows} == {name}


def test_store_adopters_give_each_adoption_once(seed_graph: Path) -> None:
    """A name matches labels in several languages (一有七中心 is written the same in both
    scripts, so two of its forms match): each adoption must still give one row."""
    store = GraphStore.open(seed_graph)
    adopted = store.select(
        "PREFIX cgkg: <https://w3id.org/cgkg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?name (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a cgkg:mechanism ?m } "
        "?m skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), 'zh-Hans')) } GROUP BY ?name"
    ).rows
    assert len(adopted) >= 5
    for name, count in adopted:
        table = run_query("adopters", store=store, mechanism=name)
        assert len(table.rows) == len(set(table.rows)) > 0, name
        keys = ("jurisdiction", "status", "document", "evidence")
        assert len({tuple(r[k] for k in keys) for r in table.to_dicts()}) <= count, name


def test_store_adoptions_repeat_the_vocabulary_names_of_their_adopters(seed_graph: Path) -> None:
    """cgkg:adopterName, adopterLevel, adopterProvince and year (written on each adoption so
    that queries need no joins) agree with the region vocabulary and the document's date."""
    store = GraphStore.open(seed_graph)
    rows = store.select("""
        PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?name ?label ?level ?notation ?province ?provinceLabel ?year ?since ?issued WHERE {
          GRAPH ?doc {
            ?a cgkg:adopter ?region ; cgkg:adopterName ?name ; cgkg:adopterLevel ?level .
            OPTIONAL { ?a cgkg:adopterProvince ?province }
            OPTIONAL { ?a cgkg:year ?year }
            OPTIONAL { ?a cgkg:since ?since }
            OPTIONAL { ?doc dcterms:issued ?issuedDate }
            OPTIONAL { ?doc dcterms:available ?publishedDate }
            OPTIONAL { ?region skos:prefLabel ?communityLabel }
          }
          OPTIONAL { ?region skos:prefLabel ?zh FILTER(LANGMATCHES(LANG(?zh), "zh-Hans")) }
          OPTIONAL { ?region cgkg:level/skos:notation ?regionLevel }
          OPTIONAL { ?region cgkg:province/skos:prefLabel ?p FILTER(LANGMATCHES(LANG(?p), "zh-Hans")) }
          BIND(COALESCE(?issuedDate, ?publishedDate) AS ?issued)
          BIND(COALESCE(?zh, ?communityLabel) AS ?label)
          BIND(COALESCE(?regionLevel, "community") AS ?notation)
          BIND(COALESCE(?p, IF(?regionLevel = "province", ?zh, ?none)) AS ?provinceLabel)
        }""").to_dicts()
    assert len(rows) > 50
    for row in rows:
        assert row["name"] == row["label"] and row["level"] == row["notation"], row
        if row["level"] != "community":
            assert row["province"] == row["provinceLabel"], row
        expected = row["since"] or (int(str(row["issued"])[:4]) if row["issued"] else None)
        assert row["year"] == expected, row


def test_store_adoptions_repeat_their_evidence_sentence(seed_graph: Path) -> None:
    """cgkg:evidenceText (read by `adopters`) is the text of the adoption's evidence span."""
    table = GraphStore.open(seed_graph).select("""
        PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?a ?text ?exact WHERE {
          GRAPH ?doc { ?a a cgkg:Adoption ; cgkg:evidence/oa:exact ?exact .
                       OPTIONAL { ?a cgkg:evidenceText ?text } } }""")
    rows = table.to_dicts()
    assert len(rows) > 50
    assert all(row["text"] == row["exact"] for row in rows), rows
    assert len({row["a"] for row in rows}) == len(rows)  # one text per adoption


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


def test_store_timeline_first_year_ignores_adoptions_without_a_year(tmp_path: Path) -> None:
    from kg.build import build_graph

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = "全年新建社区养老服务设施12处，城乡居民收入稳步增长。\n" * 6
    (corpus / "a.txt").write_text(
        "各位代表：\n现在，我代表市人民政府，向大会报告工作。\n一、2023年工作回顾\n"
        "郑州市推行“五社联动”机制，郑州社区治理水平提升。\n" + filler,
        encoding="utf-8",
    )
    (corpus / "b.txt").write_text(
        "各位代表：\n现在，我代表市人民政府，向大会报告工作。\n"
        "洛阳市推行“五社联动”机制，洛阳社区治理水平提升。\n" + filler,
        encoding="utf-8",
    )
    build_graph([corpus], tmp_path / "graph", shacl=False)
    graph = Graph(tmp_path / "graph")
    adopters = graph.table("adopters", mechanism="五社联动").to_dicts()
    assert {r["jurisdiction"] for r in adopters} == {"郑州市", "洛阳市"}
    [henan] = graph.table("timeline", mechanism="五社联动").to_dicts()
    assert henan["province"] == "河南省" and henan["first_year"] == 2023


def test_store_lookups_on_a_store_being_written_see_what_it_gains() -> None:
    """Lookup answers are kept only for a read-only store: on one still being written, a
    mechanism labelled after a first lookup is found by the next."""
    import pyoxigraph as ox

    from kg.queries import bound_text

    store = GraphStore(ox.Store())
    text = bound_text(get_query("mechanism-by-name"), {"label": "五社联动"})
    assert store.lookup(text).rows == ()
    store.store.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/cgkg/mechanism/wushe-liandong"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
            ox.Literal("五社联动", language="zh-Hans"),
        )
    )
    [row] = store.lookup(text).to_dicts()
    assert row["mechanism_iri"] == "https://w3id.org/cgkg/mechanism/wushe-liandong"
