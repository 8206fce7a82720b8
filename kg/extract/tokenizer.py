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

from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["CharTokenizer", "create_tokenizer"]


class CharTokenizer:
    """Make a ``Doc`` of one token per character, with no spaces (the text is kept as is)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        doc.user_data["cgkg_text"] = text  # the components read this, not Doc.text
        return doc

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
