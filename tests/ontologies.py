"""Ontology folders changed for a test, shared by the tests that need the same change."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.vocab import ontology_dir


def stricter_shapes(folder: Path) -> Path:
    """A copy of the ontology in ``folder`` whose shapes require every adoption to give a
    year, which most texts do not: documents that pass the real shapes fail these."""
    shutil.copytree(ontology_dir(), folder)
    shapes = (folder / "shapes.ttl").read_text(encoding="utf-8")
    stricter = shapes.replace(
        "sh:path cgkg:since ; sh:maxCount 1", "sh:path cgkg:since ; sh:minCount 1 ; sh:maxCount 1"
    )
    assert stricter != shapes, "shapes.ttl no longer has the constraint this test tightens"
    (folder / "shapes.ttl").write_text(stricter, encoding="utf-8")
    return folder
