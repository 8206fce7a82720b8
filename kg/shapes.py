"""SHACL shapes translated into SPARQL, so that a build checks each document in the store.

``kg build`` checks the graph of every newly extracted document against
``ontology/shapes.ttl``. pyshacl, the reference engine behind ``kg validate``, walks the graph
in Python, about 50 ms a document; here the shapes are translated once into SPARQL ``SELECT``
queries that pyoxigraph answers over the document's graph, in a few milliseconds (half of
them to load the document into an in-memory store).

Only the part of SHACL Core that a shapes file like ours uses is translated: node shapes with
class, node, subjects-of and objects-of targets, and property shapes whose path is one
predicate, with the constraints ``minCount``, ``maxCount``, ``nodeKind``, ``datatype``,
``in``, ``pattern``, ``min/maxInclusive``, ``min/maxExclusive``, ``lessThan``,
``lessThanOrEquals``, ``class`` and ``node`` (nested shapes, not cyclic). Anything else
raises :class:`UnsupportedShape`, and the caller falls back to pyshacl. The terms of the
shapes enter the queries only as N-Triples terms written by rdflib (``Node.n3()``), never as
raw text. ``tests/test_shapes.py`` checks that both engines report the same violations on
hundreds of broken graphs. Where they differ, this follows the SHACL specification: two
values that cannot be compared (a blank node, an ill-typed literal) break ``lessThan``, where
pyshacl raises or compares their text.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(input='''@prefix cgkg: <https://w3id.org/cgkg/ontology#> .
...     <urn:x:doc> a cgkg:Document ; <http://purl.org/dc/terms/identifier> "x" .''',
...     format=ox.RdfFormat.TURTLE)
>>> from kg.validate import shapes_graph
>>> [(v.focus, v.path.rsplit("#", 1)[-1]) for v in compile_shapes(shapes_graph()).run(store)]
[('urn:x:doc', 'sourceFile')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

__all__ = ["UnsupportedShape", "Violation", "ordered", "Check", "Query", "Checks", "compile_shapes"]

# shape properties that say nothing about conformance
_INFORMATIONAL = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order,
                  SH.group, SH.message, SH.severity}  # fmt: skip
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf}
_NODE_KINDS = {  # sh:nodeKind → the SPARQL test a conforming value passes
    SH.IRI: "isIRI(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
# datatypes whose lexical forms SPARQL can check: casting an ill-formed literal is an error
_CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime,
             XSD.date}  # fmt: skip
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
           SH.maxExclusive: "<"}  # fmt: skip
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
_CONSTRAINTS = {SH.minCount, SH.maxCount, SH.nodeKind, SH.datatype, SH["in"], SH.pattern,
                SH.flags, SH["class"], SH.node, *_RANGES, *_PAIRS}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: which node broke which constraint, and why."""

    focus: str
    path: str
    message: str
    severity: str = "Violation"
    value: str | None = None
    shape: str | None = None

    def __str__(self) -> str:
        value = f" (value {self.value})" if self.value is not None else ""
        return f"{self.severity}: {self.focus} {self.path or ''}: {self.message}{value}"


def ordered(violations: Iterable[Violation]) -> list[Violation]:
    """``violations`` in the order every engine reports them: by focus node, path, message."""
    return sorted(violations, key=lambda v: (v.focus, v.path, v.message))


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this translation does not cover."""


@dataclass(frozen=True, slots=True)
class Check:
    """One constraint of one property shape: what a violation of it reports."""

    path: str
    message: str
    severity: str
    component: str


@dataclass(frozen=True, slots=True)
class Query:
    """A ``SELECT`` whose rows are violations of ``checks``.

    A row binds ``?focus``, ``?value`` when the constraint is on values, and ``?check``,
    the index of the check it breaks, when the query answers for several.
    """

    text: str
    checks: tuple[Check, ...]


@dataclass(frozen=True, slots=True)
class Checks:
    """The queries of a shapes graph; :meth:`run` applies them to a store."""

    queries: tuple[Query, ...]

    def run(self, store: ox.Store, *, union: bool = False) -> list[Violation]:
        """The violations of the default graph of ``store`` (of all its graphs together with
        ``union=True``), sorted as :func:`kg.validate.validate_data` sorts pyshacl's."""
        found = []
        for query in self.queries:
            rows = store.query(query.text, use_default_graph_as_union=union)
            assert isinstance(rows, ox.QuerySolutions)
            for row in rows:
                index, value = row["check"], row["value"]
                check = query.checks[0 if index is None else int(index.value)]
                found.append(
                    Violation(
                        focus=row["focus"].value,
                        path=check.path,
                        message=check.message,
                        severity=check.severity,
                        value=None if value is None else value.value,
                        shape=check.component,
                    )
                )
        return ordered(found)


