"""Read a document: bytes -> decoded ``original`` -> normalised ``text`` with an offset map.

Extraction works on ``text``; ``starts[i]`` and ``ends[i]`` give the range of ``original``
(the decoded file, in characters) that normalised character ``i`` comes from, so every span
found in ``text`` can be cited in the file. The steps, each tracked in the map: decode, strip
HTML, drop pinyin artefacts, traditional -> simplified (OpenCC), unify punctuation.

>>> doc = read_bytes("社區(qū)治理\\r\\n".encode("utf-8"))
>>> doc.text, doc.script
('社区治理\\n', 'traditional+pinyin')
>>> doc.to_original(0, 4)
(0, 8)
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import charset_normalizer
import opencc

from kg.errors import ReadError, warning_text
from kg.html import looks_like_html, rewrite, strip_html

__all__ = [
    "TRADITIONAL_SHARE",
    "Normalised",
    "Text",
    "decode_bytes",
    "index_range",
    "normalise",
    "normalise_text",
    "read_bounded",
    "read_bytes",
    "read_file",
]

TRADITIONAL_SHARE = 0.02
"""A text is traditional when OpenCC ``t2s`` changes more than this share of its CJK chars."""

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")

# --- decoding ----------------------------------------------------------------------------
_BINARY_MAGIC = {
    b"%PDF-": "PDF document",
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "old Microsoft Office file (.doc/.xls)",
}
_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# Three UTF-8 encoded CJK characters in a row: never seen by chance in GBK or Big5 text,
# so a file that is not valid UTF-8 but contains them mixes two encodings.
_UTF8_CJK_RUN = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){3}")
_PINYIN_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_UNEXPECTED = re.compile(  # characters that Chinese government text rarely contains
    "[^\t\n\r\f\x20-\x7e\xa0\xa7\xb0\xb1\xb7\xd7\xf7"
    + _PINYIN_VOWELS
    + _CJK
    + "\u2000-\u206f\u2100-\u21ff\u2460-\u24ff\u25a0-\u25ff\u3000-\u303f\u3200-\u32ff"
    + "\ufe30-\ufe4f\uff00-\uffef]"
)


def _binary_kind(data: bytes) -> str | None:
    kind = next((k for magic, k in _BINARY_MAGIC.items() if data.startswith(magic)), None)
    for folder, office in ((b"word/", "Word .docx document"), (b"xl/", "Excel .xlsx workbook")):
        if kind == "ZIP archive" and folder in data[:65536]:
            return f"{office}, a ZIP archive"
    return kind


@cache
def _is_common_hanzi(char: str) -> bool:
    """True for the 3,755 common hanzi of GB 2312 level 1, or a traditional form of one."""
    forms = (char, _char_to_simplified(char))
    return any(0xB0 <= form.encode("gb2312", errors="replace")[0] <= 0xD7 for form in forms)


def _looks_chinese(text: str) -> bool:
    """True when ``text`` reads like Chinese or ASCII text rather than mojibake."""
    sample = text[:200_000]
    if not sample or len(_UNEXPECTED.findall(sample)) > 0.05 * len(sample):
        return False
    counts = Counter(_CJK_CHAR.findall(sample))
    common = sum(n for char, n in counts.items() if _is_common_hanzi(char))
    return common + 1 >= 0.8 * (sum(counts.values()) + 1)


def decode_bytes(data: bytes, *, path: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode a file's bytes; return ``(original, encoding, warnings)``.

    Tries, in order: a BOM, UTF-16 told by its NUL bytes, strict UTF-8, strict GB18030 (which
    covers GBK and GB2312), then charset-normalizer (warning W102). All but BOM and UTF-8
    results are kept only if they read like Chinese, so mixed or unknown encodings fail
    instead of turning into mojibake. A truncated character at the very end is dropped (W101).

    Raises:
        ReadError: E101 empty, E102 binary, E103 encoding unknown or mixed.

    >>> decode_bytes("社区".encode("gbk"))
    ('社区', 'gb18030', ())
    >>> try:
    ...     decode_bytes(b"%PDF-1.7 ...", path="a.pdf")
    ... except ReadError as error:
    ...     print(error.code, error.fields["kind"])
    E102 PDF document
    """
    where = "<bytes>" if path is None else path
    data = bytes(data)
    if not data:
        raise ReadError("E101", path=where)
    if kind := _binary_kind(data):
        raise ReadError("E102", path=where, kind=kind)
    bom = next((entry for entry in _BOMS if data.startswith(entry[0])), None)
    if bom is not None:
        attempts = [(bom[1], bom[2], data[len(bom[0]) :])]
    elif b"\x00" in data:  # ASCII in UTF-16 has a NUL in every other byte
        sample = data[:8192]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        # Without ASCII the NULs come from hanzi such as 一 (U+4E00) and tell little, so both
        # byte orders are tried, the likelier first; each must read like Chinese.
        order = ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")
        attempts = [(codec, codec, data) for codec in order]
    else:
        attempts = [("utf-8", "utf-8", data), ("gb18030", "gb18030", data)]
    for codec, name, payload in attempts:
        if codec == "gb18030" and _UTF8_CJK_RUN.search(data):
            raise ReadError("E103", path=where)  # not UTF-8, yet it holds UTF-8 text
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            original = decoder.decode(payload, final=False)
        except UnicodeDecodeError:
            continue
        if not original:
            raise ReadError("E103" if payload else "E101", path=where)
        if bom is None and codec != "utf-8" and not _looks_chinese(original):
            continue
        dropped = len(decoder.getstate()[0])  # bytes of a truncated last character
        warnings = (warning_text("W101", path=where, count=dropped),) if dropped else ()
        return original, name, warnings
    if bom is None and b"\x00" in data:
        raise ReadError("E102", path=where, kind="data with NUL bytes, not UTF-16 text")
    best = None if bom else charset_normalizer.from_bytes(data).best()
    if best is not None and _looks_chinese(guess := str(best)):
        name = codecs.lookup(best.encoding).name
        return guess, name, (warning_text("W102", path=where, encoding=name),)
    raise ReadError("E103", path=where)


