"""A record's graph written as TriG text says exactly what the record says."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf import document_iri, record_statements, record_to_quads, record_to_trig
from kg.record import DocumentRecord

DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"


@pytest.fixture(scope="module")
def records(seed_graph: Path) -> list[DocumentRecord]:
    lines = (seed_graph / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return [DocumentRecord.from_json(line) for line in lines]


def _objects(
    quads: list[ox.Quad], predicate: str, subject: ox.NamedNode | None = None
) -> list[str]:
    return [
        q.object.value
        for q in quads
        if q.predicate.value == predicate and subject in (None, q.subject)
    ]


def test_rdf_trig_parses_to_the_count_it_reports_in_the_documents_graph(records) -> None:
    for record in records:
        trig, count = record_to_trig(record)
        quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
        assert len(quads) == count == len(set(quads)) > 20
        assert {q.graph_name for q in quads} == {document_iri(record.id)}
        assert record_to_quads(record) == quads


@pytest.mark.parametrize(
    ("doc_id", "title", "path"),
    [
        ("henan.2023.", '他说"五社联动" \\ 见\n附件\r', "dir/a b.txt"),
        ("河南 民政厅", "制表\t与\u2028分隔", 'q"uote\\.txt'),
        ("x", "", "x.txt"),
    ],
)
def test_rdf_trig_keeps_any_text_and_any_id(records, doc_id: str, title: str, path: str) -> None:
    record = dataclasses.replace(records[0], id=doc_id, title=title or None, path=path)
    quads = record_to_quads(record)
    doc = document_iri(doc_id)
    assert {q.graph_name for q in quads} == {doc}
    assert _objects(quads, DCT + "identifier", doc) == [doc_id]
    assert _objects(quads, DCT + "title", doc) == ([title] if title else [])
    assert _objects(quads, "https://w3id.org/cgkg/ontology#sourceFile", doc) == [path]
    spans = [q for q in quads if q.predicate.value == OA + "start"]
    assert spans and all(q.subject.value.startswith(doc.value + "/span/") for q in spans)
    assert all(isinstance(q.object, ox.Literal) and q.object.value.isdigit() for q in spans)


def test_rdf_trig_evidence_text_round_trips(records) -> None:
    for record in records:
        quads = record_to_quads(record)
        exact = set(_objects(quads, OA + "exact"))
        assert {a.evidence.text for a in record.adoptions} <= exact


def test_rdf_trig_an_invalid_iri_is_refused(records) -> None:
    record = records[0]
    agency = dataclasses.replace(record.agencies[0], organ="bad organ>", region_code=None)
    with pytest.raises(ValueError):
        record_statements(dataclasses.replace(record, agencies=(agency,)))
    json.dumps(record.to_json())  # the record itself is untouched
