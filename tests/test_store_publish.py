"""Publishing a build keeps the one it replaces, so readers that have it open keep working.

Real builds (``build_graph``) into real on-disk stores; nothing is mocked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import build_graph
from kg.errors import BuildError
from kg.store import GraphStore, current_build

from .publishing import DOCUMENTS, corpus_of


def documents(store: GraphStore) -> int:
    return store.select(DOCUMENTS).rows[0][0]


def test_store_publish_an_open_reader_keeps_its_build_until_the_next_publish(
    tmp_path: Path,
) -> None:
    graph, corpus = tmp_path / "graph", tmp_path / "corpus"
    assert build_graph([corpus_of(corpus, 2)], graph).exit_code == 0
    first = current_build(graph)
    reader = GraphStore.open(graph)  # a notebook holding kg.Graph("graph")
    answer = reader.named_graphs()
    assert documents(reader) == 2

    assert build_graph([corpus_of(corpus, 3)], graph).exit_code == 0
    second = current_build(graph)
    assert second != first and first.is_dir()
    assert documents(reader) == 2  # the old handle answers from the old build
    assert reader.named_graphs() == answer
    assert documents(GraphStore.open(graph)) == 3  # a fresh open sees the new one
    del reader

    assert build_graph([corpus_of(corpus, 4)], graph).exit_code == 0
    assert not first.exists()  # removed when the build after the next was published
    assert second.is_dir() and current_build(graph).is_dir()
    assert sorted((graph / "builds").iterdir()) == sorted([second, current_build(graph)])
    assert documents(GraphStore.open(graph)) == 4


def test_store_publish_a_build_that_cannot_be_written_keeps_the_previous_graph(
    tmp_path: Path,
) -> None:
    graph, corpus = tmp_path / "graph", tmp_path / "corpus"
    assert build_graph([corpus_of(corpus, 2)], graph).exit_code == 0
    before, builds = current_build(graph), sorted((graph / "builds").iterdir())
    # a folder where publishing puts its new link: the swap fails after the build was written
    blocker = graph / f".current-{os.getpid()}"
    (blocker / "in-the-way").mkdir(parents=True)
    with pytest.raises(BuildError, match=r"^E609 cannot write the graph folder .*graph: ") as info:
        build_graph([corpus_of(corpus, 3)], graph)
    assert str(blocker) in str(info.value)
    assert current_build(graph) == before
    assert sorted((graph / "builds").iterdir()) == builds  # the new build's folder is gone
    assert documents(GraphStore.open(graph)) == 2


def test_store_publish_tidying_that_fails_after_the_swap_keeps_the_new_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the link points at the new build, a failure to tidy (here: removing old build
    folders, as on a disk gone read-only) is a warning: the build stands and says so."""
    import errno

    import kg.store

    graph, corpus = tmp_path / "graph", tmp_path / "corpus"
    assert build_graph([corpus_of(corpus, 2)], graph).exit_code == 0

    def read_only(root: Path) -> list[Path]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(root / "builds"))

    monkeypatch.setattr(kg.store, "remove_stale_builds", read_only)
    report = build_graph([corpus_of(corpus, 3)], graph)
    assert report.exit_code == 0
    assert [w.split(" ", 1)[0] for w in report.warnings] == ["W602"]
    assert "published" in report.warnings[0] and os.strerror(errno.EROFS) in report.warnings[0]
    assert current_build(graph).is_dir()
    assert documents(GraphStore.open(graph)) == 3  # the new graph is the current one
