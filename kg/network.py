"""Named-query answers → networkx graphs: the full graph, and mechanisms ↔ provinces.

Both the explorer (:mod:`kg.show`) and :meth:`kg.Graph.to_networkx` use these functions;
everything they read comes from named queries (``adoptions``, ``source-documents``,
``citations``, ``mechanism-by-name``).

Nodes are keyed by IRI and carry ``type`` (one of :data:`NODE_TYPES`), ``label``
(Chinese), ``label_en`` (English, or ``""``) and ``year`` (first year it appears, or None).
Adoption edges carry ``kind="adoption"``, ``status``, ``year``, ``document``, ``evidence``.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> first_year([2021, None, 2019])
2019
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.errors import ShowError

__all__ = [
    "NODE_TYPES",
    "Filters",
    "first_year",
    "select_adoptions",
    "full_network",
    "province_network",
]

NODE_TYPES = ("mechanism", "region", "agency", "policy", "document")
Rows = list[dict[str, Any]]
QueryRunner = Callable[..., Rows]


@dataclass(frozen=True, slots=True)
class Filters:
    """Which adoptions to keep: by mechanism name, province name, and first year."""

    mechanism: str | None = None
    province: str | None = None
    since: int | None = None
    top: int | None = None  # aggregated view: only the mechanisms adopted most widely

    def describe(self) -> str:
        parts = [
            f"{k}={v}"
            for k, v in (
                ("mechanism", self.mechanism),
                ("province", self.province),
                ("since", self.since),
                ("top", self.top),
            )
            if v is not None
        ]
        return ", ".join(parts) or "none"


def first_year(years: Iterable[int | None]) -> int | None:
    """The smallest year that is known, or None."""
    known = [y for y in years if y is not None]
    return min(known) if known else None


def select_adoptions(rows: Rows, filters: Filters, *, run: QueryRunner) -> Rows:
    """The adoption rows that pass ``filters``.

    A mechanism is matched by any of its labels (via the ``mechanism-by-name`` query) or by
    IRI; a province by its Chinese or English name or IRI; ``since`` keeps adoptions whose
    year is known and not earlier.

    Raises:
        ShowError: ``filters.mechanism`` names no mechanism in the graph.
    """
    out = rows
    if filters.mechanism:
        iris = {r["mechanism_iri"] for r in run("mechanism-by-name", label=filters.mechanism)}
        iris.add(filters.mechanism)
        out = [r for r in out if r["mechanism_iri"] in iris]
        if not iris - {filters.mechanism} and not out:
            raise ShowError("E702", name=filters.mechanism)
    if filters.province:
        wanted = filters.province.strip().casefold()
        out = [
            r
            for r in out
            if wanted in {str(r[k]).casefold() for k in ("province", "province_en", "province_iri")}
        ]
    if filters.since is not None:
        out = [r for r in out if r["year"] is not None and r["year"] >= filters.since]
    return out


def _add_node(
    g: nx.MultiDiGraph,
    key: str,
    kind: str,
    label: str,
    label_en: str = "",
    year: int | None = None,
    **extra: Any,
) -> None:
    if key in g:
        node = g.nodes[key]
        node["year"] = first_year([node.get("year"), year])
        return
    g.add_node(
        key, type=kind, label=label or key.rsplit("/", 1)[-1], label_en=label_en, year=year, **extra
    )


def _add_adoptions(g: nx.MultiDiGraph, adoptions: Rows) -> None:
    for r in adoptions:
        _add_node(g, r["mechanism_iri"], "mechanism", r["mechanism"], r["mechanism_en"], r["year"])
        _add_node(
            g,
            r["adopter"],
            "region",
            r["jurisdiction"],
            r["jurisdiction_en"],
            r["year"],
            level=r["level"],
            province=r["province"],
        )
        g.add_edge(
            r["adopter"],
            r["mechanism_iri"],
            key=r["adoption"],
            kind="adoption",
            status=r["status"],
            year=r["year"],
            since=r["since"],
            document=r["document"],
            file=r["file"],
            title=r["title"],
            evidence=r["evidence"],
            start=r["start"],
            end=r["end"],
        )


def full_network(run: QueryRunner, filters: Filters = Filters()) -> nx.MultiDiGraph:
    """Everything: adoptions, and the documents, policies and agencies behind them.

    ``run(name, **params)`` answers a named query as a list of dicts. With filters, only the
    documents that report a kept adoption are shown, with what they cite and who issued it.
    """
    g = nx.MultiDiGraph()
    adoptions = run("adoptions")
    kept = select_adoptions(adoptions, filters, run=run)
    _add_adoptions(g, kept)
    filtered = filters != Filters()
    shown = {r["document"] for r in kept}
    documents = [d for d in run("source-documents") if not filtered or d["document"] in shown]
    years = {d["document"]: d["year"] for d in documents}
    for d in documents:
        _add_node(
            g,
            d["document_iri"],
            "document",
            d["title"] or d["document"],
            "",
            d["year"],
            document=d["document"],
            file=d["file"],
            genre=d["genre"],
        )
        if d["publisher"]:
            _add_node(g, d["publisher"], "agency", d["publisher_name"], "", d["year"])
            g.add_edge(d["document_iri"], d["publisher"], kind="published-by")
    for r in kept:
        if r["document_iri"] in g and not g.has_edge(
            r["document_iri"], r["adopter"], key="reports"
        ):
            g.add_edge(r["document_iri"], r["adopter"], key="reports", kind="reports")
    for c in run("citations"):
        if c["document"] not in years:
            continue
        _add_node(
            g,
            c["policy"],
            "policy",
            c["policy_title"],
            "",
            years[c["document"]],
            number=c["number"],
            issuer=c["issuer"],
        )
        if not g.has_edge(c["document_iri"], c["policy"], key=c["relation"]):
            g.add_edge(c["document_iri"], c["policy"], key=c["relation"], kind=c["relation"])
        if c["issuer_agency"]:
            _add_node(
                g, c["issuer_agency"], "agency", c["issuer_agency_name"], "", years[c["document"]]
            )
            if not g.has_edge(c["policy"], c["issuer_agency"], key="issued-by"):
                g.add_edge(c["policy"], c["issuer_agency"], key="issued-by", kind="issued-by")
    return g


EDGE_EXAMPLES = 5  # adoptions and documents kept as examples on an aggregated edge


def province_network(run: QueryRunner, filters: Filters = Filters()) -> nx.Graph:
    """Mechanisms ↔ provinces; an edge's ``weight`` is the number of documents reporting it.

    Each edge keeps its adoptions (status, year, jurisdiction, evidence, document) and its
    first ``year``; a node's ``year`` is the first year of its edges.
    """
    g = nx.Graph()
    for r in select_adoptions(run("adoptions"), filters, run=run):
        province = r["province_iri"] or r["adopter"]
        _add_node(g, r["mechanism_iri"], "mechanism", r["mechanism"], r["mechanism_en"], r["year"])
        _add_node(
            g,
            province,
            "region",
            r["province"] or r["jurisdiction"],
            r["province_en"] or r["jurisdiction_en"],
            r["year"],
            level="province",
        )
        if not g.has_edge(province, r["mechanism_iri"]):
            g.add_edge(
                province,
                r["mechanism_iri"],
                kind="adoptions",
                documents=set(),
                adoptions=[],
                year=None,
            )
        edge = g.edges[province, r["mechanism_iri"]]
        edge["documents"].add(r["document"])
        edge["weight"] = len(edge["documents"])
        edge["year"] = first_year([edge["year"], r["year"]])
        edge["adoptions"].append(
            {
                k: r[k]
                for k in ("jurisdiction", "status", "year", "document", "file", "title", "evidence")
            }
        )
    if filters.top:
        _keep_top_mechanisms(g, filters.top)
    for _, _, data in g.edges(data=True):
        # an aggregated edge shows a few examples: on a large corpus an edge stands for
        # hundreds of adoptions, and carrying them all makes the page too heavy to open
        data["documents"] = sorted(data["documents"])[:EDGE_EXAMPLES]
        data["adoption_count"] = len(data["adoptions"])
        data["adoptions"] = sorted(
            data["adoptions"], key=lambda a: (a["year"] is None, a["year"] or 0, a["document"])
        )[:EDGE_EXAMPLES]
    return g


def _keep_top_mechanisms(g: nx.Graph, top: int) -> None:
    """Keep the ``top`` mechanisms adopted in the most provinces (then by documents)."""
    mechanisms = [n for n, d in g.nodes(data=True) if d.get("type") == "mechanism"]
    if len(mechanisms) <= top:
        return
    rank = sorted(
        mechanisms,
        key=lambda n: (-g.degree(n), -g.degree(n, weight="weight"), g.nodes[n].get("label", "")),
    )
    g.remove_nodes_from(rank[top:])
    g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
