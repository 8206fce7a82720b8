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
    "record_statements",
    "record_to_trig",
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
    return ox.NamedNode(_region(place))


def _region(place: Place) -> str:
    if place.code:
        return PREFIXES["region"] + place.code
    parent = place.city or place.province or "cn"
    return PREFIXES["region"] + "community/" + _slug(parent + "/" + place.name, "c-")


def mechanism_iri(slug: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["mech"] + slug)


def agency_iri(region_code: str | None, organ: str | None, name: str) -> ox.NamedNode:
    return ox.NamedNode(_agency(region_code, organ, name))


def _agency(region_code: str | None, organ: str | None, name: str) -> str:
    if organ:
        return PREFIXES["agency"] + f"{region_code or 'cn'}-{organ}"
    return PREFIXES["agency"] + _slug(name, "a-")


def policy_iri(title: str, number: str | None) -> ox.NamedNode:
    """By 文号 when known (``n-2021-56-…``), else by title."""
    return ox.NamedNode(_policy(title, number))


def _policy(title: str, number: str | None) -> str:
    if number:
        digits = re.findall(r"\d+", number)
        return PREFIXES["policy"] + "n-" + "-".join(digits) + "-" + _slug(number, "")[:6]
    return PREFIXES["policy"] + _slug(title, "t-")


def status_iri(status: str) -> ox.NamedNode:
    return _c(STATUS_TERMS[status])


# ---------------------------------------------------------------- TriG terms
# A record's graph is written as TriG text directly: making a pyoxigraph Quad of each
# statement and serialising them cost about 5 µs a quad, most of a build's RDF stage;
# writing the terms as text costs a fraction of that, and pyoxigraph parses the text (in
# Rust) wherever quads are needed. Every IRI is checked by pyoxigraph before it is written.

_BASES = sorted(((base, name) for name, base in PREFIXES.items()), key=lambda b: -len(b[0]))
# a prefixed name's local part (Turtle PN_LOCAL, ASCII): "/" is written escaped
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-/]*[A-Za-z0-9_\-/])?")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _iri(iri: str) -> str:
    """The Turtle term of IRI ``iri``: a prefixed name when one fits, else ``<iri>``.

    Raises:
        ValueError: ``iri`` is not a valid IRI.
    """
    for base, name in _BASES:
        if iri.startswith(base):
            local = iri[len(base) :]
            if _LOCAL.fullmatch(local):
                return f"{name}:{local.replace('/', chr(92) + '/')}"
            break
    return str(ox.NamedNode(iri))  # checked, and written as N-Triples writes it


_term = functools.lru_cache(maxsize=4096)(_iri)  # IRIs that recur: vocabulary, regions


def _lit(value: str, lang: str | None = None) -> str:
    # str.translate looks up every character in _ESCAPES (about 7 µs for a sentence); the
    # four searches cost a fiftieth of that, and text rarely holds any of the four
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        value = value.translate(_ESCAPES)
    text = '"' + value + '"'
    return f"{text}@{lang}" if lang else text


def _int(value: int) -> str:
    return str(int(value))  # Turtle's integer shorthand is an xsd:integer


def _date(value: str) -> str:
    return _lit(value) + "^^xsd:date"


RDF_TYPE = "a"
PREF_LABEL, ALT_LABEL = "skos:prefLabel", "skos:altLabel"
TITLE, IDENTIFIER, ISSUED = "dcterms:title", "dcterms:identifier", "dcterms:issued"
AVAILABLE, PUBLISHER = "dcterms:available", "dcterms:publisher"
REFERENCES, SPATIAL = "dcterms:references", "dcterms:spatial"
DERIVED = "prov:wasDerivedFrom"
EXACT, START, END = "oa:exact", "oa:start", "oa:end"
TRUE = "true"


@functools.cache
def _v(term: str) -> str:
    """A term of the cgkg ontology (checked against it by ``CGKG``)."""
    return _iri(str(CGKG[term]))


