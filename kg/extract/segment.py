"""Layout of a normalised text: hard-wrapped lines joined, sentences, headings, furniture.

The extractor works on a *view* of the normalised text in which soft line breaks (a long
line broken in mid-sentence, as PDF conversions do) are removed, so that names broken across
lines match. :class:`View` keeps the map from view offsets back to the normalised text.

>>> view = make_view("答复\\n社区人才队伍建设的关键在于培养一支高素质专业化的社区工作\\n者队伍。\\n二、下步打算")
>>> "社区工作者队伍" in view.text
True
>>> view.to_text(3, 5)
(3, 5)
"""

from __future__ import annotations

import functools
import re
from array import array
from dataclasses import dataclass

from kg.read import index_range
from kg.vocab import Vocabulary, load_vocabulary

__all__ = [
    "View",
    "Sentence",
    "Heading",
    "make_view",
    "split_sentences",
    "find_headings",
    "is_cjk",
    "layout_patterns",
    "title_kinds",
    "SENTENCE_END",
    "CLAUSE_END",
]

SENTENCE_END = "。！？；!?;"
CLAUSE_END = SENTENCE_END + "，,"  # a clause ends at these
_LINE_END_PUNCT = SENTENCE_END + "：:，,、”」）)》"
_MIN_WRAPPED_LINE = 24
_SENTENCE = re.compile(r"[^\s。！？；!?;](?:[^。！？；!?;\n]*[^\s。！？；!?;])?[。！？；!?;]?")
_NEWLINES = re.compile(r"\n[\n \t]*")
_HEADING_MAX = 40
_PLAIN_HEADING_MAX = 24


@dataclass(frozen=True, slots=True)
class LayoutPatterns:
    """The regexes of line layout, built from cue words (see :func:`layout_patterns`)."""

    not_continuation: re.Pattern[str]  # a line that begins something new (文号, date, addressee,
    # a field of a disclosure page: 发布时间:…)
    heading_start: re.Pattern[str]  # a numbered heading line (一、 （二） 3. 第四章 五是)
    title_line: re.Pattern[str]  # a document's title (…关于…的实施意见): never wrapped
    ranked_headings: tuple[tuple[re.Pattern[str], int], ...]  # numbered headings by rank


def _characters(words: tuple[str, ...]) -> str:
    """The characters of ``words`` escaped for a regex character class."""
    return "".join(re.escape(ch) for word in words for ch in word)


