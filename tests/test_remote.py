"""kg.remote: push a graph to, query it on and serve it from a real Oxigraph server.

Every test runs real processes (the ``oxigraph`` server, the ``kg`` command); nothing is
mocked.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.api import run_query
from kg.cli import app
from kg.errors import QueryError, StoreError
from kg.queries import NamedQuery, list_queries
from kg.remote import Endpoint, push_graph, run_remote_query, select_remote, with_values
from kg.store import GraphStore

runner = CliRunner()
BIN = Path(sys.executable).parent
OXIGRAPH = str(BIN / "oxigraph") if (BIN / "oxigraph").exists() else shutil.which("oxigraph")

# A typical value for each parameter name the named queries declare.
TYPICAL = {
    "mechanism": "五社联动",
    "region": "浙江省",
    "policy": "国办发〔2021〕56号",
    "label": "五社联动",
    "issuer": "国务院办公厅",
}
# Queries whose parameters need other values than the typical ones to find rows.
SPECIFIC = {
    "mechanisms": {"region": "湖北省"},
    "evidence": {"mechanism": "一有七中心", "jurisdiction": "河南省"},
}
INJECTIONS = [
    '五社联动" } ; DROP ALL ; #',
    "<http://x>",
    '五社联动"@zh } UNION { ?m ?p ?o } #',
    '五社联动"\n} ; CLEAR DEFAULT ; #\\',
    "五社联动\\u0022 } ; DROP ALL ; #",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except OSError:
        return False


class OxigraphServer:
    """``oxigraph serve`` (read-write) on a folder and a free port, restartable."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # the test extra installs it (pyproject.toml); missing, the round trip fails here
        assert OXIGRAPH is not None, "the oxigraph server is not installed: pip install -e .[test]"
        command = [
            OXIGRAPH,
            "serve",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while not answers(self.url + "/"):
            assert self.process.poll() is None, "the oxigraph server exited"
            assert time.monotonic() < deadline, "the oxigraph server does not answer"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "server")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pushed_server(tmp_path_factory: pytest.TempPathFactory, seed_graph: Path) -> Iterator[str]:
    """The URL of a server the seed graph was pushed to, shared by tests that only read."""
    server = OxigraphServer(tmp_path_factory.mktemp("pushed"))
    server.start()
    push_graph(seed_graph, server.url)
    yield server.url
    server.stop()


def server_quads(url: str) -> set[ox.Quad]:
    """Everything the server holds (Oxigraph answers GET /store with the whole dataset)."""
    request = urllib.request.Request(url + "/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return set(ox.parse(response.read(), format=ox.RdfFormat.N_QUADS))


def local_quads(graph: Path) -> set[ox.Quad]:
    return set(GraphStore.open(graph).store)


def server_count(url: str) -> int:
    table = select_remote(
        url, "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    )
    return table.rows[0][0]


def typical_params(name: str, params: tuple[str, ...]) -> dict[str, str]:
    values = SPECIFIC.get(name, {})
    missing = [p for p in params if p not in values and p not in TYPICAL]
    assert not missing, f"add a typical value for {missing} (query {name}) to TYPICAL or SPECIFIC"
    return {p: values.get(p, TYPICAL.get(p, "")) for p in params}


# --- endpoints and the VALUES block ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:7878",
        "http://127.0.0.1:7878/",
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/store/",
    ],
)
def test_remote_endpoint_urls_follow_the_oxigraph_server(url: str) -> None:
    endpoint = Endpoint.from_url(url)
    assert (endpoint.query, endpoint.update, endpoint.store) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    )


@pytest.mark.parametrize("url", ["localhost:7878", "ftp://host/x", "http://", "http://h:1/?x=1"])
def test_remote_endpoint_rejects_what_is_not_a_server_url(url: str) -> None:
    with pytest.raises(QueryError, match="E509"):
        Endpoint.from_url(url)


@pytest.mark.parametrize(
    "text",
    [
        "# a { in a comment\nSELECT ?v WHERE { ?s ?p ?v }",
        'PREFIX e: <http://e/#x>\nSELECT (CONCAT("{", ?v) AS ?w) ?v WHERE { ?s ?p ?v }',
        "SELECT ?v (EXISTS { ?v ?p ?o } AS ?e) WHERE { ?s ?p ?v }",
        "SELECT ?v { ?s ?p ?v }",
    ],
)
def test_remote_values_block_opens_the_outer_where(text: str) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("a")))
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("b")))
    bound = with_values(text, {"v": ox.Literal("b")})
    assert [s["v"] for s in store.query(bound)] == [ox.Literal("b")]


# --- push -----------------------------------------------------------------------------


def test_remote_push_copies_every_graph_and_is_idempotent(
    seed_graph: Path, oxigraph_server: OxigraphServer
) -> None:
    local = local_quads(seed_graph)
    report = push_graph(seed_graph, oxigraph_server.url)
    assert report.graphs == 1 + len(GraphStore.open(seed_graph).named_graphs())
    assert report.triples == len(local)
    assert server_quads(oxigraph_server.url) == local
    push_graph(seed_graph, oxigraph_server.url)
    assert server_count(oxigraph_server.url) == len(local)
    assert server_quads(oxigraph_server.url) == local


