"""The explorer: one self-contained HTML page (pyvis / vis-network) fed by named queries.

The page works offline: vis-network's JS and CSS, shipped inside the pyvis package, are
inlined, and a Content-Security-Policy forbids every fetch and every inline event handler.
Document text never becomes markup: the graph travels as JSON in a
``<script type="application/json">`` block and the page writes it with ``textContent``.

>>> from kg.network import Filters
>>> page_title(Filters(mechanism="五社联动"), full=False)
'cgkg explorer: mechanisms ↔ provinces (mechanism=五社联动)'
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from kg.api import Graph
from kg.errors import ShowError
from kg.network import NODE_TYPES, Filters, full_network, province_network
from kg.vocab import CGKG, load_vocabulary

__all__ = [
    "STYLES",
    "ExplorerPage",
    "page_title",
    "explorer_network",
    "explorer_html",
    "write_explorer",
]

TEMPLATES = Path(__file__).parent / "templates"
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"  # shipped with pyvis

# type -> (ontology class, whose labels the legend shows; colour; vis-network shape)
STYLES: dict[str, tuple[str, str, str]] = {
    "mechanism": (CGKG.Mechanism, "#e6550d", "diamond"),
    "region": (CGKG.Region, "#3182bd", "dot"),
    "agency": (CGKG.Agency, "#31a354", "square"),
    "policy": (CGKG.Policy, "#756bb1", "triangle"),
    "document": (CGKG.Document, "#636363", "hexagon"),
}
STATUS_COLOURS = {
    "implemented": "#2ca25f",
    "pilot": "#fd8d3c",
    "planned": "#6baed6",
    "called-for": "#bdbdbd",
}
EDGE_COLOUR = "#b0b0b0"
OPTIONS: dict[str, Any] = {
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -60,
            "springLength": 120,
            "avoidOverlap": 0.3,
        },
        "stabilization": {"enabled": True, "iterations": 300, "fit": True},
    },
    "layout": {"randomSeed": 7},  # the same file draws the same picture every time
    "interaction": {"hover": True, "hideEdgesOnDrag": False, "tooltipDelay": 150},
    "nodes": {
        "font": {"size": 14, "face": "Noto Sans CJK SC, Noto Sans, sans-serif"},
        "borderWidth": 1,
    },
    "edges": {"smooth": False, "color": {"inherit": False}, "selectionWidth": 2},
}
# node attribute -> the ontology term whose labels name it in the node's details
_FACTS: dict[str, str] = {
    "level": CGKG.level,
    "province": CGKG.province,
    "document": CGKG.Document,
    "file": CGKG.sourceFile,
    "genre": CGKG.genre,
    "number": CGKG.documentNumber,
    "issuer": CGKG.issuerName,
}
_LABEL_CHARS = 18


@dataclass(frozen=True, slots=True)
class ExplorerPage:
    """A written explorer page: where, and how many nodes and edges it shows."""

    path: Path
    nodes: int
    edges: int
    bytes: int


def page_title(filters: Filters, *, full: bool) -> str:
    """The page heading: which view, and which filters."""
    view = "full graph" if full else "mechanisms ↔ provinces"
    described = filters.describe()
    return f"cgkg explorer: {view}" + ("" if described == "none" else f" ({described})")


def _fact_name(term: str) -> str:
    """``级别 Level``: a node detail's name, Chinese then English with a capital."""
    zh, en = load_vocabulary().bilingual_label(term)
    return f"{zh} {en[:1].upper()}{en[1:]}"


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def _edge_year(g: nx.Graph, u: str, v: str, own: int | None) -> int | None:
    if own is not None:
        return own
    years = [g.nodes[n].get("year") for n in (u, v) if g.nodes[n].get("year") is not None]
    return max(years) if years else None


