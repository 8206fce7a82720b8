"""`kg build --jobs N` and `kg build --scheduler tcp://…`: the same records, byte for byte,
and the same quads as a serial build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build_graph
from kg.store import RECORDS_FILE, REPORT_FILE, STORE_DIR, current_build

from .ontologies import stricter_shapes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
KG = [sys.executable, "-m", "kg.cli"]


def quads(graph: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str(current_build(graph) / STORE_DIR)))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fourteen documents: the seeds, cuts of them, a duplicate and a file that fails."""
    folder = tmp_path_factory.mktemp("corpus")
    seeds = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, folder)
    for i in range(7):
        text = seeds[i % len(seeds)][400 * i : 400 * i + 1500]
        (folder / f"cut-{i}.txt").write_text(f"第{i}号\n{text}\n", encoding="utf-8")
    shutil.copy(folder / "cut-1.txt", folder / "cut-1-copy.txt")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def serial(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    graph = tmp_path_factory.mktemp("serial") / "graph"
    assert build_graph([corpus], graph).exit_code == 1  # empty.txt fails
    return graph


def assert_same_build(graph: Path, serial: Path) -> None:
    assert (graph / RECORDS_FILE).read_bytes() == (serial / RECORDS_FILE).read_bytes()
    assert quads(graph) == quads(serial)
    statuses = [(d["path"], d["status"]) for d in _report(graph)["documents"]]
    assert statuses == [(d["path"], d["status"]) for d in _report(serial)["documents"]]


def _report(graph: Path) -> dict:
    import json

    return json.loads((graph / REPORT_FILE).read_text(encoding="utf-8"))


def test_build_jobs_gives_the_serial_records_and_quads(
    corpus: Path, serial: Path, tmp_path: Path
) -> None:
    graph = tmp_path / "graph"
    report = build_graph([corpus], graph, jobs=2)
    assert report.exit_code == 1 and not any(d.cached for d in report.documents)
    assert_same_build(graph, serial)


def cache_entries(graph: Path) -> set[str]:
    return {p.name for p in (graph / "cache").glob("*/*.entry")}


def test_build_jobs_workers_write_the_record_cache(corpus: Path, tmp_path: Path) -> None:
    """The worker processes write each document they extract to the record cache, so a
    build that cannot trust the files' signatures (all touched) takes every document from
    the cache instead of extracting it again."""
    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    graph = tmp_path / "graph"
    build_graph([work], graph, jobs=2)
    assert len(cache_entries(graph)) == 12  # 14 files: one empty, one a duplicate
    for path in work.iterdir():
        os.utime(path)  # a new modification time: the signature no longer vouches
    again = build_graph([work], graph, jobs=2)
    assert [d.path for d in again.documents if d.status == "built" and not d.cached] == []
    assert len([d for d in again.documents if d.cached]) == 12


def test_build_jobs_document_failing_the_shapes_is_not_cached(tmp_path: Path) -> None:
    """A document whose graph fails the shapes is refused, and its worker leaves no cache
    entry: a later build with the same shapes checks it again."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("henan-2023-proposal-reply.txt", "hunan-2022-community-service-plan.txt"):
        shutil.copy(CORPUS / name, corpus)
    strict = stricter_shapes(tmp_path / "ontology")
    graph = tmp_path / "graph"
    args = ["build", str(corpus), "--out", str(graph), "--jobs", "2", "--quiet"]
    env = {**os.environ, "CGKG_ONTOLOGY": str(strict)}
    refused = subprocess.run([*KG, *args], capture_output=True, text=True, env=env, timeout=300)
    assert refused.returncode == 2 and "E602" in refused.stderr
    assert "henan-2023-proposal-reply.txt" in refused.stderr
    assert len(cache_entries(graph)) < 2  # the failing document is not among them


def test_build_jobs_cli(corpus: Path, serial: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    args = ["build", str(corpus), "--out", str(graph), "--jobs", "2", "--quiet"]
    result = subprocess.run([*KG, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "E101" in result.stderr and "W601" in result.stderr
    assert_same_build(graph, serial)


def test_build_dask_scheduler_gives_the_serial_build(
    corpus: Path, serial: Path, tmp_path: Path
) -> None:
    import distributed

    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        graph = tmp_path / "graph"
        args = ["build", str(corpus), "--out", str(graph), "--scheduler", address, "--quiet"]
        result = subprocess.run([*KG, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert result.returncode == 1, result.stderr
        assert_same_build(graph, serial)
        with distributed.Client(address) as client:  # both workers loaded the pipeline
            loaded = client.run(_pipelines_loaded)
        assert sorted(loaded.values()) == [1, 1]


def _pipelines_loaded() -> int:
    from kg.extract import load_pipeline

    return load_pipeline.cache_info().currsize


def test_build_dask_scheduler_unreachable_keeps_nothing(corpus: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    args = ["build", str(corpus), "--out", str(graph), "--scheduler", "tcp://127.0.0.1:9"]
    result = subprocess.run([*KG, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and "E608" in result.stderr
    assert not (graph / "current").exists()


# a rebuild's worker: started at once, it loads the pipeline while the builder finds what
# changed (kg.runners.open_runner, ahead=True)

ADDED = "\n2022年以来，本市全面推行五社联动机制。\n"
# runs `kg ARGS…` and then says on stderr whether the building process itself imported spaCy
WATCHED = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print('spacy imported:', 'spacy' in sys.modules, file=sys.stderr))\n"
    "sys.argv = ['kg', *sys.argv[1:]]\n"
    "runpy.run_module('kg.cli', run_name='__main__')\n"
)


def kg_watched(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WATCHED, *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_rebuild_extracts_in_a_worker_and_gives_the_graph_of_a_new_build(
    corpus: Path, tmp_path: Path
) -> None:
    """`kg build` over a graph that exists sends the changed document to a worker process
    that started loading the pipeline at once, so the builder never imports spaCy (on a
    machine of one core it extracts itself); the graph is the one a new build makes."""
    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    graph = tmp_path / "graph"
    first = kg_watched("build", str(work), "--out", str(graph), "--quiet")
    assert first.returncode == 1 and "spacy imported: True" in first.stderr  # a new graph
    changed = work / "cut-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    again = kg_watched("build", str(work), "--out", str(graph), "--quiet")
    assert again.returncode == 1, again.stderr
    assert f"spacy imported: {(os.cpu_count() or 1) < 2}" in again.stderr
    built = [d for d in _report(graph)["documents"] if d["status"] == "built"]
    assert [d["path"] for d in built if not d["cached"]] == [str(changed)]
    new = tmp_path / "new"
    build_graph([work], new)
    assert_same_build(graph, new)
    assert (graph / "graph.trig").read_bytes() == (new / "graph.trig").read_bytes()


def test_rebuild_whose_worker_cannot_load_the_pipeline_says_why(
    corpus: Path, tmp_path: Path
) -> None:
    """An ontology the pipeline cannot load (a cue set entry without '='), met by the worker,
    fails the build with the message it would give without one; the graph is kept."""
    ontology = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", ontology)
    env = {"CGKG_ONTOLOGY": str(ontology)}
    graph = tmp_path / "graph"
    assert kg_watched("build", str(corpus), "--out", str(graph), "--quiet", env=env).returncode == 1
    before = current_build(graph)
    cues = ontology / "cues.ttl"
    text = cues.read_text(encoding="utf-8")
    assert '"省=province"' in text
    cues.write_text(text.replace('"省=province"', '"省province"'), encoding="utf-8")
    failed = kg_watched("build", str(corpus), "--out", str(graph), "--quiet", env=env)
    assert failed.returncode == 2
    assert (
        "E403" in failed.stderr
        and "level-words" in failed.stderr
        and "'省province'" in failed.stderr
    )
    assert "Traceback" not in failed.stderr
    assert current_build(graph) == before


def test_worker_that_dies_is_reported_with_the_document_it_was_given(tmp_path: Path) -> None:
    from kg.errors import BuildError
    from kg.runners import _Worker

    worker = _Worker(1000, True, False)
    try:
        worker._process.kill()  # as the kernel's out-of-memory killer would
        pending, _ = worker.submit(CORPUS / "henan-2023-proposal-reply.txt", None)
        with pytest.raises(BuildError, match=r"E610 .*exit status -9.*henan-2023-proposal-reply"):
            pending.result()
    finally:
        worker.close()


def test_rebuild_without_a_worker_process_extracts_in_the_builder(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When no process can be started (out of memory, a limit on processes), a rebuild
    extracts the changed document itself instead of failing."""
    import multiprocessing.context

    import kg.runners

    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    graph = tmp_path / "graph"
    build_graph([work], graph)
    changed = work / "cut-5.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")

    def refuse(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    started = []
    monkeypatch.setattr(kg.runners, "_pipeline_loaded", lambda: False)  # as in a new process
    monkeypatch.setattr(kg.runners, "_Worker", _Recorded(kg.runners._Worker, started))
    for kind in (multiprocessing.context.ForkProcess, multiprocessing.context.SpawnProcess):
        monkeypatch.setattr(kind, "start", refuse)
    report = build_graph([work], graph)
    assert started == ["tried"]  # the rebuild asked for a worker
    assert [d.path for d in report.documents if d.status == "built" and not d.cached] == [
        str(changed)
    ]
    new = tmp_path / "new"
    build_graph([work], new)
    assert_same_build(graph, new)


class _Recorded:
    """A class whose every construction is noted in ``log``."""

    def __init__(self, cls: type, log: list[str]) -> None:
        self.cls, self.log = cls, log

    def __call__(self, *args: object) -> object:
        self.log.append("tried")
        return self.cls(*args)


def test_rebuild_failing_the_shapes_is_refused_and_leaves_no_cache_entry(tmp_path: Path) -> None:
    """In a rebuild the builder checks the shapes of what its worker extracts (it waits for
    the worker anyway): a document that fails them is refused and not cached."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("henan-2023-proposal-reply.txt", "hunan-2022-community-service-plan.txt"):
        shutil.copy(CORPUS / name, corpus)
    graph = tmp_path / "graph"
    assert kg_watched("build", str(corpus), "--out", str(graph), "--quiet").returncode == 0
    good, before = current_build(graph), cache_entries(graph)
    strict = stricter_shapes(tmp_path / "ontology")
    env = {"CGKG_ONTOLOGY": str(strict)}
    refused = kg_watched("build", str(corpus), "--out", str(graph), "--quiet", env=env)
    assert refused.returncode == 2 and "E602" in refused.stderr
    assert "henan-2023-proposal-reply.txt" in refused.stderr
    assert f"spacy imported: {(os.cpu_count() or 1) < 2}" in refused.stderr
    assert current_build(graph) == good
    assert len(cache_entries(graph) - before) < 2  # the failing document is not among them
