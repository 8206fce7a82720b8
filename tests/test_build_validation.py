"""kg build checks every new document's graph against the SHACL shapes and refuses a bad build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kg.store import current_build

from .ontologies import stricter_shapes

ROOT = Path(__file__).resolve().parent.parent


def kg_build(
    corpus: Path, graph: Path, *extra: str, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(graph), "--quiet", *extra],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300,
    )  # fmt: skip


def test_build_failing_the_shapes_is_refused_and_the_previous_graph_kept(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "henan-2023-proposal-reply.txt", corpus)
    graph = tmp_path / "graph"
    assert kg_build(corpus, graph).returncode == 0
    good = current_build(graph)

    strict = stricter_shapes(tmp_path / "ontology")

    refused = kg_build(corpus, graph, env={"CGKG_ONTOLOGY": str(strict)})
    assert refused.returncode == 2
    assert "E602" in refused.stderr and "henan-2023-proposal-reply.txt" in refused.stderr
    assert current_build(graph) == good

    unchecked = kg_build(corpus, graph, "--no-validate", env={"CGKG_ONTOLOGY": str(strict)})
    assert unchecked.returncode == 0
    assert current_build(graph) != good
