"""DocumentRecord: the contract between extraction and everything after it."""

from __future__ import annotations

import json

import pytest

from kg.errors import RecordError
from kg.record import SCHEMA_VERSION, DocumentRecord


def test_record_json_round_trip_of_real_records(seed_records: list[dict]) -> None:
    for data in seed_records:
        record = DocumentRecord.from_dict(data)
        assert json.loads(record.to_json()) == data
        assert DocumentRecord.from_json(record.to_json()) == record


def test_record_has_the_fields_the_gold_scores(seed_records: list[dict]) -> None:
    for field in (
        "jurisdiction",
        "issuer",
        "dates",
        "numbers",
        "mechanisms",
        "adoptions",
        "agencies",
        "policies",
        "regions",
    ):
        assert all(field in r for r in seed_records)
    adoption = next(a for r in seed_records for a in r["adoptions"])
    assert set(adoption) >= {"mechanism", "adopter", "status", "since", "evidence"}
    assert set(adoption["evidence"]) == {"text", "start", "end"}


@pytest.mark.parametrize(
    "bad",
    [
        {"schema": SCHEMA_VERSION + 1, "id": "x"},
        {"schema": SCHEMA_VERSION, "id": "x", "bogus": 1, "path": 3},
    ],
)
def test_record_rejects_other_schemas_and_garbage(bad: dict) -> None:
    with pytest.raises(RecordError):
        DocumentRecord.from_dict(bad)