@functools.cache
def _prefix_lines() -> str:
    return "".join(f"@prefix {name}: <{base}> .\n" for name, base in PREFIXES.items())


def record_statements(record: DocumentRecord) -> tuple[str, list[tuple[str, str, str]]]:
    """The graph name and the statements (subject, predicate, object as Turtle terms) of
    the named graph one record contributes; each statement once, in the order made.

    Raises:
        ValueError: an IRI minted from the record is not a valid IRI.
    """
    doc_iri = PREFIXES["doc"] + _slug(record.id, "x-")
    doc = _iri(doc_iri)
    out: list[tuple[str, str, str]] = []
    add = lambda s, p, o: out.append((s, p, o))  # noqa: E731

    def evidence(span: Span, kind: str = "Evidence") -> str:
        node = _iri(f"{doc_iri}/span/{span.start}-{span.end}")
        add(node, RDF_TYPE, _v(kind))
        add(node, EXACT, _lit(span.text))
        add(node, START, _int(span.start))
        add(node, END, _int(span.end))
        add(node, _v("inDocument"), doc)
        return node

    def place(p: Place) -> str:
        node = _term(_region(p))
        if not p.code:  # communities are not in regions.ttl: describe them here
            add(node, RDF_TYPE, _v("Region"))
            add(node, _v("level"), _v(LEVEL_TERMS[p.level]))
            add(node, PREF_LABEL, _lit(p.name, "zh-Hans"))
        return node

    add(doc, RDF_TYPE, _v("Document"))
    if record.genre in GENRE_CLASS:
        add(doc, RDF_TYPE, _v(GENRE_CLASS[record.genre]))
        add(doc, _v("genre"), _lit(record.genre))
    add(doc, IDENTIFIER, _lit(record.id))
    add(doc, _v("sourceFile"), _lit(record.path))
    add(doc, _v("sha256"), _lit(record.sha256))
    add(doc, _v("encoding"), _lit(record.encoding))
    add(doc, _v("script"), _lit(record.script))
    if record.title:
        add(doc, TITLE, _lit(record.title, "zh-Hans"))
    if record.dates.issued:
        add(doc, ISSUED, _date(record.dates.issued))
    if record.dates.published:
        add(doc, AVAILABLE, _date(record.dates.published))
    if record.proposal:
        add(doc, _v("answers"), _lit(record.proposal))
    if record.jurisdiction:
        add(doc, _v("jurisdiction"), place(record.jurisdiction))
    cited_numbers = {p.number for p in record.policies if p.number}
    for number in record.numbers:
        if number not in cited_numbers:
            add(doc, _v("documentNumber"), _lit(number))
    for region in record.regions:
        add(doc, SPATIAL, place(region))

    agencies = {}
    for agency in record.agencies:
        node = _term(_agency(agency.region_code, agency.organ, agency.name))
        agencies[agency.name] = node
        add(node, RDF_TYPE, _v("Agency"))
        add(node, PREF_LABEL, _lit(agency.name, "zh-Hans"))
        for alt in agency.alt_names:
            add(node, ALT_LABEL, _lit(alt, "zh-Hans"))
        if agency.organ:
            add(node, _v("organType"), _term(PREFIXES["organ"] + agency.organ))
        if agency.region_code:
            add(node, _v("region"), _term(PREFIXES["region"] + agency.region_code))
        for span in agency.mentions:
            add(node, _v("mention"), evidence(span, "Mention"))
    if record.issuer and record.issuer.name in agencies:
        add(doc, PUBLISHER, agencies[record.issuer.name])

    for policy in record.policies:
        node = _iri(_policy(policy.title, policy.number))
        add(node, RDF_TYPE, _v("Policy"))
        add(node, TITLE, _lit(policy.title, "zh-Hans"))
        if policy.number:
            add(node, _v("documentNumber"), _lit(policy.number))
        if policy.issuer:
            add(node, _v("issuerName"), _lit(policy.issuer, "zh-Hans"))
            for name in policy.issuer.split("、"):
                if name in agencies:
                    add(node, PUBLISHER, agencies[name])
        add(doc, REFERENCES, node)
        if policy.role == "cited":
            add(doc, _v("cites"), node)
        elif policy.role == "self":
            add(doc, _v("publishes"), node)
        for span in policy.mentions:
            add(node, _v("mention"), evidence(span, "Mention"))

    for mechanism in record.mechanisms:
        node = _term(PREFIXES["mech"] + mechanism.id)
        if mechanism.discovered:
            add(node, RDF_TYPE, _v("Mechanism"))
            add(node, PREF_LABEL, _lit(mechanism.label, "zh-Hans"))
            add(node, _v("discovered"), TRUE)
        for span in mechanism.mentions:
            add(node, _v("mention"), evidence(span, "Mention"))

    dated = record.dates.issued or record.dates.published
    document_year = int(dated[:4]) if dated and dated[:4].isdigit() else None
    for index, adoption in enumerate(record.adoptions):
        node = _iri(f"{doc_iri}/adoption/{index}")
        add(node, RDF_TYPE, _v("Adoption"))
        add(node, _v("mechanism"), _term(PREFIXES["mech"] + adoption.mechanism_id))
        add(node, _v("adopter"), place(adoption.adopter))
        add(node, _v("status"), _v(STATUS_TERMS[adoption.status]))
        if adoption.since is not None:
            add(node, _v("since"), _int(adoption.since))
        year = next(
            (y for y in (adoption.since, adoption.year, document_year) if y is not None), None
        )
        if year is not None:
            add(node, _v("year"), _int(year))
        # the adopter's names, repeated here so that queries need no join per row
        adopter = adoption.adopter
        add(node, _v("adopterName"), _lit(adopter.name, "zh-Hans"))
        add(node, _v("adopterLevel"), _lit(adopter.level))
        province = adopter.province or (adopter.name if adopter.level == "province" else None)
        if province:
            add(node, _v("adopterProvince"), _lit(province, "zh-Hans"))
        add(node, _v("evidence"), evidence(adoption.evidence))
        add(node, _v("evidenceText"), _lit(adoption.evidence.text))  # oa:exact, repeated
        add(node, _v("sourceDocument"), doc)
        add(node, DERIVED, doc)
    return doc, list(dict.fromkeys(out))


