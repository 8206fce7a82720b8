"""Build benchmarks: end-to-end characters/s, the floor and spaCy ratios, --jobs 2 speed-up,
incremental rebuilds and peak memory. Run with ``make bench`` (not collected by pytest).

Builds run with ``--no-validate``, to compare with earlier runs, except one city-report
and one 10,000-document build as ``kg build`` runs by default, with the per-document SHACL
check (the shapes run as SPARQL, kg/shapes.py), to show what the check costs.

It also measures the machine's own parallel ceiling (:func:`ceiling`): two processes
extracting at once against one alone, the bound on any ``--jobs 2`` speed-up here.

Corpora: the city government work reports (``../shared/corpora/city-reports``) and the
synthetic corpus of ``benchmarks/make_corpus.py`` (made first if missing), its first 1,000
documents and all of them. Every build is a real ``kg build`` process started fresh; its
peak RSS is read from ``os.wait4``. Results are printed and written to
``benchmarks/out/results.json``; the 10,000-document graphs stay in ``benchmarks/out`` for
``benchmarks/queries.py``: ``graph-10k-j2`` as built, ``graph-10k`` after one incremental
rebuild.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CITY = ROOT.parent / "shared" / "corpora" / "city-reports"
SYNTHETIC = OUT / "synthetic"
KG = [sys.executable, "-m", "kg.cli"]
CHANGE = "\n2024年以来，本市全面推行五社联动机制。\n"


def environment() -> dict:
    """Versions and hardware, recorded with the numbers."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")), "?",
    )  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=ROOT).stdout.strip()  # fmt: skip
    return {
        "cgkg commit": commit,
        "python": platform.python_version(),
        **{name: version(name) for name in ("pyoxigraph", "spacy", "rdflib", "distributed")},
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(),
        "load average at start": os.getloadavg(),
    }


def kg_build(corpus: Path, graph: Path, *args: str, fresh: bool = True) -> dict:
    """Run `kg build` in a new process; wall time, its report and its peak RSS (MiB)."""
    if fresh and graph.exists():
        shutil.rmtree(graph)
    command = [*KG, "build", str(corpus), "--out", str(graph), "--quiet", *args]
    if "--validate" not in args:  # throughput without the per-document SHACL check
        command.append("--no-validate")
    with open(OUT / "build-stderr.log", "ab") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"kg build failed ({process.returncode}): {command}")
    report = json.loads((graph / "build-report.json").read_text(encoding="utf-8"))
    chars = sum(d.get("chars", 0) for d in report["documents"])
    return {
        "documents": len(report["documents"]),
        "built": report["built"],
        "chars": chars,
        "quads": report["quads"],
        "wall seconds": round(wall, 2),
        "chars/s": round(chars / wall),
        "peak RSS MiB": round(usage.ru_maxrss / 1024, 1),
        # CPU of the build and the worker processes it waited for; / wall = cores kept busy
        "cpu seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "cores busy": round((usage.ru_utime + usage.ru_stime) / wall, 2),
        "extracted": len(report.get("extracted", [])),
        "cached": len(report.get("cached", [])),
    }


def texts(corpus: Path) -> list[Path]:
    from kg.build import find_documents

    return find_documents([corpus])


def floor(corpus: Path) -> dict:
    """Read, decode and normalise only (kg.read.read_file): the fastest a build could be."""
    from kg.read import read_file

    paths = texts(corpus)
    started = time.perf_counter()
    chars = sum(len(read_file(path).text) for path in paths)
    seconds = time.perf_counter() - started
    return {"chars": chars, "seconds": round(seconds, 2), "chars/s": round(chars / seconds)}


def spacy_blank(corpus: Path) -> dict:
    """spaCy's blank Chinese pipeline (character segmenter) over the same normalised text."""
    import spacy

    from kg.read import read_file

    nlp = spacy.blank("zh")
    normalised = [read_file(path).text for path in texts(corpus)]
    nlp.max_length = max(nlp.max_length, *(len(t) + 1 for t in normalised))
    started = time.perf_counter()
    for text in normalised:
        nlp(text)
    seconds = time.perf_counter() - started
    chars = sum(len(t) for t in normalised)
    return {"chars": chars, "seconds": round(seconds, 2), "chars/s": round(chars / seconds)}


def _extract_timed(paths: list[Path], ready: object, seconds: object) -> None:
    from kg.extract import extract_text, load_pipeline
    from kg.read import read_file

    nlp = load_pipeline()
    documents = [read_file(path) for path in paths]
    extract_text(documents[0], doc_id="warm-up", nlp=nlp)
    ready.wait()  # type: ignore[attr-defined]  # a multiprocessing Barrier
    started = time.perf_counter()
    for number, document in enumerate(documents):
        extract_text(document, doc_id=str(number), nlp=nlp)
    seconds.put(time.perf_counter() - started)  # type: ignore[attr-defined]  # a Queue