# --- the offset map ------------------------------------------------------------------------
_COUNTING: dict[str, array] = {}  # per type code: 0, 1, 2, … (slices of it are copied fast)
_COUNTING_MAX = 1 << 20  # longer ranges are made directly and not kept


def index_range(start: int, stop: int, *, typecode: str = "q") -> array:
    """``array(typecode, range(start, stop))``, copied from a cached counting array.

    Offset maps start as the identity; making one from a ``range`` costs about 50 ns per
    character, copying a slice almost nothing.

    >>> index_range(2, 5)
    array('q', [2, 3, 4])
    """
    if stop > _COUNTING_MAX:
        return array(typecode, range(start, stop))
    counting = _COUNTING.get(typecode)
    if counting is None or len(counting) < stop:
        size = min(_COUNTING_MAX, max(stop, 2 * len(counting or ()), 4096))
        counting = _COUNTING[typecode] = array(typecode, range(size))
    return counting[start:stop]


# --- pinyin artefacts ----------------------------------------------------------------------
# a bracketed syllable; it is pinyin noise only right after a CJK character, which is checked
# apart: a look-behind would be tried at every position of the text, at four times the cost
_PINYIN_GROUP = re.compile(f"[(（]([a-z{_PINYIN_VOWELS}]{{1,6}})[)）]")
_TONE_MARKS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ", "aaaaeeeeiiiioooouuuuüüüü")
_FINALS = (
    "a ai an ang ao e ei en eng er i ia ian iang iao ie in ing iong iu o ong ou"
    " u ua uai uan uang ue ui un uo ü üan üe ün"
).split()
_SYLLABLE = re.compile(
    "(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?(?:" + "|".join(sorted(_FINALS, key=len, reverse=True)) + ")"
)


def _is_toned_syllable(letters: str) -> bool:
    """True for one pinyin syllable with a tone mark, such as ``qū`` or ``xiāng``."""
    plain = letters.translate(_TONE_MARKS)
    return plain != letters and _SYLLABLE.fullmatch(plain) is not None