def record_to_trig(record: DocumentRecord) -> tuple[bytes, int]:
    """The TriG text of the named graph one record contributes (a piece of ``graph.trig``,
    which is the pieces concatenated), and its number of quads.

    Raises:
        ValueError: an IRI minted from the record is not a valid IRI.
    """
    graph, statements = record_statements(record)
    lines = [_prefix_lines(), graph, " {\n"]
    subject = None
    for s, p, o in statements:
        if s != subject:
            lines.append(f" .\n\t{s} {p} {o}" if subject is not None else f"\t{s} {p} {o}")
            subject = s
        else:
            lines.append(f" ;\n\t\t{p} {o}")
    lines.append(" .\n}\n" if statements else "}\n")
    return "".join(lines).encode("utf-8"), len(statements)


def record_to_quads(record: DocumentRecord) -> list[ox.Quad]:
    """All quads one record contributes, in the document's own named graph."""
    trig, _ = record_to_trig(record)
    return list(ox.parse(trig, format=ox.RdfFormat.TRIG))


def records_to_quads(records: Iterable[DocumentRecord]) -> Iterator[ox.Quad]:
    """Stream the quads of many records, one record at a time."""
    for record in records:
        yield from record_to_quads(record)


def ontology_quads() -> Iterator[ox.Quad]:
    """The ontology and vocabularies, in the default graph."""
    for path in ontology_files():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())
