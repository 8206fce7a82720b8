"""Faster forms of the finders' steps agree with the straightforward ones they replace."""

from __future__ import annotations

import random
import re

import pytest

from kg.extract.places import RegionFinder
from kg.extract.policies import _matches
from kg.vocab import load_vocabulary


@pytest.mark.parametrize("seed", range(20))
def test_speed_quoted_run_starting_with_a_quote_matches_the_same_runs(nlp, seed: int) -> None:
    finder = nlp.get_pipe("cgkg_mechanisms").finder
    joiners = "".join(map(re.escape, finder.vocab.cue("name-series-joiners")))
    straightforward = re.compile(rf"(?:“[^“”\n]{{1,10}}”[{joiners}]?)*“[^“”\n]{{1,10}}”")
    rng = random.Random(seed)
    pieces = ["“", "”", "“三医”", "、", "和", "联动", "“府院”", "\n", "一二三四五六七八九十甲"]
    for _ in range(50):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 30)))
        expected = [m.span() for m in straightforward.finditer(text)]
        assert [m.span() for m in finder._quoted_run.finditer(text)] == expected, text


def test_speed_not_mechanism_patterns_searched_at_once(nlp) -> None:
    """The cue patterns are joined into one regex: none may have a group (a backreference in
    one would then name a group of another)."""
    finder = nlp.get_pipe("cgkg_mechanisms").finder
    for joined in ("counted-name-patterns", "distributive-slogan-patterns"):
        assert all(re.compile(p).groups == 0 for p in finder.vocab.cue(joined))
    patterns = [re.compile(p) for p in finder.vocab.cue("not-mechanism-patterns")]
    assert all(p.groups == 0 for p in patterns)
    for name in ["连冠", "2024消费促进年", "一带一路", "五社联动", "5G+", "第一", "三大", "x[12]"]:
        assert finder._never(name) == (name in finder._not or any(p.search(name) for p in patterns))


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


@pytest.mark.parametrize(
    "pattern",
    [
        None,  # cue:document-number
        r"[a-c]{2,3}[(\[]\d+[)\]]",
        r"[a-c]{1,2}[a-c(]\d",  # the rest may start inside the run: searched as finditer does
        r"[\u4e00-\u9fff]{1,3}(?<=发)〔\d+〕",
        r"[\u4e00-\u9fff]+〔\d+〕",  # no bounds: another shape, searched as finditer does
    ],
)
def test_speed_document_numbers_found_as_finditer_finds_them(pattern: str | None) -> None:
    """A pattern that opens with a bounded run of a class (the issuer of a 文号) is searched
    from the rest; the matches are those of ``re.finditer``."""
    pattern = pattern or load_vocabulary().cue("document-number")[0]
    rng = random.Random(pattern)
    alphabet = "国发办豫民〔〕[]()（）【】20219号 \n文件abc"
    for _ in range(400):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 60)))
        expected = [(m.span(), m.group()) for m in re.finditer(pattern, text)]
        assert [(m.span(), m.group()) for m in _matches(pattern, text)] == expected, text
