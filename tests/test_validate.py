"""SHACL validation of built graphs against ontology/shapes.ttl."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.validate import (
    ENGINES,
    load_union,
    shapes_graph,
    union_store,
    validate_data,
    validate_graph,
)

PREFIXES = """
@prefix cgkg: <https://w3id.org/cgkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
GOOD_ADOPTION = """
<urn:doc> { <urn:doc> a cgkg:Document ; dcterms:identifier "d" ; cgkg:sourceFile "d.txt" .
  <urn:a> a cgkg:Adoption ; cgkg:mechanism <urn:m> ; cgkg:adopter <urn:r> ; %(status)s
      cgkg:adopterName "武义县"@zh-Hans ; cgkg:adopterLevel %(level)s ; cgkg:year 2023 ;
      cgkg:sourceDocument <urn:doc> ; cgkg:evidence <urn:ev> ; cgkg:evidenceText "五社联动" .
  <urn:ev> a cgkg:Evidence ; oa:exact "五社联动" ; oa:start %(start)s ; oa:end 10 . }
"""


def _write_graph(
    folder: Path,
    *,
    status: str = "cgkg:status cgkg:Implemented ;",
    start: str = "2",
    level: str = '"county"',
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "graph.trig").write_text(
        PREFIXES + GOOD_ADOPTION % {"status": status, "start": start, "level": level},
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("engine", ENGINES)
def test_validate_the_seed_graph_conforms(seed_graph: Path, engine: str) -> None:
    assert validate_graph(seed_graph, engine=engine) == []


def test_validate_the_seed_union_holds_documents_and_ontology(seed_graph: Path) -> None:
    union = load_union(seed_graph / "graph.trig")
    cgkg = rdflib.Namespace("https://w3id.org/cgkg/ontology#")
    assert len(set(union.subjects(rdflib.RDF.type, cgkg.Document))) == 5
    assert (cgkg.Adoption, rdflib.RDF.type, rdflib.OWL.Class) in union


def test_validate_a_hand_made_good_graph_conforms(tmp_path: Path) -> None:
    assert validate_graph(_write_graph(tmp_path)) == []


@pytest.mark.parametrize(
    ("status", "start", "path", "focus"),
    [
        ("", "2", "https://w3id.org/cgkg/ontology#status", "urn:a"),
        ("cgkg:status cgkg:Maybe ;", "2", "https://w3id.org/cgkg/ontology#status", "urn:a"),
        (
            "cgkg:status cgkg:Planned, cgkg:Pilot ;",
            "2",
            "https://w3id.org/cgkg/ontology#status",
            "urn:a",
        ),
        ("cgkg:status cgkg:Planned ;", '"2"', "http://www.w3.org/ns/oa#start", "urn:ev"),
        ("cgkg:status cgkg:Planned ;", "12", "http://www.w3.org/ns/oa#start", "urn:ev"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_validate_reports_a_broken_adoption(
    tmp_path: Path, status: str, start: str, path: str, focus: str, engine: str
) -> None:
    violations = validate_graph(_write_graph(tmp_path, status=status, start=start), engine=engine)
    assert (focus, path) in {(v.focus, v.path) for v in violations}
    assert all(v.message and v.severity == "Violation" for v in violations)


@pytest.mark.parametrize("level", ['"village"', '"county", "city"'])
def test_validate_reports_a_wrong_adopter_level(tmp_path: Path, level: str) -> None:
    violations = validate_graph(_write_graph(tmp_path, level=level))
    assert ("urn:a", "https://w3id.org/cgkg/ontology#adopterLevel") in {
        (v.focus, v.path) for v in violations
    }


def test_validate_reports_a_document_without_source_file() -> None:
    data = rdflib.Graph().parse(
        format="turtle", data=PREFIXES + '<urn:d> a cgkg:Document ; dcterms:identifier "d" .'
    )
    [violation] = validate_data(data)
    assert violation.path.endswith("#sourceFile") and "source file" in str(violation)


@pytest.mark.parametrize(
    ("status", "start", "level"),
    [
        ("", "2", '"county"'),
        ("cgkg:status cgkg:Planned, cgkg:Pilot ;", '"2"', '"village"'),
        ("cgkg:status cgkg:Maybe ;", "12", '"county", "city"'),
    ],
)
def test_validate_the_same_violations_from_a_store_as_from_an_rdflib_graph(
    tmp_path: Path, status: str, start: str, level: str
) -> None:
    trig = _write_graph(tmp_path, status=status, start=start, level=level) / "graph.trig"
    shapes = shapes_graph()  # one parse: the shapes' blank nodes are named in the violations
    store = union_store(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    from_store = validate_data(store, shapes=shapes)
    assert from_store == validate_data(load_union(trig), shapes=shapes)
    assert from_store  # each case breaks at least one shape


def test_validate_missing_graph_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="E501"):
        validate_graph(tmp_path)


def test_validate_cli_exit_codes(seed_graph: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(app, ["validate", "--graph", str(seed_graph)])
    assert good.exit_code == 0 and "conforms" in good.output
    bad = runner.invoke(app, ["validate", "--graph", str(_write_graph(tmp_path, status=""))])
    assert (
        bad.exit_code == 1
        and "urn:a" in bad.output
        and "status" in bad.output
        and "1 violations" in bad.output
    )


def test_validate_a_literal_where_a_document_is_required_is_a_violation(tmp_path: Path) -> None:
    # pyshacl asks a pyoxigraph store for the classes of the literal and raises there
    (tmp_path / "graph.trig").write_text(
        PREFIXES
        + (
            GOOD_ADOPTION
            % {"status": "cgkg:status cgkg:Planned ;", "start": "2", "level": '"county"'}
        ).replace("cgkg:sourceDocument <urn:doc>", 'cgkg:sourceDocument "doc"'),
        encoding="utf-8",
    )
    [violation] = validate_graph(tmp_path)
    assert (violation.focus, violation.value) == ("urn:a", "doc")
    assert violation.path.endswith("#sourceDocument")


def test_validate_each_document_even_when_its_graph_comes_in_pieces(tmp_path: Path) -> None:
    # the adoption's graph is split in two around another document's: not one graph missing
    # half its triples, and the same answer as pyshacl over all graphs
    whole = GOOD_ADOPTION % {
        "status": "cgkg:status cgkg:Maybe ;",
        "start": "2",
        "level": '"county"',
    }
    head, tail = whole.split("cgkg:adopterName")
    other = '<urn:other> { <urn:other> a cgkg:Document ; dcterms:identifier "o" ; cgkg:sourceFile "o.txt" . }'
    (tmp_path / "graph.trig").write_text(
        PREFIXES + head + ". }\n" + other + "\n<urn:doc> { <urn:a> cgkg:adopterName" + tail,
        encoding="utf-8",
    )
    by_document = validate_graph(tmp_path, engine="sparql")
    assert [(v.focus, v.path) for v in by_document] == [
        ("urn:a", "https://w3id.org/cgkg/ontology#status")
    ]
    assert [(v.focus, v.path, v.value) for v in by_document] == [
        (v.focus, v.path, v.value) for v in validate_graph(tmp_path)
    ]


def test_validate_cli_engines(seed_graph: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(app, ["validate", "--graph", str(seed_graph), "--engine", "sparql"])
    assert good.exit_code == 0 and "conforms" in good.output
    broken = _write_graph(tmp_path, status="")
    bad = runner.invoke(app, ["validate", "--graph", str(broken), "--engine", "sparql"])
    assert bad.exit_code == 1 and "urn:a" in bad.output and "1 violations" in bad.output
    unknown = runner.invoke(app, ["validate", "--graph", str(broken), "--engine", "fast"])
    assert unknown.exit_code == 2 and "pyshacl, sparql" in unknown.output
