"""Mechanism rules for the language of work reports, each checked on a small invented text."""

from __future__ import annotations

import pytest

from kg.extract import extract_text
from kg.read import read_bytes
from kg.record import DocumentRecord

REPORT = "政府工作报告\n——2024年1月在沈阳市第十七届人民代表大会上\n沈阳市市长\n"


def extract(body: str, *, nlp) -> DocumentRecord:
    text = read_bytes((REPORT + body + "\n").encode("utf-8"), path="invented.txt")
    return extract_text(text, doc_id="invented", nlp=nlp)


def labels(body: str, *, nlp) -> set[str]:
    return {m.label for m in extract(body, nlp=nlp).mechanisms}


@pytest.mark.parametrize(
    "sentence",
    [
        # ordinary phrases that name work done, not a mechanism a place adopts
        "完成老旧小区改造98个，新增老年助餐点54个。",
        "优化12345热线服务，打造一刻钟便民生活圈。",
        # counted: things built, even when quoted or followed by 项目 / 工程
        "实施60个老旧小区改造项目，新开工老旧小区改造工程49个。",
        "建成22个“一刻钟便民生活圈”，建设“一刻钟便民生活圈”25个。",
    ],
)
def test_extract_ordinary_phrases_and_counted_things_are_not_mechanisms(nlp, sentence: str) -> None:
    assert labels(sentence, nlp=nlp) == set()


def test_extract_ordinary_phrase_counts_when_marked_as_a_name(nlp) -> None:
    found = labels("全面推进“城市社区15分钟生活圈”建设，发挥“12345热线”作用。", nlp=nlp)
    assert found == {"城市社区15分钟生活圈", "12345政务服务便民热线"}
