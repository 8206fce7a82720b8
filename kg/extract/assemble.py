"""Turn what the pipeline found in a spaCy ``Doc`` into a :class:`DocumentRecord`.

This is where view offsets become offsets in the original file: every span goes through
the view map (soft line breaks) and then the reader's offset map.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.components import cgkg_data
from kg.extract.mechanisms import MechanismMention
from kg.extract.places import COMMUNITY_CODE, RegionMention
from kg.extract.resolve import DocumentFacts
from kg.extract.segment import View
from kg.read import Text
from kg.record import Adoption, Agency, Dates, DocumentRecord, Mechanism, Place, Policy, Span
from kg.vocab import RegionEntry, Vocabulary, load_vocabulary

__all__ = ["to_record"]


class _Spans:
    def __init__(self, text: Text, view: View) -> None:
        self.text, self.view = text, view

    def __call__(self, start: int, end: int) -> Span:
        ts, te = self.view.to_text(start, end)
        os_, oe = self.text.to_original(ts, te)
        return Span(text=self.text.text[ts:te], start=os_, end=oe)


def _place(vocab: Vocabulary, entry: RegionEntry) -> Place:
    province = vocab.regions.get(entry.province or "") if entry.level != "province" else entry
    city = next((e for e in vocab.chain(entry.code) if e.level == "city"), None)
    return Place(
        name=entry.name,
        level=entry.level,
        province=province.name if province else None,
        city=city.name if city and city.code != entry.code else None,  # a city is in none
        code=entry.code,
    )


def _community(vocab: Vocabulary, mention: RegionMention, juris: RegionEntry | None) -> Place:
    base = _place(vocab, juris) if juris else None
    return Place(
        name=mention.text,
        level="community",
        province=base.province if base else None,
        city=(base.city or (base.name if base and base.level == "city" else None))
        if base
        else None,
        code=None,
    )


def to_record(doc: Doc, *, text: Text, view: View, doc_id: str, sha256: str) -> DocumentRecord:
    """The record of one processed document."""
    data = cgkg_data(doc)
    # the vocabulary the components read (a pipeline may be configured with another ontology)
    finder = data.get("region_finder")
    vocab = finder.vocab if finder is not None else load_vocabulary()
    facts: DocumentFacts = data["facts"]
    span = _Spans(text, view)
    juris = facts.jurisdiction

    made: dict[str, Place] = {}  # a document names a few places many times

    def place_of(entry: RegionEntry) -> Place:
        if entry.code not in made:
            made[entry.code] = _place(vocab, entry)
        return made[entry.code]

    places: dict[str, Place] = {}
    for mention in facts.regions:
        if mention.codes == (COMMUNITY_CODE,):
            place = _community(vocab, mention, juris)
        elif len(mention.codes) == 1:
            place = place_of(vocab.regions[mention.codes[0]])
        else:
            continue  # ambiguous names stay unresolved rather than guessed
        if place.level == "national":
            continue  # the country frames every document (中华人民共和国成立75周年): no place in it
        places.setdefault(place.name, place)

    agencies = tuple(
        Agency(
            name=a.name,
            organ=a.organ,
            region_code=a.region_code,
            alt_names=a.alt_names,
            surfaces=tuple(dict.fromkeys(m.text for m in a.mentions)),
            mentions=tuple(span(m.start, m.end) for m in a.mentions),
        )
        for a in facts.agencies
    )
    issuer = next((a for a in agencies if facts.issuer and a.name == facts.issuer.name), None)
    if issuer is None and facts.issuer is not None:
        issuer = Agency(
            name=facts.issuer.name, organ=facts.issuer.organ, region_code=facts.issuer.region_code
        )

    mechanisms: dict[str, list[MechanismMention]] = {}
    for found in facts.mechanisms:
        mechanisms.setdefault(found.label, []).append(found)
    mechanism_records = tuple(
        Mechanism(
            id=ms[0].slug or _slug(label),
            label=label,
            discovered=ms[0].discovered,
            surfaces=tuple(dict.fromkeys(m.text for m in ms)),
            mentions=tuple(span(m.start, m.end) for m in ms),
        )
        for label, ms in mechanisms.items()
    )

    adoptions = []
    for fact in facts.adoptions:
        entry = vocab.regions.get(fact.adopter_code)
        adopter = place_of(entry) if entry else Place(name=fact.adopter_name, level="community")
        adoptions.append(
            Adoption(
                mechanism=fact.mechanism.label,
                mechanism_id=fact.mechanism.slug or _slug(fact.mechanism.label),
                adopter=adopter,
                status=fact.status,
                since=fact.since,
                evidence=span(fact.sentence.start, fact.sentence.end),
                year=fact.year,
            )
        )

    policies = tuple(
        Policy(
            title=p.title,
            issuer=p.issuer,
            number=p.number,
            role=p.role,
            mentions=tuple(span(s, e) for s, e in p.mentions),
        )
        for p in facts.policies
    )
    warnings = list(text.warnings)
    return DocumentRecord(
        id=doc_id,
        path=text.path or "",
        sha256=sha256,
        encoding=text.encoding,
        format=text.format,
        script=text.script,
        title=facts.title,
        genre=facts.genre,
        jurisdiction=place_of(juris) if juris else None,
        issuer=issuer,
        dates=Dates(issued=facts.issued, published=facts.published),
        numbers=tuple(facts.numbers),
        proposal=facts.proposal,
        regions=tuple(places.values()),
        agencies=agencies,
        policies=policies,
        mechanisms=mechanism_records,
        adoptions=tuple(adoptions),
        warnings=tuple(warnings),
    )


def _slug(label: str) -> str:
    from kg.extract.mechanisms import slugify

    return slugify(label)