def ceiling(corpus: Path, count: int = 300) -> dict:
    """How much a second process can add on this machine, whatever cgkg coordinates.

    The same ``count`` documents are extracted (read beforehand, pipeline loaded) by one
    process alone, then by two processes at once, each doing all of them. With two free
    cores both finish in the time one takes alone (ceiling 2.0); cores shared with other
    work, or sharing caches and memory bandwidth, bring it down. A ``--jobs 2`` speed-up is
    bounded by this figure.
    """
    paths = texts(corpus)[:count]
    context = multiprocessing.get_context("spawn")

    def run(processes: int) -> float:
        ready, seconds = context.Barrier(processes), context.Queue()
        workers = [
            context.Process(target=_extract_timed, args=(paths, ready, seconds))
            for _ in range(processes)
        ]
        for worker in workers:
            worker.start()
        times = [seconds.get() for _ in workers]
        for worker in workers:
            worker.join()
        return max(times)

    alone, together = run(1), run(2)
    return {
        "documents": len(paths),
        "one process s": round(alone, 2),
        "two processes at once s (the slower)": round(together, 2),
        "ceiling": round(2 * alone / together, 2),
    }


def incremental(corpus: Path, graph: Path, full: dict, *, runs: int = 3) -> dict:
    """Change one document, rebuild, put it back; ``runs`` times, each with new text (so the
    record cache cannot answer). The run of median wall time is returned, with every run's
    time: on a shared machine one run can be a fifth off."""
    changed = texts(corpus)[len(texts(corpus)) // 2]
    original = changed.read_bytes()
    results = []
    try:
        for run in range(runs):
            changed.write_bytes(original + CHANGE.replace("。", f"（{run}）。").encode("utf-8"))
            results.append(kg_build(corpus, graph, fresh=False))
    finally:
        changed.write_bytes(original)
    result = sorted(results, key=lambda r: r["wall seconds"])[len(results) // 2]
    result["runs, wall seconds"] = [r["wall seconds"] for r in results]
    result["speed-up over full build"] = round(full["wall seconds"] / result["wall seconds"], 1)
    return result


def moved(corpus: Path, graph: Path) -> dict:
    """Rebuild ``graph`` with ``corpus`` given by another spelling of its path (relative to
    the working folder instead of absolute): every cache key names the path, so every
    document is extracted again, and the build replaces most of the store."""
    return kg_build(corpus.relative_to(ROOT), graph, fresh=False)


def subset(count: int) -> Path:
    folder = OUT / f"synthetic-{count // 1000}k"
    if not folder.is_dir() or len(list(folder.iterdir())) != count:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for path in sorted(SYNTHETIC.iterdir())[:count]:
            shutil.copy(path, folder / path.name)
    return folder


def show(title: str, value: object) -> None:
    print(f"{title:58} {value}", flush=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if not SYNTHETIC.is_dir():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py")], check=True)
    results: dict = {"environment": environment()}
    for key, value in results["environment"].items():
        show(key, value)

    results["parallel ceiling"] = ceiling(subset(1000))
    show("machine: extraction in 2 processes at once / alone (ceiling)",
         results["parallel ceiling"]["ceiling"])  # fmt: skip

    city = results["city reports"] = {"build": kg_build(CITY, OUT / "graph-city")}
    show(
        "city reports: documents, characters", (city["build"]["documents"], city["build"]["chars"])
    )
    show("city reports: end-to-end chars/s (serial)", city["build"]["chars/s"])
    city["jobs 2"] = kg_build(CITY, OUT / "graph-city-j2", "--jobs", "2")
    city["validated"] = kg_build(CITY, OUT / "graph-city-v", "--validate")
    show("city reports: build s without / with SHACL validation",
         (city["build"]["wall seconds"], city["validated"]["wall seconds"]))  # fmt: skip
    city["floor"], city["spacy blank zh"] = floor(CITY), spacy_blank(CITY)
    show("city reports: floor (read_file) chars/s", city["floor"]["chars/s"])
    show(
        "city reports: end-to-end / floor",
        round(city["build"]["chars/s"] / city["floor"]["chars/s"], 3),
    )
    show("city reports: spaCy blank zh chars/s", city["spacy blank zh"]["chars/s"])
    show("city reports: end-to-end / spaCy blank zh",
         round(city["build"]["chars/s"] / city["spacy blank zh"]["chars/s"], 3))  # fmt: skip
    show("city reports: --jobs 2 speed-up",
         round(city["build"]["wall seconds"] / city["jobs 2"]["wall seconds"], 2))  # fmt: skip

    one_k = results["synthetic 1k"] = {"build": kg_build(subset(1000), OUT / "graph-1k")}
    show(
        "synthetic 1k: documents, characters",
        (one_k["build"]["documents"], one_k["build"]["chars"]),
    )
    show("synthetic 1k: end-to-end chars/s (serial)", one_k["build"]["chars/s"])
    show("synthetic 1k: peak RSS MiB (serial build)", one_k["build"]["peak RSS MiB"])
    one_k["incremental"] = incremental(subset(1000), OUT / "graph-1k", one_k["build"])
    show("synthetic 1k: full build s / one change rebuild s (median of 3)",
         (one_k["build"]["wall seconds"], one_k["incremental"]["wall seconds"]))  # fmt: skip
    one_k["moved"] = moved(subset(1000), OUT / "graph-1k")
    show("synthetic 1k: full build s / rebuild with every document changed s",
         (one_k["build"]["wall seconds"], one_k["moved"]["wall seconds"]))  # fmt: skip
    one_k["jobs 2"] = kg_build(subset(1000), OUT / "graph-1k-j2", "--jobs", "2")
    show("synthetic 1k: --jobs 2 speed-up",
         round(one_k["build"]["wall seconds"] / one_k["jobs 2"]["wall seconds"], 2))  # fmt: skip
    show("synthetic 1k: peak RSS MiB (--jobs 2 build, parent)", one_k["jobs 2"]["peak RSS MiB"])

    ten_k = results["synthetic 10k"] = {"build": kg_build(SYNTHETIC, OUT / "graph-10k")}
    show(
        "synthetic 10k: documents, characters",
        (ten_k["build"]["documents"], ten_k["build"]["chars"]),
    )
    show("synthetic 10k: quads", ten_k["build"]["quads"])
    show("synthetic 10k: end-to-end chars/s (serial)", ten_k["build"]["chars/s"])
    show("synthetic 10k: peak RSS MiB (serial build)", ten_k["build"]["peak RSS MiB"])
    ten_k["jobs 2"] = kg_build(SYNTHETIC, OUT / "graph-10k-j2", "--jobs", "2")
    show("synthetic 10k: build s, --jobs 2", ten_k["jobs 2"]["wall seconds"])
    show("synthetic 10k: --jobs 2 speed-up",
         round(ten_k["build"]["wall seconds"] / ten_k["jobs 2"]["wall seconds"], 2))  # fmt: skip
    show("synthetic 10k: peak RSS MiB (--jobs 2 build, parent)", ten_k["jobs 2"]["peak RSS MiB"])
    show("synthetic 10k: cores kept busy (CPU s / wall s), serial / --jobs 2",
         (ten_k["build"]["cores busy"], ten_k["jobs 2"]["cores busy"]))  # fmt: skip
    ten_k["validated"] = kg_build(SYNTHETIC, OUT / "graph-10k-v", "--validate")
    show("synthetic 10k: build s without / with SHACL validation (the default)",
         (ten_k["build"]["wall seconds"], ten_k["validated"]["wall seconds"]))  # fmt: skip
    shutil.rmtree(OUT / "graph-10k-v")
    # graph-10k-j2 stays as built (benchmarks/queries.py measures it, and graph-10k after the
    # incremental rebuild below: updated stores answer a little slower until compacted)
    ten_k["incremental"] = incremental(SYNTHETIC, OUT / "graph-10k", ten_k["build"])
    show("synthetic 10k: full build s / one change rebuild s (median of 3)",
         (ten_k["build"]["wall seconds"], ten_k["incremental"]["wall seconds"]))  # fmt: skip
    show("synthetic 10k: one change rebuilds s", ten_k["incremental"]["runs, wall seconds"])
    ten_k["floor"], ten_k["spacy blank zh"] = floor(SYNTHETIC), spacy_blank(SYNTHETIC)
    show("synthetic 10k: floor (read_file) chars/s", ten_k["floor"]["chars/s"])
    show("synthetic 10k: end-to-end / floor",
         round(ten_k["build"]["chars/s"] / ten_k["floor"]["chars/s"], 3))  # fmt: skip
    show("synthetic 10k: spaCy blank zh chars/s", ten_k["spacy blank zh"]["chars/s"])
    show("synthetic 10k: end-to-end / spaCy blank zh",
         round(ten_k["build"]["chars/s"] / ten_k["spacy blank zh"]["chars/s"], 3))  # fmt: skip
    show("load average at end", os.getloadavg())
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
