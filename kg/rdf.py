"""Records → RDF quads. The only place where IRIs are minted.

One named graph per source document holds what that document says; the default graph holds
the ontology and vocabularies. IRIs are stable and ASCII: regions by GB/T 2260 code,
mechanisms by slug, agencies by region code and organ type, policies by 文号 or title.

>>> from kg.record import DocumentRecord
>>> quads = record_to_quads(DocumentRecord(id="henan-2023", path="henan-2023.txt", sha256="0" * 64))
>>> str(document_iri("henan-2023").value)
'https://w3id.org/cgkg/doc/henan-2023'
>>> all(q.graph_name == document_iri("henan-2023") for q in quads)
True
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.record import DocumentRecord, Place, Span
from kg.vocab import BASE, CGKG, ontology_files

__all__ = [
    "document_iri",
    "region_iri",
    "mechanism_iri",
    "agency_iri",
    "policy_iri",
    "status_iri",
    "record_to_quads",
    "records_to_quads",
    "ontology_quads",
    "PREFIXES",
]

PREFIXES = {
    "cgkg": str(CGKG),
    "doc": BASE + "doc/",
    "region": BASE + "region/",
    "mech": BASE + "mechanism/",
    "agency": BASE + "agency/",
    "policy": BASE + "policy/",
    "organ": BASE + "organ-type/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "oa": "http://www.w3.org/ns/oa#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_XSD = PREFIXES["xsd"]


@functools.cache
def _c(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(CGKG[term]))


def _p(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


RDF_TYPE = _p("rdf", "type")
PREF_LABEL = _p("skos", "prefLabel")
ALT_LABEL = _p("skos", "altLabel")
TITLE = _p("dcterms", "title")
IDENTIFIER = _p("dcterms", "identifier")
ISSUED = _p("dcterms", "issued")
AVAILABLE = _p("dcterms", "available")
PUBLISHER = _p("dcterms", "publisher")
REFERENCES = _p("dcterms", "references")
SPATIAL = _p("dcterms", "spatial")
DERIVED = _p("prov", "wasDerivedFrom")
EXACT, START, END = _p("oa", "exact"), _p("oa", "start"), _p("oa", "end")
GENRE_CLASS = {
    "proposal-reply": "ProposalReply",
    "news": "NewsReport",
    "work-report": "WorkReport",
    "plan": "Plan",
    "policy": "PolicyDocument",
}
STATUS_TERMS = {
    "implemented": "Implemented",
    "planned": "Planned",
    "pilot": "Pilot",
    "called-for": "CalledFor",
}
LEVEL_TERMS = {
    "national": "NationalLevel",
    "province": "ProvinceLevel",
    "city": "CityLevel",
    "county": "CountyLevel",
    "community": "CommunityLevel",
}


def _slug(value: str, prefix: str) -> str:
    """``value`` itself when it is already a safe ASCII name, else a short stable hash."""
    if _SAFE.match(value):
        return value
    return prefix + hashlib.sha1(value.encode("utf-8")).hexdigest()[:12]


def document_iri(doc_id: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["doc"] + _slug(doc_id, "x-"))


def region_iri(place: Place) -> ox.NamedNode:
    """Regions by GB/T 2260 code; a named community below the region it belongs to."""
    if place.code:
        return ox.NamedNode(PREFIXES["region"] + place.code)
    parent = place.city or place.province or "cn"
    return ox.NamedNode(PREFIXES["region"] + "community/" + _slug(parent + "/" + place.name, "c-"))


def mechanism_iri(slug: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["mech"] + slug)


def agency_iri(region_code: str | None, organ: str | None, name: str) -> ox.NamedNode:
    if organ:
        return ox.NamedNode(PREFIXES["agency"] + f"{region_code or 'cn'}-{organ}")
    return ox.NamedNode(PREFIXES["agency"] + _slug(name, "a-"))


def policy_iri(title: str, number: str | None) -> ox.NamedNode:
    """By 文号 when known (``n-2021-56-…``), else by title."""
    if number:
        digits = re.findall(r"\d+", number)
        return ox.NamedNode(
            PREFIXES["policy"] + "n-" + "-".join(digits) + "-" + _slug(number, "")[:6]
        )
    return ox.NamedNode(PREFIXES["policy"] + _slug(title, "t-"))


def status_iri(status: str) -> ox.NamedNode:
    return _c(STATUS_TERMS[status])


def _lit(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


_INTEGER = ox.NamedNode(_XSD + "integer")
_DATE = ox.NamedNode(_XSD + "date")


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_INTEGER)


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=_DATE)


def record_to_quads(record: DocumentRecord) -> list[ox.Quad]:
    """All quads one record contributes, in the document's own named graph."""
    doc = document_iri(record.id)
    out: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Quad(s, p, o, doc))

    def evidence(span: Span, kind: str = "Evidence") -> ox.NamedNode:
        node = ox.NamedNode(f"{doc.value}/span/{span.start}-{span.end}")
        add(node, RDF_TYPE, _c(kind))
        add(node, EXACT, _lit(span.text))
        add(node, START, _int(span.start))
        add(node, END, _int(span.end))
        add(node, _c("inDocument"), doc)
        return node

    def place(p: Place) -> ox.NamedNode:
        node = region_iri(p)
        if not p.code:  # communities are not in regions.ttl: describe them here
            add(node, RDF_TYPE, _c("Region"))
            add(node, _c("level"), _c(LEVEL_TERMS[p.level]))
            add(node, PREF_LABEL, _lit(p.name, "zh-Hans"))
        return node

    add(doc, RDF_TYPE, _c("Document"))
    if record.genre in GENRE_CLASS:
        add(doc, RDF_TYPE, _c(GENRE_CLASS[record.genre]))
        add(doc, _c("genre"), _lit(record.genre))
    add(doc, IDENTIFIER, _lit(record.id))
    add(doc, _c("sourceFile"), _lit(record.path))
    add(doc, _c("sha256"), _lit(record.sha256))
    add(doc, _c("encoding"), _lit(record.encoding))
    add(doc, _c("script"), _lit(record.script))
    if record.title:
        add(doc, TITLE, _lit(record.title, "zh-Hans"))
    if record.dates.issued:
        add(doc, ISSUED, _date(record.dates.issued))
    if record.dates.published:
        add(doc, AVAILABLE, _date(record.dates.published))
    if record.proposal:
        add(doc, _c("answers"), _lit(record.proposal))
    if record.jurisdiction:
        add(doc, _c("jurisdiction"), place(record.jurisdiction))
    cited_numbers = {p.number for p in record.policies if p.number}
    for number in record.numbers:
        if number not in cited_numbers:
            add(doc, _c("documentNumber"), _lit(number))
    for region in record.regions:
        add(doc, SPATIAL, place(region))

    agencies = {}
    for agency in record.agencies:
        node = agency_iri(agency.region_code, agency.organ, agency.name)
        agencies[agency.name] = node
        add(node, RDF_TYPE, _c("Agency"))
        add(node, PREF_LABEL, _lit(agency.name, "zh-Hans"))
        for alt in agency.alt_names:
            add(node, ALT_LABEL, _lit(alt, "zh-Hans"))
        if agency.organ:
            add(node, _c("organType"), ox.NamedNode(PREFIXES["organ"] + agency.organ))
        if agency.region_code:
            add(node, _c("region"), ox.NamedNode(PREFIXES["region"] + agency.region_code))
        for span in agency.mentions:
            add(node, _c("mention"), evidence(span, "Mention"))
    if record.issuer and record.issuer.name in agencies:
        add(doc, PUBLISHER, agencies[record.issuer.name])

    for policy in record.policies:
        node = policy_iri(policy.title, policy.number)
        add(node, RDF_TYPE, _c("Policy"))
        add(node, TITLE, _lit(policy.title, "zh-Hans"))
        if policy.number:
            add(node, _c("documentNumber"), _lit(policy.number))
        if policy.issuer:
            add(node, _c("issuerName"), _lit(policy.issuer, "zh-Hans"))
            for name in policy.issuer.split("、"):
                if name in agencies:
                    add(node, PUBLISHER, agencies[name])
        add(doc, REFERENCES, node)
        if policy.role == "cited":
            add(doc, _c("cites"), node)
        elif policy.role == "self":
            add(doc, _c("publishes"), node)
        for span in policy.mentions:
            add(node, _c("mention"), evidence(span, "Mention"))

    for mechanism in record.mechanisms:
        node = mechanism_iri(mechanism.id)
        if mechanism.discovered:
            add(node, RDF_TYPE, _c("Mechanism"))
            add(node, PREF_LABEL, _lit(mechanism.label, "zh-Hans"))
            add(node, _c("discovered"), ox.Literal("true", datatype=ox.NamedNode(_XSD + "boolean")))
        for span in mechanism.mentions:
            add(node, _c("mention"), evidence(span, "Mention"))

    dated = record.dates.issued or record.dates.published
    document_year = int(dated[:4]) if dated and dated[:4].isdigit() else None
    for index, adoption in enumerate(record.adoptions):
        node = ox.NamedNode(f"{doc.value}/adoption/{index}")
        add(node, RDF_TYPE, _c("Adoption"))
        add(node, _c("mechanism"), mechanism_iri(adoption.mechanism_id))
        add(node, _c("adopter"), place(adoption.adopter))
        add(node, _c("status"), status_iri(adoption.status))
        if adoption.since is not None:
            add(node, _c("since"), _int(adoption.since))
        year = adoption.since if adoption.since is not None else document_year
        if year is not None:
            add(node, _c("year"), _int(year))
        # the adopter's names, repeated here so that queries need no join per row
        adopter = adoption.adopter
        add(node, _c("adopterName"), _lit(adopter.name, "zh-Hans"))
        add(node, _c("adopterLevel"), _lit(adopter.level))
        province = adopter.province or (adopter.name if adopter.level == "province" else None)
        if province:
            add(node, _c("adopterProvince"), _lit(province, "zh-Hans"))
        add(node, _c("evidence"), evidence(adoption.evidence))
        add(node, _c("evidenceText"), _lit(adoption.evidence.text))  # oa:exact, repeated
        add(node, _c("sourceDocument"), doc)
        add(node, DERIVED, doc)
    return list(dict.fromkeys(out))


def records_to_quads(records: Iterable[DocumentRecord]) -> Iterator[ox.Quad]:
    """Stream the quads of many records, one record at a time."""
    for record in records:
        yield from record_to_quads(record)


def ontology_quads() -> Iterator[ox.Quad]:
    """The ontology and vocabularies, in the default graph."""
    for path in ontology_files():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())