def compile_shapes(shapes: rdflib.Graph) -> Checks:
    """The queries that check every node shape in ``shapes`` that has a target.

    Raises:
        UnsupportedShape: a shape uses a feature outside the translated part of SHACL Core.
    """
    queries: list[Query] = []
    targeted = {s for t in (*_TARGETS, SH.targetNode) for s in shapes.subjects(t, None)}
    for shape in sorted(targeted | set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if (shape, SH.path, None) in shapes or (shape, RDF.type, SH.PropertyShape) in shapes:
            raise UnsupportedShape(f"{shape}: a property shape with targets of its own")
        focus = _targets(shapes, shape)
        if focus is not None:
            queries.extend(_shape_queries(shapes, shape, focus, seen=(shape,)))
    return Checks(tuple(queries))


def _targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A pattern binding ``?focus`` to each focus node of ``shape``; None if it has no target."""
    if (shape, RDF.type, RDFS.Class) in shapes or SH.targetNode in set(shapes.predicates(shape)):
        raise UnsupportedShape(f"{shape}: implicit class targets and sh:targetNode")
    patterns = []
    for kind, target in sorted(shapes.predicate_objects(shape)):
        if kind == SH.targetClass:
            patterns.append(f"?focus {RDF.type.n3()}/{RDFS.subClassOf.n3()}* {target.n3()} .")
        elif kind == SH.targetSubjectsOf:
            patterns.append(f"?focus {target.n3()} ?target_value .")
        elif kind == SH.targetObjectsOf:
            patterns.append(f"?target_subject {target.n3()} ?focus .")
    if not patterns:
        return None
    return " UNION ".join(f"{{ {p} }}" for p in patterns)


def _shape_queries(
    shapes: rdflib.Graph, shape: rdflib.term.Node, focus: str, *, seen: tuple
) -> Iterator[Query]:
    """The queries of node shape ``shape`` on the focus nodes that the pattern ``focus`` binds.

    The counts of all its property shapes are taken in one query; each other constraint has
    its own.
    """
    for predicate in set(shapes.predicates(shape)):
        if predicate not in _INFORMATIONAL | _TARGETS | {SH.property}:
            raise UnsupportedShape(f"{shape}: {predicate} on a node shape")
    counts: list[tuple[Check, rdflib.URIRef, str, rdflib.term.Node]] = []
    for prop in sorted(shapes.objects(shape, SH.property), key=str):
        yield from _property_queries(shapes, prop, focus, counts, seen=seen)
    if counts:
        yield _counts(focus, counts)


def _property_queries(
    shapes: rdflib.Graph,
    prop: rdflib.term.Node,
    focus: str,
    counts: list[tuple[Check, rdflib.URIRef, str, rdflib.term.Node]],
    *,
    seen: tuple,
) -> Iterator[Query]:
    """The queries of property shape ``prop``; its count constraints are added to ``counts``."""
    for predicate in set(shapes.predicates(prop)):
        if predicate not in _INFORMATIONAL | _CONSTRAINTS | {SH.path}:
            raise UnsupportedShape(f"{prop}: {predicate} on a property shape")
    path = shapes.value(prop, SH.path)
    if not isinstance(path, rdflib.URIRef):
        raise UnsupportedShape(f"{prop}: sh:path {path} is not one predicate")
    message = str(shapes.value(prop, SH.message) or "")
    severity = str(shapes.value(prop, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
    values = f"{{ {focus} }} ?focus {path.n3()} ?value ."

    def check(component: str) -> Check:
        return Check(str(path), message or f"sh:{component}", severity, component)

    def query(component: str, text: str) -> Query:
        return Query(text, (check(component),))

    def each(constraint: rdflib.URIRef) -> list[rdflib.term.Node]:
        return sorted(shapes.objects(prop, constraint), key=str)

    counts.extend((check("minCount"), path, "below", n) for n in each(SH.minCount))
    counts.extend((check("maxCount"), path, "above", n) for n in each(SH.maxCount))
    for kind in each(SH.nodeKind):
        test = _NODE_KINDS.get(kind)  # type: ignore[call-overload]
        if test is None:
            raise UnsupportedShape(f"{prop}: sh:nodeKind {kind}")
        yield query("nodeKind", _values(values, f"!{test}"))
    for datatype in each(SH.datatype):
        yield query("datatype", _values(values, _not_datatype(datatype)))
    for members in each(SH["in"]):
        tests = " || ".join(f"sameTerm(?value, {m.n3()})" for m in Collection(shapes, members))
        yield query("in", _values(values, f"!({tests or 'false'})"))
    flags = shapes.value(prop, SH.flags)
    for pattern in each(SH.pattern):
        regex = f"REGEX(STR(?value), {pattern.n3()}, {rdflib.Literal(flags or '').n3()})"
        yield query("pattern", _values(values, f"isBlank(?value) || !{regex}"))
    for constraint, operator in _RANGES.items():
        for bound in each(constraint):
            violated = f"!COALESCE(?value {operator} {bound.n3()}, false)"
            yield query(constraint.rsplit("#", 1)[-1], _values(values, violated))
    for constraint, operator in _PAIRS.items():
        for other in each(constraint):
            # one violation per pair of values, as SHACL counts them
            text = (f"SELECT ?focus ?value WHERE {{ SELECT DISTINCT ?focus ?value ?other WHERE "
                    f"{{ {values} ?focus {other.n3()} ?other . "
                    f"FILTER(!COALESCE(?value {operator} ?other, false)) }} }}")  # fmt: skip
            yield query(constraint.rsplit("#", 1)[-1], text)
    for cls in each(SH["class"]):
        test = f"?value {RDF.type.n3()}/{RDFS.subClassOf.n3()}* {cls.n3()}"
        yield query("class", _values(values, f"NOT EXISTS {{ {test} }}"))
    for node in each(SH.node):
        if node in seen:
            raise UnsupportedShape(f"{prop}: sh:node {node} refers to itself")
        yield query("node", _node(shapes, node, path, values, seen=(*seen, node)))


def _values(values: str, violated: str) -> str:
    return f"SELECT DISTINCT ?focus ?value WHERE {{ {values} FILTER({violated}) }}"


def _counts(focus: str, counts: list[tuple[Check, rdflib.URIRef, str, rdflib.term.Node]]) -> Query:
    """One query for every count constraint of a node shape: the number of distinct values of
    each path at each focus node, compared with the limits in a ``VALUES`` table."""
    paths = " ".join(sorted({path.n3() for _, path, _, _ in counts}))
    limits = " ".join(
        f"({path.n3()} {i} {n.n3() if side == 'below' else 'UNDEF'} "
        f"{n.n3() if side == 'above' else 'UNDEF'})"
        for i, (_, path, side, n) in enumerate(counts)
    )
    text = (
        "SELECT ?focus ?check WHERE { "
        f"{{ SELECT ?focus ?path (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {{ {focus} }} "
        f"VALUES ?path {{ {paths} }} OPTIONAL {{ ?focus ?path ?value }} }} GROUP BY ?focus ?path }} "
        f"VALUES (?path ?check ?below ?above) {{ {limits} }} "
        "FILTER(COALESCE(?n < ?below, false) || COALESCE(?n > ?above, false)) }"
    )
    return Query(text, tuple(check for check, _, _, _ in counts))


def _not_datatype(datatype: rdflib.term.Node) -> str:
    """The SPARQL test that a value is not a well-formed literal of ``datatype``."""
    if datatype == RDF.langString:
        return "!isLiteral(?value) || LANG(?value) = ''"
    test = f"!isLiteral(?value) || DATATYPE(?value) != {datatype.n3()}"
    if datatype in _CASTABLE:  # "abc"^^xsd:integer has the datatype but is not an integer
        test += f" || !COALESCE(isLiteral({datatype.n3()}(?value)), false)"
    return test


def _node(
    shapes: rdflib.Graph, node: rdflib.term.Node, path: rdflib.URIRef, values: str, *, seen: tuple
) -> str:
    """Pairs of focus node and value where the value does not conform to node shape ``node``
    (whose features :func:`_shape_queries` checks as it does a targeted shape's)."""
    # the value nodes of ``path`` that break any constraint of ``node``
    inner = _shape_queries(shapes, node, f"?owner {path.n3()} ?focus .", seen=seen)
    broken = " UNION ".join(f"{{ SELECT ?focus WHERE {{ {{ {q.text} }} }} }}" for q in inner)
    if not broken:
        return "SELECT ?focus ?value WHERE { FILTER(false) }"
    return (f"SELECT DISTINCT ?focus ?value WHERE {{ {values} "
            f"{{ SELECT DISTINCT (?focus AS ?value) WHERE {{ {broken} }} }} }}")  # fmt: skip
