"""The record cache behind incremental builds.

A graph folder keeps, under ``cache/``, the record and the TriG fragment of every document
it has built, keyed by the document's content: the SHA-256 of the file bytes, the path it
was read from, and the *fingerprint* of everything else that shapes a record (extractor
version, ontology files, ``pipeline.cfg`` and the source of the stages that make records and
quads). A document whose key is in the cache is not extracted again.

What a build leaves for the next besides the cache is in :mod:`kg.incremental`.

>>> import tempfile
>>> cache = RecordCache(Path(tempfile.mkdtemp()))
>>> cache.get("0" * 64) is None
True
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.extract import EXTRACTOR_VERSION, PIPELINE_CONFIG
from kg.rdf import PREFIXES, ontology_quads, record_to_trig
from kg.read import read_bounded
from kg.record import DocumentRecord
from kg.vocab import ontology_dir

__all__ = [
    "CACHE_DIR",
    "CachedDocument",
    "RecordCache",
    "build_fingerprint",
    "cache_key",
    "keys_fingerprint",
    "trig_fragment",
    "ontology_fragment",
]

CACHE_DIR = "cache"
_KG = Path(__file__).resolve().parent
_CACHE_FORMAT = b"cgkg.cache.v4\0"
_CODE = ("read.py", "html.py", "record.py", "rdf.py", "vocab.py", "build.py")


def build_fingerprint() -> str:
    """A hash of everything besides the file that decides a document's record and quads.

    The extractor version, every ontology file, ``pipeline.cfg`` and the source of the
    reading, extraction and RDF stages: when any changes, every document is built afresh.
    """
    digest = hashlib.sha256(EXTRACTOR_VERSION.encode())
    files = sorted(ontology_dir().glob("*.ttl")) + [Path(PIPELINE_CONFIG)]
    files += sorted((_KG / "extract").glob("*.py")) + [_KG / name for name in _CODE]
    for path in files:
        digest.update(b"\0" + path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def keys_fingerprint(fingerprint: str, *, shacl: bool) -> str:
    """The fingerprint cache keys are made with: builds that check the shapes keep entries
    apart from those that do not (a document that fails them is never cached)."""
    return fingerprint + ("+shacl" if shacl else "")


def cache_key(
    path: Path,
    *,
    doc_id: str,
    max_bytes: int,
    fingerprint: str,
    info: os.stat_result | None = None,
) -> str | None:
    """The cache key of document ``path`` (id ``doc_id``), or None when it is not a readable
    regular file.

    The id is part of the key: a corpus manifest that gives a file another id makes its
    record anew. None sends the file to extraction, which reports what is wrong with it; a
    FIFO is never opened here, so it cannot block. ``info`` is the file's ``os.stat``, when
    already taken.
    """
    name = os.fsencode(path)
    try:
        info = info or os.stat(name)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        data = read_bounded(name, info.st_size, max_bytes)
    except OSError:
        return None
    if len(data) > max_bytes:
        return None
    digest = hashlib.sha256(_CACHE_FORMAT + fingerprint.encode())
    digest.update(b"\0" + name + b"\0" + doc_id.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def trig_fragment(quads: Iterable[ox.Quad]) -> bytes:
    """``quads`` as TriG: one piece of ``graph.trig`` (the pieces are concatenated)."""
    data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    assert data is not None  # no output file: the bytes are returned
    return data


def ontology_fragment(
    cache: RecordCache | None = None, *, fingerprint: str | None = None
) -> tuple[bytes, int]:
    """The ontology (default graph) as TriG, and its number of quads.

    With a ``cache``, it is kept there under the build ``fingerprint`` (computed when not
    given), so a rebuild reads it instead of parsing and writing the ontology again.
    """
    fingerprint = fingerprint or build_fingerprint()
    if cache is None:
        return _ontology_fragment(fingerprint)
    kept = cache.get_ontology(fingerprint)
    if kept is None:
        kept = _ontology_fragment(fingerprint)
        cache.put_ontology(fingerprint, *kept)
    return kept


@functools.lru_cache(maxsize=1)
def _ontology_fragment(fingerprint: str) -> tuple[bytes, int]:  # read again when files change
    quads = list(dict.fromkeys(ontology_quads()))  # a triple stated in two files once
    return trig_fragment(quads), len(quads)


@dataclass(frozen=True)
class CachedDocument:
    """A built document as the store writer needs it, and as the cache keeps it.

    The record is kept as its JSON line (what ``records.jsonl`` holds) and its quads as a
    TriG fragment, so a cached document is written out without being parsed again.
    """

    id: str
    sha256: str
    record_json: str
    chars: int
    quads: int
    fragment: bytes
    adoptions: int = 0
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, record: DocumentRecord, *, chars: int) -> CachedDocument:
        """The document of ``record``: its JSON line and its graph written as TriG.

        Raises:
            ValueError: an IRI minted from the record is not a valid IRI.
        """
        fragment, count = record_to_trig(record)
        return cls(
            record.id,
            record.sha256,
            record.to_json(),
            chars,
            count,
            fragment,
            len(record.adoptions),
            tuple(record.warnings),
        )

    @property
    def record(self) -> DocumentRecord:
        return DocumentRecord.from_json(self.record_json)

    def to_quads(self) -> Iterator[ox.Quad]:
        """The quads of the fragment (parsed by pyoxigraph, faster than making them again)."""
        return ox.parse(self.fragment, format=ox.RdfFormat.TRIG)


class RecordCache:
    """Records and TriG fragments on disk, one file per key (``cache/ab/abcd….entry``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._made: set[Path] = set()  # folders known to exist

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.entry"

    def get(self, key: str) -> CachedDocument | None:
        """The document cached under ``key``, or None (also when an entry is damaged)."""
        try:
            data = self._path(key).read_bytes()
            head, _, fragment = data.partition(b"\n")
            meta = json.loads(head)
            if len(fragment) != int(meta["fragment"]):
                return None  # cut short
            return CachedDocument(
                meta["id"],
                meta["sha256"],
                meta["record"],
                int(meta["chars"]),
                int(meta["quads"]),
                fragment,
                int(meta["adoptions"]),
                tuple(meta["warnings"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, document: CachedDocument) -> None:
        """Store ``document`` under ``key``; written to a temporary name, then renamed.

        One file per entry: a JSON line (the record and what the outcome needs), then the
        TriG fragment.
        """
        meta = {
            "id": document.id,
            "sha256": document.sha256,
            "chars": document.chars,
            "quads": document.quads,
            "adoptions": document.adoptions,
            "warnings": document.warnings,
            "fragment": len(document.fragment),
            "record": document.record_json,
        }
        head = json.dumps(meta, ensure_ascii=False).encode()
        self._write(self._path(key), head + b"\n" + document.fragment)

    def _write(self, target: Path, data: bytes) -> None:
        """Write ``data`` to a temporary name next to ``target``, then rename it: a reader
        never sees half a file."""
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    def _ontology_path(self, fingerprint: str) -> Path:
        return self.folder / f"ontology-{fingerprint[:32]}.trig"

    def get_ontology(self, fingerprint: str) -> tuple[bytes, int] | None:
        """The ontology's TriG and quad count kept for ``fingerprint``, or None."""
        try:
            head, _, fragment = self._ontology_path(fingerprint).read_bytes().partition(b"\n")
            count, size = map(int, head.split())
        except (OSError, ValueError):
            return None
        return (fragment, count) if len(fragment) == size else None

    def put_ontology(self, fingerprint: str, fragment: bytes, count: int) -> None:
        self._write(
            self._ontology_path(fingerprint), f"{count} {len(fragment)}\n".encode() + fragment
        )

    def prune(self, keep: set[str], *, fingerprint: str | None = None) -> int:
        """Remove the entries whose key is not in ``keep``, and the kept ontologies of
        fingerprints other than ``fingerprint``; returns how many entries were removed."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        if fingerprint is not None:
            current = self._ontology_path(fingerprint)
            for old in self.folder.glob("ontology-*.trig"):
                if old != current:
                    old.unlink(missing_ok=True)
        for shard in os.scandir(self.folder):  # not glob: 10,000 entries in 256 folders
            if not shard.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(shard.path):
                key = entry.name.split(".", 1)[0]
                if entry.name.startswith(".") or key not in keep:
                    Path(entry.path).unlink(missing_ok=True)
                    removed += entry.name.endswith(".entry")
        return removed
