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

import ahocorasick_rs as ac

__all__ = ["Lexicon", "Match"]

_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate has no UTF-8 form


def _last_char_pattern(before_last: Mapping[str, set[str]], single: set[str]) -> re.Pattern[str]:
    """A regex of one character: the last character of a word, where the character
    before it is one that comes before that last character in some word (the 西 of 广西,
    not of 东西), or any occurrence of a word of one character (in ``single``).

    Each alternative starts with its character, so the regex engine scans for those.

    >>> _last_char_pattern({"西": {"广", "山"}}, {"市"}).pattern
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
        and looking the candidates up: faster than the automaton when many words end in a few
        characters (region names end in 省 市 县 区 …), and nothing to build."""
        items = words.items() if isinstance(words, Mapping) else words
        self._words: dict[str, Any] = {key: value for key, value in items if key}
        self.size = len(self._words)
        self._keys = list(self._words)  # matches name a word by its index here
        # the automata take UTF-8, which a lone surrogate has no form in: a lexicon with
        # such a word, or a text with one, is searched word by word (never so in practice)
        self._plain = not any(map(_SURROGATE.search, self._keys))
        # the automata, made when first needed (a lexicon searched by its words' endings
        # needs none): every occurrence, and the leftmost-longest ones
        self._overlapping: ac.AhoCorasick | None = None
        self._leftmost_longest: ac.AhoCorasick | None = None
        #: lengths of the words of two or more characters, by their last two characters
        self._lengths: dict[str, list[int]] = {}
        self._last: re.Pattern[str] | None = None
        if by_last_char and self.size:
            lengths: dict[str, set[int]] = defaultdict(set)
            # the characters before the last of those words, by their last character
            before_last: dict[str, set[str]] = defaultdict(set)
            for key in self._keys:
                if len(key) > 1:
                    lengths[key[-2:]].add(len(key))
                    before_last[key[-1]].add(key[-2])
            self._lengths = {tail: sorted(v, reverse=True) for tail, v in lengths.items()}
            single = {key for key in self._keys if len(key) == 1}
            self._last = _last_char_pattern(before_last, single)

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
        keys, words = self._keys, self._words
        out = [Match(start, end, keys[i], words[keys[i]]) for i, start, end in self._every(text)]
        out.sort(key=lambda m: (m.start, -m.end))
        return out

    def longest(self, text: str) -> list[Match]:
        """Leftmost-longest occurrences that do not overlap: of the words that start first,
        the longest, then on from its end (社区网格化管理 before 网格化管理 and 化)."""
        if not self.size:
            return []
        found = self._leftmost(text)
        if found is not None:
            keys, words = self._keys, self._words
            return [Match(start, end, keys[i], words[keys[i]]) for i, start, end in found]
        out: list[Match] = []
        last_end = -1
        for match in self.all(text):
            if match.start >= last_end:
                out.append(match)
                last_end = match.end
        return out

    def _leftmost(self, text: str) -> list[tuple[int, int, int]] | None:
        """(word index, start, end) of the leftmost-longest occurrences, from the automaton;
        None when the automaton cannot answer (words found by their endings, a surrogate)."""
        if self._last is not None or not self._plain:
            return None
        if self._leftmost_longest is None:
            self._leftmost_longest = self._automaton(ac.MatchKind.LeftmostLongest)
        try:
            return self._leftmost_longest.find_matches_as_indexes(text)
        except UnicodeEncodeError:
            return None

    def _every(self, text: str) -> list[tuple[int, int, int]]:
        """(word index, start, end) of every occurrence of every word, by their end."""
        if self._plain:
            if self._overlapping is None:
                self._overlapping = self._automaton(ac.MatchKind.Standard)
            try:
                return self._overlapping.find_matches_as_indexes(text, overlapping=True)
            except UnicodeEncodeError:
                pass
        found = []
        for i, key in enumerate(self._keys):
            at = text.find(key)
            while at >= 0:
                found.append((i, at, at + len(key)))
                at = text.find(key, at + 1)
        found.sort(key=lambda m: m[2])
        return found

    def _automaton(self, kind: ac.MatchKind) -> ac.AhoCorasick:
        # a DFA: on CJK vocabularies of a few hundred words it searches 2-3 times faster than
        # the NFAs in a loop over the same texts, and takes a few milliseconds more to build
        return ac.AhoCorasick(self._keys, matchkind=kind, implementation=ac.Implementation.DFA)

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
        keys = self._keys
        next_free: dict[int, int] = {}  # where the next countable occurrence may start
        # matches come by their end, so each word's by their start
        for i, start, end in self._every(text):
            if start >= next_free.get(i, 0):
                counts[keys[i]] = counts.get(keys[i], 0) + 1
                next_free[i] = end
        return counts

    def contains_any(self, text: str) -> bool:
        """True when at least one word occurs in ``text``."""
        if not self.size:
            return False
        found = self._leftmost(text)
        return bool(self.all(text) if found is None else found)
