"""Page rules: what a text's lines are, which of them is the title, what genre the text is
and which dates it gives.

A document often arrives as a web page, so the lines round it that belong to the page (page
furniture: breadcrumbs, banners, footers, a disclosure page's fields) are told from its own,
and its title from the page's. All offsets are offsets of the extraction view (see
:mod:`kg.extract.segment`); the cue words come from ``ontology/cues.ttl``.
"""

from __future__ import annotations

import re

from kg.extract.policies import DateMention
from kg.extract.segment import CLAUSE_END, layout_patterns, title_kinds
from kg.vocab import Vocabulary

__all__ = ["PageReader"]

_SENTENCE_MARKS = frozenset(CLAUSE_END + "：:")  # no title holds one of these
_TITLE_LINES_MAX = 3  # a long title is set on three lines at most
_TITLE_COMMAS_MAX = 3  # commas in a line that makes it a list of keywords, never a title


class PageReader:
    """Applies the page rules with one vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self._furniture = [re.compile(p) for p in vocab.cue("furniture")]
        self._genre = list(vocab.cue_pairs("genre-words"))
        self._news_opening = re.compile("|".join(vocab.cue("news-openings")))
        self._metadata_labels = tuple(vocab.cue("metadata-labels"))
        self._date_labels = vocab.cue_pairs("date-labels")
        self._layout = layout_patterns(vocab)  # numbered headings, whole titles
        self._title_subject = vocab.cue("title-subject-words")
        self._title_label = re.compile(
            "(?:" + "|".join(map(re.escape, vocab.cue("title-labels"))) + r")\s*[:：]\s*"
        )
        #: a title ends in the name of its kind of document (意见, 通知, 答复, 规划 …)
        self._title_endings = title_kinds(vocab)
        date_words = "".join(word for _, word in vocab.cue_pairs("date-units"))
        date_words += "".join(vocab.cue("source-label"))
        # a line of only a date and its source label (2023-09-15 来源：…) is no title
        self._date_line = re.compile(
            r"[\d\s:：\-./" + "".join(re.escape(ch) for ch in date_words) + "]+"
        )

    # ------------------------------------------------------------------ layout
    def is_furniture(self, line: str) -> bool:
        # pattern by pattern: one alternation of them is slower (their literal prefixes and
        # anchor, which the regex engine scans for quickly, are lost in it)
        return any(p.search(line.strip()) for p in self._furniture)

    def lines(self, text: str) -> list[tuple[int, int, str]]:
        """Non-empty lines that are not page furniture, as (start, end, text)."""
        return self.layout(text)[0]

    def layout(self, text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
        """The :meth:`lines` of ``text`` and the (start, end) spans of its furniture lines,
        from one pass over the lines (each is tested against the furniture patterns once)."""
        lines, furniture, pos = [], [], 0
        for line in text.split("\n"):
            stripped = line.strip()
            if stripped:
                if self.is_furniture(stripped):
                    furniture.append((pos, pos + len(line)))
                else:
                    lines.append((pos, pos + len(line), stripped))
            pos += len(line) + 1
        return lines, furniture

    def title(self, lines: list[tuple[int, int, str]]) -> str | None:
        """The document's title (see :meth:`title_at`)."""
        found = self.title_at(lines)
        return found[1] if found else None

    def title_at(self, lines: list[tuple[int, int, str]]) -> tuple[int, str] | None:
        """The document's title and the index in ``lines`` of the line it starts on.

        The first line that can be a title, with the lines after it when the title is set on
        two or three (…关于推进城镇燃气居民和 / 餐饮用户…建设的实施意见): the first opens the
        subject (关于) but does not end in the name of a kind of document (意见, 通知, 答复 …),
        the lines together do. But a whole title (…关于…的实施意见) further down is the title:
        what stands above it belongs to the page (a banner of links, the column's name). A
        disclosure page's title field (标题：…) is the title; its other fields are not. A
        title stands above the text: none is looked for after its first sentence.
        """
        head = [line for _, _, line in lines[:9]]
        candidates = []
        for i, line in enumerate(head[:8]):
            labelled = self._title_label.match(line)
            if labelled and len(line) - labelled.end() >= 6:
                return i, line[labelled.end() :].strip()  # 标题：关于…的通知
            if "。" in line:
                break  # the text has begun: a title stands above it (a report has none)
            if self._can_be_title(line):
                candidates.append(i)
        if not candidates:
            return None
        first = candidates[0]
        line = head[first]
        if self._opens_subject(line) and not any(ch in _SENTENCE_MARKS for ch in line):
            # a title set on two or three lines: the lines after the first go on with it,
            # none a sentence or a subject of its own, until it ends like a title
            joined = line
            for after in head[first + 1 : first + _TITLE_LINES_MAX]:
                if joined.endswith(self._title_endings):
                    break
                if (
                    len(after) > 40
                    or self._opens_subject(after)
                    or any(ch in _SENTENCE_MARKS for ch in after)
                ):
                    break
                joined += after
            if joined != line and joined.endswith(self._title_endings):
                return first, joined
        whole = next((i for i in candidates if self._whole_title(head[i])), first)
        return whole, head[whole]

    def page_chrome(self, lines: list[tuple[int, int, str]], at: int) -> list[int]:
        """The indexes of the lines above the title (at index ``at``) that could have been a
        title but are not: the page's banner of links or the column's name. The fields of a
        disclosure page and date lines above a title are the document's and stay."""
        return [i for i in range(at) if self._can_be_title(lines[i][2])]

    def _can_be_title(self, line: str) -> bool:
        # not a table row (索引号: | … |), a date, a short word or a disclosure page's field
        return not (
            "|" in line
            or len(line) < 6
            or line.endswith((":", "："))  # an addressee, or words that open a list
            or self._layout.heading_start.match(line) is not None  # 一、2023年工作回顾
            or sum(line.count(c) for c in ",，") >= _TITLE_COMMAS_MAX  # a keyword list
            or self._date_line.fullmatch(line)
            or line.replace(" ", "").startswith(self._metadata_labels)  # 索 引 号: …
        )

    def _opens_subject(self, line: str) -> bool:
        return any(w in line for w in self._title_subject)

    def _whole_title(self, line: str) -> bool:
        """A line that is a document's title whole: it opens a subject (关于) and ends in the
        name of a kind of document, and it is no sentence."""
        return self._layout.title_line.match(line) is not None and not any(
            ch in _SENTENCE_MARKS for ch in line
        )

    def genre(self, title: str | None, head: str) -> str:
        """From the title; from the opening lines only for the unmistakable genres (a work
        report's address, a newspaper's dateline)."""
        for genre, word in self._genre:
            if genre == "work-report" and word in head:
                return genre
        if self._news_opening.search(head):
            return "news"
        for genre, word in self._genre:
            if word in (title or ""):
                return genre
        for genre, word in self._genre:
            if genre == "proposal-reply" and word in head:
                return genre
        return "news"

    # ------------------------------------------------------------------ dates
    def dates(
        self,
        genre: str,
        dates: list[DateMention],
        lines: list[tuple[int, int, str]],
        *,
        signed: DateMention | None = None,
    ) -> tuple[str | None, str | None]:
        """(issued, published): a date in the header is the publication date (for a work
        report, the date it was given), a date among the last lines is the signing date,
        and so is the date of a signature block (``signed``) wherever it stands."""
        if not lines or not dates:
            return None, None
        labelled = self._labelled_dates(dates, lines)
        head_end = lines[min(5, len(lines) - 1)][1]
        tail_start = lines[-3][0] if len(lines) > 6 else lines[-1][0]
        head = next((d.iso for d in dates if d.end <= head_end and d is not signed), None)
        tail = next((d.iso for d in reversed(dates) if d.start >= tail_start), None)
        if genre == "work-report":
            return head or tail, None
        if genre == "news":
            issued, published = None, head or tail
        else:
            issued, published = (signed.iso if signed is not None else tail), head
        return labelled.get("issued", issued), labelled.get("published", published)

    def _labelled_dates(
        self, dates: list[DateMention], lines: list[tuple[int, int, str]]
    ) -> dict[str, str]:
        """Dates a disclosure page labels (成文日期: 2024-02-20, or the label on its line and
        the date alone on the next), by the kind of date each label names, and a date in
        brackets alone on its line (（2018年7月2日）), which is the issued date: the first of
        each kind among the opening lines."""
        found: dict[str, str] = {}
        for i, (start, end, line) in enumerate(lines[:20]):
            for kind, label in self._date_labels:
                at = line.find(label)
                if at < 0 or kind in found:
                    continue
                # the date after the label on its line, else the first on the next line;
                # ``line`` is stripped, so the label stands at least ``at`` into the line
                after = start + at + len(label)
                date = next((d for d in dates if after <= d.start < end), None)
                if date is None and i + 1 < len(lines):
                    after_start, after_end, _ = lines[i + 1]
                    date = next((d for d in dates if after_start <= d.start < after_end), None)
                if date is not None:
                    found[kind] = date.iso
            if "issued" not in found and line[:1] in "(（" and line[-1:] in ")）":
                # a date in brackets on its own line under a title: the day it was made
                # (…的实施意见 / （2018年7月2日）)
                date = next((d for d in dates if start <= d.start < end), None)
                if date is not None and self._date_line.fullmatch(line[1:-1].strip()):
                    found["issued"] = date.iso
        return found
