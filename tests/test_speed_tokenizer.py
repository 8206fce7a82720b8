"""The character tokenizer makes the same Doc as spaCy's string path, with a bounded vocab."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract.tokenizer import CharTokenizer

TEXTS = ["五社联动", "河南省民政厅\n2023年 A-1，“三社联动”。", "", "𠀀𠀁 emoji😀 末"]


@pytest.fixture()
def blank():
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    return nlp


@pytest.mark.parametrize("text", TEXTS)
def test_speed_tokenizer_makes_the_doc_of_the_string_path(blank, text: str) -> None:
    for _ in range(2):  # first with new characters, then with remembered ones
        doc = blank(text)
        plain = Doc(blank.vocab, words=list(text), spaces=[False] * len(text))
        assert doc.text == text
        assert [t.text for t in doc] == list(text)
        assert [t.orth for t in doc] == [t.orth for t in plain]
        assert [t.idx for t in doc] == [t.idx for t in plain]
        assert [t.like_num for t in doc] == [t.like_num for t in plain]


def test_speed_tokenizer_text_with_known_and_new_characters(blank) -> None:
    """A text that mixes remembered characters with new ones (repeated, and beside them)
    makes the Doc of the string path, and its new characters are remembered."""
    blank("社区治理")
    text = "社区鼎鼐治理鼎"
    doc = blank(text)
    plain = Doc(blank.vocab, words=list(text), spaces=[False] * len(text))
    assert [t.orth for t in doc] == [t.orth for t in plain]
    assert doc.text == text
    assert blank.tokenizer._known("鼐鼎社") == [blank.vocab[c].orth for c in "鼐鼎社"]


def test_speed_tokenizer_vocab_stays_bounded(blank) -> None:
    blank("社区治理五社联动")
    size = len(blank.vocab)
    for k in range(50):
        blank(f"社区治理{'五社联动' * k}")
    assert len(blank.vocab) == size


def test_speed_tokenizer_characters_first_seen_in_a_memory_zone(blank) -> None:
    blank("社区")
    with blank.memory_zone():
        doc = blank("社区鼎鼐")
        assert [t.text for t in doc] == ["社", "区", "鼎", "鼐"]
    assert "社" in blank.vocab
    assert "鼎" not in blank.vocab  # the zone's characters are gone again
    doc = blank("鼎鼐社区")  # and are made anew, now permanent
    assert [t.text for t in doc] == ["鼎", "鼐", "社", "区"]
    assert doc.text == "鼎鼐社区"
    assert "鼎" in blank.vocab
    with blank.memory_zone():
        assert blank("鼎社").text == "鼎社"
    assert blank("鼎社").text == "鼎社"
