"""The shapes run as SPARQL (kg/shapes.py) find what pyshacl finds, on many broken graphs."""

from __future__ import annotations

import collections
import random
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg import validate
from kg.cache import trig_fragment
from kg.shapes import UnsupportedShape, compile_shapes
from kg.store import TRIG_FILE
from kg.validate import (
    shapes_graph,
    union_store,
    validate_data,
    validate_fragment,
    validate_quads,
)
from kg.vocab import ontology_dir

XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"
# pyshacl cannot compare these values (it raises, or compares the text of an ill-typed
# literal); SHACL makes each a violation of sh:lessThanOrEquals, as kg/shapes.py does
COMPARED = {OA + "start", OA + "end"}
GRAPH_NAME = ox.NamedNode("urn:x:document")


def _documents(seed_graph: Path) -> list[list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = collections.defaultdict(list)
    for quad in ox.parse(path=str(seed_graph / TRIG_FILE), format=ox.RdfFormat.TRIG):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs[quad.graph_name.value].append(
                ox.Triple(quad.subject, quad.predicate, quad.object)
            )
    return [graphs[name] for name in sorted(graphs)]


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value


def _mutate(triples: list[ox.Triple], rng: random.Random) -> list[ox.Triple]:
    """``triples`` with one to three random changes that may break the shapes."""
    out = list(triples)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out))
        s, p, o = out[i].subject, out[i].predicate, out[i].object
        compared = p.value in COMPARED
        change = rng.choice(["drop", "repeat", "plain", "iri", "number", "ill-typed", "tagged", "blank"])  # fmt: skip
        if change == "drop":
            del out[i]
        elif change == "repeat":  # a second, different value of the same property
            others = [t.object for t in out if t.predicate == p and t.object != o]
            if others:
                out.append(ox.Triple(s, p, rng.choice(others)))
        elif change == "plain":
            out[i] = ox.Triple(s, p, ox.Literal(_text(o)))
        elif change == "iri":
            out[i] = ox.Triple(s, p, ox.NamedNode("urn:x:thing"))
        elif change == "number":
            number = str(rng.choice([-3, 0, 5, 10**9]))
            out[i] = ox.Triple(s, p, ox.Literal(number, datatype=ox.NamedNode(XSD + "integer")))
        elif change == "ill-typed" and not compared:
            out[i] = ox.Triple(s, p, ox.Literal("abc", datatype=ox.NamedNode(XSD + "integer")))
        elif change == "tagged":
            out[i] = ox.Triple(s, p, ox.Literal(_text(o), language="zh"))
        elif change == "blank" and not compared:
            out[i] = ox.Triple(s, p, ox.BlankNode("b1"))
    return out


