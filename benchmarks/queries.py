"""Named-query latency on the 10,000-document graph: embedded pyoxigraph vs rdflib.

Runs the ``adopters`` and ``timeline`` named queries (mechanism 五社联动) on the graphs built
by ``benchmarks/run.py``: on the embedded pyoxigraph store of each (``graph-10k-j2`` as built,
``graph-10k`` after an incremental rebuild), and on an rdflib in-memory ``Dataset`` loaded
from the first one's ``graph.trig``. Prints the median latency of up to ~20 runs of each
(fewer once ``--budget`` seconds are spent; an rdflib run is stopped after ``--timeout``
seconds) and their ratio, and checks that both engines give the same answer. The disk is
synced first, and each pyoxigraph measurement follows three untimed runs. Both run the same text, its parameters bound in a ``VALUES`` block (the mechanism
looked up by name on the embedded store, as ``kg query`` does; the lookup is timed on the
embedded side only). Not collected by pytest.

    python benchmarks/queries.py [GRAPH ...] [--runs 20] [--budget 240]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path

import rdflib

from kg.api import run_query
from kg.queries import bound_text, get_query
from kg.store import TRIG_FILE, GraphStore

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = {  # the graph of a full build; the same corpus after a rebuild with one change
    "as built": ROOT / "benchmarks" / "out" / "graph-10k-j2",
    "after an incremental rebuild": ROOT / "benchmarks" / "out" / "graph-10k",
}
QUERIES = ("adopters", "timeline")
WARM_UP = 3  # untimed runs per query and graph before the timed ones
PARAMS = {"mechanism": "五社联动"}


def timed(
    run: Callable[[], list[tuple]], *, runs: int, budget: float, timeout: float
) -> tuple[list[float], list | None]:
    """Latencies of up to ``runs`` runs, stopping once ``budget`` seconds are spent.

    Each run is made in a forked child that is stopped after ``timeout`` seconds; a run that
    timed out is recorded as ``inf`` and ends the measurement.
    """
    latencies: list[float] = []
    answer: list | None = None
    while len(latencies) < runs and (sum(latencies) < budget or not latencies):
        latency, answer = _in_child(run, timeout)
        latencies.append(latency)
        if latency == float("inf"):
            break
    return latencies, answer


def _in_child(run: Callable[[], list[tuple]], timeout: float) -> tuple[float, list | None]:
    receiver, sender = multiprocessing.Pipe(duplex=False)

    def child() -> None:
        started = time.perf_counter()
        rows = run()
        sender.send((time.perf_counter() - started, rows))

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    if receiver.poll(timeout):
        latency, rows = receiver.recv()
        process.join()
        return latency, rows
    process.kill()
    process.join()
    return float("inf"), None


def rows_of_rdflib(result: rdflib.query.Result) -> list[tuple]:
    def value(term: object) -> object:
        if term is None:
            return None
        if isinstance(term, rdflib.Literal):
            python = term.toPython()
            return python if isinstance(python, int | float | bool) else str(term)
        return str(term)

    return [tuple(value(t) for t in row) for row in result]


def oxigraph_rows(store: GraphStore, name: str) -> list[tuple]:
    """As `kg query` answers: look the mechanism up, bind, query, convert the terms."""
    return list(run_query(name, store=store, **PARAMS).rows)


def reference_loop() -> float:
    """Seconds for a fixed loop of Python arithmetic (about 4 ms at this machine's full speed).

    A shared host runs the same work at different speeds from one minute to the next (here
    up to 1.8x slower for minutes at a time); timed after each query, this loop shows at what
    speed a median latency was taken.
    """
    started = time.perf_counter()
    total = 0
    for i in range(100_000):
        total += i * i
    return time.perf_counter() - started


def embedded(
    store: GraphStore, name: str, *, runs: int, budget: float
) -> tuple[list[float], list[tuple], list[float]]:
    """Latencies of up to ``runs`` runs of ``name`` on ``store`` (fewer after ``budget`` s),
    after ``WARM_UP`` untimed runs: the latency of a store in use, not of its first reads.
    Also the time of :func:`reference_loop`, run after each."""
    for _ in range(WARM_UP):
        oxigraph_rows(store, name)
    times: list[float] = []
    references: list[float] = []
    rows: list[tuple] = []
    while len(times) < runs and (sum(times) < budget or not times):
        started = time.perf_counter()
        rows = oxigraph_rows(store, name)
        times.append(time.perf_counter() - started)
        references.append(reference_loop())
    return times, rows, references


def rdflib_rows(dataset: rdflib.Dataset, text: str) -> list[tuple]:
    return rows_of_rdflib(dataset.query(text))


def answer(rows: list[tuple]) -> list[str]:
    """Rows in a comparable form: GROUP_CONCAT lists items in no set order (SPARQL 1.1,
    18.5.1.7), and engines differ, so a cell is compared as the sorted items it joins."""

    def cell(value: object) -> object:
        return sorted(re.split("[、 ]", value)) if isinstance(value, str) else value

    return sorted(repr([cell(value) for value in row]) for row in rows)


def show(title: str, value: object) -> None:
    print(f"{title:52} {value}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graphs", nargs="*", type=Path, default=list(GRAPHS.values()))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=240.0, help="seconds per engine and query")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for one run")
    args = parser.parse_args()
    for name in ("pyoxigraph", "rdflib", "python"):
        show(name, version(name) if name != "python" else platform.python_version())
    show("cpus, load average", (os.cpu_count(), os.getloadavg()))
    labels = {path: label for label, path in GRAPHS.items()}
    # the builds before this (make bench) leave gigabytes of dirty pages: let the kernel write
    # them out now, not while the queries are timed
    os.sync()

    # pyoxigraph first, before rdflib's dataset is in memory: its millions of Python objects
    # slow down everything else in the process (measured: 11 ms in a fresh process, 25 ms
    # beside the dataset)
    texts: dict[str, str] = {}
    ox_results: dict[str, tuple[list[float], list[tuple]]] = {}
    for graph in args.graphs:
        store = GraphStore.open(graph)
        label = labels.get(graph, str(graph))
        report = json.loads((graph / "build-report.json").read_text(encoding="utf-8"))
        size = round((graph / TRIG_FILE).stat().st_size / 2**20, 1)
        show(f"graph {label}: documents, quads, graph.trig MiB",
             (report["built"], report["quads"], size))  # fmt: skip
        for name in QUERIES:
            ox_times, ox_rows, references = embedded(
                store, name, runs=args.runs, budget=args.budget
            )
            show(
                f"{name}: pyoxigraph median ms, {label}",
                round(1000 * statistics.median(ox_times), 1),
            )
            show(
                f"{name}: reference loop median ms, {label}",
                round(1000 * statistics.median(references), 1),
            )
            if graph == args.graphs[0]:  # rdflib is compared on the first graph
                # the same text for both engines, its parameters bound in a VALUES block
                texts[name] = bound_text(get_query(name), PARAMS, run=store.select)
                ox_results[name] = (ox_times, ox_rows)
        del store
    trig = args.graphs[0] / TRIG_FILE

    started = time.perf_counter()
    dataset = rdflib.Dataset()
    dataset.parse(str(trig), format="trig")
    show("rdflib Dataset: load graph.trig (s)", round(time.perf_counter() - started, 1))
    show("rdflib Dataset: triples", len(dataset))

    results = {}
    for name in QUERIES:
        ox_times, ox_rows = ox_results[name]
        with_rdflib = partial(rdflib_rows, dataset, texts[name])
        rdf_times, rdf_rows = timed(
            with_rdflib, runs=args.runs, budget=args.budget, timeout=args.timeout
        )
        ox_median, rdf_median = statistics.median(ox_times), statistics.median(rdf_times)
        same = rdf_rows is not None and answer(ox_rows) == answer(rdf_rows)
        results[name] = {
            "rows": (len(ox_rows), None if rdf_rows is None else len(rdf_rows)),
            "same answer": same
            if rdf_rows is not None
            else f"rdflib timed out after {args.timeout} s",
            "pyoxigraph median ms": round(1000 * ox_median, 1),
            "pyoxigraph runs": len(ox_times),
            "rdflib median ms": round(1000 * rdf_median, 1),
            "rdflib runs": len(rdf_times),
            "rdflib / pyoxigraph": round(rdf_median / ox_median, 1)
            if rdf_median != float("inf")
            else f"> {args.timeout / ox_median:.2f} (rdflib stopped after {args.timeout:.0f} s)",
        }
        for key, value in results[name].items():
            show(f"{name}: {key}", value)


if __name__ == "__main__":
    main()
