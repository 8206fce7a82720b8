"""DocumentRecord: the contract between extraction and everything after it.

A record says what one document says: its metadata, the regions, agencies, policies and
mechanisms it names, and the adoptions it reports, each with provenance (character offsets
into the original file, as decoded). Records are frozen and serialise to plain JSON, which is
what ``kg extract --format json`` writes and what ``kg eval`` scores.

>>> span = Span(text="五社联动", start=10, end=14)
>>> rec = DocumentRecord(id="doc", path="doc.txt", sha256="0" * 64)
>>> DocumentRecord.from_dict(rec.to_dict()) == rec
True
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from kg.errors import RecordError

__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "LEVELS",
    "Span",
    "Place",
    "Dates",
    "Mechanism",
    "Adoption",
    "Agency",
    "Policy",
    "DocumentRecord",
]

SCHEMA_VERSION = 1
STATUSES = ("implemented", "planned", "pilot", "called-for")
LEVELS = ("national", "province", "city", "county", "community")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the document: its normalised text and its offsets in the original file.

    ``start``/``end`` are character offsets into the decoded original file, so
    ``original[start:end]`` normalises to ``text``.
    """

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Place:
    """A region resolved against ``ontology/regions.ttl`` (``code`` is GB/T 2260)."""

    name: str
    level: str
    province: str | None = None
    city: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Dates:
    issued: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Mechanism:
    """A mechanism the document names; ``id`` is the vocabulary slug or a minted one.

    ``label`` is its name as the document writes it, without quotes and a trailing 机制 or
    模式 (the vocabulary's own label when the text writes that anywhere, or only adds a
    suffix or a word for whose it is); the graph names a vocabulary mechanism by ``id``.
    """

    id: str
    label: str
    discovered: bool = False
    surfaces: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Adoption:
    """An adoption event: ``adopter`` did (plans, pilots, is asked to do) ``mechanism``."""

    mechanism: str
    mechanism_id: str
    adopter: Place
    status: str
    since: int | None
    evidence: Span
    # the year the text places it in: ``since``, else the year of the section it stands in
    # (一、2023年工作回顾; 二、2024年工作安排), else None (the graph then uses the document's)
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Agency:
    """A concrete body; ``name`` is the full name with its region resolved."""

    name: str
    organ: str | None = None
    region_code: str | None = None
    alt_names: tuple[str, ...] = ()
    surfaces: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    """A named policy document (usually cited in 《》).

    ``role`` is ``self`` for the document's own title, ``cited`` when the text cites it
    as a basis, else ``mentioned``.
    """

    title: str
    issuer: str | None = None
    number: str | None = None
    role: str = "mentioned"
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """Everything extracted from one source document."""

    id: str
    path: str
    sha256: str
    schema: int = SCHEMA_VERSION
    encoding: str = "utf-8"
    format: str = "text"
    script: str = "simplified"
    title: str | None = None
    genre: str | None = None
    jurisdiction: Place | None = None
    issuer: Agency | None = None
    dates: Dates = field(default_factory=Dates)
    numbers: tuple[str, ...] = ()
    proposal: str | None = None
    regions: tuple[Place, ...] = ()
    agencies: tuple[Agency, ...] = ()
    policies: tuple[Policy, ...] = ()
    mechanisms: tuple[Mechanism, ...] = ()
    adoptions: tuple[Adoption, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, as :func:`dataclasses.asdict` makes it (tuples stay tuples;
        JSON writes them as lists)."""
        return _plain(self)

    def to_json(self) -> str:
        """One line of JSON, keys in field order, Chinese kept as is."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentRecord:
        """Rebuild a record from :meth:`to_dict` output.

        Raises:
            RecordError: the dict is not a record of this schema version.
        """
        if data.get("schema") != SCHEMA_VERSION:
            raise RecordError("E302", found=data.get("schema"), expected=SCHEMA_VERSION)
        try:
            return _build(cls, data)
        except (TypeError, KeyError, ValueError) as exc:
            raise RecordError("E301", id=data.get("id"), reason=exc) from exc

    @classmethod
    def from_json(cls, line: str) -> DocumentRecord:
        return cls.from_dict(json.loads(line))


_NESTED: dict[tuple[type, str], type] = {
    (DocumentRecord, "jurisdiction"): Place,
    (DocumentRecord, "issuer"): Agency,
    (DocumentRecord, "dates"): Dates,
    (DocumentRecord, "regions"): Place,
    (DocumentRecord, "agencies"): Agency,
    (DocumentRecord, "policies"): Policy,
    (DocumentRecord, "mechanisms"): Mechanism,
    (DocumentRecord, "adoptions"): Adoption,
    (Mechanism, "mentions"): Span,
    (Agency, "mentions"): Span,
    (Policy, "mentions"): Span,
    (Adoption, "adopter"): Place,
    (Adoption, "evidence"): Span,
}


_ATOMS = (str, int, float, bool, type(None))
_RECORD_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls))
    for cls in (Span, Place, Dates, Mechanism, Adoption, Agency, Policy, DocumentRecord)
}


def _plain(value: Any) -> Any:
    """What ``dataclasses.asdict`` makes of a record or a value in one, without its generic
    per-value checks (records are serialised once per document, with many small parts)."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    names = _RECORD_FIELDS.get(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
        return kind(_plain(item) for item in value)
    return asdict(value) if hasattr(value, "__dataclass_fields__") else copy.deepcopy(value)


def _build(cls: type, data: dict[str, Any]) -> Any:
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        inner = _NESTED.get((cls, f.name))
        if isinstance(value, list):
            value = tuple(_build(inner, v) if inner else v for v in value)
        elif inner is not None and isinstance(value, dict):
            value = _build(inner, value)
        values[f.name] = value
    return cls(**values)
