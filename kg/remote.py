"""Share a built graph with a team: push it to a SPARQL server, query it there, or serve it.

Three ways out of the embedded store, all standard SPARQL 1.1:

* :func:`push_graph` copies a build into a server through the Graph Store HTTP Protocol,
  one ``PUT`` per graph: every document's named graph (``?graph=IRI``) and the ontology in
  the default graph (``?default``). A ``PUT`` replaces a whole graph, so pushing again is
  idempotent, and re-running a push that failed half-way repairs the server.
* :func:`run_remote_query` runs a named query on a server. Its parameters are bound by
  value, in a ``VALUES`` block written from the RDF terms' N-Triples form, never by pasting
  the user's text into the query.
* :func:`start_server` serves a build read-only with the Oxigraph server (``oxigraph
  serve-read-only``), whose start page is a YASGUI editor for writing SPARQL in a browser.

Endpoint URLs follow the Oxigraph server: from a base URL such as ``http://127.0.0.1:7878``
the query endpoint is ``BASE/query``, the update endpoint ``BASE/update`` and the graph store
``BASE/store``.

>>> Endpoint.from_url("http://127.0.0.1:7878/").store
'http://127.0.0.1:7878/store'
>>> import pyoxigraph as ox
>>> text = "SELECT ?mechanism ?x WHERE { ?x <http://e/p> ?mechanism }"
>>> print(with_values(text, {"mechanism": ox.Literal('a"b')}))
SELECT ?mechanism ?x WHERE {
  VALUES ?mechanism { "a\\"b" }
 ?x <http://e/p> ?mechanism }
"""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.queries import bound_text, get_query, with_values
from kg.store import STORE_DIR, GraphStore, Table, current_build, term_to_python

__all__ = [
    "Endpoint",
    "PushReport",
    "GraphServer",
    "serve_graph",
    "push_graph",
    "run_remote_query",
    "select_remote",
    "with_values",
    "start_server",
    "DEFAULT_GRAPH",
]

DEFAULT_GRAPH = "default graph"
TIMEOUT = 120.0  # seconds a server may take to answer one request
_ROLES = ("query", "update", "store")
_NTRIPLES = "application/n-triples"
_JSON_RESULTS = "application/sparql-results+json"


# --- endpoints ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Endpoint:
    """The URLs of one SPARQL server: query, update and graph store endpoints."""

    query: str
    update: str
    store: str

    @classmethod
    def from_url(cls, url: str) -> Endpoint:
        """Endpoints of an Oxigraph-style server from its base URL.

        ``http://host:7878`` gives ``…/query``, ``…/update`` and ``…/store``; a URL that
        already ends in one of these is taken to mean the same server.

        Raises:
            QueryError: ``url`` is not an http(s) URL.
        """
        parts = urllib.parse.urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise QueryError("E509", url=url)
        path = parts.path.rstrip("/")
        last = path.rsplit("/", 1)[-1]
        if last in _ROLES:
            path = path[: -len(last) - 1]
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        return cls(*(f"{base}/{role}" for role in _ROLES))

    @property
    def base(self) -> str:
        return self.query.rsplit("/", 1)[0]


def _endpoint(endpoint: str | Endpoint) -> Endpoint:
    return endpoint if isinstance(endpoint, Endpoint) else Endpoint.from_url(endpoint)


def _request(
    url: str, *, method: str, body: bytes | None = None, headers: Mapping[str, str], timeout: float
) -> bytes:
    """One HTTP request; returns the body. Raises ``OSError`` or ``HTTPException``."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _reason(exc: BaseException) -> str:
    """A short description of a failed request: the HTTP status and the server's words."""
    if isinstance(exc, urllib.error.HTTPError):
        detail = exc.read()[:300].decode("utf-8", "replace").strip()
        return f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


# --- push -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PushReport:
    """What :func:`push_graph` did."""

    endpoint: str
    graphs: int
    triples: int
    removed: tuple[str, ...]
    seconds: float


