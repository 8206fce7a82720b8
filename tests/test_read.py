"""Tests of kg.read: decoding, HTML, pinyin artefacts, OpenCC, punctuation and the offset map."""

from __future__ import annotations

import codecs
import doctest
import gzip
import os
import re
import shutil
import tempfile
import zipfile
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.read
from kg.errors import ReadError
from kg.read import Text, decode_bytes, normalise, normalise_text, read_bytes, read_file

SEEDS = sorted(Path("/work/shared/seeds").glob("*.txt"))
SAMPLE = "关于加强社区治理的通知\n第一条: 五社联动、三社联动 2023年\n"
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def maps_back(doc: Text, start: int, end: int) -> bool:
    """The central property: the original span normalises to the text span."""
    first, last = doc.to_original(start, end)
    again = normalise_text(
        doc.original[first:last],
        html=doc.format == "html",
        traditional=doc.script != "simplified",
    )
    return again == doc.text[start:end]


def unit_boundaries(doc: Text) -> list[int]:
    """Offsets of ``text`` that do not cut a unit (an OpenCC phrase or an HTML entity)."""
    n = len(doc.text)
    return [i for i in range(n + 1) if i in (0, n) or doc.starts[i] != doc.starts[i - 1]]


def check_invariants(doc: Text) -> None:
    n = len(doc.text)
    assert len(doc.starts) == len(doc.ends) == n
    for i in range(n):
        assert 0 <= doc.starts[i] < doc.ends[i] <= len(doc.original)
        if i:
            assert doc.starts[i - 1] <= doc.starts[i] and doc.ends[i - 1] <= doc.ends[i]


# --- decoding ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("gb2312"), "gb18030"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + SAMPLE.encode("utf-32-be"), "utf-32-be"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "gb18030",
        "gbk",
        "gb2312",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "utf32le-bom",
        "utf32be-bom",
    ],
)
def test_read_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    doc = read_file(write(tmp_path, data))
    assert (doc.original, doc.text, doc.encoding, doc.warnings) == (SAMPLE, SAMPLE, encoding, ())


def test_read_gbk_traditional_text_is_accepted(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "社區(qū)治理與部門報到\n".encode("gbk")))
    assert (doc.encoding, doc.text, doc.warnings) == ("gb18030", "社区治理与部门报到\n", ())


def test_read_big5_falls_back_to_charset_normalizer_with_w102(tmp_path: Path) -> None:
    text = "湖北省民政廳關於社區治理的答覆。街道吹哨、部門報到,五社聯動。\n" * 3
    doc = read_file(write(tmp_path, text.encode("big5")))
    assert doc.original == text and doc.script == "traditional"
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("W102 ")
    assert "社区治理的答复" in doc.text


@pytest.mark.parametrize(("codec", "dropped"), [("utf-8", 2), ("gb18030", 1)])
def test_read_truncated_tail_is_dropped_with_w101(tmp_path: Path, codec: str, dropped: int) -> None:
    data = SAMPLE.encode(codec) + "中".encode(codec)[:-1]
    doc = read_file(write(tmp_path, data))
    assert doc.text == SAMPLE
    assert doc.warnings == (
        f"W101 {tmp_path / 'doc.txt'}: the last {dropped} bytes are a truncated character"
        " and were dropped",
    )


MIXED = {
    "utf8-then-gbk": SAMPLE.encode("utf-8") + SAMPLE.encode("gbk"),
    "gbk-then-utf8": SAMPLE.encode("gbk") + SAMPLE.encode("utf-8"),
    "utf8-phrase-in-gbk": (SAMPLE * 20).encode("gbk") + "五社联动".encode() + b"\n",
    "utf8-then-big5": SAMPLE.encode("utf-8") + "社區治理".encode("big5"),
}


@pytest.mark.parametrize("data", MIXED.values(), ids=MIXED.keys())
def test_read_mixed_encoding_is_e103(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReadError) as caught:
        read_file(write(tmp_path, data))
    assert caught.value.code == "E103"
    assert "save it as UTF-8 or GB18030" in str(caught.value)


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8], ids=["empty", "bom-only"])
def test_read_empty_file_is_e101(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReadError) as caught:
        read_file(write(tmp_path, data))
    assert caught.value.code == "E101"


