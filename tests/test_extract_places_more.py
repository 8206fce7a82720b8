"""Region and agency rules for the language of work reports, each on a small invented text."""

from __future__ import annotations

import pytest

from kg.extract import extract_text
from kg.read import read_bytes
from kg.record import DocumentRecord


def extract(body: str, *, nlp, city: str = "沈阳市") -> DocumentRecord:
    head = f"政府工作报告\n——2024年1月在{city}第十七届人民代表大会上\n{city}市长\n"
    text = read_bytes((head + body + "\n").encode("utf-8"), path="invented.txt")
    return extract_text(text, doc_id="invented", nlp=nlp)


def regions(body: str, *, nlp, city: str = "沈阳市") -> set[str]:
    return {r.name for r in extract(body, nlp=nlp, city=city).regions}


def test_extract_shared_district_name_is_the_one_in_the_documents_city(nlp) -> None:
    # 铁西区 is a district of 沈阳 and of 鞍山, both in 辽宁省: in a 沈阳 report it is 沈阳's
    record = extract("我市铁西区、大东区上榜全国工业百强区。", nlp=nlp)
    tiexi = [r for r in record.regions if r.name == "铁西区"]
    assert [(r.city, r.province) for r in tiexi] == [("沈阳市", "辽宁省")]
