"""What a build says about itself: an outcome per document, and the report of the whole
build (``build-report.json``).

>>> report = BuildReport(graph="graph", documents=[DocumentOutcome("a.txt", "a", "built")])
>>> report.exit_code, json.loads(report.to_json())["documents"][0]["status"]
(0, 'built')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kg.extract import EXTRACTOR_VERSION

__all__ = ["DocumentOutcome", "BuildReport"]

_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one for all: json.dumps makes one a call


@dataclass
class DocumentOutcome:
    path: str
    id: str
    status: str  # built | failed | duplicate
    message: str | None = None
    sha256: str | None = None
    adoptions: int = 0
    warnings: list[str] = field(default_factory=list)
    chars: int = 0  # of normalised text
    cached: bool = False  # taken from the record cache, not extracted again
    violations: list[str] = field(default_factory=list)  # SHACL, when the build validates

    def to_dict(self) -> dict:
        """As ``dataclasses.asdict`` makes it, five times faster (10,000 of them a report)."""
        out = dict(vars(self))
        out["warnings"], out["violations"] = list(self.warnings), list(self.violations)
        return out


@dataclass
class BuildReport:
    graph: str
    documents: list[DocumentOutcome]
    quads: int = 0
    seconds: float = 0.0
    extractor: str = EXTRACTOR_VERSION
    incremental: bool = False  # the store was copied from the previous build and updated
    removed: list[str] = field(default_factory=list)  # documents of the previous build now gone
    warnings: list[str] = field(default_factory=list)  # about the build as a whole (W602)

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.status == "failed"]

    @property
    def built(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.status == "built"]

    @property
    def exit_code(self) -> int:
        if not self.built:
            return 2
        return 1 if self.failed else 0

    def to_dict(self) -> dict:
        return {
            "graph": self.graph,
            "extractor": self.extractor,
            "quads": self.quads,
            "seconds": round(self.seconds, 3),
            "built": len(self.built),
            "failed": len(self.failed),
            "exit_code": self.exit_code,
            "incremental": self.incremental,
            "extracted": [d.path for d in self.documents if not d.cached],
            "cached": [d.path for d in self.documents if d.cached],
            "removed": self.removed,
            "warnings": self.warnings,
            "documents": [d.to_dict() for d in self.documents],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as ``build-report.json`` holds it: a line per field and per
        document (indenting every value would take ten times as long on 10,000 documents)."""
        data = self.to_dict()
        documents = data.pop("documents")
        fields = [
            f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items()
        ]
        rows = ",\n    ".join(map(_ENCODER.encode, documents))
        fields.append(f'  "documents": [\n    {rows}\n  ]' if rows else '  "documents": []')
        return "{\n" + ",\n".join(fields) + "\n}\n"
