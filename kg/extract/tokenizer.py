"""One token per character, made directly.

spaCy's blank Chinese pipeline segments by character too, but through a general path
(``get_words_and_spaces``) that costs more than the whole of cgkg's extraction. No cgkg
component reads tokens — they match on the text — so the tokenizer only has to make the
same per-character ``Doc`` as cheaply as possible. A coarser cut would make fewer tokens,
but every new multi-character token string is a new lexeme in the shared vocabulary, which
then grows without bound over a large corpus; single characters keep it bounded.

>>> import spacy
>>> nlp = spacy.blank("zh")
>>> nlp.tokenizer = CharTokenizer(nlp.vocab)
>>> [t.text for t in nlp("五社联动")]
['五', '社', '联', '动']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["CharTokenizer", "create_tokenizer"]

_PLANE = 0x10000  # code points of the Basic Multilingual Plane


class CharTokenizer:
    """Make a ``Doc`` of one token per character, with no spaces (the text is kept as is).

    ``Doc`` takes words as strings or as their hashes (``orth``); a hash skips hashing the
    string again, which is most of the cost of a one-character token. The tokenizer keeps
    the hash of each character whose lexeme is permanent in the vocabulary, in a dict and,
    for the Basic Multilingual Plane, in a table by code point: the hashes of a text's
    characters are then one gather in numpy instead of a dict lookup per character.
    Characters first seen inside ``nlp.memory_zone()`` get transient lexemes, freed when the
    zone ends, so they are passed as strings and not remembered.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._orths: dict[str, int] = {}  # one entry per distinct character seen
        self._table = numpy.zeros(_PLANE, dtype=numpy.uint64)  # 0: not seen yet

    def __call__(self, text: str) -> Doc:
        words = self._known(text)
        if words is None:
            words = self._words_by_character(text)
        # spaCy's stubs say list[str]; Doc.__init__ documents and takes hashes as well
        doc = Doc(self.vocab, words=words, spaces=[False] * len(text))  # type: ignore[arg-type]
        doc.user_data["cgkg_text"] = text  # the components read this, not Doc.text
        return doc

    def _known(self, text: str) -> list[str | int] | None:
        """The hashes of ``text``'s characters from the table, characters first seen here
        added to it; None when a character is outside the Basic Multilingual Plane, or new
        inside a memory zone."""
        codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        if not codes.size or codes.max() >= _PLANE:
            return None
        orths = self._table[codes]
        if not orths.all():  # new characters: a rare one turns up in most documents
            if self.vocab.in_memory_zone:  # type: ignore[attr-defined]  # not in the stubs
                return None
            self._remember(map(chr, numpy.unique(codes[orths == 0]).tolist()))
            orths = self._table[codes]
        return orths.tolist() if orths.all() else None  # a hash of 0 would only cost speed

    def _words_by_character(self, text: str) -> list[str | int]:
        """The hashes from the dict, characters first seen here added to it and the table
        (or, inside a memory zone, passed as strings)."""
        if not self.vocab.in_memory_zone:  # type: ignore[attr-defined]  # not in the stubs
            self._remember(set(text).difference(self._orths))
        return list(map(self._orths.get, text, text))

    def _remember(self, chars: Iterable[str]) -> None:
        """Make a permanent lexeme of each of ``chars`` (outside a memory zone only) and keep
        its hash in the dict and, in the Basic Multilingual Plane, in the table."""
        for char in chars:
            orth = self._orths[char] = self.vocab[char].orth
            if ord(char) < _PLANE:
                self._table[ord(char)] = orth

    def to_bytes(self, **kwargs: object) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: object) -> CharTokenizer:
        return self

    def to_disk(self, path: object, **kwargs: object) -> None:
        return None

    def from_disk(self, path: object, **kwargs: object) -> CharTokenizer:
        return self


@spacy.registry.tokenizers("cgkg.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], CharTokenizer]:
    """Registered tokenizer factory (see ``pipeline.cfg``)."""

    def make(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab)

    return make
