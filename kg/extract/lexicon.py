"""A multi-pattern matcher over vocabulary words (Aho–Corasick, one pass per text).

>>> lex = Lexicon({"社区": "a", "社区治理": "b", "治理": "c"})
>>> [(m.start, m.end, m.key) for m in lex.longest("城乡社区治理")]
[(2, 6, '社区治理')]
>>> len(lex.all("城乡社区治理"))
3
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ahocorasick

__all__ = ["Lexicon", "Match"]


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    key: str
    value: Any


class Lexicon:
    """Find every vocabulary word in a text; ``value`` is what the word maps to."""

    def __init__(self, words: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        self._automaton = ahocorasick.Automaton()
        items = words.items() if isinstance(words, Mapping) else words
        count = 0
        for key, value in items:
            if key:
                self._automaton.add_word(key, (key, value))
                count += 1
        self.size = count
        if count:
            self._automaton.make_automaton()

    def all(self, text: str) -> list[Match]:
        """Every occurrence of every word, overlapping ones included, in text order."""
        if not self.size:
            return []
        out = [
            Match(end + 1 - len(key), end + 1, key, value)
            for end, (key, value) in self._automaton.iter(text)
        ]
        out.sort(key=lambda m: (m.start, -m.end))
        return out

    def longest(self, text: str) -> list[Match]:
        """Leftmost-longest occurrences that do not overlap."""
        if not self.size:
            return []
        return [
            Match(end + 1 - len(key), end + 1, key, value)
            for end, (key, value) in self._automaton.iter_long(text)
        ]

    def contains_any(self, text: str) -> bool:
        """True when at least one word occurs in ``text``."""
        if not self.size:
            return False
        for _ in self._automaton.iter(text):
            return True
        return False
