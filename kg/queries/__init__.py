"""Named queries: ``*.rq`` files with a header that declares their parameters.

Header lines::

    # description: one line saying what the query answers
    # param: NAME (KIND) what the value is

KIND is ``label`` or ``string`` (a plain literal), ``name``, ``mechanism``, ``iri``,
``integer`` or ``year``. Besides ``?NAME`` bound to the value as given:

* a ``name`` also binds ``?NAME_label`` to the value in each form a label takes in the
  vocabularies (plain, and tagged zh-Hans, zh-Hant and en), so that a query matches
  ``?x skos:prefLabel ?NAME_label`` by index instead of comparing strings in a FILTER;
* a ``mechanism`` also binds ``?NAME_iri`` to the IRIs of the mechanisms that
  ``mechanism-by-name`` finds for the value (any label or variant, curated or discovered),
  so the query starts from its adoptions.

Parameters are bound by value, in a ``VALUES`` block written from the RDF terms (the same text
runs on the embedded store and on a server), never pasted into the query text. Put first in
the query, the block lets the store's planner start from the bound values and look up the
rest one row at a time; that is what makes ``adopters`` answer in milliseconds on 10,000
documents.

>>> names = [q.name for q in list_queries()]
>>> "adopters" in names
True
>>> get_query("adopters").params[0].name
'mechanism'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError

__all__ = [
    "NamedQuery",
    "Param",
    "list_queries",
    "get_query",
    "bind",
    "with_values",
    "bound_text",
    "QUERY_DIR",
    "KINDS",
    "NAME_LANGUAGES",
]

QUERY_DIR = Path(__file__).parent
KINDS = ("label", "string", "name", "mechanism", "iri", "integer", "year")
NAME_LANGUAGES = ("zh-Hans", "zh-Hant", "en")  # the label languages of ontology/*.ttl
_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s*\((\w+)\)\s*(.*)$")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str
    help: str


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path


def _load(path: Path) -> NamedQuery:
    return _parse(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int) -> NamedQuery:  # read again when the file changes
    description, params = "", []
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# description:"):
            description = line.split(":", 1)[1].strip()
        elif line.startswith("# param:"):
            m = _PARAM.match(line)
            if not m or m.group(2) not in KINDS:
                raise QueryError("E508", path=path, line=line)
            params.append(Param(m.group(1), m.group(2), m.group(3).strip()))
    return NamedQuery(path.stem, description, tuple(params), text, path)


def list_queries() -> list[NamedQuery]:
    """All named queries, by name."""
    return [_load(p) for p in sorted(QUERY_DIR.glob("*.rq"))]


def get_query(name: str) -> NamedQuery:
    """The named query ``name``.

    Raises:
        QueryError: no such query.
    """
    path = QUERY_DIR / f"{name}.rq"
    if not re.fullmatch(r"[\w-]+", name) or not path.exists():
        raise QueryError("E503", name=name)
    return _load(path)


Term = ox.NamedNode | ox.Literal


def _terms(param: Param, value: Any) -> tuple[Term, ...]:
    if param.kind == "iri":
        return (ox.NamedNode(str(value)),)
    if param.kind in ("integer", "year"):
        try:
            return (ox.Literal(str(int(value)), datatype=_XSD_INTEGER),)
        except (TypeError, ValueError):
            raise QueryError("E504", name="?", param=param.name, kind=param.kind) from None
    return (ox.Literal(str(value)),)


def _label_forms(value: Any) -> tuple[Term, ...]:
    text = str(value)
    return (ox.Literal(text), *(ox.Literal(text, language=lang) for lang in NAME_LANGUAGES))


Runner = Callable[[str], Any]  # runs a SELECT text, answers a Table (kg.store.Table)


def bind(
    query: NamedQuery, params: dict[str, Any], *, run: Runner | None = None
) -> dict[str, tuple[Term, ...]]:
    """Check ``params`` against the query's declaration and turn each into its RDF terms
    (a ``name`` NAME also gives ``NAME_label``, a ``mechanism`` NAME gives ``NAME_iri``).

    ``run`` answers the ``mechanism-by-name`` lookup a ``mechanism`` parameter needs, on the
    same store or server as the query itself.

    Raises:
        QueryError: a declared parameter is missing, or an unknown one is given.
    """
    known = {p.name: p for p in query.params}
    for name in params:
        if name not in known:
            raise QueryError("E505", name=query.name, param=name, known=", ".join(known) or "none")
    out = {}
    for name, param in known.items():
        if params.get(name) is None:
            raise QueryError("E504", name=query.name, param=name, kind=param.kind)
        out[name] = _terms(param, params[name])
        if param.kind == "name":
            out[f"{name}_label"] = _label_forms(params[name])
        elif param.kind == "mechanism":
            out[f"{name}_iri"] = mechanism_iris(params[name], run=run)
    return out


def mechanism_iris(name: Any, *, run: Runner | None) -> tuple[ox.NamedNode, ...]:
    """The IRIs of the mechanisms called ``name``, by the ``mechanism-by-name`` query."""
    if run is None:
        raise QueryError("E506", reason="a mechanism parameter needs a store to look it up in")
    table = run(bound_text(get_query("mechanism-by-name"), {"label": name}))
    column = table.columns.index("mechanism_iri")
    return tuple(ox.NamedNode(str(row[column])) for row in table.rows)


def bound_text(query: NamedQuery, params: dict[str, Any], *, run: Runner | None = None) -> str:
    """The text of ``query`` with ``params`` bound in a ``VALUES`` block (see :func:`bind`)."""
    return with_values(query.text, bind(query, params, run=run))


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def with_values(text: str, terms: Mapping[str, Term | Sequence[Term]]) -> str:
    """``text`` with a ``VALUES`` block binding ``terms`` right after its outer ``WHERE {``.

    A variable given several terms gets one row for each (several variables: every
    combination). Each value is written in its canonical N-Triples form (quotes, backslashes
    and line breaks escaped), and the block is parsed back to check it binds exactly ``terms``.
    Put first in the group, the block lets the query planner start from the bound values.

    >>> print(with_values("SELECT ?x WHERE { ?x <http://e/p> ?v }", {"v": ox.Literal('a"b')}))
    SELECT ?x WHERE {
      VALUES ?v { "a\\"b" }
     ?x <http://e/p> ?v }

    Raises:
        QueryError: the query has no group pattern, or a value does not survive the round trip.
    """
    if not terms:
        return text
    names = list(terms)
    columns = [
        (t,) if isinstance(t, ox.NamedNode | ox.Literal) else tuple(t) for t in terms.values()
    ]
    rows = list(product(*columns))
    if len(names) == 1:
        block = f"VALUES ?{names[0]} {{ {' '.join(str(row[0]) for row in rows)} }}"
    else:
        heads = " ".join(f"?{n}" for n in names)
        cells = " ".join(f"({' '.join(str(term) for term in row)})" for row in rows)
        block = f"VALUES ({heads}) {{ {cells} }}"
    _check_values(block, [dict(zip(names, row, strict=True)) for row in rows])
    at = _outer_brace(text) + 1
    return f"{text[:at]}\n  {block}\n{text[at:]}"


def _check_values(block: str, expected: list[dict[str, Term]]) -> None:
    try:
        solutions = _solutions_of(block)
        names = list(expected[0]) if expected else []
        rows = [{n: solution[n] for n in names} for solution in solutions]
    except (SyntaxError, ValueError) as exc:
        raise QueryError("E506", reason=f"parameters do not form a VALUES block ({exc})") from exc
    if rows != expected:
        raise QueryError("E506", reason="a parameter value does not survive SPARQL escaping")


@functools.lru_cache(maxsize=256)  # the same few values, bound again and again
def _solutions_of(block: str) -> tuple[ox.QuerySolution, ...]:
    """The solutions of a ``VALUES`` block alone, as parsed and evaluated by pyoxigraph."""
    return tuple(ox.Store().query(f"SELECT * WHERE {{ {block} }}"))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=64)  # the same few query texts, bound again and again
def _outer_brace(text: str) -> int:
    """Index of the ``{`` that opens the query's WHERE clause (outside strings, IRIs, comments)."""
    i, depth = 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            i += len(quote)
            while i < len(text) and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        elif ch == "<" and (iri := _IRIREF.match(text, i)):
            i = iri.end()
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "{" and depth == 0:
            return i
        i += 1
    raise QueryError("E506", reason="the query has no WHERE { … } block")
