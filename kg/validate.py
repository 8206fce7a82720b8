"""Check a built graph against ``ontology/shapes.ttl`` (SHACL, with pyshacl).

The data is the union of every named graph of a build's ``graph.trig`` plus the ontology in
its default graph, validated without inference: the shapes only ask for what ``kg/rdf.py``
writes, so there is nothing to infer, and five documents validate in a few seconds.

pyshacl reads the data from an in-memory pyoxigraph store (:func:`union_store`), which it
supports as well as an rdflib graph: the violations are the same, and a document's graph
is validated with about a fifth less CPU than a copy of it in an rdflib graph, which had to
be filled triple by triple.

>>> import rdflib
>>> broken = rdflib.Graph().parse(format="turtle", data='''
...     @prefix cgkg: <https://w3id.org/cgkg/ontology#> .
...     <urn:x:doc> a cgkg:Document ; <http://purl.org/dc/terms/identifier> "x" .''')
>>> [v.path.rsplit("#", 1)[-1] for v in validate_data(broken)]
['sourceFile']
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from pyshacl.graph_abstraction import DataGraph
from rdflib.namespace import SH

from kg.errors import StoreError
from kg.shapes import Checks, UnsupportedShape, Violation, compile_shapes, ordered
from kg.store import TRIG_FILE
from kg.vocab import ontology_dir

__all__ = [
    "Violation",
    "shapes_graph",
    "load_union",
    "union_store",
    "validate_data",
    "ENGINES",
    "validate_graph",
    "validate_quads",
    "validate_fragment",
    "count_violations",
]

SHAPES_FILE = "shapes.ttl"


def shapes_graph(directory: Path | None = None) -> rdflib.Graph:
    """The SHACL shapes of ``ontology/shapes.ttl``."""
    return rdflib.Graph().parse(str((directory or ontology_dir()) / SHAPES_FILE), format="turtle")


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def load_union(trig: Path) -> rdflib.Graph:
    """Every triple of every graph (named and default) in the TriG file ``trig``, as one graph.

    Parsed with pyoxigraph, which is several times faster than rdflib's TriG parser.

    Raises:
        StoreError: the file is missing or cannot be parsed.
    """
    graph = rdflib.Graph()
    try:
        for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
            graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    except (OSError, SyntaxError) as exc:
        raise StoreError("E502", path=trig, reason=exc) from exc
    return graph


def union_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory store holding the triples of ``quads``, all in its default graph."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


def validate_data(
    data: rdflib.Graph | ox.Store, *, shapes: rdflib.Graph | None = None
) -> list[Violation]:
    """SHACL violations of ``data`` (an rdflib graph, or the default graph of a pyoxigraph
    store) against ``shapes`` (default: ``ontology/shapes.ttl``)."""
    graph = DataGraph.from_oxigraph_store(data) if isinstance(data, ox.Store) else data
    _, report, _ = shacl_validate(graph, shacl_graph=shapes or shapes_graph(), inference="none")
    out = []
    # the results of the report, not those nested in them as sh:detail (pyshacl adds the
    # violations of a value that breaks an sh:node shape there, repeating them)
    for result in report.objects(
        next(report.subjects(rdflib.RDF.type, SH.ValidationReport)), SH.result
    ):
        value = report.value(result, SH.value)
        out.append(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=str(report.value(result, SH.resultPath) or ""),
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=str(report.value(result, SH.resultSeverity) or SH.Violation).rsplit(
                    "#", 1
                )[-1],
                value=None if value is None else str(value),
                shape=str(report.value(result, SH.sourceShape) or "") or None,
            )
        )
    return ordered(out)


@functools.lru_cache(maxsize=1)
def _default_shapes() -> rdflib.Graph:
    return shapes_graph()


@functools.lru_cache(maxsize=1)
def _default_checks() -> Checks | None:
    try:
        return compile_shapes(_default_shapes())
    except UnsupportedShape:  # shapes beyond the translated part of SHACL: pyshacl checks them
        return None


def validate_quads(quads: Iterable[ox.Quad], *, engine: str = "sparql") -> list[Violation]:
    """SHACL violations of the triples of ``quads`` (one document's graph, say).

    ``engine="sparql"`` runs the shapes as SPARQL queries (:mod:`kg.shapes`, a few
    milliseconds a document) unless they use SHACL beyond what :mod:`kg.shapes` translates;
    ``engine="pyshacl"`` (and that case) runs pyshacl, the reference, about 50 ms a document.
    The shapes need no ontology triples: they target classes the document's graph states.
    """
    store = union_store(quads)
    checks = _default_checks() if engine == "sparql" else None
    if checks is not None:
        return checks.run(store)
    return validate_data(store, shapes=_default_shapes())


def validate_fragment(fragment: bytes) -> list[Violation]:
    """SHACL violations of the triples of a TriG ``fragment`` (one document's graph), checked
    as :func:`validate_quads` checks them; the store loads the text without Python objects."""
    checks = _default_checks()
    if checks is None:
        return validate_quads(ox.parse(fragment, format=ox.RdfFormat.TRIG))
    store = ox.Store()
    store.load(fragment, format=ox.RdfFormat.TRIG)
    return checks.run(store, union=True)


ENGINES = ("pyshacl", "sparql")


def validate_graph(graph_dir: str | Path, *, engine: str = "pyshacl") -> list[Violation]:
    """SHACL violations of the graph built into ``graph_dir`` (a graph folder or one build of it).

    ``engine="pyshacl"`` checks the union of all graphs (documents and ontology) with pyshacl,
    the reference; ``engine="sparql"`` checks each document's graph on its own, as ``kg build``
    does (:func:`validate_quads`): about five times faster on the city reports, and the memory
    it needs is that of one document, so it suits graphs of many thousand documents.

    Raises:
        StoreError: there is no ``graph.trig`` in ``graph_dir``, or it cannot be parsed.
        ValueError: ``engine`` is neither of :data:`ENGINES`.

    Example: ``[str(v) for v in validate_graph("graph")]`` is empty for a good build.
    """
    if engine not in ENGINES:
        raise ValueError(
            f"unknown validation engine {engine!r}; choose one of: {', '.join(ENGINES)}"
        )
    trig = Path(graph_dir) / TRIG_FILE
    if not trig.exists():
        raise StoreError("E501", path=graph_dir)
    try:
        if engine == "sparql":
            return _by_document(trig)
        store = union_store(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    except (OSError, SyntaxError) as exc:
        raise StoreError("E502", path=trig, reason=exc) from exc
    try:
        return validate_data(store)
    except TypeError:  # pyshacl asks the store for the classes of a literal (sh:class)
        return validate_data(load_union(trig))


class _Interleaved(Exception):
    """A named graph of a TriG file comes back after another one."""


def _graphs(trig: Path) -> Iterator[list[ox.Quad]]:
    """The quads of each named graph of ``trig`` in turn, one graph in memory at a time.

    Raises:
        _Interleaved: the graphs are not written each in one piece, as a build writes them.
    """
    graph: list[ox.Quad] = []
    done: set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = set()
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        name = quad.graph_name
        if not isinstance(name, ox.NamedNode):
            continue  # the ontology, in the default graph: no shape targets it
        if graph and name != graph[0].graph_name:
            done.add(graph[0].graph_name)
            yield graph
            graph = []
        if name in done:
            raise _Interleaved(name)
        graph.append(quad)
    if graph:
        yield graph


def _grouped(trig: Path) -> Iterator[list[ox.Quad]]:
    """The quads of each named graph of ``trig``, grouped in memory."""
    graphs: dict[ox.NamedNode, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name, []).append(quad)
    yield from graphs.values()


def _by_document(trig: Path) -> list[Violation]:
    try:
        found = [v for quads in _graphs(trig) for v in validate_quads(quads)]
    except _Interleaved:
        found = [v for quads in _grouped(trig) for v in validate_quads(quads)]
    return ordered(found)


def count_violations(build_dir: Path) -> int:
    """The number of violations, the shape ``kg.build.build_graph(validate=…)`` expects."""
    return len(validate_graph(build_dir))
