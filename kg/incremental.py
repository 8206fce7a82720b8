"""What one build leaves for the next: its manifest, and files spliced from the old ones.

Each build folder holds ``manifest.json``: the fingerprint of the extractor and, for each
document graph in its store, the cache key it was built from, the file it was read from
with that file's signature, and where its bytes lie in ``records.jsonl`` and ``graph.trig``.
The next build copies the store (a RocksDB checkpoint: hard links) and replaces only the
graphs whose key changed. A file whose signature is unchanged is not even read: its record
and TriG are copied from the previous build's files (:class:`SplicedFile`), the way ``git``
and ``make`` trust a file's size and times.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.cache import cache_key
from kg.store import RECORDS_FILE, TRIG_FILE

__all__ = [
    "MANIFEST_FILE",
    "RACY_NS",
    "Entry",
    "Manifest",
    "SplicedFile",
    "file_signature",
]

MANIFEST_FILE = "manifest.json"
_FORMAT = 2  # of manifest.json


@dataclass(frozen=True)
class Entry:
    """One document of a build, as its manifest keeps it.

    Besides the cache key and quad count, the manifest notes the file the document was read
    from with its *signature* (size, modification and change times, inode), what the build
    report says of it, and where its bytes lie in ``records.jsonl`` and ``graph.trig``. The
    next build takes a file whose signature is unchanged from those ranges, without reading
    the file or its cache entry.
    """

    id: str
    key: str
    quads: int
    path: str = ""
    signature: tuple[int, ...] = ()
    sha256: str = ""
    chars: int = 0
    adoptions: int = 0
    warnings: tuple[str, ...] = ()
    records: tuple[int, int] = (0, 0)  # offset and length in records.jsonl
    trig: tuple[int, int] = (0, 0)  # in graph.trig

    def to_json(self) -> list:
        """The entry as the manifest keeps it: a list, which reads back faster than a dict."""
        return [
            self.key,
            self.quads,
            self.path,
            list(self.signature),
            self.sha256,
            self.chars,
            self.adoptions,
            list(self.warnings),
            *self.records,
            *self.trig,
        ]

    @classmethod
    def from_json(cls, doc_id: str, data: list) -> Entry:
        """The entry of ``to_json``'s list.

        Raises:
            ValueError, TypeError: the list is not one ``to_json`` makes.
        """
        key, quads, path, signature, sha256, chars, adoptions, warnings, *spans = data
        records_at, records_size, trig_at, trig_size = map(int, spans)
        if min(records_at, records_size, trig_at, trig_size) < 0:
            raise ValueError("negative range")
        return cls(
            doc_id,
            str(key),
            int(quads),
            str(path),
            tuple(map(int, signature)),
            str(sha256),
            int(chars),
            int(adoptions),
            tuple(map(str, warnings)),
            (records_at, records_size),
            (trig_at, trig_size),
        )

    def moved(self, records: tuple[int, int], trig: tuple[int, int]) -> Entry:
        """This entry with its bytes at ``records`` and ``trig`` in the new build's files
        (``dataclasses.replace`` takes five times as long, 10,000 times a rebuild)."""
        return Entry(
            self.id,
            self.key,
            self.quads,
            self.path,
            self.signature,
            self.sha256,
            self.chars,
            self.adoptions,
            self.warnings,
            records,
            trig,
        )


def file_signature(info: os.stat_result) -> tuple[int, ...]:
    """What tells a changed file from an unchanged one without reading it, as ``git`` and
    ``make`` do: size, modification and change times (ns) and inode. Writing a file always
    changes its change time, which no tool can set back."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# A file modified this close to the start of the build that read it may have changed again
# within the same timestamp tick (one or two seconds on some file systems): it is read again.
RACY_NS = 2_000_000_000