def push_graph(
    graph: str | Path,
    endpoint: str | Endpoint,
    *,
    prune: bool = False,
    timeout: float = TIMEOUT,
    progress: Callable[[str, int], None] | None = None,
) -> PushReport:
    """Copy the current build of ``graph`` into a SPARQL server, one ``PUT`` per graph.

    Each document's named graph and the default graph (the ontology) replace the server's
    graph of the same name, so a second push leaves the server as it was, and a push
    that failed half-way is repaired by pushing again. With ``prune``, named graphs the
    server holds but the build does not (documents since removed) are deleted.
    ``progress(graph, triples)`` is called after each graph is stored.

    Raises:
        QueryError: ``endpoint`` is not an http(s) URL (E509).
        StoreError: no build in ``graph`` (E501), or the server cannot be reached or refuses
            a graph (E510); the message names the graph and says to push again.
    """
    started = time.monotonic()
    target = _endpoint(endpoint)
    store = GraphStore.open(graph).store
    documents = sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value
    )
    names: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph(), *documents]
    total = 0
    for done, name in enumerate(names):
        label = name.value if isinstance(name, ox.NamedNode) else DEFAULT_GRAPH
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, name)]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        try:
            _request(
                _graph_url(target, name), method="PUT", body=body, timeout=timeout,
                headers={"Content-Type": _NTRIPLES},
            )  # fmt: skip
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(
                "E510", endpoint=target.store, graph=label, done=done, total=len(names),
                reason=_reason(exc),
            ) from exc  # fmt: skip
        total += len(triples)
        if progress is not None:
            progress(label, len(triples))
    kept = {g.value for g in documents}
    removed = _prune(target, kept, pushed=len(names), timeout=timeout) if prune else ()
    return PushReport(target.base, len(names), total, removed, time.monotonic() - started)


def _graph_url(endpoint: Endpoint, name: ox.NamedNode | ox.DefaultGraph) -> str:
    if isinstance(name, ox.DefaultGraph):
        return f"{endpoint.store}?default"
    return f"{endpoint.store}?graph={urllib.parse.quote(name.value, safe='')}"


