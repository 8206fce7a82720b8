"""Shared fixtures: the seed corpus built once into a real on-disk graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def seed_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus built with `kg build` into a fresh graph folder."""
    from kg.build import build_graph

    out = tmp_path_factory.mktemp("graph")
    report = build_graph([CORPUS], out)
    assert report.exit_code == 0
    return out


@pytest.fixture(scope="session")
def seed_records(seed_graph: Path) -> list[dict]:
    """The records the seed build wrote (records.jsonl)."""
    lines = (seed_graph / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="session")
def nlp():
    from kg.extract import load_pipeline

    return load_pipeline()
