"""Every fact's evidence maps back to exact offsets in the original file."""

from __future__ import annotations

from pathlib import Path

from kg.read import decode_bytes, normalise_text

from .conftest import CORPUS


def _spans(record: dict):
    for adoption in record["adoptions"]:
        yield adoption["evidence"]
    for group in ("mechanisms", "agencies", "policies"):
        for item in record[group]:
            yield from item["mentions"]


def test_provenance_every_evidence_span_normalises_to_its_text(seed_records: list[dict]) -> None:
    checked = 0
    for record in seed_records:
        original, _, _ = decode_bytes((CORPUS / record["path"]).read_bytes(), path=record["path"])
        for span in _spans(record):
            assert normalise_text(original[span["start"] : span["end"]]) == span["text"], (
                record["id"],
                span,
            )
            checked += 1
    assert checked > 200


def test_provenance_records_point_at_corpus_files(seed_records: list[dict]) -> None:
    names = {r["path"] for r in seed_records}
    assert names == {p.name for p in Path(CORPUS).glob("*.txt")}