def zip_bytes(tmp_path: Path, member: str) -> bytes:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, "<w:document/>")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda tmp: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
        (lambda tmp: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), "PNG image"),
        (lambda tmp: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40), "JPEG image"),
        (lambda tmp: b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "GIF image"),
        (lambda tmp: zip_bytes(tmp, "word/document.xml"), "Word .docx document, a ZIP archive"),
        (lambda tmp: zip_bytes(tmp, "xl/workbook.xml"), "Excel .xlsx workbook, a ZIP archive"),
        (lambda tmp: zip_bytes(tmp, "notes.txt"), "ZIP archive"),
        (lambda tmp: gzip.compress(SAMPLE.encode()), "gzip archive"),
        (lambda tmp: b"\x00\x01\x02\x03" * 64, "data with NUL bytes, not UTF-16 text"),
        (lambda tmp: SAMPLE.encode() + b"\x00" * 7, "data with NUL bytes, not UTF-16 text"),
    ],
    ids=["pdf", "png", "jpeg", "gif", "docx", "xlsx", "zip", "gzip", "nul", "nul-tail"],
)
def test_read_binary_is_e102_naming_the_kind(tmp_path: Path, make, kind: str) -> None:
    path = write(tmp_path, make(tmp_path), "doc.bin")
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert caught.value.code == "E102"
    assert str(caught.value) == (
        f"E102 {path}: this is a binary file ({kind}), not text; convert it to .txt or .html first"
    )


@pytest.mark.parametrize(("limit", "ok"), [(999, False), (1000, True)])
def test_read_size_limit_is_e104(tmp_path: Path, limit: int, ok: bool) -> None:
    path = write(tmp_path, b"a" * 1000)
    if ok:
        assert len(read_file(path, max_bytes=limit).text) == 1000
        return
    with pytest.raises(ReadError) as caught:
        read_file(path, max_bytes=limit)
    assert str(caught.value) == (
        f"E104 {path}: the file is 1000 bytes, over the limit of 999; raise --max-bytes"
    )


@pytest.mark.parametrize(
    ("measured", "limit", "expected"),
    [(1000, 2000, 1000), (10, 2000, 1000), (10, 500, 501), (0, 2000, 1000)],
)
def test_read_bounded_reads_a_file_that_grew_after_it_was_measured(
    tmp_path: Path, measured: int, limit: int, expected: int
) -> None:
    """The read asks for the size measured; bytes beyond it (the file grew) are read on,
    up to one past the limit, so the caller sees the growth and the limit is kept."""
    path = write(tmp_path, b"a" * 1000)
    assert kg.read.read_bounded(str(path), measured, limit) == b"a" * expected


def make_directory(tmp_path: Path) -> Path:
    (tmp_path / "folder").mkdir()
    return tmp_path / "folder"


def make_broken_link(tmp_path: Path) -> Path:
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    return tmp_path / "link.txt"


def make_fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe.txt")
    return tmp_path / "pipe.txt"


@pytest.mark.parametrize(
    ("make", "code", "reason"),
    [
        (make_directory, "E105", "it is a directory; read the files inside it"),
        (make_broken_link, "E105", "broken symbolic link to '{tmp}/gone.txt'; fix or remove"),
        (make_fifo, "E105", "it is a named pipe (FIFO); save the text to a file"),
        (lambda tmp: tmp / "missing.txt", "E100", "no such file; check the path"),
        (lambda tmp: write(tmp, b"x") / "child.txt", "E100", "Not a directory; check the path"),
    ],
    ids=["directory", "broken-symlink", "fifo", "missing", "file-as-folder"],
)
def test_read_path_that_is_not_a_readable_file(tmp_path: Path, make, code: str, reason: str):
    path = make(tmp_path)
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert caught.value.code == code
    assert str(caught.value).startswith(f"{code} {path}: ")
    assert reason.format(tmp=tmp_path) in str(caught.value)


