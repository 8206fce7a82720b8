"""Extraction: normalised text → spaCy pipeline → :class:`~kg.record.DocumentRecord`.

>>> from kg.read import read_bytes
>>> text = read_bytes("我省自2018年以来推行“五社联动”机制。\\n河南省民政厅\\n".encode(), path="x.txt")
>>> record = extract_text(text, doc_id="x")
>>> [(a.adopter.name, a.mechanism, a.status, a.since) for a in record.adoptions]
[('河南省', '五社联动', 'implemented', 2018)]
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ExtractionError
from kg.read import Text, read_file
from kg.record import DocumentRecord

if TYPE_CHECKING:
    from spacy.language import Language

# spaCy and the components are imported when a pipeline is first needed, not with this
# package: a rebuild that takes every document from the cache never loads them (0.9 s)

__all__ = ["PIPELINE_CONFIG", "EXTRACTOR_VERSION", "load_pipeline", "extract_text", "extract_file"]

PIPELINE_CONFIG = Path(__file__).with_name("pipeline.cfg")
EXTRACTOR_VERSION = "cgkg.extract.v1"


@functools.lru_cache(maxsize=4)
def load_pipeline(config: str | None = None, *, fast: bool = True) -> Language:
    """Build and initialise the pipeline described by ``pipeline.cfg`` (cached).

    ``fast=False`` uses spaCy's own Chinese tokenizer (character segmenter) instead of
    cgkg's direct one; the tokens and the records are the same, only slower to make.

    Raises:
        ExtractionError: the config cannot be read or names an unknown component.
    """
    import spacy

    from kg.extract import components as _components  # noqa: F401  (registers the factories)
    from kg.extract import tokenizer as _tokenizer  # noqa: F401  (registers cgkg.tokenizer.v1)

    path = Path(config) if config else PIPELINE_CONFIG
    try:
        cfg = spacy.util.load_config(path)
        if not fast:
            cfg["nlp"]["tokenizer"] = {
                "@tokenizers": "spacy.zh.ChineseTokenizer",
                "segmenter": "char",
            }
        nlp = spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
        nlp.initialize()
    except (OSError, ValueError, KeyError) as exc:
        raise ExtractionError("E201", path=path, reason=exc) from exc
    return nlp


def extract_text(
    text: Text, *, doc_id: str, sha256: str | None = None, nlp: Language | None = None
) -> DocumentRecord:
    """Extract one document that has been read and normalised."""
    from kg.extract.assemble import to_record
    from kg.extract.segment import make_view

    nlp = nlp or load_pipeline()
    view = make_view(text.text)
    doc = nlp(view.text)
    # the hash of the file's bytes, kept by read_bytes; of the decoded text when made otherwise
    digest = sha256 or text.sha256 or hashlib.sha256(text.original.encode("utf-8")).hexdigest()
    return to_record(doc, text=text, view=view, doc_id=doc_id, sha256=digest)


def extract_file(
    path: str | Path, *, nlp: Language | None = None, name: str | None = None
) -> DocumentRecord:
    """Read, normalise and extract one file; ``id`` is the file stem.

    Raises:
        ReadError: the file cannot be read as text.
    """
    path = Path(path)
    text = read_file(path)  # read once, size checked first; the text keeps the bytes' hash
    return extract_text(text, doc_id=path.stem if name is None else name, nlp=nlp)