# --- traditional -> simplified -------------------------------------------------------------
_T2S = opencc.OpenCC("t2s")


@cache
def _char_to_simplified(char: str) -> str:
    return _T2S.convert(char)


def _looks_traditional(text: str) -> bool:
    """More than TRADITIONAL_SHARE of the CJK characters change under t2s.

    Long texts are judged on their first and last 20,000 characters: the script of a
    document does not change in its middle, and this keeps the check fast.
    """
    sample = text if len(text) <= 40_000 else text[:20_000] + text[-20_000:]
    converted = _T2S.convert(sample)
    if len(converted) != len(sample):  # never seen; fall back to counting char by char
        changed = sum(1 for ch in _CJK_CHAR.findall(sample) if _char_to_simplified(ch) != ch)
    else:
        changed = _count_changed(sample, converted)
    cjk = len(sample) - len(_CJK_RUN.sub("", sample))  # without a str per CJK char
    return changed > TRADITIONAL_SHARE * cjk


def _count_changed(before: str, after: str, *, block: int = 256) -> int:
    """At how many positions two strings of the same length differ.

    Blocks that are equal (nearly all of them when simplified text goes through t2s) are
    compared whole; only the others char by char.
    """
    changed = 0
    for i in range(0, len(before), block):
        old, new = before[i : i + block], after[i : i + block]
        if old != new:
            changed += sum(map(str.__ne__, old, new))
    return changed


def _phrase_unit(run: str, converted: str, k: int) -> tuple[int, int]:
    """The smallest window around ``run[k]`` that OpenCC converts as in the whole run."""
    for size in range(2, 9):
        for a in range(max(0, k - size + 1), min(k, len(run) - size) + 1):
            if _T2S.convert(run[a : a + size]) == converted[a : a + size]:
                return a, a + size
    return 0, len(run)


def _to_simplified(text: str, starts: array, ends: array) -> tuple[str, array, array]:
    """Convert runs of CJK chars with OpenCC ``t2s``; ``starts`` and ``ends`` change in place.

    t2s keeps the length, so the map stays one to one, except that OpenCC converts
    phrase-wise (``計畫`` -> ``计划``, but ``畫`` alone -> ``画``): where its output differs from
    converting char by char, the phrase becomes one unit of the map (each of its chars maps to
    the whole phrase), so that no span can cut it silently.
    """
    parts: list[str] = []
    position = 0
    for match in _CJK_RUN.finditer(text):
        run, base = match.group(), match.start()
        converted, by_char = _T2S.convert(run), "".join(map(_char_to_simplified, run))
        if converted == by_char == run or not len(converted) == len(by_char) == len(run):
            continue  # nothing to do, or a change of length (never seen with t2s): keep the run
        parts += (text[position:base], converted)
        position = match.end()
        units: list[tuple[int, int]] = []
        for k in range(len(run)) if converted != by_char else ():
            if converted[k] == by_char[k] or (units and k < units[-1][1]):
                continue
            a, b = _phrase_unit(run, converted, k)
            while units and a < units[-1][1]:
                a, b = min(a, units[-1][0]), max(b, units.pop()[1])
            units.append((a, b))
        for a, b in units:
            starts[base + a : base + b] = array("q", [starts[base + a]]) * (b - a)
            ends[base + a : base + b] = array("q", [ends[base + b - 1]]) * (b - a)
    return "".join(parts) + text[position:], starts, ends


# --- punctuation ---------------------------------------------------------------------------
_PUNCTUATION: dict[str, str] = {
    **{chr(0xFF10 + k): chr(0x30 + k) for k in range(10)},
    **{chr(0xFF21 + k): chr(0x41 + k) for k in range(26)},
    **{chr(0xFF41 + k): chr(0x61 + k) for k in range(26)},
    **dict(zip("＋－／（）［］％．「」『』", "+-/()[]%.“”‘’", strict=True)),
    **dict.fromkeys([*"\xa0\u1680\u202f\u205f\u3000", *map(chr, range(0x2000, 0x200B))], " "),
    **dict.fromkeys("\u200b\u2060\ufeff", ""),  # zero-width junk of web pages
}
_PUNCTUATION_CHAR = re.compile("[\r" + "".join(_PUNCTUATION) + "]")