def read_error_as_nobody(path: Path) -> str:
    """Run read_file in a child process that dropped root's rights; return the error text."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                read_file(path)
                message = "no error"
            except ReadError as error:
                message = str(error)
            os.write(writer, message.encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    return message


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_read_permission_denied_is_e100(tmp_path: Path, locked: str) -> None:
    # Root ignores file modes, so as root the read runs in a child process as `nobody`, in a
    # folder that `nobody` may enter (pytest's tmp_path is private to root).
    base = Path(tempfile.mkdtemp()) if os.geteuid() == 0 else tmp_path
    base.chmod(0o755)
    (base / "folder").mkdir(mode=0o755)
    path = write(base / "folder", SAMPLE.encode())
    (path if locked == "file" else base / "folder").chmod(0)
    try:
        message = read_error_as_nobody(path) if os.geteuid() == 0 else _error_text(path)
    finally:
        (base / "folder").chmod(0o755)
        path.chmod(0o644)
        if base != tmp_path:
            shutil.rmtree(base)
    assert message == (
        f"E100 {path}: cannot open the file (permission denied; make the file and its folders"
        " readable, e.g. chmod a+r)"
    )


def _error_text(path: Path) -> str:
    with pytest.raises(ReadError) as caught:
        read_file(path)
    return str(caught.value)


# --- HTML ---------------------------------------------------------------------------------
PAGE = """<!DOCTYPE html>
<html><head><title>标题不要</title><style>p { color: red }</style>
<script>var s = "<p>不要</p>";</script></head>
<body><noscript>不要</noscript><div class="main"><h1>关于社区治理的通知</h1>
<p>五社联动&nbsp;试点&amp;推广&#x4E2D;&#20013;</p><ul><li>一</li><li>二</li></ul>
<table><tr><td>索引号:</td><td>1137</td></tr></table><!-- 注释 -->
<template><p>不要</p></template></div></body></html>
"""


def test_read_html_drops_tags_script_style_and_decodes_entities(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, PAGE.encode(), "page.html"))
    assert doc.format == "html"
    assert doc.text == "关于社区治理的通知\n五社联动 试点&推广中中\n一\n二\n索引号: 1137"
    amp = doc.text.index("&")
    assert doc.original[slice(*doc.to_original(amp, amp + 1))] == "&amp;"
    first, last = doc.to_original(doc.text.index("五"), doc.text.index("中") + 2)
    assert doc.original[first:last] == "五社联动&nbsp;试点&amp;推广&#x4E2D;&#20013;"


def test_read_html_with_2000_nested_divs(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 2000 + "社區(qū)治理" + "</div>" * 2000 + "</body></html>"
    doc = read_file(write(tmp_path, page.encode(), "deep.htm"))
    assert doc.text == "社区治理"
    start = page.index("社")
    assert doc.to_original(0, 4) == (start, start + 8)


@pytest.mark.parametrize(
    ("content", "name", "form"),
    [
        ("<!doctype html><p>社区</p>", "a.txt", "html"),
        ("<html lang='zh'>社区", "a.txt", "html"),
        ("<p>社区治理</p><p>五社联动</p>", "a.txt", "html"),
        ("社区治理", "a.html", "html"),
        ("规定 a<b 且 b>c,<p> 仅出现一次" + "。" * 500, "a.txt", "text"),
        (SAMPLE, "a.txt", "text"),
    ],
)
def test_read_html_detection(tmp_path: Path, content: str, name: str, form: str) -> None:
    assert read_file(write(tmp_path, content.encode(), name)).format == form


# --- pinyin, OpenCC, punctuation ----------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("社區(qū)治理", "社区治理"),
        ("聯(lián)動", "联动"),
        ("養(yǎng)老", "养老"),
        ("社區（qū）", "社区"),
        ("縣(市、區(qū))", "县(市、区)"),
        ("城鄉(xiāng)社區(qū)", "城乡社区"),
        ("創(chuàng)新", "创新"),
    ],
)
def test_read_pinyin_artefacts_removed(tmp_path: Path, source: str, expected: str) -> None:
    doc = read_file(write(tmp_path, source.encode()))
    assert (doc.text, doc.script) == (expected, "traditional+pinyin")


@pytest.mark.parametrize(
    "source",
    [
        "(街道)",
        "乡镇(街道)",
        "办法(试行)",
        "村(居)委会",
        "规划(2019—2035)",
        "条款(a)",
        "机制(ABC)",
        "社区(Qū)",
        "社区(qu)",
        "2019(qū)",
        "社区(qūqū)",
        "社区 (qū)",
        "社区(zhuàngg)",
        "社区(xyā)",
        "(qū)社区",  # nothing before it
        "a(qū)",  # not after a CJK character
    ],
)
def test_read_real_parentheses_kept(tmp_path: Path, source: str) -> None:
    doc = read_file(write(tmp_path, source.encode()))
    assert (doc.text, doc.script) == (source, "simplified")


@pytest.mark.parametrize(
    ("source", "expected", "script"),
    [
        ("社區(qū)治理", "社区治理", "traditional+pinyin"),
        ("街道吹哨、部門報到", "街道吹哨、部门报到", "traditional"),
        ("關於制定工作計畫的答覆", "关于制定工作计划的答复", "traditional"),
        ("「三社聯動」", "“三社联动”", "traditional"),
    ],
)
def test_read_traditional_converted(tmp_path: Path, source: str, expected: str, script: str):
    doc = read_file(write(tmp_path, source.encode("gb18030")))
    assert (doc.text, doc.script) == (expected, script)


def test_read_opencc_phrase_is_one_unit_of_the_map() -> None:
    doc = read_bytes("工作計畫".encode())
    assert doc.text == "工作计划"
    assert doc.to_original(3, 4) == doc.to_original(2, 4) == (2, 4)
    assert doc.to_original(1, 2) == (1, 2)
    assert unit_boundaries(doc) == [0, 1, 2, 4]


@pytest.mark.parametrize("seed", [p for p in SEEDS if not p.name.startswith("004")], ids=str)
def test_read_simplified_seed_unchanged(seed: Path) -> None:
    doc = read_file(seed)
    assert doc.script == "simplified" and doc.encoding == "utf-8"
    assert doc.text == doc.original.replace("\xa0", " ")
    if "\xa0" not in doc.original:
        assert doc.text.encode("utf-8") == seed.read_bytes()


def test_read_simplified_text_with_a_stray_traditional_char_is_not_converted(tmp_path: Path):
    text = "社区治理" * 20 + "與"
    doc = read_file(write(tmp_path, text.encode()))
    assert (doc.text, doc.script) == (text, "simplified")


def test_read_traditional_seed_is_converted() -> None:
    doc = read_file(next(p for p in SEEDS if p.name.startswith("004")))
    assert doc.script == "traditional+pinyin"
    assert "城乡社区治理" in doc.text and "街道吹哨、部门报到" in doc.text
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔù]+[)）]", doc.text)
    assert "(试行)" in doc.text and "(2019—2035)" in doc.text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ＡＢＣ１２３ｘｙｚ", "ABC123xyz"),
        ("办法（试行）", "办法(试行)"),
        ("［1］＋２－３／４ ５０％ ２０２１．１２", "[1]+2-3/4 50% 2021.12"),
        ("「社区」『治理』", "“社区”‘治理’"),
        ("社区\u3000治理\xa0！\u2002。", "社区 治理 ! 。".replace("!", "！")),
        ("甲\r\n乙\r丙\n", "甲\n乙\n丙\n"),
        ("，。；：！？、“”《》〈〉〔〕【】", "，。；：！？、“”《》〈〉〔〕【】"),
        ("社\u200b区\ufeff", "社区"),
    ],
)
def test_read_punctuation_unified(source: str, expected: str) -> None:
    assert normalise_text(source) == expected


def test_read_crlf_maps_to_the_line_feed() -> None:
    doc = read_bytes(b"ab\r\ncd")
    assert doc.text == "ab\ncd"
    assert [doc.to_original(i, i + 1) for i in range(5)] == [(0, 1), (1, 2), (3, 4), (4, 5), (5, 6)]


# --- the offset map -----------------------------------------------------------------------
@pytest.mark.parametrize("span", [(2, 1), (-1, 0), (0, 99)])
def test_read_to_original_rejects_spans_outside_the_text(span: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="outside a text of 4 chars"):
        read_bytes("社区治理".encode()).to_original(*span)


def test_read_to_original_empty_spans() -> None:
    doc = read_bytes("社區(qū)治理".encode())
    assert [doc.to_original(i, i) for i in range(5)] == [(0, 0), (1, 1), (6, 6), (7, 7), (8, 8)]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_read_seed_sentences_map_back(seed: Path) -> None:
    doc = read_file(seed)
    check_invariants(doc)
    assert unit_boundaries(doc) == list(range(len(doc.text) + 1))
    sentences = [m.span() for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", doc.text)]
    assert len(sentences) > 20
    bad = [doc.text[s:e] for s, e in sentences if not maps_back(doc, s, e)]
    assert bad == []
    for s, e in sentences[:40]:  # and every sub-span of the first sentences, 2..12 chars long
        assert all(maps_back(doc, i, j) for i in range(s, e) for j in range(i + 2, min(e, i + 12)))


def test_read_normalise_returns_the_parts_of_a_text() -> None:
    parts = normalise("<p>社區(qū)</p>", html=True)
    assert (parts.text, parts.format, parts.script) == ("社区", "html", "traditional+pinyin")
    assert (list(parts.starts), list(parts.ends)) == ([3, 4], [4, 5])


def test_read_docstring_examples_run() -> None:
    assert doctest.testmod(kg.read).failed == 0


# --- property tests -----------------------------------------------------------------------
SIMPLIFIED = [
    "社区治理",
    "五社联动",
    "街道吹哨、部门报到",
    "2023年",
    "关于",
    "(街道)",
    "(试行)",
    "(居)委会",
    "(2019—2035)",
    "(a)",
    "(ABC)",
    "“一有七中心”",
    "。",
    ",",
    "\n",
    " ",
]
TRADITIONAL = [
    "社區",
    "聯動",
    "養老",
    "部門報到",
    "計畫",
    "答覆",
    "乾隆",
    "瞭解",
    "著力",
    "發展",
    "「社區」",
    "縣(市、區",
]
PINYIN = ["(qū)", "(lián)", "（yǎng）", "(xiāng)", "(qu)", "(Qū)"]
PUNCTUATION = ["\r\n", "\r", "\u3000", "\xa0", "ＡＢ１２", "（", "）", "＋", "\u200b", "「"]
TAGS = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<br>",
    "<br/>",
    "<b>",
    "</b>",
    "<td>",
    "</tr>",
    "&amp;",
    "&#x4E2D;",
    "&#20013;",
    "&nbsp;",
    "&lt;",
    "&ampx",
    "<!-- 注释 -->",
    "\n  ",
    "<script>var a = '<p>社區</p>';</script>",
    "<style>p { margin: 0 }</style>",
    "<head><title>題</title></head>",
    "<a href='x?a=1&b=2'>",
    "</a>",
    "<![if !IE]>",
    "<![CDATA[x]]>",
]
PLAIN_PIECES = st.sampled_from(SIMPLIFIED + TRADITIONAL + PINYIN + PUNCTUATION) | st.text(
    max_size=3
)
HTML_PIECES = st.sampled_from(SIMPLIFIED + TRADITIONAL + PINYIN + PUNCTUATION + TAGS)


def check_spans(doc: Text, data: st.DataObject, *, text_ends: bool) -> None:
    check_invariants(doc)
    cuts = unit_boundaries(doc)

    def fits(start: int, end: int) -> bool:
        inner = doc.text[start:end]
        return not text_ends or (not inner[:1].isspace() and not inner[-1:].isspace())

    if len(cuts) <= 32:  # every span of a short text
        spans = [(a, b) for i, a in enumerate(cuts) for b in cuts[i + 1 :] if fits(a, b)]
    else:  # every unit, every pair of units, and random spans
        spans = [(a, b) for a, b in pairwise(cuts) if fits(a, b)]
        spans += [(a, c) for a, c in zip(cuts, cuts[2:], strict=False) if fits(a, c)]
        for _ in range(40):
            start, end = sorted(data.draw(st.sampled_from(cuts)) for _ in range(2))
            if start < end and fits(start, end):
                spans.append((start, end))
    bad = [(s, e, doc.text[s:e]) for s, e in spans if not maps_back(doc, s, e)]
    assert bad == []


@FAST
@given(pieces=st.lists(PLAIN_PIECES, max_size=25), data=st.data())
def test_read_property_plain_text_spans_map_back(pieces: list[str], data: st.DataObject) -> None:
    parts = normalise("".join(pieces), html=False)  # any string, even one no file decodes to
    doc = Text(None, "".join(pieces), *parts[:3], "utf-8", parts.format, parts.script)
    check_spans(doc, data, text_ends=False)
    if doc.script == "simplified":  # units only come from OpenCC phrases
        assert unit_boundaries(doc) == list(range(len(doc.text) + 1))


@FAST
@given(pieces=st.lists(HTML_PIECES, min_size=1, max_size=30), data=st.data())
def test_read_property_html_spans_map_back(pieces: list[str], data: st.DataObject) -> None:
    doc = read_bytes(("<html><body>" + "".join(pieces)).encode("utf-8"), html=True)
    check_spans(doc, data, text_ends=True)


PREFIXES = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"<html>", "社区".encode("gbk"), b"PK"]


@FAST
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=400))
def test_read_property_random_bytes_only_raise_read_error(prefix: bytes, body: bytes) -> None:
    try:
        doc = read_bytes(prefix + body)
    except ReadError as error:
        assert error.code in {"E101", "E102", "E103"}
        return
    check_invariants(doc)
    assert doc.encoding and doc.format in ("text", "html")


def test_read_decode_bytes_without_a_path_names_bytes() -> None:
    with pytest.raises(ReadError, match="^E101 <bytes>: the file is empty"):
        decode_bytes(b"")
