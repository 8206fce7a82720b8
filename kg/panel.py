"""A diffusion panel: one row per jurisdiction and year, as policy-diffusion data sets lay
them out (SPID and the like), ready for event-history analysis.

The units are every region of one level in ``ontology/regions.ttl`` (all provinces, say),
adopters or not: a panel needs the units that never adopted. An adoption counts for the
unit it lies in (a county's adoption is its province's too), or, with ``own=True``, only
for the unit that is itself the adopter. Adoptions with no year (no stated year, section
year or document date) cannot be placed in a year and are counted in ``Panel.undated``.

Columns:

* ``jurisdiction``, ``code`` (GB/T 2260), ``level``, ``province``, ``year``;
* ``adopted``: 1 from the first year of adoption on, else 0;
* ``event``: 1 in the first year of adoption only (the event of event-history analysis);
* ``first_year``: the unit's first year of adoption (may precede the panel's first year);
* ``status``: the most advanced status reported up to that year (implemented, pilot,
  planned, called-for), empty before any;
* ``documents``: documents that year reporting the unit's adoption; ``documents_to_date``:
  such documents up to that year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kg.errors import ShowError
from kg.queries import bind, get_query, with_values
from kg.store import GraphStore, Table
from kg.vocab import Vocabulary, load_vocabulary

__all__ = ["Panel", "make_panel", "COLUMNS", "LEVELS"]

COLUMNS = (
    "jurisdiction",
    "code",
    "level",
    "province",
    "year",
    "adopted",
    "event",
    "first_year",
    "status",
    "documents",
    "documents_to_date",
)
LEVELS = ("province", "city", "county")
_STATUS_ORDER = ("implemented", "pilot", "planned", "called-for")  # most advanced first
_REGION = "https://w3id.org/cgkg/region/"


@dataclass
class Panel:
    """The rows of a panel, and what could not be placed in it."""

    table: Table
    units: int = 0
    adopters: int = 0  # units that adopted by the panel's last year
    adoptions: int = 0
    undated: int = 0
    outside: int = 0  # adoptions by units above the panel's level, or the whole country


def make_panel(
    store: GraphStore,
    mechanism: str,
    *,
    level: str = "province",
    start: int,
    end: int,
    own: bool = False,
    vocab: Vocabulary | None = None,
) -> Panel:
    """The panel of ``mechanism`` over the units of ``level``, from ``start`` to ``end``.

    Raises:
        ShowError: an unknown level or mechanism, or a reversed year range.
        QueryError: the graph cannot be queried.
    """
    if level not in LEVELS:
        raise ShowError("E707", what="a level", reason=f"{level!r} is not one of {LEVELS}")
    if start > end:
        raise ShowError("E707", what="a year range", reason=f"--from {start} is after --to {end}")
    vocab = vocab or load_vocabulary()
    units = sorted((e for e in vocab.regions.values() if e.level == level), key=lambda e: e.code)
    query = get_query("panel-adoptions")
    terms = bind(query, {"mechanism": mechanism}, run=store.lookup)
    if not terms["mechanism_iri"]:
        raise ShowError("E702", name=mechanism)  # a typo must not give a panel of zeros
    found = store.select(with_values(query.text, terms)).to_dicts()

    # unit code -> year -> (statuses, documents)
    events: dict[str, dict[int, tuple[set[str], set[str]]]] = defaultdict(dict)
    panel = Panel(Table(COLUMNS, ()), adoptions=len(found))
    for row in found:
        unit = _unit(row, level, own, vocab)
        if unit is None:
            panel.outside += 1
            continue
        if row["year"] is None:
            panel.undated += 1
            continue
        statuses, documents = events[unit].setdefault(int(row["year"]), (set(), set()))
        statuses.add(str(row["status"]))
        documents.add(str(row["document"]))

    rows: list[tuple[Any, ...]] = []
    for entry in units:
        years = events.get(entry.code, {})
        first = min(years) if years else None
        panel.adopters += int(first is not None and first <= end)
        province = vocab.regions[entry.province].name if entry.province else entry.name
        seen: set[str] = set()
        to_date: set[str] = set()
        for year in sorted(y for y in years if y < start):
            seen |= years[year][0]
            to_date |= years[year][1]
        for year in range(start, end + 1):
            statuses, documents = years.get(year, (set(), set()))
            seen |= statuses
            to_date |= documents
            adopted = first is not None and year >= first
            rows.append(
                (
                    entry.name,
                    entry.code,
                    entry.level,
                    province,
                    year,
                    int(adopted),
                    int(year == first),
                    first,
                    next((s for s in _STATUS_ORDER if s in seen), ""),
                    len(documents),
                    len(to_date),
                )
            )
    panel.table = Table(COLUMNS, tuple(rows))
    panel.units = len(units)
    return panel


def _unit(row: dict[str, Any], level: str, own: bool, vocab: Vocabulary) -> str | None:
    """The code of the panel unit an adoption counts for, or None when it counts for none."""
    iri = str(row["adopter"])
    code = iri[len(_REGION) :] if iri.startswith(_REGION) else ""
    if code in vocab.regions:
        chain = vocab.chain(code)
        if own:
            return code if chain[0].level == level else None
        return next((e.code for e in chain if e.level == level), None)
    # a named community: placed by its province (its city is not in the graph)
    if own or level != "province" or not row.get("province"):
        return None
    codes = vocab.region_names.get(str(row["province"]), ())
    return next((c for c in codes if vocab.regions[c].level == "province"), None)