def _unify_punctuation(text: str, starts: array, ends: array) -> tuple[str, array, array]:
    edits = []
    for match in _PUNCTUATION_CHAR.finditer(text):
        char, k = match.group(), match.start()
        if char == "\r":  # CRLF -> LF deletes the CR; a lone CR becomes LF
            edits.append((k, k + 1, "" if text.startswith("\n", k + 1) else "\n"))
        else:
            edits.append((k, k + 1, _PUNCTUATION[char]))
    return rewrite(text, starts, ends, edits)


# --- the pipeline --------------------------------------------------------------------------
class Normalised(NamedTuple):
    """What :func:`normalise` makes of a string; ``starts``/``ends`` index that string."""

    text: str
    starts: array
    ends: array
    format: str
    script: str


def normalise(
    original: str, *, html: bool | None = None, traditional: bool | None = None
) -> Normalised:
    """Normalise decoded text and map each output char back to ``original``.

    ``html`` and ``traditional`` are detected when ``None``: HTML by a doctype, ``<html>`` or
    ``<body>`` tag or a density of tags; traditional script when OpenCC changes more than
    :data:`TRADITIONAL_SHARE` of the CJK characters. Simplified text is never converted.

    >>> n = normalise("<p>社區(qū)</p><p>治理&amp;服務</p>")
    >>> n.text, n.format, n.script
    ('社区\\n治理&服务', 'html', 'traditional+pinyin')
    >>> n.starts[5], n.ends[5]  # `&` comes from `&amp;`
    (18, 23)
    """
    is_html = looks_like_html(original) if html is None else html
    if is_html:
        text, starts, ends = strip_html(original)
    else:
        text = original
        starts, ends = index_range(0, len(text)), index_range(1, len(text) + 1)
    pinyin = [
        m.span()
        for m in _PINYIN_GROUP.finditer(text)
        if m.start() and _CJK_CHAR.match(text, m.start() - 1) and _is_toned_syllable(m[1])
    ]
    text, starts, ends = rewrite(text, starts, ends, [(a, b, "") for a, b in pinyin])
    convert = _looks_traditional(text) if traditional is None else traditional
    if convert:
        text, starts, ends = _to_simplified(text, starts, ends)
    text, starts, ends = _unify_punctuation(text, starts, ends)
    script = ("traditional+pinyin" if pinyin else "traditional") if convert else "simplified"
    return Normalised(text, starts, ends, "html" if is_html else "text", script)


def normalise_text(s: str, *, html: bool | None = None, traditional: bool | None = None) -> str:
    """Just the normalised string of :func:`normalise`.

    >>> normalise_text("街道吹哨、部門報到（試行）\\u3000ＡＢ")
    '街道吹哨、部门报到(试行) AB'
    """
    return normalise(s, html=html, traditional=traditional).text


@dataclass(frozen=True, slots=True, repr=False)
class Text:
    """A read document: the decoded file, the normalised text and the map between them.

    ``starts[i]``/``ends[i]`` is the range of ``original`` that ``text[i]`` comes from.
    Characters that were dropped (tags, pinyin artefacts, CR of CRLF) belong to no char.
    An OpenCC phrase or an HTML entity is one unit: all its chars share one range.
    """

    path: str | None
    original: str
    text: str
    starts: array
    ends: array
    encoding: str
    format: str
    script: str
    warnings: tuple[str, ...] = ()
    sha256: str | None = None  # of the bytes it was read from

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``text[start:end]`` to a span of ``original``.

        Raises:
            ValueError: the span is not inside ``text``.

        >>> doc = read_bytes("<p>社區(qū)&amp;養(yǎng)老</p>".encode())
        >>> doc.text, doc.to_original(0, 2), doc.to_original(2, 3)
        ('社区&养老', (3, 5), (9, 14))
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside a text of {len(self.text)} chars")
        if start == end:  # a point: where the next char starts, or where the last one ends
            if start < len(self.text):
                return self.starts[start], self.starts[start]
            point = self.ends[start - 1] if start else 0
            return point, point
        return self.starts[start], self.ends[end - 1]

    def __hash__(self) -> int:
        return hash((self.path, self.original, self.encoding))

    def __repr__(self) -> str:
        return (
            f"Text(path={self.path!r}, encoding={self.encoding!r}, format={self.format!r},"
            f" script={self.script!r}, chars={len(self.text)}, warnings={len(self.warnings)})"
        )


