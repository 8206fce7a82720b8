"""A multi-pattern matcher over vocabulary words (Aho–Corasick, one pass per text).

>>> lex = Lexicon({"社区": "a", "社区治理": "b", "治理": "c"})
>>> [(m.start, m.end, m.key) for m in lex.longest("城乡社区治理")]
[(2, 6, '社区治理')]
>>> len(lex.all("城乡社区治理"))
3
>>> lex.count("社区治理，社区")
{'社区': 2, '社区治理': 1, '治理': 1}
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ahocorasick

__all__ = ["Lexicon", "Match"]


def _bytewise(text: str) -> str:
    """``text`` spelled as its UTF-8 bytes, one character per byte.

    The automaton looks a character up among a node's children one by one; with thousands
    of CJK words the root has thousands of children, with bytes at most 256 (and CJK lead
    bytes are few). A UTF-8 word matches UTF-8 text only at character boundaries, so the
    matches are the same, at byte offsets.
    """
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _ending_pattern(before_last: Mapping[str, set[str]], single: set[str]) -> re.Pattern[str]:
    """A regex of one character: the last character of a word, where the character
    before it is one that comes before that last character in some word (the 西 of 广西,
    not of 东西), or any occurrence of a word of one character (in ``single``).

    Each alternative starts with its character, so the regex engine scans for those.

    >>> _ending_pattern({"西": {"广", "山"}}, {"市"}).pattern
    '市|西(?<=[山广]西)'
    """
    branches = [re.escape(c) for c in sorted(single)]
    for last, before in sorted(before_last.items()):
        if last not in single:
            chars = "".join(re.escape(c) for c in sorted(before))
            branches.append(f"{re.escape(last)}(?<=[{chars}]{re.escape(last)})")
    return re.compile("|".join(branches))


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    key: str
    value: Any


class Lexicon:
    """Find every vocabulary word in a text; ``value`` is what the word maps to."""

    def __init__(
        self, words: Mapping[str, Any] | Iterable[tuple[str, Any]], *, by_last_char: bool = False
    ) -> None:
        """``by_last_char`` finds words by scanning for their last two characters (a regex)
        and looking the candidates up: much faster than the automaton when many words end
        in a few characters (region names end in 省 市 县 区 …)."""
        items = words.items() if isinstance(words, Mapping) else words
        self._words: dict[str, Any] = {}
        #: lengths of the words of two or more characters, by their last two characters
        lengths: dict[str, set[int]] = defaultdict(set)
        #: the characters before the last of those words, by their last character
        before_last: dict[str, set[str]] = defaultdict(set)
        for key, value in items:
            if key:
                self._words[key] = value
                if len(key) > 1:
                    lengths[key[-2:]].add(len(key))
                    before_last[key[-1]].add(key[-2])
        self.size = len(self._words)
        # the automata, made when first needed (a lexicon searched by its words' endings
        # may need neither): over bytes for texts, over characters for short names
        self._bytewise: ahocorasick.Automaton | None = None
        self._characters: ahocorasick.Automaton | None = None
        self._lengths = {tail: sorted(v, reverse=True) for tail, v in lengths.items()}
        self._last = (
            _ending_pattern(before_last, {key for key in self._words if len(key) == 1})
            if by_last_char and self.size
            else None
        )

    def _by_last_char(self, text: str) -> list[Match]:
        assert self._last is not None
        out = []
        words, lengths = self._words, self._lengths
        for m in self._last.finditer(text):
            end = m.end()
            for length in lengths.get(text[end - 2 : end], ()):
                start = end - length
                if start >= 0:
                    key = text[start:end]
                    if key in words:
                        out.append(Match(start, end, key, words[key]))
            last = m.group()
            if last in words:  # a word of one character
                out.append(Match(end - 1, end, last, words[last]))
        out.sort(key=lambda m: (m.start, -m.end))
        return out

    def all(self, text: str) -> list[Match]:
        """Every occurrence of every word, overlapping ones included, in text order."""
        if not self.size:
            return []
        if self._last is not None:
            return self._by_last_char(text)
        # over UTF-8 bytes (see _bytewise): several times faster with a large CJK vocabulary.
        # Matches come by their end; the character offset of each end is counted on from
        # the previous one's.
        spelled, words = _bytewise(text), self._words
        out = []
        byte_at = char_at = 0
        for end, (key, _) in self._bytes().iter(spelled):
            if end >= byte_at:
                char_at += len(
                    spelled[byte_at : end + 1].encode("latin-1").decode("utf-8", "surrogatepass")
                )
                byte_at = end + 1
            out.append(Match(char_at - len(key), char_at, key, words[key]))
        out.sort(key=lambda m: (m.start, -m.end))
        return out

    def longest(self, text: str) -> list[Match]:
        """Leftmost-longest occurrences that do not overlap.

        Chosen from all occurrences, not by the automaton's ``iter_long``, which misses a
        word that ends where a longer word's prefix breaks off unless the state it falls
        back to spells that word (words 社区网格化管理, 网格化管理 and 化: nothing in 社区网格化了).
        """
        out: list[Match] = []
        last_end = -1
        for match in self.all(text):
            if match.start >= last_end:
                out.append(match)
                last_end = match.end
        return out

    def _bytes(self) -> ahocorasick.Automaton:
        """The automaton of the words spelled bytewise (see :func:`_bytewise`)."""
        if self._bytewise is None:
            self._bytewise = ahocorasick.Automaton()
            for key in self._words:
                spelled = _bytewise(key)
                self._bytewise.add_word(spelled, (key, len(spelled)))
            self._bytewise.make_automaton()
        return self._bytewise

    def count(self, text: str) -> dict[str, int]:
        """How often each word occurs, as ``text.count(word)`` counts it, for every word
        that occurs at least once: one pass for all words instead of one scan per word.

        ``str.count`` counts non-overlapping occurrences from the left, so an occurrence
        that overlaps the previous counted one of the same word is skipped (``"阿阿"`` is
        in ``"阿阿阿"`` once).
        """
        counts: dict[str, int] = {}
        if not self.size:
            return counts
        next_free: dict[str, int] = {}  # where the next countable occurrence may start
        # ordered by end, so by start for each word
        for end, (key, length) in self._bytes().iter(_bytewise(text)):
            if end + 1 - length >= next_free.get(key, 0):
                counts[key] = counts.get(key, 0) + 1
                next_free[key] = end + 1
        return counts

    def contains_any(self, text: str) -> bool:
        """True when at least one word occurs in ``text``."""
        if not self.size:
            return False
        if self._characters is None:
            # over characters: asked of short names, where spelling them as bytes would
            # cost more than the smaller automaton saves
            self._characters = ahocorasick.Automaton()
            for key in self._words:
                self._characters.add_word(key, key)
            self._characters.make_automaton()
        for _ in self._characters.iter(text):
            return True
        return False