def explorer_network(
    graph: Graph, filters: Filters | None = None, *, full: bool = False
) -> Network:
    """A pyvis ``Network`` of the graph: nodes styled by type and sized by degree.

    Raises:
        ShowError: the mechanism filter names no mechanism, or nothing matches the filters.
    """
    filters = filters or Filters()
    g = full_network(graph.rows, filters) if full else province_network(graph.rows, filters)
    if g.number_of_nodes() == 0:
        raise ShowError("E703", filters=filters.describe())
    net = Network(directed=full, cdn_resources="in_line", height="100%", width="100%")
    fact_names = {key: _fact_name(term) for key, term in _FACTS.items()}
    for node, attrs in g.nodes(data=True):
        colour, shape = STYLES[attrs["type"]][1:]
        degree = g.degree(node)
        facts = [[fact_names[k], attrs[k]] for k in _FACTS if attrs.get(k) not in (None, "")]
        net.add_node(
            node,
            label=_short(attrs["label"]),
            shape=shape,
            color=colour,
            size=round(8 + 5 * math.sqrt(degree), 1),
            name=attrs["label"],
            label_en=attrs["label_en"],
            type=attrs["type"],
            year=attrs["year"],
            degree=degree,
            facts=facts + [["IRI", node]],
        )
    edge_rows = (
        g.edges(keys=True, data=True)
        if full
        else ((u, v, None, d) for u, v, d in g.edges(data=True))
    )
    for index, (u, v, _key, data) in enumerate(edge_rows):
        edge: dict[str, Any] = {
            "id": f"e{index}",
            "kind": data["kind"],
            "year": _edge_year(g, u, v, data.get("year")),
        }
        if data["kind"] == "adoption":
            edge["adoptions"] = [
                {k: data[k] for k in ("status", "year", "document", "file", "title", "evidence")}
                | {"jurisdiction": g.nodes[u]["label"]}
            ]
            edge |= {
                "color": STATUS_COLOURS.get(data["status"], EDGE_COLOUR),
                "width": 2,
                "arrows": "to",
            }
        elif data["kind"] == "adoptions":
            edge |= {
                "adoptions": data["adoptions"],  # the earliest few, as examples
                "adoption_count": data.get("adoption_count", len(data["adoptions"])),
                "weight": data["weight"],
                "color": EDGE_COLOUR,
                # grows with the number of documents, but slowly: hundreds on a big corpus
                "width": round(min(12.0, 1 + 2 * math.log2(data["weight"])), 1),
            }
        else:
            edge |= {"color": EDGE_COLOUR, "width": 1, "dashes": True, "arrows": "to"}
        net.add_edge(u, v, **edge)
    net.options = OPTIONS
    net.heading = page_title(filters, full=full)
    return net


def _legend(net: Network, *, full: bool) -> list[dict[str, Any]]:
    counts = {kind: sum(1 for n in net.nodes if n["type"] == kind) for kind in NODE_TYPES}
    legend = []
    for kind, (term, colour, shape) in STYLES.items():
        if counts[kind] or full:
            zh, en = load_vocabulary().bilingual_label(term)
            legend.append(
                {
                    "label": zh,
                    "label_en": en.lower(),
                    "color": colour,
                    "shape": shape,
                    "count": counts[kind],
                }
            )
    if full:
        adoption = load_vocabulary().term_label(CGKG.Adoption, "zh-Hans")
        legend += [
            {"label": adoption, "label_en": status, "color": colour, "shape": "line", "count": None}
            for status, colour in STATUS_COLOURS.items()
        ]
    else:
        legend.append(
            {
                "label": load_vocabulary().captions()["edge-width"],
                "label_en": "edge width = documents",
                "color": EDGE_COLOUR,
                "shape": "line",
                "count": None,
            }
        )
    return legend


def _view_caption(*, full: bool) -> str:
    """``完整图 full graph``, or ``聚合 aggregated: 机制 ↔ 省份, edge = documents``."""
    vocab = load_vocabulary()
    captions = vocab.captions()
    if full:
        return f"{captions['full-graph']} full graph"
    mechanism, province = (vocab.term_label(t, "zh-Hans") for t in (CGKG.Mechanism, CGKG.province))
    return f"{captions['aggregated']} aggregated: {mechanism} ↔ {province}, edge = documents"


def _render(graph: Graph, filters: Filters, *, full: bool) -> tuple[str, int, int]:
    net = explorer_network(graph, filters, full=full)
    nodes, edges, heading, _height, _width, _options = net.get_network_data()
    years = [item["year"] for item in [*nodes, *edges] if item.get("year") is not None]
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": OPTIONS,
        "legend": _legend(net, full=full),
        "years": [min(years), max(years)] if years else None,
        "view": _view_caption(full=full),
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    html = env.get_template("explorer.html").render(
        title=heading,
        data=data,
        nonce=secrets.token_urlsafe(16),
        vis_js=Markup((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=Markup((VIS_DIR / "vis-network.css").read_text(encoding="utf-8")),
    )
    return html, len(nodes), len(edges)


def explorer_html(graph: Graph, filters: Filters | None = None, *, full: bool = False) -> str:
    """The explorer page for ``graph`` as one HTML string (no external resources).

    Raises:
        ShowError: the mechanism filter names no mechanism, or nothing matches the filters.
    """
    return _render(graph, filters or Filters(), full=full)[0]


def write_explorer(
    graph: Graph,
    out: str | Path,
    *,
    mechanism: str | None = None,
    province: str | None = None,
    since: int | None = None,
    full: bool = False,
    top: int | None = None,
) -> ExplorerPage:
    """Write the explorer page for ``graph`` to ``out``.

    ``top`` keeps, in the aggregated view, only the mechanisms adopted in the most provinces.

    Raises:
        ShowError: a filter matches nothing, or the file cannot be written.
    """
    filters = Filters(mechanism=mechanism, province=province, since=since, top=top or None)
    html, nodes, edges = _render(graph, filters, full=full)
    path = Path(out)
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise ShowError("E706", path=path, reason=exc) from exc
    return ExplorerPage(path, nodes, edges, len(html.encode("utf-8")))
