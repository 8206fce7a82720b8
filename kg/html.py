"""Strip an HTML page to its text, with an offset map back into the page.

``strip_html`` returns ``(text, starts, ends)``: ``text[i]`` comes from ``source[starts[i]:
ends[i]]``. Tags are removed, scripts, styles and the head dropped, entities decoded; block
tags become newlines and table cells spaces. :func:`rewrite`, the edit that keeps such a map
in step with its text, is shared with the other steps of :mod:`kg.read`.

>>> text, starts, ends = strip_html("<p>社区</p><p>治理&amp;服务</p>")
>>> text
'社区\\n治理&服务'
>>> starts[5], ends[5]  # `&` comes from `&amp;`
(14, 19)
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from html import unescape
from html.parser import HTMLParser

__all__ = ["looks_like_html", "rewrite", "strip_html"]

# --- HTML ----------------------------------------------------------------------------------
_HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_TAG = re.compile(  # common tags, to tell HTML without a doctype from plain text
    r"</?(?:p|div|span|br|a|table|tr|td|li|ul|h[1-6]|script|style|meta|img|b|strong|font)\b[^<>]*>",
    re.IGNORECASE,
)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title"})
_BLOCK = frozenset(
    "address article aside blockquote body br caption center dd div dl dt fieldset figcaption"
    " figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table"
    " tbody tfoot thead tr ul".split()
)
_CELL = frozenset({"td", "th"})
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[a-zA-Z][a-zA-Z0-9]*;?)")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def looks_like_html(text: str) -> bool:
    """True for a doctype, ``<html>`` or ``<body>`` tag, or at least one tag per 200 chars."""
    if _HTML_START.search(text[:4096]):
        return True
    tags = len(_HTML_TAG.findall(text))
    return tags >= 2 and tags * 200 >= len(text)


class _HtmlEvents(HTMLParser):
    """Collects ``(offset, kind, tag or data)`` of tags and text; offsets index the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.events: list[tuple[int, str, str]] = []

    def _record(self, kind: str, value: str) -> None:
        line, column = self.getpos()
        self.events.append((self.line_starts[line - 1] + column, kind, value))

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._record("start", tag)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        self._record("empty", tag)

    def handle_endtag(self, tag: str) -> None:
        self._record("end", tag)

    def handle_data(self, data: str) -> None:
        self._record("data", data)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # The stdlib version raises AssertionError on `<![foo ...]>`; skip any such section.
        end = self.rawdata.find("]>", i + 3)
        return end if end < 0 else end + 2


def strip_html(source: str) -> tuple[str, array, array]:
    """Text of an HTML page: tags removed, skipped elements dropped, entities decoded.

    Block tags become newlines, table cells spaces; whitespace runs collapse to one newline
    (if they hold one) or one space, and are dropped at both ends of the page.
    """
    # The parser's own handling of `&` depends on where its buffer ends, so it sees `&`
    # replaced (same length: offsets hold) and entities are decoded afterwards.
    parser = _HtmlEvents(source)
    parser.feed(source.replace("&", "\ue000"))
    parser.close()
    parts: list[str] = []
    starts, ends = array("q"), array("q")
    depth = 0  # open elements whose content is dropped
    for index, (offset, kind, value) in enumerate(parser.events):
        if kind == "data" and depth == 0:
            parts.append(source[offset : offset + len(value)])
            starts.extend(range(offset, offset + len(value)))
            ends.extend(range(offset + 1, offset + len(value) + 1))
        elif kind != "data" and value == "body":
            depth = 0  # <body> ends a <head> that was never closed
        elif kind == "start" and value in _SKIPPED:
            depth += 1
        elif kind == "end" and value in _SKIPPED:
            depth = max(0, depth - 1)
        elif kind != "data" and depth == 0 and (value in _BLOCK or value in _CELL):
            following = parser.events[index + 1 : index + 2]
            parts.append("\n" if value in _BLOCK else " ")
            starts.append(offset)
            ends.append(following[0][0] if following else len(source))
    text = "".join(parts)
    edits = [(m.start(), m.end(), unescape(m.group())) for m in _ENTITY.finditer(text)]
    text, starts, ends = rewrite(text, starts, ends, edits)
    edits = []
    for run in _HTML_SPACE.finditer(text):
        inside = 0 < run.start() and run.end() < len(text)  # runs at both ends are dropped
        new = ("\n" if "\n" in run.group() else " ") if inside else ""
        edits.append((run.start(), run.end(), new))
    return rewrite(text, starts, ends, edits)


# --- the offset map ------------------------------------------------------------------------
def rewrite(
    text: str, starts: array, ends: array, edits: Iterable[tuple[int, int, str]]
) -> tuple[str, array, array]:
    """Replace ``text[i:j]`` by ``new`` for each sorted, disjoint edit ``(i, j, new)``.

    Each new character maps to the whole source range of ``text[i:j]``; ``new == ""`` deletes.

    >>> rewrite("a&amp;b", array("q", range(7)), array("q", range(1, 8)), [(1, 6, "&")])
    ('a&b', array('q', [0, 1, 6]), array('q', [1, 6, 7]))
    """
    parts: list[str] = []
    new_starts, new_ends = array("q"), array("q")
    position = 0
    for i, j, new in edits:
        parts.append(text[position:i])
        new_starts += starts[position:i]
        new_ends += ends[position:i]
        if new:
            parts.append(new)
            new_starts += array("q", [starts[i]]) * len(new)
            new_ends += array("q", [ends[j - 1]]) * len(new)
        position = j
    if position == 0:
        return text, starts, ends
    parts.append(text[position:])
    new_starts += starts[position:]
    new_ends += ends[position:]
    return "".join(parts), new_starts, new_ends
