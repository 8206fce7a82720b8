"""The fast tokenizer changes nothing but speed: records equal spaCy's own char segmentation."""

from __future__ import annotations

from pathlib import Path

from kg.extract import extract_text, load_pipeline
from kg.read import read_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_extract_fast_path_gives_byte_identical_records() -> None:
    fast, plain = load_pipeline(fast=True), load_pipeline(fast=False)
    assert type(fast.tokenizer) is not type(plain.tokenizer)
    for path in sorted(CORPUS.glob("*.txt")):
        text = read_file(path)
        a = extract_text(text, doc_id=path.stem, nlp=fast).to_json()
        b = extract_text(text, doc_id=path.stem, nlp=plain).to_json()
        assert a == b, path.name


def test_extract_fast_path_makes_the_same_tokens() -> None:
    text = "湖北省推行“五社联动”机制。\n2021.12.22"
    fast, plain = load_pipeline(fast=True), load_pipeline(fast=False)
    assert [t.text for t in fast.make_doc(text)] == [t.text for t in plain.make_doc(text)]