def read_bytes(data: bytes, *, path: str | None = None, html: bool | None = None) -> Text:
    """Decode and normalise a document's bytes.

    ``html=None`` treats ``.htm``/``.html`` paths as HTML and detects it otherwise.

    Raises:
        ReadError: see :func:`decode_bytes`.

    >>> read_bytes(codecs.BOM_UTF16_LE + "社区治理".encode("utf-16-le"))
    Text(path=None, encoding='utf-16-le', format='text', script='simplified', chars=4, warnings=0)
    """
    original, encoding, warnings = decode_bytes(data, path=path)
    if html is None and path is not None and path.lower().endswith((".htm", ".html")):
        html = True
    parts = normalise(original, html=html)
    digest = hashlib.sha256(data).hexdigest()
    return Text(path, original, *parts[:3], encoding, parts.format, parts.script, warnings, digest)


def read_bounded(name: str | bytes, size: int, max_bytes: int) -> bytes:
    """The bytes of file ``name``, measured at ``size``, and at most ``max_bytes`` + 1 of them.

    ``file.read(n)`` makes a buffer of ``n`` bytes first: asking for the size measured
    (plus one, to see growth) instead of ``max_bytes`` spares a 20 MB allocation per file,
    about 0.1 ms. A file that grew after it was measured is read on up to the limit.
    """
    with open(name, "rb") as file:
        data = file.read(size + 1)
        if len(data) > size:
            data += file.read(max_bytes + 1 - len(data))
    return data


def read_file(
    path: str | os.PathLike[str], *, max_bytes: int = 20_000_000, html: bool | None = None
) -> Text:
    """Read a document from disk; the size is checked before anything is read.

    Raises:
        ReadError: E100 cannot open, E104 too large, E105 not a regular file, and the
            errors of :func:`decode_bytes`.

    >>> try:
    ...     read_file("/no/such/file.txt")
    ... except ReadError as error:
    ...     print(error)
    E100 /no/such/file.txt: cannot open the file (no such file; check the path)
    """
    name = os.fsdecode(os.fspath(path))
    data = b""
    try:
        info = os.stat(name)  # follows links; never opens a FIFO, which could block
        if stat.S_ISREG(info.st_mode) and info.st_size <= max_bytes:
            data = read_bounded(name, info.st_size, max_bytes)
    except FileNotFoundError:
        if not os.path.islink(name):
            raise ReadError("E100", path=name, reason="no such file; check the path") from None
        reason = f"broken symbolic link to {os.readlink(name)!r}; fix or remove the link"
        raise ReadError("E105", path=name, reason=reason) from None
    except PermissionError:
        reason = "permission denied; make the file and its folders readable, e.g. chmod a+r"
        raise ReadError("E100", path=name, reason=reason) from None
    except OSError as error:
        reason = f"{error.strerror or error}; check the path"
        raise ReadError("E100", path=name, reason=reason) from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError("E105", path=name, reason="it is a directory; read the files inside it")
    if not stat.S_ISREG(info.st_mode):
        kind = "named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "device or socket"
        raise ReadError("E105", path=name, reason=f"it is a {kind}; save the text to a file")
    if max(info.st_size, len(data)) > max_bytes:  # also if it grew after it was measured
        raise ReadError("E104", path=name, size=max(info.st_size, len(data)), limit=max_bytes)
    return read_bytes(data, path=name, html=html)
