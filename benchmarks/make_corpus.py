"""Make the synthetic benchmark corpus: ≥10,000 documents, ≥50 M characters.

The documents are cut from the city government work reports in
``../shared/corpora/city-reports`` (relative to the repository root): each starts with the
opening lines of one report and continues with paragraphs of that report and of others,
each paragraph re-cut at a random sentence boundary. The RNG is seeded, so the corpus is the
same on every run, and no file is a byte-identical copy of another (checked).

    python benchmarks/make_corpus.py [--count 10000] [--chars 50000000] [--out benchmarks/out/synthetic]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "corpora" / "city-reports"
OUT = ROOT / "benchmarks" / "out" / "synthetic"
SENTENCE_END = re.compile(r"(?<=[。！？；])")


def load_reports(source: Path) -> list[tuple[str, list[str]]]:
    """Each report as (opening lines, body paragraphs)."""
    reports = []
    for path in sorted(source.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 6:
            reports.append(("\n".join(lines[:3]), lines[3:]))
    return reports


def recut(paragraph: str, rng: random.Random) -> str:
    """The paragraph from a random sentence on (whole when it has one sentence)."""
    sentences = [s for s in SENTENCE_END.split(paragraph) if s]
    if len(sentences) < 3:
        return paragraph
    start = rng.randrange(0, len(sentences) - 1)
    stop = rng.randrange(start + 1, len(sentences) + 1)
    return "".join(sentences[start:stop])


def make_document(reports: list[tuple[str, list[str]]], rng: random.Random) -> str:
    head, body = reports[rng.randrange(len(reports))]
    target = rng.randint(3000, 7600)
    parts, size = [head], len(head)
    while size < target:
        source = body if rng.random() < 0.6 else reports[rng.randrange(len(reports))][1]
        paragraph = recut(source[rng.randrange(len(source))], rng)
        parts.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(parts) + "\n"


def make_corpus(out: Path, *, count: int, chars: int, seed: int = 20260101) -> tuple[int, int]:
    """Write at least ``count`` documents and ``chars`` characters into ``out``."""
    reports = load_reports(SOURCE)
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    seen: set[str] = set()
    written = total = 0
    while written < count or total < chars:
        text = make_document(reports, rng)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        (out / f"doc-{written:05d}.txt").write_text(text, encoding="utf-8")
        written += 1
        total += len(text)
    return written, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=50_000_000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    written, total = make_corpus(args.out, count=args.count, chars=args.chars)
    print(f"{written} documents, {total:,} characters -> {args.out}")


if __name__ == "__main__":
    main()
