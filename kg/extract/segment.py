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

import re
from array import array
from dataclasses import dataclass

from kg.read import index_range

__all__ = [
    "View",
    "Sentence",
    "Heading",
    "make_view",
    "split_sentences",
    "find_headings",
    "is_cjk",
    "SENTENCE_END",
]

SENTENCE_END = "。！？；!?;"
_LINE_END_PUNCT = SENTENCE_END + "：:，,、”」）)》"
_MIN_WRAPPED_LINE = 24
_SENTENCE = re.compile(r"[^\s。！？；!?;](?:[^。！？；!?;\n]*[^\s。！？；!?;])?[。！？；!?;]?")
_NEWLINES = re.compile(r"\n[\n \t]*")
# A line that starts like this begins something new (a 文号, a date, an addressee line).
_NOT_CONTINUATION = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,8}[〔\[(（【［]\s*(?:19|20)\d{2}|(?:19|20)\d{2}\s*[年.\-/]|[^，。；\n]{1,30}[:：]\s*$)"
)
_HEADING_MAX = 40
_PLAIN_HEADING_MAX = 24
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十\d]+[章节部分条]|[一二三四五六七八九十]+是)"
)


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
    """Remove soft line breaks: a newline run after a long line that does not end a sentence,
    followed by a CJK character or digit."""
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
            and j < len(text)
            and (is_cjk(text[j]) or text[j].isdigit())
            and m.group().count("\n") <= 2
            and text[j - 1] == "\n"
            and not _HEADING_START.match(line)
            and not _NOT_CONTINUATION.match(_next_line(text, j))
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


_RANKED_HEADINGS = [
    (re.compile(r"^\s*第[一二三四五六七八九十\d]+[章部分]"), 0),
    (re.compile(r"^\s*[一二三四五六七八九十]+、"), 1),
    (re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]"), 2),
    (re.compile(r"^\s*\d+[.、．]"), 3),
]


def _heading_rank(line: str) -> int | None:
    for pattern, rank in _RANKED_HEADINGS:
        if pattern.match(line):
            return rank
    if 4 <= len(line) <= _PLAIN_HEADING_MAX and not any(
        ch in line for ch in _LINE_END_PUNCT + "，,"
    ):
        return 1  # a short line without punctuation: an unnumbered section title
    return None


def find_headings(text: str) -> list[Heading]:
    """Heading lines: numbered (一、 (一) 1.) or short lines without final punctuation.

    A numbered line counts only up to its first sentence end, so "（一）政策体系更加完善。…"
    is a heading "（一）政策体系更加完善".
    """
    out: list[Heading] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        rank = _heading_rank(stripped)
        if rank is not None:
            head = re.split(f"[{SENTENCE_END}]", stripped, maxsplit=1)[0]
            if len(head) <= _HEADING_MAX:
                start = pos + line.index(stripped[0])
                out.append(Heading(start, start + len(head), head, rank))
        pos += len(line) + 1
    return out
