"""Helpers shared by the tests of publishing builds and of serving them."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))
#: how many documents (named graphs) a graph holds
DOCUMENTS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def corpus_of(folder: Path, count: int) -> Path:
    """A corpus folder holding the first ``count`` seed documents (and nothing else)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for seed in SEEDS[:count]:
        shutil.copy(seed, folder)
    return folder