def _prune(endpoint: Endpoint, keep: set[str], *, pushed: int, timeout: float) -> tuple[str, ...]:
    """Delete the server's named graphs that are not in ``keep``; returns their names."""
    listed = select_remote(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", timeout=timeout)
    stale = sorted(str(g) for (g,) in listed.rows if g not in keep)
    for name in stale:
        try:
            _request(
                _graph_url(endpoint, ox.NamedNode(name)), method="DELETE", timeout=timeout,
                headers={},
            )  # fmt: skip
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(
                "E510", endpoint=endpoint.store, graph=name, done=pushed, total=pushed,
                reason=f"deleting a graph the build no longer has: {_reason(exc)}",
            ) from exc  # fmt: skip
    return tuple(stale)


# --- query ----------------------------------------------------------------------------


def run_remote_query(name: str, *, endpoint: str | Endpoint, **params: Any) -> Table:
    """Run named query ``name`` on a SPARQL server, parameters bound by a ``VALUES`` block.

    Answers the same :class:`~kg.store.Table`, with the same Python values, as
    :func:`kg.api.run_query` on the embedded store.

    Raises:
        QueryError: unknown query or parameter, or the server fails (E507).
    """
    named = get_query(name)
    return select_remote(
        endpoint, bound_text(named, params, run=lambda text: select_remote(endpoint, text))
    )


def select_remote(endpoint: str | Endpoint, sparql: str, *, timeout: float = TIMEOUT) -> Table:
    """Run a SELECT query on a server (SPARQL 1.1 Protocol, JSON results) as a Table.

    Raises:
        QueryError: the server cannot be reached, rejects the query or answers no table (E507).
    """
    target = _endpoint(endpoint)
    try:
        body = _request(
            target.query, method="POST", body=sparql.encode("utf-8"), timeout=timeout,
            headers={"Content-Type": "application/sparql-query", "Accept": _JSON_RESULTS},
        )  # fmt: skip
    except (OSError, http.client.HTTPException) as exc:
        raise QueryError("E507", endpoint=target.query, reason=_reason(exc)) from exc
    try:
        answer = json.loads(body)
        columns = tuple(answer["head"]["vars"])
        rows = tuple(
            tuple(term_to_python(_term(b[c]) if c in b else None) for c in columns)
            for b in answer["results"]["bindings"]
        )
    except (ValueError, KeyError, TypeError) as exc:
        reason = f"the answer is not a SPARQL JSON results table ({exc!r})"
        raise QueryError("E507", endpoint=target.query, reason=reason) from exc
    return Table(columns, rows)


def _term(binding: Mapping[str, Any]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A SPARQL JSON results binding as the pyoxigraph term it stands for."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    raise ValueError(f"unsupported term type {kind!r}")


# --- serve ----------------------------------------------------------------------------


@dataclass
class GraphServer:
    """A running ``oxigraph serve-read-only`` process over one build's store."""

    process: subprocess.Popen[bytes]
    url: str
    location: Path
    log: IO[bytes] = field(repr=False)

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint.from_url(self.url)

    def stop(self, *, timeout: float = 10.0) -> int:
        """Terminate the server and wait for it; returns its exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def output(self) -> str:
        """What the server printed so far."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace").strip()

    def __enter__(self) -> GraphServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_graph(
    graph: str | Path,
    *,
    port: int = 7878,
    host: str = "127.0.0.1",
    poll: float = 1.0,
    started: Callable[[GraphServer, bool], None] | None = None,
) -> None:
    """Serve the current build of ``graph`` read-only until Ctrl-C (SIGINT) or SIGTERM.

    Follows the graph folder: every ``poll`` seconds it looks whether another build has
    become current, and if so restarts the server on the same address on the new build
    (the old build stays on disk until the next publish, see :func:`kg.store.publish_build`,
    so the old server answers until it is stopped). ``started(server, restarted)`` is called
    after each start. Call from the main thread.

    Raises:
        StoreError: no build (E501), no ``oxigraph`` program (E511), the server does not
            start (E512) or stops on its own (E513).
    """
    root = Path(graph)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    server: GraphServer | None = None
    try:
        server = start_server(root, port=port, host=host)
        if started:
            started(server, False)
        while True:
            try:
                code = server.process.wait(timeout=poll)
            except subprocess.TimeoutExpired:
                if _served_build_changed(root, server):
                    server.stop()
                    server = start_server(root, port=port, host=host)
                    if started:
                        started(server, True)
                continue
            output = server.output()
            raise StoreError("E513", url=server.url, status=code, output=output or "no output")
    except KeyboardInterrupt:
        return
    finally:
        if server is not None:
            server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _served_build_changed(root: Path, server: GraphServer) -> bool:
    """True when ``root`` has a current build other than the one ``server`` serves."""
    try:
        return current_build(root) / STORE_DIR != server.location
    except StoreError:  # the graph folder is being replaced: keep serving what we have
        return False


def start_server(
    graph: str | Path, *, port: int = 7878, host: str = "127.0.0.1", wait: float = 30.0
) -> GraphServer:
    """Start the Oxigraph server read-only on the current build of ``graph``.

    Returns once the server answers. It runs in its own process group, so Ctrl-C in a
    terminal reaches only the caller, which stops it (:meth:`GraphServer.stop`).

    Raises:
        StoreError: no build in ``graph`` (E501), the ``oxigraph`` program is missing
            (E511), or the server exits or does not answer (E512).
    """
    location = current_build(Path(graph)) / STORE_DIR
    program = _oxigraph_program()
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, address.rsplit(":", 1)[0])
    server_url = f"http://{shown}:{port}/"
    if _answers(server_url):
        raise StoreError("E512", path=location, bind=address, reason="another server answers there")
    log = tempfile.TemporaryFile()
    command = [program, "serve-read-only", "--location", str(location), "--bind", address]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, process_group=0)
    server = GraphServer(process, server_url, location, log)
    try:
        _wait_until_answering(server, address=address, wait=wait)
    except BaseException:  # Ctrl-C while starting, too: never leave the server behind
        server.stop()
        raise
    return server


def _wait_until_answering(server: GraphServer, *, address: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            reason = server.output() or server.process.returncode
            raise StoreError("E512", path=server.location, bind=address, reason=reason)
        if _answers(server.url):
            return
        time.sleep(0.05)
    raise StoreError(
        "E512", path=server.location, bind=address, reason=f"no answer within {wait:g}s"
    )


def _answers(url: str) -> bool:
    try:
        _request(url, method="GET", headers={}, timeout=1.0)
    except (OSError, http.client.HTTPException):
        return False
    return True


def _oxigraph_program() -> str:
    """The ``oxigraph`` program: next to this Python (a virtual environment) or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise StoreError("E511")
    return found
