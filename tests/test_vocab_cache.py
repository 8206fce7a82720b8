"""Parsed vocabularies are kept in the user's cache folder and used only while the ontology
files (and the code that reads them) are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import vocab as vocab_module
from kg.vocab import _load_vocabulary, _read_vocabulary, load_vocabulary, ontology_dir

ADDED = """
mech:test-cache-mechanism a cgkg:Mechanism ;
    skos:prefLabel "缓存测试联动"@zh-Hans .
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CGKG_CACHE_DIR", str(folder))
    _load_vocabulary.cache_clear()
    yield folder
    _load_vocabulary.cache_clear()


def kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("vocabulary-*.pickle"))


def test_vocab_cache_gives_the_vocabulary_parsed_from_the_files(cache: Path) -> None:
    first = load_vocabulary()
    assert len(kept(cache)) == 1
    _load_vocabulary.cache_clear()
    again = load_vocabulary()  # read back from the cache
    assert again is not first
    assert again == first == _read_vocabulary(vocab_module.ontology_files(ontology_dir()))


def test_vocab_cache_is_not_used_once_a_file_changes(cache: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), copy)
    before = load_vocabulary(str(copy))
    assert "缓存测试联动" not in before.mechanism_labels
    mechanisms = copy / "mechanisms.ttl"
    mechanisms.write_text(mechanisms.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    _load_vocabulary.cache_clear()
    after = load_vocabulary(str(copy))
    assert after.mechanism_labels["缓存测试联动"] == "test-cache-mechanism"
    assert len(kept(cache)) == 2


@pytest.mark.parametrize("damage", [b"", b"\x80\x05garbage", b"not a pickle at all"])
def test_vocab_cache_damaged_file_is_built_again(cache: Path, damage: bytes) -> None:
    first = load_vocabulary()
    (entry,) = kept(cache)
    entry.write_bytes(damage)
    _load_vocabulary.cache_clear()
    assert load_vocabulary() == first
    assert entry.read_bytes() != damage  # written anew


def test_vocab_cache_folder_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv("CGKG_CACHE_DIR", str(blocker / "cache"))
    _load_vocabulary.cache_clear()
    try:
        assert load_vocabulary().regions["330723"].name == "武义县"
    finally:
        _load_vocabulary.cache_clear()
