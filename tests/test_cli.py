"""The kg command: every command documented, errors short and non-zero."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests import SHARED

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and len(result.output) > 80
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_cli_query_prints_the_table_and_csv(seed_graph: Path) -> None:
    table = runner.invoke(
        app, ["query", "adopters", "--mechanism", "五社联动", "--graph", str(seed_graph)]
    )
    assert table.exit_code == 0 and "武义县" in table.output and "rows)" in table.output
    as_json = runner.invoke(
        app,
        [
            "query",
            "adopters",
            "--mechanism",
            "五社联动",
            "--graph",
            str(seed_graph),
            "--format",
            "json",
        ],
    )
    rows = json.loads(as_json.output)
    assert any(r["jurisdiction"] == "湖北省" for r in rows)


def test_cli_missing_graph_is_a_short_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "adopters", "--mechanism", "x", "--graph", str(tmp_path)])
    assert result.exit_code == 2 and "E501" in result.output


def test_cli_extract_writes_one_json_line_per_document() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kg.cli", "extract", str(ROOT / "corpus")],
        capture_output=True,
        text=True,
        check=True,
    )
    records = [json.loads(line) for line in out.stdout.splitlines()]
    manifest = json.loads((ROOT / "corpus" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in records) == sorted(d["id"] for d in manifest["documents"])


def test_cli_eval_agrees_with_the_reference_scorer(
    tmp_path: Path, seed_records: list[dict]
) -> None:
    shared = SHARED / "gold" / "score.py"
    # the corpus manifest gives the seeds their original ids, so records match the gold as is
    renamed = tmp_path / "records.jsonl"
    renamed.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in seed_records), encoding="utf-8"
    )
    reference = json.loads(
        subprocess.run(
            [
                sys.executable,
                str(shared),
                str(ROOT / "tests/gold/seeds.json"),
                str(renamed),
                "--json",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    ours = runner.invoke(
        app, ["eval", "--gold", str(ROOT / "tests/gold/seeds.json"), str(renamed), "--json"]
    )
    assert json.loads(ours.output) == reference
    # as the README runs it: on the corpus folder, whose manifest gives the gold's ids
    folder = runner.invoke(
        app, ["eval", "--gold", str(ROOT / "tests/gold/seeds.json"), str(ROOT / "corpus"), "--json"]
    )
    assert json.loads(folder.output) == reference
    assert reference["_missing_docs"] == [] and reference["adoption_triples"]["tp"] > 0


def test_cli_eval_errors_lists_what_each_document_missed_and_got_wrong(
    tmp_path: Path, seed_records: list[dict]
) -> None:
    """Counts and listed items agree: every fn is a `missed` line, every fp a `spurious` one."""
    records = tmp_path / "records.jsonl"
    # one seed's first adoption gone and one invented, so both kinds of error occur
    changed = [dict(r) for r in seed_records]
    first = next(r for r in changed if r["adoptions"])
    dropped = first["adoptions"][0]
    invented = {**dropped, "mechanism": {"label": "虚构联动"}, "status": "pilot"}
    first["adoptions"] = [invented, *first["adoptions"][1:]]
    records.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in changed), encoding="utf-8"
    )
    gold = ROOT / "tests/gold/seeds.json"
    scores = json.loads(
        runner.invoke(app, ["eval", "--gold", str(gold), str(records), "--json"]).output
    )
    listed = runner.invoke(app, ["eval", "--gold", str(gold), str(records), "--errors"]).output
    lines = listed.splitlines()
    for category in ("adoption_pairs", "adoption_triples", "agencies", "regions"):
        missed = [line for line in lines if line.startswith(f"  {category}: missed ")]
        spurious = [line for line in lines if line.startswith(f"  {category}: spurious ")]
        assert (len(missed), len(spurious)) == (scores[category]["fn"], scores[category]["fp"])
    assert any("spurious" in line and "虚构联动 / pilot" in line for line in lines)


@pytest.mark.parametrize(
    "out", ["a-file", "a-file/graph"], ids=["out-is-a-file", "parent-is-a-file"]
)
def test_cli_build_to_a_path_that_cannot_be_written_is_a_one_line_error(
    tmp_path: Path, out: str
) -> None:
    """Root writes anywhere, so the path is made unwritable by a regular file in the way."""
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"not a graph\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "build",
            str(ROOT / "corpus"),
            "--out",
            str(tmp_path / out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        f"error: E609 cannot write the graph folder {tmp_path / out}: {blocker} is a file, not a "
        "folder; give --out a folder that can be created and written (any graph already there is kept)"
    ]
    assert blocker.read_bytes() == b"not a graph\n"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
