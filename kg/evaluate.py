"""Score extraction records against gold annotations: precision, recall and F1 per category.

The rules are those of ``shared/gold/README.md`` and the numbers agree with the reference
scorer ``shared/gold/score.py``. Labels, titles and names are compared after NFKC
normalisation with quotes and white space removed; mechanism labels also lose a trailing
机制 / 模式 / 工作法 and region names a trailing 省 / 市 / 县 and the like (the cue sets
``gold-mechanism-suffixes`` and ``gold-region-suffixes`` in ``ontology/cues.ttl``). A gold
``uncertain`` item that a record finds is not a false positive. Counts are summed over all
documents before P / R / F1 are computed (micro-averaging).

>>> gold = [{"id": "doc", "mechanisms": [{"label": "五社联动", "adopters": []}]}]
>>> records = [{"id": "doc", "mechanisms": [{"label": "“五社联动”机制"}, {"label": "四社联动"}]}]
>>> evaluate(gold, records).categories["mechanisms"]
Score(tp=1, fp=1, fn=0)
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kg.errors import BuildError, RecordError
from kg.vocab import ending_pattern, load_vocabulary

__all__ = [
    "CATEGORIES",
    "QUOTE_CHARACTERS",
    "MECHANISM_SUFFIX",
    "REGION_SUFFIX",
    "NATIONAL_LEVELS",
    "Score",
    "Evaluation",
    "load_gold",
    "evaluate",
    "manifest_aliases",
    "run_evaluation",
]

#: Listed items, then single document fields; every report keeps this order.
CATEGORIES: tuple[str, ...] = (
    *("mechanisms", "adoption_pairs", "adoption_triples", "agencies", "policies", "regions"),
    *("jurisdiction", "issuer", "dates", "numbers"),
)
#: Characters dropped before any comparison (after NFKC), along with all white space.
QUOTE_CHARACTERS = frozenset("“”\"'‘’「」『』《》〈〉<>")
#: A generic ending that is not part of a mechanism's name (cue:gold-mechanism-suffixes).
MECHANISM_SUFFIX = ending_pattern(load_vocabulary().cue("gold-mechanism-suffixes"))
#: An administrative ending that is not needed to tell regions apart (cue:gold-region-suffixes).
REGION_SUFFIX = ending_pattern(load_vocabulary().cue("gold-region-suffixes"))
#: Adopter levels that make the adopter the whole country rather than a province.
NATIONAL_LEVELS = frozenset({"national", "country"})


class _Serialisable(Protocol):
    def to_dict(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Score:
    """True positive, false positive and false negative counts of one category.

    >>> score = Score(tp=3, fp=1, fn=2)
    >>> score.precision, score.recall, round(score.f1, 3)
    (0.75, 0.6, 0.667)
    >>> Score().f1
    0.0
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    # the items behind fp and fn, as compared (normalised), for `kg eval --errors`
    spurious: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    missed: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    def __add__(self, other: Score) -> Score:
        return Score(
            tp=self.tp + other.tp,
            fp=self.fp + other.fp,
            fn=self.fn + other.fn,
            spurious=self.spurious + other.spurious,
            missed=self.missed + other.missed,
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores summed over the corpus (``categories``), per gold document id, and the ids of
    gold documents that had no record (``missing``; all their gold items count as misses)."""

    categories: dict[str, Score]
    per_document: dict[str, dict[str, Score]]
    missing: tuple[str, ...] = ()

    def table(self) -> str:
        """An aligned text table, one row per category.

        >>> print(evaluate([{"id": "a", "numbers": ["1号"]}], []).table().splitlines()[-1])
        missing records for: a
        """
        lines = [f"{'category':18} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for name, s in self.categories.items():
            lines.append(
                f"{name:18} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
                f" {s.tp:4} {s.fp:4} {s.fn:4}"
            )
        if self.missing:
            lines.append("missing records for: " + ", ".join(self.missing))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The shape ``score.py --json`` prints: P, R, F1 rounded to 3 places, and the counts.

        >>> evaluate([], []).to_dict()["numbers"]
        {'p': 0.0, 'r': 0.0, 'f1': 0.0, 'tp': 0, 'fp': 0, 'fn': 0}
        """
        result: dict[str, Any] = {}
        for name, s in self.categories.items():
            p, r, f1 = (round(value, 3) for value in (s.precision, s.recall, s.f1))
            result[name] = {"p": p, "r": r, "f1": f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
        return result | {"_missing_docs": list(self.missing)}

    def errors(self) -> str:
        """What each document missed and what it found wrongly, category by category.

        >>> gold = [{"id": "a", "numbers": ["1号", "2号"]}]
        >>> print(evaluate(gold, [{"id": "a", "numbers": ["2号", "3号"]}]).errors())
        a
          numbers: missed 1号
          numbers: spurious 3号
        """
        lines = []
        for doc_id, scores in self.per_document.items():
            found = [
                f"  {name}: {kind} {_shown(item)}"
                for name, score in scores.items()
                for kind, items in (("missed", score.missed), ("spurious", score.spurious))
                for item in sorted(items, key=repr)
            ]
            if found:
                lines += [doc_id, *found]
        return "\n".join(lines)


def _shown(item: Any) -> str:
    if isinstance(item, tuple):
        return " / ".join("-" if part is None else str(part) for part in item)
    return str(item)


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read a gold file: a JSON list of documents, each with an ``id``.

    Raises:
        BuildError: E603, the file cannot be read or is not such a list.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gold.json"
    >>> _ = path.write_text('[{"id": "doc"}]', encoding="utf-8")
    >>> load_gold(path)
    [{'id': 'doc'}]
    """
    try:
        documents = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BuildError("E603", path=path, reason=exc) from exc
    if not (isinstance(documents, list) and all(isinstance(d, dict) for d in documents)):
        raise BuildError("E603", path=path, reason="expected a JSON list of objects")
    if not all("id" in document for document in documents):
        raise BuildError("E603", path=path, reason="a document has no id")
    return documents


def evaluate(
    gold: Sequence[Mapping[str, Any]],
    records: Iterable[Mapping[str, Any] | _Serialisable],
    *,
    aliases: Mapping[str, str] | None = None,
) -> Evaluation:
    """Score ``records`` (``kg extract --format json`` dicts, or objects with ``to_dict()``).

    A record scores against the gold document whose id is the record's ``id`` (or ``path``)
    without directory and ``.txt``, or whose id ``aliases`` maps to it (for renamed files).
    Of several records with one id, the last counts.

    Raises:
        RecordError: E301, a record is neither a mapping nor has ``to_dict()``.

    >>> gold = [{"id": "000_x", "issuer": "河南省民政厅"}]
    >>> records = [{"id": "henan", "issuer": {"name": "河南省民政厅"}}]
    >>> evaluate(gold, records, aliases={"000_x": "henan"}).categories["issuer"]
    Score(tp=1, fp=0, fn=0)
    """
    by_id = {_stem(r.get("id") or r.get("path") or ""): r for r in map(_as_mapping, records)}
    renamed = {_stem(key): _stem(value) for key, value in (aliases or {}).items()}
    totals = dict.fromkeys(CATEGORIES, Score())
    per_document: dict[str, dict[str, Score]] = {}
    missing: list[str] = []
    for document in gold:
        gold_id = document["id"]
        # records carry the manifest's ids (the gold's) when built from the corpus folder,
        # the file names when extracted from renamed files without it
        record = by_id.get(_stem(gold_id)) or by_id.get(renamed.get(gold_id, gold_id))
        if record is None:
            missing.append(gold_id)
            record = {}
        scores = _score_document(document, record)
        per_document[gold_id] = scores
        totals = {name: totals[name] + scores[name] for name in CATEGORIES}
    return Evaluation(categories=totals, per_document=per_document, missing=tuple(missing))


def _score_document(gold: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Score]:
    uncertain = gold.get("uncertain") or {}
    unsure_mechanisms = _collect(uncertain.get("mechanisms"), _mechanism)
    pairs, triples, found_pairs, found_triples = set(), set(), set(), set()
    for mechanism in gold.get("mechanisms") or ():
        label = _mechanism(mechanism["label"])
        for adopter in mechanism.get("adopters") or ():
            pairs.add((_province(adopter), label))
            triples.add((_region(adopter["name"]), label, adopter.get("status")))
    for adoption in record.get("adoptions") or ():
        label = _mechanism(_name(adoption.get("mechanism"), key="label"))
        adopter = adoption.get("adopter") or adoption.get("jurisdiction")
        found_pairs.add((_province(adopter), label))
        found_triples.add((_region(_name(adopter)), label, adoption.get("status")))
    accept_sets = [
        frozenset(_text(n) for n in (agency["name"], *(agency.get("accept") or ())))
        for agency in gold.get("agencies") or ()
    ]
    scores = {
        "adoption_pairs": _compare(
            pairs, found_pairs, ignore={p for p in found_pairs if p[1] in unsure_mechanisms}
        ),
        "adoption_triples": _compare(
            triples, found_triples, ignore={t for t in found_triples if t[1] in unsure_mechanisms}
        ),
        "agencies": _compare_accepting(
            accept_sets,
            _collect(record.get("agencies"), _text),
            ignore=_collect(uncertain.get("agencies"), _text),
        ),
        "dates": _compare(_date_values(gold.get("dates")), _date_values(record.get("dates"))),
    }
    for category, (normalise, key) in _LISTED_ITEMS.items():
        scores[category] = _compare(
            _collect(gold.get(category), normalise, key=key),
            _collect(record.get(category), normalise, key=key),
            ignore=_collect(uncertain.get(category), normalise, key=key),
        )
    jurisdictions = (gold.get("jurisdiction"), record.get("jurisdiction"))
    scores["jurisdiction"] = _compare(*({_region(_name(j))} if j else set() for j in jurisdictions))
    issuers = (_name(gold.get("issuer")), _name(record.get("issuer")))
    scores["issuer"] = _compare(*({_text(name)} if name else set() for name in issuers))
    scores["numbers"] = _compare(
        _collect(gold.get("numbers"), _text), _collect(record.get("numbers"), _text)
    )
    return {category: scores[category] for category in CATEGORIES}


def _compare(gold: set[Any], found: set[Any], *, ignore: set[Any] | None = None) -> Score:
    """Count matches; found items in ``ignore`` (uncertain ones) are dropped first.

    Gold items are kept even when uncertain too, as the reference scorer does.
    """
    kept = found - (ignore or set())
    tp = len(kept & gold)
    return Score(
        tp=tp,
        fp=len(kept) - tp,
        fn=len(gold) - tp,
        spurious=tuple(kept - gold),
        missed=tuple(gold - kept),
    )


def _compare_accepting(
    accept_sets: list[frozenset[str]], found: set[str], *, ignore: set[str]
) -> Score:
    """Each gold item (a set of equally right names) matches at most one found name.

    Uses a maximum matching, so the count does not depend on iteration order when accept
    sets overlap; with disjoint sets it equals the reference scorer's greedy count.
    """
    kept = found - ignore
    owner: dict[int, str] = {}

    def assign(name: str, tried: set[int]) -> bool:
        for index, accepted in enumerate(accept_sets):
            if name in accepted and index not in tried:
                tried.add(index)
                if index not in owner or assign(owner[index], tried):
                    owner[index] = name
                    return True
        return False

    tp = sum(assign(name, set()) for name in sorted(kept))
    matched = set(owner.values())
    return Score(
        tp=tp,
        fp=len(kept) - tp,
        fn=len(accept_sets) - tp,
        spurious=tuple(name for name in sorted(kept) if name not in matched),
        missed=tuple(
            min(accepted) for index, accepted in enumerate(accept_sets) if index not in owner
        ),
    )


def _text(value: object) -> str:
    folded = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(ch for ch in folded if ch not in QUOTE_CHARACTERS and not ch.isspace())


def _mechanism(value: object) -> str:
    return MECHANISM_SUFFIX.sub("", _text(value), count=1)


def _region(value: object) -> str:
    name = _text(value)
    return REGION_SUFFIX.sub("", name, count=1) or name


def _province(adopter: object) -> str:
    """The province an adopter belongs to, or ``national`` for the whole country."""
    if not adopter:
        return ""
    if not isinstance(adopter, Mapping):
        return _region(adopter)
    if str(adopter.get("level") or "").lower() in NATIONAL_LEVELS:
        return "national"
    return _region(adopter.get("province") or adopter.get("name"))


def _name(item: object, *, key: str = "name") -> Any:
    """``item[key]`` for a dict, the item itself for a plain string (or None)."""
    return item.get(key) if isinstance(item, Mapping) else item


def _collect(
    items: Iterable[Any] | None, normalise: Callable[[object], str], *, key: str = "name"
) -> set[str]:
    return {normalise(_name(item, key=key)) for item in items or ()}


def _date_values(dates: object) -> set[Any]:
    return {v for v in dates.values() if v} if isinstance(dates, Mapping) else set()


def _stem(identifier: object) -> str:
    return str(identifier).rsplit("/", 1)[-1].removesuffix(".txt")


def _as_mapping(record: Any) -> Mapping[str, Any]:
    if not isinstance(record, Mapping) and callable(getattr(record, "to_dict", None)):
        record = record.to_dict()
    if not isinstance(record, Mapping):
        reason = f"expected a dict or an object with to_dict(), got {type(record).__name__}"
        raise RecordError("E301", id=getattr(record, "id", None), reason=reason)
    return record


#: Listed items compared as sets of normalised names: category -> (normaliser, name key).
_LISTED_ITEMS: dict[str, tuple[Callable[[object], str], str]] = {
    "mechanisms": (_mechanism, "label"),
    "policies": (_text, "title"),
    "regions": (_region, "name"),
}


def manifest_aliases(manifest: str | Path) -> dict[str, str]:
    """Gold id → record id from a corpus ``MANIFEST.json`` (original names → corpus names)."""
    data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    return {Path(d["original_name"]).stem: Path(d["file"]).stem for d in data.get("documents", [])}


def run_evaluation(
    gold_path: str | Path, sources: list[Path], *, manifest: str | Path | None = None
) -> Evaluation:
    """Extract ``sources`` (documents, folders, or a records ``.jsonl``) and score them.

    The corpus manifest (``MANIFEST.json`` next to the documents, or ``manifest``) maps gold
    ids written for the original file names to the corpus names.
    """
    from kg.build import extract_documents, find_documents

    gold = load_gold(gold_path)
    if len(sources) == 1 and sources[0].suffix == ".jsonl":
        lines = sources[0].read_text(encoding="utf-8").splitlines()
        records: list[Any] = [json.loads(line) for line in lines if line.strip()]
    if manifest is None:
        candidates = [s / "MANIFEST.json" for s in sources if s.is_dir()]
        manifest = next((c for c in candidates if c.exists()), None)
    aliases = manifest_aliases(manifest) if manifest else None
    if not (len(sources) == 1 and sources[0].suffix == ".jsonl"):
        # only the documents the gold annotates (a folder may hold many more)
        wanted = {str(g["id"]) for g in gold} | set((aliases or {}).values())
        paths = [p for p in find_documents(sources) if p.stem in wanted]
        records = [r for r, _ in extract_documents(paths) if r is not None]
    return evaluate(gold, records, aliases=aliases)
