"""Vocabularies from ``ontology/*.ttl``: regions, mechanisms, organ types and cue words.

The Turtle files are the only source of these words; this module turns them into lookup
tables for the extractor and a closed namespace for the code, so a typo in a term fails
loudly instead of minting a new one.

>>> vocab = load_vocabulary()
>>> vocab.regions["330723"].name, vocab.regions["330723"].province
('武义县', '330000')
>>> CGKG.Adoption
'https://w3id.org/cgkg/ontology#Adoption'
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import OntologyError

__all__ = [
    "BASE",
    "CGKG",
    "SKOS",
    "RegionEntry",
    "MechanismEntry",
    "OrganEntry",
    "Vocabulary",
    "ontology_dir",
    "ontology_files",
    "load_vocabulary",
    "vocabulary_cache_dir",
    "ending_pattern",
]

BASE = "https://w3id.org/cgkg/"
_CGKG_URI = BASE + "ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LEVEL_NOTATIONS = {
    "NationalLevel": "national",
    "ProvinceLevel": "province",
    "CityLevel": "city",
    "CountyLevel": "county",
    "CommunityLevel": "community",
}


def ontology_dir() -> Path:
    """The folder of the ontology files: ``$CGKG_ONTOLOGY``, the source tree, or the package."""
    env = os.environ.get("CGKG_ONTOLOGY")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "ontology", here / "ontology_data"):
        if (candidate / "cgkg.ttl").exists():
            return candidate
    raise OntologyError("E401", path=here.parent / "ontology", reason="folder not found")


def ontology_files(directory: Path | None = None) -> list[Path]:
    """Every ``*.ttl`` of the ontology except ``shapes.ttl`` (shapes validate, they are no data)."""
    directory = directory or ontology_dir()
    return sorted(p for p in directory.glob("*.ttl") if p.name != "shapes.ttl")


def _cgkg_terms(directory: Path) -> list[str]:
    terms = set()
    for quad in _parse(directory / "cgkg.ttl"):
        value = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
        if value.startswith(_CGKG_URI):
            terms.add(value[len(_CGKG_URI) :])
    return sorted(terms)


def _parse(path: Path) -> list[ox.Quad]:
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError, ValueError) as exc:
        raise OntologyError("E401", path=path, reason=exc) from exc


class ClosedNamespace:
    """The IRIs of a namespace's terms, as strings: ``CGKG.Mechanism`` or ``CGKG["Mechanism"]``.

    Only the terms it was made with exist, so a typo in code fails loudly (E402) instead of
    minting a new term. (rdflib has one too; importing rdflib costs a build a tenth of a
    second, in every process.)

    >>> CGKG["Mechanismus"]
    Traceback (most recent call last):
    kg.errors.OntologyError: E402 term 'Mechanismus' is not defined in the ontology namespace https://w3id.org/cgkg/ontology#
    """

    def __init__(self, uri: str, terms: Iterable[str]) -> None:
        self._uri = uri
        self._terms = frozenset(terms)

    def __getitem__(self, term: str) -> str:
        if term not in self._terms:
            raise OntologyError("E402", term=term, namespace=self._uri)
        return self._uri + term

    def __getattr__(self, term: str) -> str:
        if term.startswith("__"):  # copy, pickle and friends look for special methods
            raise AttributeError(term)
        return self[term]

    def __str__(self) -> str:
        return self._uri

    def __repr__(self) -> str:
        return f"ClosedNamespace({self._uri!r}, {len(self._terms)} terms)"


CGKG = ClosedNamespace(_CGKG_URI, _cgkg_terms(ontology_dir()))


class _ByFields:
    """Pickled as its fields in order, so that unpickling calls ``__init__`` once: the state
    functions of a frozen dataclass with slots call ``dataclasses.fields`` for every object,
    which made unpickling the vocabulary's 3,500 entries cost 0.09 s a process."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        names: tuple[str, ...] = type(self).__slots__  # the dataclass's fields, in order
        return type(self), tuple(getattr(self, name) for name in names)


