"""Named queries: ``*.rq`` files with a header that declares their parameters.

Header lines::

    # description: one line saying what the query answers
    # param: NAME (KIND) what the value is

KIND is ``label`` or ``string`` (a plain literal), ``iri``, ``integer`` or ``year``.
Parameters are bound by value (pyoxigraph substitutions, or a ``VALUES`` block for a remote
endpoint), never pasted into the query text.

>>> names = [q.name for q in list_queries()]
>>> "adopters" in names
True
>>> get_query("adopters").params[0].name
'mechanism'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError

__all__ = ["NamedQuery", "Param", "list_queries", "get_query", "bind", "QUERY_DIR", "KINDS"]

QUERY_DIR = Path(__file__).parent
KINDS = ("label", "string", "iri", "integer", "year")
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
    description, params = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# description:"):
            description = line.split(":", 1)[1].strip()
        elif line.startswith("# param:"):
            m = _PARAM.match(line)
            if not m or m.group(2) not in KINDS:
                raise QueryError("E508", path=path, line=line)
            params.append(Param(m.group(1), m.group(2), m.group(3).strip()))
    return NamedQuery(path.stem, description, tuple(params), path.read_text(encoding="utf-8"), path)


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


def _term(param: Param, value: Any) -> ox.NamedNode | ox.Literal:
    if param.kind == "iri":
        return ox.NamedNode(str(value))
    if param.kind in ("integer", "year"):
        try:
            return ox.Literal(str(int(value)), datatype=_XSD_INTEGER)
        except (TypeError, ValueError):
            raise QueryError("E504", name="?", param=param.name, kind=param.kind) from None
    return ox.Literal(str(value))


def bind(query: NamedQuery, params: dict[str, Any]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check ``params`` against the query's declaration and turn them into RDF terms.

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
        out[name] = _term(param, params[name])
    return out
