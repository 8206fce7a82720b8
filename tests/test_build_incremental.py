"""Incremental builds: only changed documents are extracted again, and the graph is the same
as a full build's (store, records.jsonl and graph.trig)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build_graph
from kg.incremental import MANIFEST_FILE
from kg.rdf import document_iri
from kg.store import RECORDS_FILE, STORE_DIR, TRIG_FILE, GraphStore, current_build

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ADDED = "\n2022年以来，本市全面推行五社联动机制。\n"


def make_corpus(folder: Path, *, count: int = 6) -> Path:
    """``count`` distinct documents cut from the seed texts."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    folder.mkdir()
    for i in range(count):
        first, second = seeds[i % len(seeds)], seeds[(3 * i + 1) % len(seeds)]
        a, b = (389 * i) % (len(first) - 900), (211 * i) % (len(second) - 900)
        text = f"第{i}号材料\n{first[a : a + 900]}\n{second[b : b + 900]}\n"
        (folder / f"doc-{i}.txt").write_text(text, encoding="utf-8")
    return folder


def quads(graph: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str(current_build(graph) / STORE_DIR)))


def trig_quads(graph: Path) -> set[ox.Quad]:
    """The quads of graph.trig without blank nodes (their labels differ between parses)."""
    parsed = ox.parse(path=str(graph / TRIG_FILE), format=ox.RdfFormat.TRIG)
    return {q for q in parsed if not isinstance(q.subject, ox.BlankNode)
            and not isinstance(q.object, ox.BlankNode)}  # fmt: skip


def without_blank_nodes(found: set[ox.Quad]) -> set[ox.Quad]:
    return {q for q in found if not isinstance(q.subject, ox.BlankNode)
            and not isinstance(q.object, ox.BlankNode)}  # fmt: skip


