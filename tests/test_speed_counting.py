"""Counting many words in one pass gives what ``str.count`` gives word by word."""

from __future__ import annotations

import random

import pytest

from kg.extract.context import Context
from kg.extract.lexicon import Lexicon, Match
from kg.vocab import load_vocabulary

SENTENCES = [
    "",
    "阿阿阿",
    "阿阿阿阿阿",
    "ABABABA",
    "社区治理，社区服务，城乡社区治理",
    "广安市广安区广安广安市",
    "黔西南州黔西南黔西南布依族苗族自治州",
    "我市我市市我",
    "A阿B阿阿😀阿阿\ud800阿é阿",  # ASCII, astral, a lone surrogate: counted in UTF-8 bytes
]
WORDS = ["阿", "阿阿", "阿阿阿", "ABA", "AB", "BAB", "社区", "社区治理", "治理", "城乡社区治理"]
WORDS += ["广安", "广安市", "广安区", "市广", "黔西南", "黔西南州", "我市", "市我", "市市"]
WORDS += ["B阿", "😀阿", "阿😀", "\ud800阿", "é阿", "é"]


@pytest.mark.parametrize("text", SENTENCES)
def test_speed_lexicon_count_equals_str_count(text: str) -> None:
    counts = Lexicon({w: None for w in WORDS}).count(text)
    expected = {w: text.count(w) for w in WORDS if text.count(w)}
    assert counts == expected


def test_speed_lexicon_count_of_an_empty_lexicon() -> None:
    assert Lexicon({}).count("社区") == {}


@pytest.fixture(scope="module")
def context() -> Context:
    return Context(load_vocabulary())


@pytest.mark.parametrize("level", ["province", "city", "county"])
@pytest.mark.parametrize(
    "text",
    [
        "广安市政府工作报告。广安广安区，岳池县、武胜县。",
        "黔西南州人民政府，兴义市兴义兴义兴义，贵州贵州省。",
        "浙江省金华市武义县武义武义武义县，河南河南省郑州郑州市。",
        "本报告不提任何地名。",
    ],
)
def test_speed_name_counts_equal_the_straightforward_sum(
    context: Context, level: str, text: str
) -> None:
    regions = context.vocab.regions
    straightforward = {
        code: text.count(e.name) + sum(text.count(s) for s in e.short_names)
        for code, e in regions.items()
        if e.level == level
    }
    assert context.authorship._name_counts(text, level) == {
        c: n for c, n in straightforward.items() if n
    }


@pytest.mark.parametrize("text", SENTENCES)
def test_speed_lexicon_by_last_char_finds_what_the_automaton_finds(text: str) -> None:
    words = {w: len(w) for w in WORDS}
    by_last_char, automaton = Lexicon(words, by_last_char=True), Lexicon(words)
    assert by_last_char.all(text) == automaton.all(text)
    assert by_last_char.longest(text) == [m for m in _leftmost_longest(automaton.all(text))]


def _leftmost_longest(matches):
    last_end = -1
    for m in matches:
        if m.start >= last_end:
            yield m
            last_end = m.end


LEXICON_ALPHABET = "社区治理市县区广西东五a1]^-\\ 😀𠀀，“”、和"


@pytest.mark.parametrize("seed", range(40))
def test_speed_lexicon_by_last_two_characters_finds_what_the_automaton_finds(seed: int) -> None:
    """Words of one character, regex metacharacters and astral characters included."""
    rng = random.Random(seed)
    words = {"".join(rng.choices(LEXICON_ALPHABET, k=rng.randint(1, 4))): i for i in range(15)}
    by_last_char, automaton = Lexicon(words, by_last_char=True), Lexicon(words)
    for _ in range(20):
        text = "".join(rng.choices(LEXICON_ALPHABET, k=rng.randint(0, 40)))
        assert by_last_char.all(text) == automaton.all(text), (words, text)
        expected = list(_leftmost_longest(automaton.all(text)))
        assert by_last_char.longest(text) == expected, (words, text)


@pytest.mark.parametrize("seed", range(30))
def test_speed_lexicon_finds_what_a_search_word_by_word_finds(seed: int) -> None:
    """``all`` (an automaton) finds every occurrence that searching for each word at each
    position finds, at the same character offsets (ASCII, CJK, astral, overlaps, a lone
    surrogate in a word or a text), and ``longest`` picks the leftmost-longest of them."""
    rng = random.Random(seed)
    alphabet = "社区治理五联动a1 😀𠀀，" + ("\udc80" if seed % 3 == 0 else "")
    words = {"".join(rng.choices(alphabet, k=rng.randint(1, 4))): i for i in range(12)}
    lexicon = Lexicon(words)
    for _ in range(20):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 40)))
        expected = sorted(
            (
                Match(start, start + len(key), key, value)
                for key, value in words.items()
                for start in range(len(text))
                if text.startswith(key, start)
            ),
            key=lambda m: (m.start, -m.end),
        )
        assert lexicon.all(text) == expected, (words, text)
        assert lexicon.longest(text) == list(_leftmost_longest(expected)), (words, text)
        assert lexicon.contains_any(text) == bool(expected), (words, text)


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        # found by leftmost-longest; pyahocorasick's iter_long, used before, missed the first two
        ("社区网格化管理 网格化管理 化", "社区网格化了", ["化"]),
        ("社区网格化管理 网格化", "推进社区网格化", ["网格化"]),
        ("社区网格化管理 网格化管理 网格化", "社区网格化管理工作", ["社区网格化管理"]),
        ("社区网格化管理 网格化管理 网格化", "网格化管理与网格化", ["网格化管理", "网格化"]),
    ],
)
def test_speed_lexicon_longest_finds_words_where_a_longer_one_breaks_off(
    words: str, text: str, found: list[str]
) -> None:
    lexicon = Lexicon(dict.fromkeys(words.split(), 0))
    assert [m.key for m in lexicon.longest(text)] == found
