"""Faster forms of the finders' steps agree with the straightforward ones they replace."""

from __future__ import annotations

import random

import pytest

from kg.extract.lexicon import Lexicon
from kg.extract.places import RegionFinder
from kg.vocab import load_vocabulary

ALPHABET = "社区治理市县区广西东五a1]^-\\ 😀𠀀，“”、和"


def _leftmost_longest(matches):
    last_end = -1
    for m in matches:
        if m.start >= last_end:
            yield m
            last_end = m.end


@pytest.mark.parametrize("seed", range(40))
def test_speed_lexicon_by_last_two_characters_finds_what_the_automaton_finds(seed: int) -> None:
    """Words of one character, regex metacharacters and astral characters included."""
    rng = random.Random(seed)
    words = {"".join(rng.choices(ALPHABET, k=rng.randint(1, 4))): i for i in range(15)}
    by_last_char, automaton = Lexicon(words, by_last_char=True), Lexicon(words)
    for _ in range(20):
        text = "".join(rng.choices(ALPHABET, k=rng.randint(0, 40)))
        assert by_last_char.all(text) == automaton.all(text), (words, text)
        expected = list(_leftmost_longest(automaton.all(text)))
        assert by_last_char.longest(text) == expected, (words, text)


def test_speed_local_lexicon_holds_the_units_under_the_root() -> None:
    vocab = load_vocabulary()
    finder = RegionFinder(vocab)
    for root in [*list(vocab.regions)[::50], "410000", "no-such-region"]:
        words: dict[str, tuple[str, ...]] = {}
        for code, entry in vocab.regions.items():
            if code != root and root in {e.code for e in vocab.chain(code)}:
                for short in entry.short_names:
                    words[short] = (*words.get(short, ()), code)
        assert list(finder._build_local(root)._words.items()) == list(words.items()), root
