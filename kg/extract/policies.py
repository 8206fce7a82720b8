"""Policies (《title》), document numbers (文号) and dates.

>>> [t.title for t in find_titles("依据《关于〈规划〉的\\n通知》(国办发〔2021〕56号)")]
['关于〈规划〉的通知']
>>> find_titles("依据《关于〈规划〉的通知》(国办发〔2021〕56号)")[0].number
'国办发〔2021〕56号'
>>> [d.iso for d in find_dates("2023年09月15日 与 2018-12-25、2021.12.22")]
['2023-09-15', '2018-12-25', '2021-12-22']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kg.vocab import load_vocabulary

__all__ = [
    "Title",
    "DateMention",
    "NumberMention",
    "find_titles",
    "find_dates",
    "find_numbers",
    "normalise_number",
    "date_pattern",
]

_OPEN, _CLOSE = "《", "》"
_BRACKETS = {
    "[": "〔",
    "]": "〕",
    "(": "〔",
    ")": "〕",
    "（": "〔",
    "）": "〕",
    "【": "〔",
    "】": "〕",
    "［": "〔",
    "］": "〕",
}


def date_pattern(units: Mapping[str, str]) -> re.Pattern[str]:
    """The regex of a full date, given the words of cue:date-units (year → 年, month → 月,
    day → 日; :meth:`~kg.vocab.Vocabulary.cue_pairs`).

    Groups: year, then month and day written with the unit words, or with - . / between.
    """
    word = {unit: re.escape(w) for unit, w in units.items()}
    return re.compile(
        r"(?<!\d)((?:19|20)\d{2})\s*(?:"
        + word["year"]
        + r"\s*(\d{1,2})\s*"
        + word["month"]
        + r"\s*(\d{1,2})\s*"
        + word["day"]
        + r"|[-./](\d{1,2})[-./](\d{1,2})(?![\d.]))"
    )


@functools.cache
def _default_cues() -> tuple[re.Pattern[str], str]:
    """The date regex and 文号 regex of the default ontology, for calls without them."""
    vocab = load_vocabulary()
    return date_pattern(dict(vocab.cue_pairs("date-units"))), vocab.cue("document-number")[0]


@dataclass(frozen=True, slots=True)
class Title:
    start: int  # offset of the title text (after 《)
    end: int
    title: str  # line breaks inside removed
    number: str | None = None
    number_span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    iso: str


@dataclass(frozen=True, slots=True)
class NumberMention:
    start: int
    end: int
    number: str  # normalised: 〔 〕 brackets


def normalise_number(raw: str) -> str:
    """One spelling for a 文号: 〔〕 brackets, no spaces.

    >>> normalise_number("豫民议[2023]49号")
    '豫民议〔2023〕49号'
    """
    out = "".join(_BRACKETS.get(ch, ch) for ch in raw if not ch.isspace())
    return out


def find_numbers(
    text: str, pattern: str, stops: tuple[str, ...] = (), breaks: tuple[str, ...] = ()
) -> list[NumberMention]:
    r"""Every 文号 in ``text``.

    ``pattern`` (cue:document-number) may take a few characters too many before the issuer
    abbreviation; the number starts after the last word of ``stops`` (cue:number-prefix-stops:
    落实, 根据 …) or character of ``breaks`` (cue:not-abbreviation-characters: 的, 和 …),
    which cannot belong to an abbreviation.

    >>> [n.number for n in find_numbers("深入落实国发〔2022〕2号文件", "[\\u4e00-\\u9fff]{1,10}〔\\d{4}〕\\d+号", ("落实",))]
    ['国发〔2022〕2号']
    """
    out = []
    for m in _matches(pattern, text):
        raw = m.group(0)
        bracket = min(i for i in (raw.find(b) for b in "〔[(（【［") if i >= 0)
        prefix = raw[:bracket]
        cut = max((prefix.rfind(ch) for ch in breaks), default=-1)
        cut = max([cut] + [prefix.rfind(w) + len(w) - 1 for w in stops if w in prefix])
        start = m.start() + (cut + 1 if cut >= 0 else 0)
        out.append(NumberMention(start, m.end(), normalise_number(text[start : m.end()])))
    return out


# A pattern that opens with a run of one character class, as cue:document-number opens with
# the issuer's abbreviation: [\u4e00-\u9fff]{1,10}, then the bracketed year and the serial.
_LEADING_RUN = re.compile(r"(\[(?:\\.|[^\]\\])+\])\{(\d+),(\d+)\}(.+)", re.DOTALL)


@functools.lru_cache(maxsize=8)
def _leading_run(
    pattern: str,
) -> tuple[re.Pattern[str], tuple[re.Pattern[str], int, int, re.Pattern[str]] | None]:
    """``pattern`` compiled, and its run's class, the run's bounds and the rest, compiled;
    None for the parts of a pattern of another shape."""
    compiled = re.compile(pattern)
    shape = _LEADING_RUN.fullmatch(pattern)
    if shape is None:
        return compiled, None
    run, low, high, rest = shape.groups()
    try:
        return compiled, (re.compile(run), int(low), int(high), re.compile(rest))
    except re.error:
        return compiled, None


def _matches(pattern: str, text: str) -> list[re.Match[str]]:
    """The matches of ``re.finditer(pattern, text)``, found faster for a pattern that opens
    with a run of a character class (see :data:`_LEADING_RUN`).

    The regex engine tries such a pattern at every character of the run's class (every CJK
    character of a text); this searches for the rest instead, which starts with a rarer
    character (a bracket), and counts the run back from it. Where the rest starts with a
    character of the run's class, that count would not be the engine's answer, and the text
    is searched as ``finditer`` does.
    """
    compiled, split = _leading_run(pattern)
    if split is None:
        return list(compiled.finditer(text))
    run, low, high, rest = split
    out = []
    pos = 0
    while (tail := rest.search(text, pos)) is not None:
        start = at = tail.start()
        if run.match(text, at):
            return list(compiled.finditer(text))
        while start > max(pos, at - high) and run.match(text, start - 1):
            start -= 1
        if at - start >= low and (found := compiled.match(text, start)) is not None:
            out.append(found)
            pos = found.end()
        else:
            pos = at + 1
    return out


def find_titles(text: str, number_pattern: str | None = None) -> list[Title]:
    """Every 《…》 title, nested 〈〉 kept and line breaks joined, with a 文号 right after it.

    ``number_pattern`` is cue:document-number (that of the default ontology when omitted).
    """
    pattern = number_pattern or _default_cues()[1]
    number_after = re.compile(r"^\s*[(（]\s*(" + pattern + r")\s*[)）]")
    out = []
    i = 0
    n = len(text)
    while i < n:
        start = text.find(_OPEN, i)
        if start < 0:
            break
        depth, j = 1, start + 1
        while j < n and depth:
            if text[j] == _OPEN:
                depth += 1
            elif text[j] == _CLOSE:
                depth -= 1
            elif text[j] in "。；" or (text[j] == "\n" and text[j + 1 : j + 2] == "\n"):
                break
            j += 1
        if depth:
            i = start + 1
            continue
        raw = text[start + 1 : j - 1]
        title = re.sub(r"\s*\n\s*", "", raw).strip()
        number = span = None
        m = number_after.match(text[j : j + 40])
        if m:
            number = normalise_number(m.group(1))
            span = (j + m.start(1), j + m.end(1))
        if title:
            out.append(Title(start + 1, j - 1, title, number, span))
        i = j
    return out


def find_dates(text: str, pattern: re.Pattern[str] | None = None) -> list[DateMention]:
    """Full dates (year, month, day) in the formats government pages use.

    ``pattern`` comes from :func:`date_pattern` (that of the default ontology when omitted).
    """
    out = []
    for m in (pattern or _default_cues()[0]).finditer(text):
        year = int(m.group(1))
        month = int(m.group(2) or m.group(4))
        day = int(m.group(3) or m.group(5))
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.append(DateMention(m.start(), m.end(), f"{year:04d}-{month:02d}-{day:02d}"))
    return out
