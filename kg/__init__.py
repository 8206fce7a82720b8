"""cgkg: a knowledge graph of Chinese community-governance policy.

Read government texts, extract regions, agencies, policies, mechanisms and adoptions, and
query them as RDF. ``kg.open("graph")`` opens a built graph; ``kg.query(name, **params)``
runs a named query.
"""

from __future__ import annotations

from kg.api import Graph, open_graph, query, run_query

__version__ = "0.1.0"
open = open_graph  # noqa: A001  (kg.open("graph/") reads like the built-in it mirrors)

__all__ = ["Graph", "open", "open_graph", "query", "run_query", "__version__"]
