"""Helpers that replace a straightforward computation agree with it."""

from __future__ import annotations

import random
from array import array
from dataclasses import asdict

import pytest

from kg import read
from kg.extract import context, extract_text, segment
from kg.extract.places import SpanSet
from kg.extract.segment import make_view
from kg.read import read_bytes
from kg.record import DocumentRecord, Place, Span


@pytest.mark.parametrize("seed", range(20))
def test_speed_span_set_overlaps_equals_any(seed: int) -> None:
    rng = random.Random(seed)
    spans = [(a, a + rng.randint(0, 6)) for a in (rng.randint(0, 40) for _ in range(seed))]
    spans_set = SpanSet(spans)
    for start in range(-2, 50):
        for end in range(start, start + 8):
            expected = any(s < end and start < e for s, e in spans)
            assert spans_set.overlaps(start, end) == expected, (spans, start, end)


TEXTS = [
    "我省自2018年以来推行“五社联动”机制。\n河南省民政厅\n",
    "2023年郑州市政府工作报告\n各位代表：\n我市推进“五社联动”，郑州、洛阳、鹤壁3市试点。",
]


@pytest.mark.parametrize("text", TEXTS)
def test_speed_record_to_dict_equals_asdict(text: str) -> None:
    record = extract_text(read_bytes(text.encode(), path="x.txt"), doc_id="x")
    assert repr(record.to_dict()) == repr(asdict(record))  # same values, tuples stay tuples
    assert DocumentRecord.from_json(record.to_json()) == record


def test_speed_record_to_dict_of_hand_made_parts() -> None:
    record = DocumentRecord(
        id="d",
        path="d.txt",
        sha256="0" * 64,
        jurisdiction=Place("河南省", "province", code="410000"),
        numbers=("豫民〔2023〕1号",),
        warnings=(),
    )
    assert repr(record.to_dict()) == repr(asdict(record))
    assert asdict(Span("五社联动", 1, 5)) == {"text": "五社联动", "start": 1, "end": 5}


LONG = "社区人才队伍建设的关键在于培养一支高素质专业化的社区工作\n者队伍。"


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("标题\n" + LONG, True),
        ("\n\n  标题\n" + LONG, True),
        ("\n\n" + LONG, False),  # the first line with content is a title, never joined
        ("\u3000 \n\t\n" + LONG, False),  # blank lines before it do not count
        ("", False),
    ],
)
def test_speed_view_joins_wrapped_lines_after_the_first(text: str, joined: bool) -> None:
    view = make_view(text)
    assert ("社区工作者队伍" in view.text) == joined
    assert [text[i] for i in view.index] == list(view.text)


@pytest.mark.parametrize("typecode", ["q", "l"])
def test_speed_index_range_equals_array_of_range(monkeypatch, typecode: str) -> None:
    monkeypatch.setattr(read, "_COUNTING", {})
    monkeypatch.setattr(read, "_COUNTING_MAX", 10_000)
    for start, stop in [(0, 0), (0, 5), (3, 4100), (0, 9000), (5, 5), (1, 10_000), (7, 12_345)]:
        made = read.index_range(start, stop, typecode=typecode)
        assert made == array(typecode, range(start, stop))
        assert made.typecode == typecode
    made = read.index_range(0, 10)
    made[0] = 99  # a copy: changing it leaves the cache alone
    assert read.index_range(0, 10)[0] == 0


@pytest.mark.parametrize(
    "tail", ["", "机", "机制", "工作机制建设", "服务机制", "制度化", "品牌", "经验交流", "推进"]
)
def test_speed_mechanism_suffix_is_the_longest_that_starts_the_tail(nlp, tail: str) -> None:
    finder = nlp.get_pipe("cgkg_mechanisms").finder
    expected = next((s for s in finder._suffixes if tail.startswith(s)), None)
    assert finder._suffix_of(tail) == expected


@pytest.mark.parametrize(
    ("line", "rank"),
    [
        ("第一章 总则", 0),
        ("社区治理创新", 1),  # unnumbered: above 一、 (a work report's 2024年工作建议)
        ("  二、主要任务", 2),
        ("（三）完善机制", 3),
        ("(十)加强保障。", 3),
        ("4．推进试点", 4),
        ("我市推进社区治理，成效明显。", None),
    ],
)
def test_speed_heading_ranks(line: str, rank: int | None) -> None:
    assert segment._heading_rank(line) == rank


@pytest.mark.parametrize("block", [1, 3, 256])
@pytest.mark.parametrize(
    ("before", "after"),
    [("", ""), ("社區治理", "社区治理"), ("abc" * 300, "abd" * 300), ("x" * 700, "x" * 699 + "y")],
)
def test_speed_count_changed_equals_counting_char_by_char(before, after, block) -> None:
    expected = sum(map(str.__ne__, before, after))
    assert read._count_changed(before, after, block=block) == expected


@pytest.mark.parametrize("text", ["", "abc", "社區治理 and 𠀀𠀁 㐀", "（一）完善机制。\n2023年"])
def test_speed_traditional_share_counts_cjk_chars(text: str) -> None:
    # _looks_traditional counts CJK chars as the length that removing CJK runs takes away
    assert len(text) - len(read._CJK_RUN.sub("", text)) == len(read._CJK_CHAR.findall(text))


@pytest.mark.parametrize("words", [(), ("将",), ("已", "累计", "a.b"), ("", "试点")])
@pytest.mark.parametrize("text", ["", "我市已累计建成", "将推进", "a.b", "axb"])
def test_speed_any_word_equals_any_substring(words: tuple[str, ...], text: str) -> None:
    assert context._any_word(words)(text) == any(w in text for w in words)
