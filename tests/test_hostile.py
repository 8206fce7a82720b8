"""Hostile text from documents stays inert in every output a spreadsheet or browser reads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build_graph
from kg.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / "formula.txt").write_text(
        "河南省民政厅关于社区工作的通知\n我省推行“=1+2”机制。\n-5+3：我省推行“@SUM(1)”机制。\n河南省民政厅\n2023年7月13日\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("hostile-graph")
    build_graph([corpus], out)
    return out


@pytest.mark.parametrize("name", ["=1+2", "@SUM(1)"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_hostile_csv_cells_never_start_a_formula(hostile_graph: Path, name: str, fmt: str) -> None:
    result = runner.invoke(
        app,
        ["query", "adopters", "--mechanism", name, "--graph", str(hostile_graph), "--format", fmt],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output), delimiter="," if fmt == "csv" else "\t"))
    assert len(rows) >= 2
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + name in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_hostile_json_keeps_the_exact_text(hostile_graph: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "adopters",
            "--mechanism",
            "=1+2",
            "--graph",
            str(hostile_graph),
            "--format",
            "json",
        ],
    )
    assert json.loads(result.output)[0]["mechanism"] == "=1+2"