def report(graph: Path) -> dict:
    return json.loads((graph / "build-report.json").read_text(encoding="utf-8"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


def assert_same_as_full_build(graph: Path, corpus: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    assert not build_graph([corpus], full, incremental=False).incremental
    assert quads(graph) == quads(full)
    assert GraphStore.open(graph).named_graphs() == GraphStore.open(full).named_graphs()
    assert (graph / RECORDS_FILE).read_bytes() == (full / RECORDS_FILE).read_bytes()
    assert trig_quads(graph) == trig_quads(full) == without_blank_nodes(quads(full))
    assert report(graph)["quads"] == report(full)["quads"]


def test_build_incremental_extracts_only_the_changed_document(corpus: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    first = build_graph([corpus], graph)
    assert not first.incremental and len(first.built) == 6
    assert not any(d.cached for d in first.documents)

    changed = corpus / "doc-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    second = build_graph([corpus], graph)
    assert second.incremental and second.exit_code == 0
    assert report(graph)["extracted"] == [str(changed)]
    assert len(report(graph)["cached"]) == 5
    assert [d.cached for d in second.documents] == [True, True, True, False, True, True]
    assert_same_as_full_build(graph, corpus, tmp_path)
    assert "2022" in (graph / RECORDS_FILE).read_text(encoding="utf-8").splitlines()[3]


def test_build_incremental_removed_document_loses_its_graph(corpus: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    build_graph([corpus], graph)
    assert document_iri("doc-2").value in GraphStore.open(graph).named_graphs()
    (corpus / "doc-2.txt").unlink()
    again = build_graph([corpus], graph)
    assert again.incremental and again.removed == ["doc-2"]
    assert all(d.cached for d in again.documents)
    named = GraphStore.open(graph).named_graphs()
    assert document_iri("doc-2").value not in named and len(named) == 5
    assert not [q for q in quads(graph) if q.graph_name == document_iri("doc-2")]
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_incremental_added_and_unchanged(corpus: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    build_graph([corpus], graph)
    unchanged = build_graph([corpus], graph)
    assert unchanged.incremental and report(graph)["extracted"] == []
    (corpus / "doc-new.txt").write_text("关于社区治理的通知\n" + ADDED, encoding="utf-8")
    added = build_graph([corpus], graph)
    assert report(graph)["extracted"] == [str(corpus / "doc-new.txt")]
    assert document_iri("doc-new").value in GraphStore.open(graph).named_graphs()
    assert_same_as_full_build(graph, corpus, tmp_path)
    assert len(json.loads((graph / "current" / MANIFEST_FILE).read_text())["documents"]) == 7
    assert added.quads == report(graph)["quads"]


def test_build_full_extracts_every_document_again(corpus: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    build_graph([corpus], graph)
    again = build_graph([corpus], graph, incremental=False)
    assert not again.incremental and not any(d.cached for d in again.documents)
    assert len(report(graph)["extracted"]) == 6


def test_build_incremental_damaged_cache_entry_is_extracted_again(
    corpus: Path, tmp_path: Path
) -> None:
    graph = tmp_path / "graph"
    build_graph([corpus], graph, incremental=False)
    entries = sorted((graph / "cache").glob("*/*.entry"))
    assert len(entries) == 6
    entries[0].write_bytes(entries[0].read_bytes()[:-40])  # a write cut short
    entries[1].write_bytes(b"\x00garbage")
    (graph / "current" / MANIFEST_FILE).unlink()  # no store to update: loaded afresh
    rebuilt = build_graph([corpus], graph)
    assert sum(not d.cached for d in rebuilt.documents) == 2
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_keeps_the_ontology_fragment_in_the_cache(corpus: Path, tmp_path: Path) -> None:
    """A rebuild reads the ontology's TriG from the cache; a damaged or stale copy is not used."""
    graph = tmp_path / "graph"
    build_graph([corpus], graph)
    kept = list((graph / "cache").glob("ontology-*.trig"))
    assert len(kept) == 1
    stale = kept[0].with_name("ontology-" + "0" * 32 + ".trig")
    stale.write_bytes(kept[0].read_bytes())
    kept[0].write_bytes(kept[0].read_bytes()[:-100])  # cut short
    changed = corpus / "doc-1.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    build_graph([corpus], graph)
    assert_same_as_full_build(graph, corpus, tmp_path)
    assert list((graph / "cache").glob("ontology-*.trig")) == kept  # rewritten; stale gone
    assert report(graph)["quads"] == len(quads(graph))


def settled(corpus: Path) -> Path:
    """The corpus with its files last modified an hour ago, as files are between builds."""
    an_hour_ago = time.time() - 3600
    for path in corpus.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))
    return corpus


def drop_cache_entries(graph: Path) -> None:
    for entry in (graph / "cache").glob("*/*.entry"):
        entry.unlink()


def test_build_incremental_unchanged_files_come_from_the_previous_build(
    corpus: Path, tmp_path: Path
) -> None:
    """A file whose size, times and inode are as the last build noted is neither read nor
    looked up in the cache: its record and TriG are copied from the previous build's files."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph)
    drop_cache_entries(graph)  # only the previous build's files can supply the other five
    changed = corpus / "doc-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    again = build_graph([corpus], graph)
    assert again.incremental and report(graph)["extracted"] == [str(changed)]
    assert [d.cached for d in again.documents] == [True, True, True, False, True, True]
    assert [d.sha256 for d in again.documents if d.cached] == [
        json.loads(line)["sha256"]
        for i, line in enumerate((graph / RECORDS_FILE).read_text(encoding="utf-8").splitlines())
        if i != 3
    ]
    assert_same_as_full_build(graph, corpus, tmp_path)
    # once more: the incremental build's manifest points into its own files. The changed
    # file was written just before that build, so it is read again (and, with no cache
    # entry, extracted); the other five are copied again.
    drop_cache_entries(graph)
    build_graph([corpus], graph)
    assert report(graph)["extracted"] == [str(changed)]
    assert_same_as_full_build(graph, corpus, tmp_path / "again")


def test_build_incremental_sees_a_rewrite_that_keeps_size_and_mtime(
    corpus: Path, tmp_path: Path
) -> None:
    """Writing a file changes its change time, which ``touch`` cannot set back."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph)
    changed = corpus / "doc-2.txt"
    info = changed.stat()
    text = changed.read_text(encoding="utf-8")
    assert text.startswith("第2号材料")
    changed.write_text(text.replace("第2号材料", "第9号材料", 1), encoding="utf-8")
    os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert changed.stat().st_size == info.st_size
    build_graph([corpus], graph)
    assert report(graph)["extracted"] == [str(changed)]
    record = json.loads((graph / RECORDS_FILE).read_text(encoding="utf-8").splitlines()[2])
    assert record["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_incremental_reads_files_written_just_before_the_build(
    corpus: Path, tmp_path: Path
) -> None:
    """A file modified within two seconds of the build that noted it may have changed again in
    the same timestamp tick: the next build reads it (and finds it in the cache)."""
    graph = tmp_path / "graph"
    build_graph([corpus], graph)  # the files were written a moment ago
    drop_cache_entries(graph)
    build_graph([corpus], graph)
    assert len(report(graph)["extracted"]) == 6


def test_build_incremental_previous_files_of_another_size_are_not_copied(
    corpus: Path, tmp_path: Path
) -> None:
    """Ranges are copied only from the files the manifest describes; an edited records.jsonl
    sends the build to the cache instead."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph)
    records = current_build(graph) / RECORDS_FILE
    records.write_text(records.read_text(encoding="utf-8") + "{}\n", encoding="utf-8")
    again = build_graph([corpus], graph)
    assert again.incremental and report(graph)["extracted"] == []
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_incremental_follows_a_new_id_from_the_corpus_manifest(
    corpus: Path, tmp_path: Path
) -> None:
    """A folder's MANIFEST.json sets its documents' ids; giving a file another id makes its
    record and named graph under the new id, not the cached ones under the old."""
    graph = tmp_path / "graph"
    manifest = corpus / "MANIFEST.json"
    manifest.write_text(json.dumps({"documents": [{"file": "doc-1.txt", "id": "alpha"}]}))
    build_graph([settled(corpus)], graph)
    assert document_iri("alpha").value in GraphStore.open(graph).named_graphs()
    manifest.write_text(json.dumps({"documents": [{"file": "doc-1.txt", "id": "beta"}]}))
    again = build_graph([corpus], graph)
    assert report(graph)["extracted"] == [str(corpus / "doc-1.txt")]
    assert again.removed == ["alpha"]
    named = GraphStore.open(graph).named_graphs()
    assert document_iri("beta").value in named and document_iri("alpha").value not in named
    ids = [json.loads(line)["id"] for line in (graph / RECORDS_FILE).read_text().splitlines()]
    assert ids == ["doc-0", "beta", "doc-2", "doc-3", "doc-4", "doc-5"]
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_incremental_with_jobs_keeps_the_order(corpus: Path, tmp_path: Path) -> None:
    """Unchanged files copied from the previous build, changed ones extracted in two worker
    processes: the records come out in the serial order, as a full build writes them."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph)
    for name in ("doc-1.txt", "doc-4.txt"):
        changed = corpus / name
        changed.write_text(changed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    again = build_graph([corpus], graph, jobs=2)
    assert [d.cached for d in again.documents] == [True, False, True, True, False, True]
    assert_same_as_full_build(graph, corpus, tmp_path)


def rewrite(corpus: Path, names: list[str]) -> None:
    """Give documents other text: a mechanism sentence replaces their last lines, so quads of
    the old version must go and new ones come."""
    for name in names:
        path = corpus / name
        kept = path.read_text(encoding="utf-8").splitlines()[:-3]
        path.write_text("\n".join(kept) + ADDED, encoding="utf-8")


@pytest.mark.parametrize("bulk", [False, True])
def test_build_incremental_replaces_changed_graphs_in_one_transaction_or_in_bulk(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """Changed documents go into the copied store in one transaction, or, past
    SMALL_UPDATE bytes, through the bulk loader, which clears each old graph first; either
    way the store holds what a full build holds, and a removed document's graph is gone."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph)
    if bulk:
        monkeypatch.setattr("kg.build.SMALL_UPDATE", 0)
    rewrite(corpus, ["doc-2.txt"])
    (corpus / "doc-0.txt").unlink()
    again = build_graph([corpus], graph)
    assert again.incremental and again.removed == ["doc-0"]
    assert [d.cached for d in again.documents] == [True, False, True, True, True]
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_incremental_mostly_changed_corpus_gets_a_new_store(
    corpus: Path, tmp_path: Path
) -> None:
    """When half or more of the documents changed (here four of six rewritten), the graph
    is loaded afresh instead of replaced graph by graph; unchanged documents still come from
    the record cache, not from extraction."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph)
    rewrite(corpus, ["doc-0.txt", "doc-1.txt", "doc-3.txt", "doc-4.txt"])
    again = build_graph([corpus], graph)
    assert not again.incremental
    assert [d.cached for d in again.documents] == [False, False, True, False, False, True]
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_incremental_touched_files_are_not_changed(corpus: Path, tmp_path: Path) -> None:
    """Files whose times changed but not their bytes (a checkout, a copy) keep the store:
    nothing is extracted or loaded again."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph)
    later = time.time() + 5
    for path in corpus.iterdir():
        os.utime(path, (later, later))
    again = build_graph([corpus], graph)
    assert again.incremental and all(d.cached for d in again.documents)
    assert_same_as_full_build(graph, corpus, tmp_path)


def test_build_with_the_shapes_after_one_without_gets_a_new_store(
    corpus: Path, tmp_path: Path
) -> None:
    """A build that checks the shapes keys its records apart from one that did not, so every
    document is extracted again: the store is made anew, not replaced graph by graph."""
    graph = tmp_path / "graph"
    build_graph([settled(corpus)], graph, shacl=False)
    again = build_graph([corpus], graph)
    assert not again.incremental and not any(d.cached for d in again.documents)
    assert_same_as_full_build(graph, corpus, tmp_path)
