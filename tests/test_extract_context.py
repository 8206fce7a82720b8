"""The context rules answered once per document give what they give asked one at a time."""

from __future__ import annotations

import pytest

from kg.extract.context import Context, Sections
from kg.extract.resolve import _mask
from kg.extract.segment import Heading, find_headings, split_sentences
from kg.vocab import load_vocabulary

OUTLINE = (
    "2023年工作回顾\n"
    "一、基层治理取得新进展\n推行“五社联动”机制。\n"
    "（一）完善体系\n建立网格。\n"
    "（二）2023年主要做法\n开展试点。\n"
    "二、民生保障\n新建养老服务中心。\n"
    "2024年工作安排\n"
    "一、提升基层治理水平\n深化“四社联动”机制。\n"
    "二、全面加强政府自身建设\n从严治党。\n"
    "（一）到2025年发展目标\n力争覆盖。\n"
)


@pytest.fixture(scope="module")
def context() -> Context:
    return Context(load_vocabulary())


def _naive(context: Context, headings: list[Heading], pos: int) -> tuple[str | None, int | None]:
    """The section rules as written first: walk every heading before ``pos``."""
    enclosing: dict[int, Heading] = {}
    earlier: dict[int, list[Heading]] = {}
    for heading in headings:
        if heading.start > pos:
            break
        earlier = {r: hs for r, hs in earlier.items() if r <= heading.rank}
        earlier.setdefault(heading.rank, []).append(heading)
        enclosing = {r: h for r, h in enclosing.items() if r < heading.rank}
        enclosing[heading.rank] = heading
    ranks = sorted(enclosing, reverse=True)
    statuses = [context.heading_status(enclosing[r].text) for r in ranks]
    statuses += [context.heading_status(s.text) for r in ranks for s in reversed(earlier[r][:-1])]
    years = [context.heading_year(enclosing[r].text) for r in ranks]
    return (
        next((s for s in statuses if s), None),
        next((y for y in years if y is not None), None),
    )


@pytest.mark.parametrize("order", ["text", "shuffled"])
def test_extract_sections_answer_as_the_headings_before_each_position(
    context: Context, order: str
) -> None:
    headings = find_headings(OUTLINE)
    if order == "shuffled":  # not what find_headings gives, but the rule is defined for it
        headings = headings[3:] + headings[:3]
    sections = Sections(context, headings)
    answers = set()
    for pos in range(-1, len(OUTLINE) + 1):
        expected = _naive(context, headings, pos)
        assert (sections.status(pos), sections.year(pos)) == expected, pos
        assert context.section_status(headings, pos) == expected[0]
        answers.add(expected)
    if order == "text":  # the outline exercises every kind of answer
        assert {status for status, _ in answers} == {None, "implemented", "planned"}
        assert {year for _, year in answers} >= {None, 2023, 2024}


def test_extract_layout_splits_lines_from_furniture(context: Context) -> None:
    text = "关于社区工作的答复\n  首页 > 政务公开  \n\n我省推行“四社联动”机制。\n京ICP备05070218号"
    lines, furniture = context.layout(text)
    assert lines == context.lines(text)
    assert [line for _, _, line in lines] == ["关于社区工作的答复", "我省推行“四社联动”机制。"]
    assert [text[s:e] for s, e in furniture] == ["  首页 > 政务公开  ", "京ICP备05070218号"]
    assert all(context.is_furniture(text[s:e]) for s, e in furniture)


@pytest.mark.parametrize(
    ("sentence", "at", "status"),
    [
        ("我市开展试点，推行□□□□机制。", 8, None),  # 试点 in another clause
        ("已在全市开展试点，推行□□□□。", 13, "implemented"),
        ("我市开展□□□□试点工作。", 4, "pilot"),
        ("我市开展□□□□试点工作。", None, "pilot"),
        ("下一步将继续推行□□□□，探索试点。", 8, "planned"),
        ("下一步将继续推行□□□□，探索试点。", None, "pilot"),  # no mention: the whole sentence
        ("推行□□□□机制。", 2, None),
        # a bid to be chosen as a pilot is a plan; a bid that succeeded is a pilot
        ("争取进入国家□□□□试点。", 6, "planned"),
        ("争创□□□□建设国家试点城市。", 2, "planned"),
        ("成功争取□□□□国家级试点。", 4, "pilot"),
        ("争取到□□□□试点。", 3, "pilot"),
    ],
)
def test_extract_sentence_status_reads_the_pilot_cue_in_the_clause(
    context: Context, sentence: str, at: int | None, status: str | None
) -> None:
    assert context.sentence_status(sentence, at=at) == status


@pytest.mark.parametrize(
    "spans",
    [[], [(2, 6)], [(2, 6), (4, 9)], [(4, 9), (2, 6)], [(3, 5), (2, 8)], [(0, 30)], [(7, 7)]],
)
def test_extract_mask_blanks_names_in_every_sentence(spans: list[tuple[int, int]]) -> None:
    text = "推行试点行动。开展三年行动计划，成效好。"
    masked = _mask(text, spans)
    for sentence in split_sentences(text):
        expected = "".join(
            "□" if any(s <= i < e for s, e in spans) else text[i]
            for i in range(sentence.start, sentence.end)
        )
        assert masked[sentence.start : sentence.end] == expected


@pytest.mark.parametrize(
    "line",
    [
        "在线视频免费看_国产高清一区二区_精品久久免费播放",  # a spam site's keyword title
        "社区工作动态_民政要闻_某某市民政局",  # a page title: article, column, site
        "您的位置:首页 >要闻 >",
        "[责任编辑:h001]",
        "编辑：王明",
        "本站原创文章，转载请附上原文链接。",
        "荆楚网 > 武汉新闻",  # a breadcrumb
        "中国文明网主站",  # the site's name
        "中共中央宣传部委托新华通讯社主办",  # the site's owner
    ],
)
def test_extract_web_page_furniture_is_not_text(context: Context, line: str) -> None:
    """Lines a web page wraps round an article are furniture, so none of them is taken for
    the title; the article's own first line is."""
    text = f"{line}\n湘潭市社会工作主题宣传活动蓬勃开展\n2022-03-21 来源：湘潭在线\n全市推行“五社联动”。\n"
    assert context.is_furniture(line)
    assert context.title(context.lines(text)) == "湘潭市社会工作主题宣传活动蓬勃开展"


@pytest.mark.parametrize(
    "line",
    [
        "关于加强城乡社区治理的实施意见",
        "来源：攀枝花市民政局 发布时间：2025-11-06",  # it carries the date
        "附件存为社区_治理_方案，请各地查收。",  # underscores in a sentence
    ],
)
def test_extract_lines_of_the_document_are_not_furniture(context: Context, line: str) -> None:
    assert not context.is_furniture(line)
