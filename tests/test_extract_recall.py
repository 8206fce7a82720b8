"""Recall on real city work reports (read in place from shared/corpora, never copied)."""

from __future__ import annotations

from pathlib import Path

from kg.build import extract_documents
from tests import SHARED

ROOT = Path(__file__).resolve().parent.parent
CITY_REPORTS = SHARED / "corpora" / "city-reports"


def test_extract_recall_every_city_report_saying_wushe_liandong_adopts_it() -> None:
    assert CITY_REPORTS.is_dir(), f"city reports not found at {CITY_REPORTS}; set CGKG_SHARED"
    files = [
        p for p in sorted(CITY_REPORTS.glob("*.txt")) if "五社联动" in p.read_text(encoding="utf-8")
    ]
    assert len(files) >= 10
    missing = []
    for record, outcome in extract_documents(files):
        assert record is not None, outcome.message
        adopters = {a.adopter.name for a in record.adoptions if a.mechanism == "五社联动"}
        city = record.jurisdiction.name if record.jurisdiction else None
        if city is None or city not in adopters or not city.startswith(record.id):
            missing.append((record.id, city, sorted(adopters)))
    assert missing == []
