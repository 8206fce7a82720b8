"""Build progress on stderr: one line per tenth of the documents when stderr is not a
terminal, a line redrawn in place on a terminal, nothing with --quiet."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.progress import BuildProgress

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
KG = [sys.executable, "-m", "kg.cli"]
LINE = re.compile(
    r"kg build: (\d+)% (\d+)/(\d+) documents, (\d+) chars/s, ETA (\d+:\d\d(?::\d\d)?), (\d+) failed"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty documents: the five seeds, fourteen cuts of them and an empty file."""
    folder = tmp_path_factory.mktemp("corpus")
    seeds = sorted(CORPUS.glob("*.txt"))
    for path in seeds:
        shutil.copy(path, folder)
    for i in range(14):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")[300 * i : 300 * i + 900]
        (folder / f"cut-{i:02d}.txt").write_text(f"第{i}号\n{text}\n", encoding="utf-8")
    (folder / "zz-empty.txt").write_bytes(b"")
    return folder


def test_build_progress_not_a_terminal_one_line_per_tenth(corpus: Path, tmp_path: Path) -> None:
    args = ["build", str(corpus), "--out", str(tmp_path / "graph")]
    result = subprocess.run([*KG, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    lines = [m.groups() for m in map(LINE.fullmatch, result.stderr.splitlines()) if m]
    assert [int(g[0]) for g in lines] == list(range(10, 101, 10))
    assert [int(g[1]) for g in lines] == list(range(2, 21, 2))
    assert {int(g[2]) for g in lines} == {20}
    assert all(int(g[3]) > 0 for g in lines)
    assert [int(g[5]) for g in lines] == [0] * 9 + [1]  # the empty file is the last one
    assert lines[-1][4] == "0:00"
    assert "E101" in result.stderr


def test_build_progress_quiet_prints_only_errors(corpus: Path, tmp_path: Path) -> None:
    args = ["build", str(corpus), "--out", str(tmp_path / "graph"), "--quiet"]
    result = subprocess.run([*KG, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1
    assert not LINE.search(result.stderr)
    assert [line.split()[0] for line in result.stderr.splitlines()] == ["E101"]
    assert result.stdout == ""


def test_build_progress_terminal_line_is_redrawn_in_place() -> None:
    out, clock = io.StringIO(), iter(range(0, 1000, 1))
    progress = BuildProgress(out, tty=True, clock=lambda: float(next(clock)))
    progress.start(4)
    progress.update(chars=100, failed=False)
    progress.message("W201 a.txt: no date found in the document")
    progress.update(chars=100, failed=True)
    progress.finish()
    text = out.getvalue()
    assert text.startswith("\r\x1b[Kkg build: 25% 1/4 documents, 100 chars/s, ETA 0:03, 0 failed")
    assert "\r\x1b[KW201 a.txt: no date found in the document\n" in text
    assert text.endswith("\r\x1b[Kkg build: 50% 2/4 documents, 67 chars/s, ETA 0:03, 1 failed\n")
    assert text.count("\n") == 2


@pytest.mark.parametrize(("seconds", "shown"), [(0, "0:00"), (75, "1:15"), (3725, "1:02:05")])
def test_build_progress_eta_format(seconds: int, shown: str) -> None:
    out, clock = io.StringIO(), iter([0.0, float(seconds)])
    progress = BuildProgress(out, tty=False, clock=lambda: next(clock))
    progress.start(2)
    progress.update(chars=1, failed=False)
    assert f"ETA {shown}," in out.getvalue()


def test_build_report_lists_each_document_with_every_field() -> None:
    import dataclasses

    from kg.build import DocumentOutcome

    outcome = DocumentOutcome(
        "a.txt", "a", "built", "m", "ff", 2, ["W101 x"], 10, True, ["a.txt: violation"]
    )
    assert outcome.to_dict() == dataclasses.asdict(outcome)
    assert list(outcome.to_dict()) == [f.name for f in dataclasses.fields(DocumentOutcome)]
    copied = outcome.to_dict()
    copied["warnings"].append("changed")
    assert outcome.warnings == ["W101 x"]  # a copy, not the outcome's own list
