"""spaCy components of the cgkg pipeline, registered by name (see ``pipeline.cfg``).

Each component has one job, reads its patterns from the ontology in ``initialize()`` and
writes its findings to ``doc._.cgkg`` (a dict) and, for spans, to ``doc.spans``.

>>> import spacy
>>> from kg.extract import load_pipeline
>>> nlp = load_pipeline()
>>> nlp.pipe_names
['cgkg_regions', 'cgkg_agencies', 'cgkg_mechanisms', 'cgkg_policies', 'cgkg_dates', 'cgkg_context']
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.agencies import AgencyFinder
from kg.extract.context import Context
from kg.extract.mechanisms import MechanismFinder
from kg.extract.places import RegionFinder
from kg.extract.policies import date_pattern, find_dates, find_numbers, find_titles
from kg.extract.resolve import resolve_document
from kg.extract.segment import find_headings, split_sentences
from kg.vocab import Vocabulary, load_vocabulary

__all__ = [
    "make_regions",
    "make_agencies",
    "make_mechanisms",
    "make_policies",
    "make_dates",
    "make_context",
    "cgkg_data",
]

if not Doc.has_extension("cgkg"):
    Doc.set_extension("cgkg", default=None)


def cgkg_data(doc: Doc) -> dict[str, Any]:
    """The dict where the components keep their findings for ``doc``."""
    if doc._.cgkg is None:
        doc._.cgkg = {}
    return doc._.cgkg


def _spans(doc: Doc, key: str, items: list, label: str, kb: Any = lambda m: "") -> None:
    spans = []
    for item in items:
        span = doc.char_span(
            item.start, item.end, label=label, kb_id=kb(item), alignment_mode="expand"
        )
        if span is not None:
            spans.append(span)
    doc.spans[key] = spans


class _Component:
    """Shared plumbing: the ontology folder to read and lazy initialisation."""

    def __init__(self, nlp: Language, name: str, *, ontology: str | None) -> None:
        self.name = name
        self.ontology = ontology
        self._ready = False

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        self.setup(load_vocabulary(self.ontology))
        self._ready = True

    def setup(self, vocab: Vocabulary) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        if not self._ready:
            self.initialize()
        data = cgkg_data(doc)
        if "text" not in data:
            # Doc.text joins every token: take the tokenizer's copy, or compute it once
            data["text"] = doc.user_data.get("cgkg_text") or doc.text
        self.process(data["text"], doc, data)
        return doc

    def process(self, text: str, doc: Doc, data: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError


class RegionRecognizer(_Component):
    def setup(self, vocab: Vocabulary) -> None:
        self.finder = RegionFinder(vocab)

    def process(self, text: str, doc: Doc, data: dict[str, Any]) -> None:
        data["region_finder"] = self.finder
        data["regions"] = sorted(
            self.finder.find(text) + self.finder.find_communities(text), key=lambda r: r.start
        )
        _spans(doc, "cgkg_regions", data["regions"], "REGION", lambda r: ",".join(r.codes))


class AgencyRecognizer(_Component):
    def setup(self, vocab: Vocabulary) -> None:
        self.finder = AgencyFinder(vocab)

    def process(self, text: str, doc: Doc, data: dict[str, Any]) -> None:
        data["agencies"] = self.finder.find(text, data.get("regions", []))
        _spans(doc, "cgkg_agencies", data["agencies"], "AGENCY", lambda a: a.organs[0])


class MechanismRecognizer(_Component):
    def setup(self, vocab: Vocabulary) -> None:
        self.finder = MechanismFinder(vocab)

    def process(self, text: str, doc: Doc, data: dict[str, Any]) -> None:
        data["mechanisms"] = self.finder.find(text)
        _spans(doc, "cgkg_mechanisms", data["mechanisms"], "MECHANISM", lambda m: m.slug or "")


class PolicyRecognizer(_Component):
    def setup(self, vocab: Vocabulary) -> None:
        self.number_pattern = vocab.cue("document-number")[0]
        self.number_stops = vocab.cue("number-prefix-stops")
        self.number_breaks = vocab.cue("not-abbreviation-characters")

    def process(self, text: str, doc: Doc, data: dict[str, Any]) -> None:
        data["titles"] = find_titles(text, self.number_pattern)
        data["numbers"] = find_numbers(
            text, self.number_pattern, self.number_stops, self.number_breaks
        )
        _spans(doc, "cgkg_policies", data["titles"], "POLICY")


class DateRecognizer(_Component):
    def setup(self, vocab: Vocabulary) -> None:
        self.proposal = re.compile(vocab.cue("proposal-number")[0])
        self.date = date_pattern(dict(vocab.cue_pairs("date-units")))

    def process(self, text: str, doc: Doc, data: dict[str, Any]) -> None:
        data["dates"] = find_dates(text, self.date)
        data["sentences"] = split_sentences(text)
        data["headings"] = find_headings(text)
        proposal = self.proposal.search(text[:2000])
        data["proposal"] = proposal.group(1) if proposal else None


class ContextResolver(_Component):
    def setup(self, vocab: Vocabulary) -> None:
        self.context = Context(vocab)

    def process(self, text: str, doc: Doc, data: dict[str, Any]) -> None:
        data["facts"] = resolve_document(self.context, text, data)


_DEFAULT = {"ontology": None}


@Language.factory("cgkg_regions", default_config=_DEFAULT, assigns=["doc._.cgkg", "doc.spans"])
def make_regions(nlp: Language, name: str, ontology: str | None) -> RegionRecognizer:
    return RegionRecognizer(nlp, name, ontology=ontology)


@Language.factory(
    "cgkg_agencies", default_config=_DEFAULT, assigns=["doc._.cgkg"], requires=["doc._.cgkg"]
)
def make_agencies(nlp: Language, name: str, ontology: str | None) -> AgencyRecognizer:
    return AgencyRecognizer(nlp, name, ontology=ontology)


@Language.factory("cgkg_mechanisms", default_config=_DEFAULT, assigns=["doc._.cgkg", "doc.spans"])
def make_mechanisms(nlp: Language, name: str, ontology: str | None) -> MechanismRecognizer:
    return MechanismRecognizer(nlp, name, ontology=ontology)


@Language.factory("cgkg_policies", default_config=_DEFAULT, assigns=["doc._.cgkg", "doc.spans"])
def make_policies(nlp: Language, name: str, ontology: str | None) -> PolicyRecognizer:
    return PolicyRecognizer(nlp, name, ontology=ontology)


@Language.factory("cgkg_dates", default_config=_DEFAULT, assigns=["doc._.cgkg"])
def make_dates(nlp: Language, name: str, ontology: str | None) -> DateRecognizer:
    return DateRecognizer(nlp, name, ontology=ontology)


@Language.factory(
    "cgkg_context", default_config=_DEFAULT, assigns=["doc._.cgkg"], requires=["doc._.cgkg"]
)
def make_context(nlp: Language, name: str, ontology: str | None) -> ContextResolver:
    return ContextResolver(nlp, name, ontology=ontology)