@dataclass
class Manifest:
    """The documents in one build's store, by id (see :class:`Entry`).

    ``keys`` is the fingerprint the cache keys were made with, ``max_bytes`` the size limit
    of that build, ``started`` when it began (ns since the epoch), and ``sizes`` the lengths
    of its ``records.jsonl`` and ``graph.trig``: ranges are only copied from files of those
    sizes.
    """

    fingerprint: str
    documents: dict[str, Entry]
    ontology_quads: int = 0
    keys: str = ""
    max_bytes: int = 0
    started: int = 0
    sizes: tuple[int, int] = (0, 0)

    @classmethod
    def read(cls, build: Path) -> Manifest | None:
        """The manifest of build folder ``build``, or None (an older build, or damaged)."""
        try:
            data = json.loads((Path(build) / MANIFEST_FILE).read_text(encoding="utf-8"))
            if data["format"] != _FORMAT:
                return None
            docs = {doc: Entry.from_json(doc, entry) for doc, entry in data["documents"].items()}
            return cls(
                data["fingerprint"],
                docs,
                int(data["ontology_quads"]),
                str(data["keys"]),
                int(data["max_bytes"]),
                int(data["started"]),
                (int(data["sizes"][0]), int(data["sizes"][1])),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def write(self, build: Path) -> None:
        data = {
            "format": _FORMAT,
            "fingerprint": self.fingerprint,
            "ontology_quads": self.ontology_quads,
            "keys": self.keys,
            "max_bytes": self.max_bytes,
            "started": self.started,
            "sizes": list(self.sizes),
            "documents": {doc: entry.to_json() for doc, entry in self.documents.items()},
        }
        (Path(build) / MANIFEST_FILE).write_text(
            json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )

    @property
    def quads(self) -> int:
        return self.ontology_quads + sum(entry.quads for entry in self.documents.values())

    def reusable(self, build: Path, *, keys: str, max_bytes: int) -> bool:
        """Whether a build whose cache keys are made with ``keys`` and whose size limit is
        ``max_bytes`` can take documents from ``build`` by their ranges: the same keys and
        limit as here, and ``build``'s records and TriG still of the sizes noted here."""
        if keys != self.keys or max_bytes != self.max_bytes:
            return False
        try:
            found = ((build / RECORDS_FILE).stat().st_size, (build / TRIG_FILE).stat().st_size)
        except OSError:
            return False
        return found == self.sizes

    def mostly_changed(self, present: Mapping[str, Path], *, keys: str, max_bytes: int) -> bool:
        """Whether half or more of this build's documents are gone from ``present`` (the next
        build's documents, path by id) or changed, for a build whose cache keys are made with
        ``keys`` and whose size limit is ``max_bytes``.

        Replacing a graph in the copied store removes its old quads first, which costs about
        as much a quad as loading it (10 µs): past half the corpus, a new store bulk loaded
        from the record cache is cheaper. Changes are counted on a sample of at most ~256
        files, by signature and then by cache key (a file only touched is not changed); the
        documents gone are counted whole (a corpus moved or renamed: every id or key differs).
        """
        gone = sum(1 for doc_id in self.documents if doc_id not in present)
        sample = [(doc_id, path) for doc_id, path in present.items() if doc_id in self.documents]
        sample = sample[:: max(1, len(sample) // 256)]
        # a signature vouches for a file only under the same key fingerprint and size limit (a
        # build with --validate after one without keys every document anew)
        same_keys = (self.keys, self.max_bytes) == (keys, max_bytes)
        changed = 0
        for doc_id, path in sample:
            try:
                info = os.stat(os.fsencode(path))
            except OSError:
                changed += 1  # unreadable now: its graph goes
                continue
            if not same_keys or self.unchanged(doc_id, path, info) is None:
                key = cache_key(
                    path, doc_id=doc_id, max_bytes=max_bytes, fingerprint=keys, info=info
                )
                changed += key != self.documents[doc_id].key
        estimate = gone + (changed / len(sample) * (len(self.documents) - gone) if sample else 0)
        return 2 * estimate >= len(self.documents) > 0

    def unchanged(self, doc_id: str, path: Path, info: os.stat_result) -> Entry | None:
        """The entry of document ``doc_id`` when ``path`` is the file it was built from and
        its signature shows no change since; None when it must be read.

        A file whose modification time is within :data:`RACY_NS` of the start of the build
        that noted it is read again: it may have changed in the same timestamp tick.
        """
        entry = self.documents.get(doc_id)
        if (
            entry is None
            or not entry.signature
            or entry.path != os.fsdecode(path)
            or entry.signature != file_signature(info)
            or info.st_mtime_ns >= self.started - RACY_NS
        ):
            return None
        return entry


class SplicedFile:
    """A file written from new bytes and from ranges of an older file (the previous build's
    ``records.jsonl`` or ``graph.trig``), with the offset of each piece.

    Adjacent ranges are copied in one call, in the kernel where the file system allows
    (``os.copy_file_range``), so the unchanged documents of a large build cost one copy of
    their bytes and no parsing. The caller keeps each piece's offset and length.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "old").write_bytes(b"abcdef")
    >>> with SplicedFile(folder / "new", source=folder / "old") as out:
    ...     out.copy(0, 2), out.write(b"XY"), out.copy(2, 2), out.copy(4, 2)
    ((0, 2), (2, 2), (4, 2), (6, 2))
    >>> (folder / "new").read_bytes()
    b'abXYcdef'
    """

    _BUFFER = 1 << 16

    def __init__(self, path: Path, *, source: Path | None = None) -> None:
        self.file = open(path, "wb", buffering=0)  # noqa: SIM115 - closed by close()
        self.source = open(source, "rb", buffering=0) if source is not None else None  # noqa: SIM115
        self.size = 0
        self._pieces: list[bytes] = []
        self._buffered = 0
        self._run: tuple[int, int] | None = None  # a range of the source not yet copied

    def __enter__(self) -> SplicedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, data: bytes) -> tuple[int, int]:
        """Append ``data``; its offset and length in the file."""
        self._copy()
        start = self.size
        self._pieces.append(data)
        self._buffered += len(data)
        self.size += len(data)
        if self._buffered >= self._BUFFER:
            self._flush()
        return start, len(data)

    def copy(self, offset: int, length: int) -> tuple[int, int]:
        """Append ``length`` bytes of the source from ``offset``; their offset and length here."""
        if self.source is None:
            raise ValueError("no source file to copy from")
        start = self.size
        self.size += length
        if self._run is not None and sum(self._run) == offset:
            self._run = (self._run[0], self._run[1] + length)
        else:
            self._copy()
            self._run = (offset, length)
        return start, length

    def _flush(self) -> None:
        if self._pieces:
            _write_all(self.file.fileno(), b"".join(self._pieces))
            self._pieces, self._buffered = [], 0

    def _copy(self) -> None:
        if self._run is None:
            return
        assert self.source is not None
        (offset, length), self._run = self._run, None
        self._flush()
        source, target = self.source.fileno(), self.file.fileno()
        while length > 0:
            try:
                done = os.copy_file_range(source, target, length, offset)
            except (AttributeError, OSError):  # not Linux, or across file systems
                done = 0
            if done == 0:
                data = os.pread(source, min(length, 16 << 20), offset)
                if not data:
                    raise OSError(f"{self.source.name} is shorter than its manifest says")
                _write_all(target, data)
                done = len(data)
            offset, length = offset + done, length - done

    def close(self) -> None:
        try:
            self._copy()
            self._flush()
        finally:
            self.file.close()
            if self.source is not None:
                self.source.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