def _store(triples: list[ox.Triple]) -> ox.Store:
    return union_store(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


def _rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    # pyshacl reads an rdflib graph here: on a pyoxigraph store it raises on sh:class when a
    # value is a literal
    graph = rdflib.Graph()
    for t in triples:
        graph.add(
            (validate._term(t.subject), validate._term(t.predicate), validate._term(t.object))
        )
    return graph


def _key(violations: list, named: set[str] | None = None) -> list[tuple]:
    def value(v: str | None) -> str | None:
        return v if named is None or v in named else None

    rows = [(v.focus, v.path, v.message, v.severity, value(v.value)) for v in violations]
    # a violation may lack a path or a value: None sorts before any text
    return sorted(rows, key=lambda row: [(x is not None, x or "") for x in row])


@pytest.fixture(scope="module")
def documents(seed_graph: Path) -> list[list[ox.Triple]]:
    return _documents(seed_graph)


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return shapes_graph()


def test_shapes_a_good_document_has_no_violation(documents: list, shapes: rdflib.Graph) -> None:
    checks = compile_shapes(shapes)
    assert len(documents) == 5
    for triples in documents:
        assert checks.run(_store(triples)) == []


@pytest.mark.parametrize("seed", range(8))
def test_shapes_the_same_violations_as_pyshacl_on_broken_documents(
    documents: list, shapes: rdflib.Graph, seed: int
) -> None:
    checks = compile_shapes(shapes)
    rng = random.Random(seed)
    found = 0
    for _ in range(25):
        broken = _mutate(rng.choice(documents), rng)
        reference = validate_data(_rdflib(broken), shapes=shapes)
        expected = _key(reference)
        assert _key(checks.run(_store(broken))) == expected
        # as the build checks it: the document's TriG text, in its named graph
        fragment = trig_fragment(
            ox.Quad(t.subject, t.predicate, t.object, GRAPH_NAME) for t in broken
        )
        # the store gives blank nodes new names: compare them as unnamed values
        named = {t.object.value for t in broken if not isinstance(t.object, ox.BlankNode)}
        assert _key(validate_fragment(fragment), named) == _key(reference, named)
        found += len(expected)
    assert found  # the changes broke something to compare


GRAPH = """
@prefix cgkg: <https://w3id.org/cgkg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def _violations(turtle: str) -> list[tuple[str, str, str | None]]:
    store = ox.Store()
    store.load(GRAPH + turtle, format=ox.RdfFormat.TURTLE)
    return [(v.focus, re.split("[#/]", v.path)[-1], v.value) for v in validate_quads(store)]


@pytest.mark.parametrize(
    ("end", "start"),
    [('"abc"^^xsd:integer', "3"), ("10", "_:b"), ('"10"', "3"), ("2", "3")],
)
def test_shapes_offsets_that_cannot_be_compared_break_the_order(end: str, start: str) -> None:
    store = ox.Store()
    evidence = f'<urn:e> a cgkg:Evidence ; oa:exact "x" ; oa:start {start} ; oa:end {end} .'
    store.load(GRAPH + evidence, format=ox.RdfFormat.TURTLE)
    broken = {v.shape for v in validate_quads(store) if v.path == OA + "start"}
    assert "lessThanOrEquals" in broken


def test_shapes_a_literal_where_a_document_is_required() -> None:
    found = _violations(
        '<urn:a> a cgkg:Adoption ; cgkg:sourceDocument "d" ; cgkg:mechanism <urn:m> .'
    )
    assert ("urn:a", "sourceDocument", "d") in found
    assert ("urn:a", "adopter", None) in found


def test_shapes_instances_of_a_subclass_are_checked() -> None:
    found = _violations("<urn:C> rdfs:subClassOf cgkg:Document . <urn:d> a <urn:C> .")
    assert {("urn:d", "identifier", None), ("urn:d", "sourceFile", None)} <= set(found)


@pytest.mark.parametrize(
    "shape",
    [
        "sh:targetClass cgkg:Document ; sh:property [ sh:path [ sh:inversePath cgkg:sourceDocument ] ; sh:minCount 1 ]",
        "sh:targetClass cgkg:Document ; sh:property [ sh:path cgkg:sourceFile ; sh:equals cgkg:name ]",
        "sh:targetNode <urn:d> ; sh:property [ sh:path cgkg:sourceFile ; sh:minCount 1 ]",
        "sh:targetClass cgkg:Document ; sh:or ( [ sh:class cgkg:Document ] )",
        "sh:targetClass cgkg:Document ; sh:property [ sh:path cgkg:part ; sh:node ex:S ]",
        "sh:targetClass cgkg:Document ; sh:path cgkg:sourceFile ; sh:minCount 1",
        "sh:targetClass cgkg:Document ; sh:closed true",
    ],
)  # fmt: skip
def test_shapes_features_beyond_the_translation_are_refused(shape: str) -> None:
    shapes = rdflib.Graph().parse(
        format="turtle",
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:ex:> . "
        "@prefix cgkg: <https://w3id.org/cgkg/ontology#> . "
        f"ex:S a sh:NodeShape ; {shape} .",
    )
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)


def test_shapes_beyond_the_translation_are_checked_by_pyshacl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a shape with an inverse path: every document must be the source of an adoption
    ontology = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), ontology)
    with open(ontology / "shapes.ttl", "a", encoding="utf-8") as shapes:
        shapes.write(
            "cgkgsh:UsedShape a sh:NodeShape ; sh:targetClass cgkg:Document ; sh:property [ "
            "sh:path [ sh:inversePath cgkg:sourceDocument ] ; sh:minCount 1 ; "
            'sh:message "a document is the source of an adoption" ] .\n'
        )
    monkeypatch.setenv("CGKG_ONTOLOGY", str(ontology))
    validate._default_shapes.cache_clear()
    validate._default_checks.cache_clear()
    try:
        store = ox.Store()
        store.load(
            GRAPH + '<urn:d> a cgkg:Document ; <http://purl.org/dc/terms/identifier> "d" ; '
            'cgkg:sourceFile "d.txt" .',
            format=ox.RdfFormat.TURTLE,
        )
        [violation] = validate_quads(store)
        assert violation.focus == "urn:d" and "source of an adoption" in violation.message
    finally:
        validate._default_shapes.cache_clear()
        validate._default_checks.cache_clear()


def test_shapes_a_property_shape_with_its_own_target_is_refused_not_skipped() -> None:
    shapes = rdflib.Graph().parse(
        format="turtle",
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
        "@prefix cgkg: <https://w3id.org/cgkg/ontology#> . "
        "<urn:ex:P> a sh:PropertyShape ; sh:targetClass cgkg:Document ; "
        "sh:path cgkg:sourceFile ; sh:minCount 1 .",
    )
    with pytest.raises(UnsupportedShape, match="property shape"):
        compile_shapes(shapes)