def test_remote_push_prune_removes_graphs_the_build_lacks(
    seed_graph: Path, oxigraph_server: OxigraphServer
) -> None:
    stale = "https://w3id.org/cgkg/doc/removed-document"
    request = urllib.request.Request(
        f"{oxigraph_server.url}/store?graph={urllib.request.quote(stale, safe='')}",
        data=b"<http://e/s> <http://e/p> <http://e/o> .\n",
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=10).close()
    assert push_graph(seed_graph, oxigraph_server.url).removed == ()
    assert server_count(oxigraph_server.url) == len(local_quads(seed_graph)) + 1
    assert push_graph(seed_graph, oxigraph_server.url, prune=True).removed == (stale,)
    assert server_quads(oxigraph_server.url) == local_quads(seed_graph)


def test_remote_push_to_a_dead_port_is_a_clear_error_with_exit_code_2(seed_graph: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["push", "--endpoint", url, "--graph", str(seed_graph)])
    assert result.exit_code == 2
    assert (
        "E510" in result.output and f"{url}/store" in result.output and "kg push" in result.output
    )
    query = runner.invoke(app, ["query", "adopters", "--mechanism", "五社联动", "--endpoint", url])
    assert query.exit_code == 2 and "E507" in query.output and f"{url}/query" in query.output


def test_remote_push_repaired_by_a_second_push_after_the_server_died(
    seed_graph: Path, oxigraph_server: OxigraphServer
) -> None:
    stored: list[str] = []

    def kill_after_two(graph: str, triples: int) -> None:
        stored.append(graph)
        if len(stored) == 2:
            oxigraph_server.kill()

    with pytest.raises(StoreError, match="E510") as failure:
        push_graph(seed_graph, oxigraph_server.url, progress=kill_after_two)
    third = GraphStore.open(seed_graph).named_graphs()[1]
    assert third in str(failure.value) and "after 2 of 6 graphs" in str(failure.value)
    assert "kg push" in str(failure.value)

    oxigraph_server.start()  # same folder, same port
    assert server_quads(oxigraph_server.url) != local_quads(seed_graph)
    push_graph(seed_graph, oxigraph_server.url)
    assert server_quads(oxigraph_server.url) == local_quads(seed_graph)


# --- query ----------------------------------------------------------------------------


@pytest.mark.parametrize("named", list_queries(), ids=lambda q: q.name)
def test_remote_named_queries_answer_as_the_embedded_store(
    named: NamedQuery, seed_graph: Path, pushed_server: str
) -> None:
    params = typical_params(named.name, tuple(p.name for p in named.params))
    local = run_query(named.name, store=GraphStore.open(seed_graph), **params)
    remote = run_remote_query(named.name, endpoint=pushed_server, **params)
    assert remote.columns == local.columns
    assert local.rows, f"{named.name} {params} finds nothing on the seed graph; pick a better value"
    assert Counter(remote.rows) == Counter(local.rows)


def test_remote_cli_query_with_endpoint_prints_the_same_table(
    seed_graph: Path, pushed_server: str
) -> None:
    args = ["query", "timeline", "--mechanism", "五社联动", "--format", "json"]
    remote = runner.invoke(app, [*args, "--endpoint", pushed_server])
    local = runner.invoke(app, [*args, "--graph", str(seed_graph)])
    assert remote.exit_code == 0 and remote.output == local.output and "湖北省" in remote.output


@pytest.mark.parametrize("value", INJECTIONS)
def test_remote_injected_values_match_nothing_and_change_nothing(
    value: str, seed_graph: Path, pushed_server: str
) -> None:
    before = server_count(pushed_server)
    for named in list_queries():
        if len(named.params) == 1:
            table = run_remote_query(
                named.name, endpoint=pushed_server, **{named.params[0].name: value}
            )
            assert table.rows == (), named.name
    assert server_count(pushed_server) == before == len(local_quads(seed_graph))


# --- serve ----------------------------------------------------------------------------


def test_remote_serve_answers_sparql_and_stops_on_sigint(seed_graph: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    kg = [str(BIN / "kg")] if (BIN / "kg").exists() else [sys.executable, "-m", "kg.cli"]
    process = subprocess.Popen(
        [*kg, "serve", "--graph", str(seed_graph), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().decode()
        assert first_line.startswith("serving") and answers(url + "/")
        table = select_remote(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        store = GraphStore.open(seed_graph)
        local = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert table.rows == local.rows and table.rows[0][0] > 0
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert f"{url}/" in first_line and f"{url}/query" in first_line
    assert not answers(url + "/")  # the Oxigraph child is gone too


def test_remote_serve_reports_a_server_that_dies_under_it(seed_graph: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    kg = [str(BIN / "kg")] if (BIN / "kg").exists() else [sys.executable, "-m", "kg.cli"]
    process = subprocess.Popen(
        [*kg, "serve", "--graph", str(seed_graph), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        assert "serving" in process.stdout.readline().decode()  # the server answers
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(children) == 1
        os.kill(int(children[0]), signal.SIGKILL)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 2 and "E513" in err.decode() and f"{url}/" in err.decode()


def test_remote_serve_without_a_graph_is_a_short_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--graph", str(tmp_path), "--port", str(free_port())])
    assert result.exit_code == 2 and "E501" in result.output


def test_remote_serve_on_a_busy_port_names_it(
    seed_graph: Path, oxigraph_server: OxigraphServer
) -> None:
    result = runner.invoke(
        app, ["serve", "--graph", str(seed_graph), "--port", str(oxigraph_server.port)]
    )
    assert (
        result.exit_code == 2
        and "E512" in result.output
        and str(oxigraph_server.port) in result.output
    )


def test_remote_docstring_examples_run() -> None:
    import doctest

    import kg.remote

    assert doctest.testmod(kg.remote).failed == 0