@dataclass(frozen=True, slots=True)
class RegionEntry(_ByFields):
    code: str
    name: str
    level: str
    parent: str | None = None
    province: str | None = None
    short_names: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    english: str | None = None


@dataclass(frozen=True, slots=True)
class MechanismEntry(_ByFields):
    slug: str
    label: str
    label_hant: str | None = None
    label_en: str | None = None
    alt_labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    marked_only: bool = False
    unmarked_labels: tuple[str, ...] = ()  # of a marked-only entry, those matched unmarked


@dataclass(frozen=True, slots=True)
class OrganEntry(_ByFields):
    slug: str
    label: str
    surfaces: tuple[str, ...]
    system: str
    levels: tuple[str, ...]
    template: str
    alt_templates: tuple[str, ...] = ()

    def full_name(self, region_name: str | None) -> str:
        """The official name of this organ in a region (``{region}`` filled in)."""
        return self.template.replace("{region}", region_name or "")

    def alt_names(self, region_name: str | None) -> tuple[str, ...]:
        return tuple(t.replace("{region}", region_name or "") for t in self.alt_templates)


@dataclass(frozen=True)
class Vocabulary:
    """All lookup tables the extractor needs, built once from the ontology files."""

    regions: dict[str, RegionEntry]
    mechanisms: dict[str, MechanismEntry]
    organs: dict[str, OrganEntry]
    generic_agencies: tuple[str, ...]
    cues: dict[str, tuple[str, ...]]
    region_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    mechanism_labels: dict[str, str] = field(default_factory=dict)
    term_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def term_label(self, term: str, lang: str) -> str:
        """The ``lang`` label of ontology term ``term`` (an IRI) as the explorer and the plots
        show it: its ``cgkg:shortLabel`` where it has one, else its ``rdfs:label``.

        Raises:
            OntologyError: E402, the term has no label in that language.

        >>> vocab = load_vocabulary()
        >>> vocab.term_label(CGKG.Mechanism, "en"), vocab.term_label(CGKG.Agency, "en")
        ('mechanism', 'Agency')
        """
        found = self.term_labels.get(str(term), {}).get(lang.lower())
        if found is None:
            raise OntologyError("E402", term=f"{term} (label @{lang})", namespace=_CGKG_URI)
        return found

    def bilingual_label(self, term: str) -> tuple[str, str]:
        """The Chinese and the English label of ontology term ``term`` (:meth:`term_label`).

        >>> load_vocabulary().bilingual_label(CGKG.Mechanism)
        ('机制', 'mechanism')
        """
        return self.term_label(term, "zh-Hans"), self.term_label(term, "en")

    def captions(self) -> dict[str, str]:
        """The Chinese captions of the explorer page and the plots that are no ontology
        terms, by key (cue:captions)."""
        return dict(self.cue_pairs("captions"))

    def cue(self, name: str) -> tuple[str, ...]:
        """Words or patterns of cue set ``name`` (``cue:<name>`` in ``cues.ttl``).

        Raises:
            OntologyError: no such cue set, so a typo in code fails loudly.
        """
        try:
            return self.cues[name]
        except KeyError:
            raise OntologyError("E402", term=name, namespace=BASE + "cue/") from None

    def cue_pairs(self, name: str) -> tuple[tuple[str, str], ...]:
        """The ``key=value`` entries of cue set ``name`` as pairs, in their order
        (cue:level-words ``省=province`` → ``("省", "province")``).

        Raises:
            OntologyError: no such cue set (E402), or an entry without ``=`` (E403).
        """
        pairs = []
        for entry in self.cue(name):
            key, sep, value = entry.partition("=")
            if not sep:
                raise OntologyError("E403", term=name, entry=entry)
            pairs.append((key, value))
        return tuple(pairs)

    def chain(self, code: str) -> list[RegionEntry]:
        """The region and its ancestors, lowest first (cached)."""
        cache = self.__dict__.setdefault("_chains", {})
        found = cache.get(code)
        if found is None:
            found = cache[code] = self._chain(code)
        return found

    def _chain(self, code: str) -> list[RegionEntry]:
        out = []
        entry = self.regions.get(code)
        while entry is not None:
            out.append(entry)
            entry = self.regions.get(entry.parent) if entry.parent else None
        return out


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def ending_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A regex of any of ``words`` at the end of a string, tried in the given order (a cue
    set lists the longer endings first).

    >>> ending_pattern(("工作机制", "机制")).sub("", "全岗通工作机制")
    '全岗通'
    """
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ")$")


def load_vocabulary(directory: str | None = None) -> Vocabulary:
    """Read every vocabulary file of the ontology into lookup tables (cached).

    ``directory`` defaults to the project's ontology folder; every spelling of one folder
    (None, relative, absolute) gives the same cached object.

    Raises:
        OntologyError: a file is missing or cannot be parsed.

    >>> load_vocabulary() is load_vocabulary(None) is load_vocabulary(str(ontology_dir()))
    True
    """
    return _load_vocabulary(str((Path(directory) if directory else ontology_dir()).resolve()))


@functools.lru_cache(maxsize=4)
def _load_vocabulary(directory: str) -> Vocabulary:
    files = ontology_files(Path(directory))
    key = _vocabulary_key(files)
    vocab = _kept_vocabulary(key)
    if vocab is None:
        vocab = _read_vocabulary(files)
        _keep_vocabulary(key, vocab)
    return vocab


# The tables are kept, pickled, in the user's cache folder, keyed by the ontology files and
# this module's source: building them from the Turtle files takes 0.2 s, reading them back
# 0.02 s, and every process that extracts (a build's workers, kg eval) needs them.
_VOCABULARY_FORMAT = b"cgkg.vocabulary.v1"
_VOCABULARIES_KEPT = 8


def vocabulary_cache_dir() -> Path:
    """Where parsed vocabularies are kept: ``$CGKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/cgkg``
    (``~/.cache/cgkg``)."""
    env = os.environ.get("CGKG_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cgkg"


def _vocabulary_key(files: list[Path]) -> str:
    digest = hashlib.sha256(_VOCABULARY_FORMAT + sys.version.encode())
    digest.update(Path(__file__).read_bytes())
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise OntologyError("E401", path=path, reason=exc) from exc
        digest.update(b"\0" + path.name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _kept_vocabulary(key: str) -> Vocabulary | None:
    """The vocabulary kept under ``key``, or None (none kept, or the file is damaged)."""
    try:
        data = (vocabulary_cache_dir() / f"vocabulary-{key[:40]}.pickle").read_bytes()
        vocab = pickle.loads(data)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, ValueError, IndexError):  # fmt: skip
        return None  # none kept, or damaged, or of another layout: build it afresh
    return vocab if isinstance(vocab, Vocabulary) else None


def _keep_vocabulary(key: str, vocab: Vocabulary) -> None:
    """Keep ``vocab`` under ``key`` (written to a temporary name, then renamed); a cache
    folder that cannot be written is no error."""
    folder = vocabulary_cache_dir()
    target = folder / f"vocabulary-{key[:40]}.pickle"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.write_bytes(pickle.dumps(vocab, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, target)
        kept = sorted(folder.glob("vocabulary-*.pickle"), key=lambda f: f.stat().st_mtime_ns)
        for old in kept[:-_VOCABULARIES_KEPT]:  # of ontologies since edited, other checkouts
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _read_vocabulary(files: list[Path]) -> Vocabulary:
    props: dict[str, dict[str, list[tuple[str, str | None]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for path in files:
        for quad in _parse(path):
            subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else None
            if subject is None:
                continue
            obj = quad.object
            if isinstance(obj, ox.Triple):
                continue
            lang = obj.language if isinstance(obj, ox.Literal) else None
            props[subject][quad.predicate.value].append((obj.value, lang))
    return _tables(props)


def _values(p: dict, prop: str, lang: str | None = "*") -> list[str]:
    # language tags are case-insensitive; pyoxigraph reports them in lower case
    want = lang.lower() if lang and lang != "*" else lang
    return [v for v, lg in p.get(prop, []) if want == "*" or (lg or None) == want]


def _first(p: dict, prop: str, lang: str | None = "*") -> str | None:
    vals = _values(p, prop, lang)
    return vals[0] if vals else None


def _tables(props: dict) -> Vocabulary:
    skos, cg = SKOS, _CGKG_URI
    regions, mechanisms, organs, cues = {}, {}, {}, {}
    generic: list[str] = []
    for iri, p in props.items():
        types = {_local(t) for t in _values(p, _RDF_TYPE)}
        if "Region" in types:
            code = _first(p, cg + "code") or _local(iri)
            level_iri = _first(p, cg + "level") or ""
            regions[code] = RegionEntry(
                code=code,
                name=_first(p, skos + "prefLabel", "zh-Hans") or code,
                level=LEVEL_NOTATIONS.get(_local(level_iri), "national"),
                parent=_local(_first(p, cg + "partOf") or "") or None,
                province=_local(_first(p, cg + "province") or "") or None,
                short_names=tuple(sorted(_values(p, cg + "shortName"))),
                abbreviations=tuple(sorted(_values(p, cg + "abbreviation"))),
                english=_first(p, skos + "prefLabel", "en"),
            )
        elif "Mechanism" in types:
            slug = _local(iri)
            mechanisms[slug] = MechanismEntry(
                slug=slug,
                label=_first(p, skos + "prefLabel", "zh-Hans") or slug,
                label_hant=_first(p, skos + "prefLabel", "zh-Hant"),
                label_en=_first(p, skos + "prefLabel", "en"),
                alt_labels=tuple(sorted(_values(p, skos + "altLabel", "zh-Hans"))),
                components=tuple(_values(p, cg + "component")),
                related=tuple(sorted(_local(r) for r in _values(p, skos + "related"))),
                marked_only=_first(p, cg + "matchOnlyWhenMarked") == "true",
                unmarked_labels=tuple(sorted(_values(p, cg + "unmarkedLabel", "zh-Hans"))),
            )
        elif "OrganType" in types:
            slug = _local(iri)
            organs[slug] = OrganEntry(
                slug=slug,
                label=_first(p, skos + "prefLabel", "zh-Hans") or slug,
                surfaces=tuple(sorted(set(_values(p, cg + "surface")), key=lambda s: (-len(s), s))),
                system=_local(_first(p, cg + "system") or ""),
                levels=tuple(
                    sorted(
                        LEVEL_NOTATIONS.get(_local(v), v) for v in _values(p, cg + "appliesToLevel")
                    )
                ),
                template=_first(p, cg + "nameTemplate") or "",
                alt_templates=tuple(sorted(_values(p, cg + "altNameTemplate"))),
            )
        if "CueSet" in types or _values(p, cg + "genericAgencyTerm"):
            words = (
                _values(p, cg + "word") + _values(p, cg + "headingCue") + _values(p, cg + "pattern")
            )
            if iri.startswith(BASE + "cue/"):
                cues[_local(iri)] = tuple(words)
            generic.extend(_values(p, cg + "genericAgencyTerm"))
    by_name: dict[str, list[str]] = defaultdict(list)
    for code, region in regions.items():
        by_name[region.name].append(code)
    term_labels: dict[str, dict[str, str]] = {}
    for iri, p in props.items():
        if iri.startswith(_CGKG_URI):
            # the short label wins; languages are lower case, as pyoxigraph reports them
            for prop in (cg + "shortLabel", _RDFS_LABEL):
                for value, lang in p.get(prop, []):
                    term_labels.setdefault(iri, {}).setdefault(lang or "", value)
    labels: dict[str, str] = {}
    for slug, mechanism in sorted(mechanisms.items()):
        for label in (mechanism.label, *mechanism.alt_labels):
            labels.setdefault(label, slug)
    return Vocabulary(
        regions=regions,
        mechanisms=mechanisms,
        organs=organs,
        generic_agencies=tuple(sorted(set(generic), key=lambda s: (-len(s), s))),
        cues=cues,
        region_names={k: tuple(sorted(v)) for k, v in by_name.items()},
        mechanism_labels=labels,
        term_labels=term_labels,
    )