def _alternatives(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def title_kinds(vocab: Vocabulary) -> tuple[str, ...]:
    """The names of the kinds of document that a title ends in (意见, 通知, 答复, 规划 …): the
    genre words of every genre that has titles (a work report has none)."""
    return tuple(w for g, w in vocab.cue_pairs("genre-words") if g != "work-report")


def layout_patterns(vocab: Vocabulary) -> LayoutPatterns:
    """Heading and line-start regexes: structure here, numerals and unit words from the cues
    (cue:heading-numerals, cue:ordinal-prefix, cue:chapter-units, cue:section-units,
    cue:enumeration-word, cue:date-units, cue:metadata-labels, cue:title-subject-words,
    cue:genre-words)."""
    numerals = _characters(vocab.cue("heading-numerals"))
    ordinal = _alternatives(vocab.cue("ordinal-prefix"))
    chapter = _characters(vocab.cue("chapter-units"))
    section = _characters(vocab.cue("section-units"))
    enumeration = _alternatives(vocab.cue("enumeration-word"))
    year = dict(vocab.cue_pairs("date-units"))["year"]
    fields = _alternatives(vocab.cue("metadata-labels"))
    subject = _alternatives(vocab.cue("title-subject-words"))
    kinds = _alternatives(title_kinds(vocab))
    return LayoutPatterns(
        not_continuation=re.compile(
            r"^(?:[\u4e00-\u9fff]{1,8}[〔\[(（【［]\s*(?:19|20)\d{2}|(?:19|20)\d{2}\s*["
            + _characters((year,))
            + r".\-/]|[^，。；\n]{1,30}[:：]\s*$|"
            + fields
            + r"[\s:：\d])"
        ),
        heading_start=re.compile(
            rf"^\s*(?:[{numerals}]+、|[（(][{numerals}\d]+[）)]|\d+[.、．]"
            rf"|{ordinal}[{numerals}\d]+[{chapter}{section}]|[{numerals}]+{enumeration})"
        ),
        title_line=re.compile(f".*{subject}.*{kinds}$"),
        ranked_headings=(
            (re.compile(rf"^\s*{ordinal}[{numerals}\d]+[{chapter}]"), 0),
            (re.compile(rf"^\s*[{numerals}]+、"), 2),
            (re.compile(rf"^\s*[（(][{numerals}]+[）)]"), 3),
            (re.compile(r"^\s*\d+[.、．]"), 4),
        ),
    )


@functools.cache
def _default_layout() -> LayoutPatterns:
    """The layout regexes of the default ontology (built once)."""
    return layout_patterns(load_vocabulary())


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass(frozen=True, slots=True)
class View:
    """The text the pipeline reads, with ``index[i]`` = offset of view char ``i`` in the source."""

    text: str
    index: array

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """Map a view span to the span of the normalised text it came from."""
        if start >= end:
            pos = self.index[start] if start < len(self.index) else self._end()
            return pos, pos
        return self.index[start], self.index[end - 1] + 1

    def _end(self) -> int:
        return self.index[-1] + 1 if len(self.index) else 0


def make_view(text: str) -> View:
    """Remove soft line breaks: a newline run after a long line that does not end a sentence
    and is no title (…关于…的通知) or table row, followed by a CJK character or digit."""
    layout = _default_layout()
    heading_start, not_continuation = layout.heading_start, layout.not_continuation
    title_line = layout.title_line
    pieces: list[str] = []
    index = array("l")
    kept = 0  # text[kept:] is not yet copied
    line_start = 0
    first_content = len(text) - len(text.lstrip())  # lines before it are blank
    for m in _NEWLINES.finditer(text):
        i, j = m.start(), m.end()
        line = text[line_start:i].strip()
        soft = (  # the cheap tests first
            first_content < line_start  # the first line is a title
            and len(line) >= _MIN_WRAPPED_LINE
            and line[-1] not in _LINE_END_PUNCT
            and "|" not in line  # a table row (索引号: | … | 主办单位: | … |)
            and j < len(text)
            and (is_cjk(text[j]) or text[j].isdigit())
            and m.group().count("\n") <= 2
            and text[j - 1] == "\n"
            and not heading_start.match(line)
            and not not_continuation.match(_next_line(text, j))
            and not title_line.match(line)
        )
        if soft:
            pieces.append(text[kept:i])
            index.extend(index_range(kept, i, typecode="l"))
            kept = j
        line_start = j
    if not pieces:
        return View(text=text, index=index_range(0, len(text), typecode="l"))
    pieces.append(text[kept:])
    index.extend(index_range(kept, len(text), typecode="l"))
    return View(text="".join(pieces), index=index)


def _next_line(text: str, start: int) -> str:
    """The line that starts at ``start``, or its first 200 characters."""
    end = text.find("\n", start, start + 200)
    return text[start : end if end >= 0 else start + 200]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences end at 。！？； or a newline; whitespace at either end is left out."""
    return [Sentence(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(text)]


@dataclass(frozen=True, slots=True)
class Heading:
    start: int
    end: int
    text: str
    rank: int


def _heading_rank(
    line: str, ranked: tuple[tuple[re.Pattern[str], int], ...] | None = None
) -> int | None:
    for pattern, rank in ranked or _default_layout().ranked_headings:
        if pattern.match(line):
            return rank
    if 4 <= len(line) <= _PLAIN_HEADING_MAX and not any(
        ch in line for ch in _LINE_END_PUNCT + "，,"
    ):
        # a short line without punctuation: an unnumbered title, ranked above 一、 sections,
        # as a work report's parts (2024年工作建议) stand above the sections they hold
        return 1
    return None


def find_headings(text: str) -> list[Heading]:
    """Heading lines: numbered (一、 (一) 1.) or short lines without final punctuation.

    A numbered line counts only up to its first sentence end, so "（一）政策体系更加完善。…"
    is a heading "（一）政策体系更加完善".
    """
    out: list[Heading] = []
    pos = 0
    ranked = _default_layout().ranked_headings
    for line in text.split("\n"):
        stripped = line.strip()
        rank = _heading_rank(stripped, ranked)
        if rank is not None:
            head = re.split(f"[{SENTENCE_END}]", stripped, maxsplit=1)[0]
            if len(head) <= _HEADING_MAX:
                start = pos + line.index(stripped[0])
                out.append(Heading(start, start + len(head), head, rank))
        pos += len(line) + 1
    return out
