"""The diffusion panel: one row per jurisdiction and year, adopters and non-adopters alike."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from kg.api import Graph
from kg.cli import app
from kg.panel import COLUMNS, make_panel
from kg.store import GraphStore


def _rows(seed_graph: Path, **options) -> dict[tuple[str, int], dict]:
    panel = make_panel(GraphStore.open(seed_graph), "五社联动", start=2014, end=2024, **options)
    return {(r["jurisdiction"], r["year"]): r for r in panel.table.to_dicts()}


def test_panel_has_every_province_every_year(seed_graph: Path) -> None:
    rows = _rows(seed_graph)
    provinces = {name for name, _ in rows}
    assert len(rows) == len(provinces) * 11 and len(provinces) >= 31
    assert all(rows[("北京市", y)]["adopted"] == 0 for y in range(2014, 2025))  # never adopted
    assert rows[("北京市", 2020)]["first_year"] is None


def test_panel_adoption_event_first_year_and_status(seed_graph: Path) -> None:
    rows = _rows(seed_graph)
    hubei = [rows[("湖北省", y)] for y in range(2014, 2025)]
    assert [r["adopted"] for r in hubei] == [0] * 7 + [1] * 4  # from 2021 on
    assert [r["event"] for r in hubei] == [0] * 7 + [1, 0, 0, 0]
    assert {r["first_year"] for r in hubei} == {2021}
    assert (
        rows[("湖北省", 2021)]["status"] == "implemented" and rows[("湖北省", 2020)]["status"] == ""
    )
    assert rows[("湖北省", 2021)]["documents"] == 1
    assert [r["documents_to_date"] for r in hubei] == [0] * 7 + [1] * 4
    assert rows[("湖南省", 2022)]["status"] == "planned"


def test_panel_counts_a_countys_adoption_for_its_province_unless_own(seed_graph: Path) -> None:
    assert _rows(seed_graph)[("浙江省", 2023)]["event"] == 1  # 武义县, in 金华市, 浙江省
    own = _rows(seed_graph, own=True)
    assert own[("浙江省", 2023)]["adopted"] == 0
    assert own[("湖北省", 2021)]["adopted"] == 1  # 湖北省 itself
    county = make_panel(
        GraphStore.open(seed_graph), "五社联动", level="county", start=2023, end=2023, own=True
    )
    adopted = [r["jurisdiction"] for r in county.table.to_dicts() if r["adopted"]]
    assert adopted == ["武义县"]


def test_panel_cli_writes_csv_and_refuses_a_bad_level(seed_graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    runner = CliRunner()
    args = ["panel", "五社联动", "--from", "2020", "--to", "2024", "-o", str(out)]
    result = runner.invoke(app, [*args, "--graph", str(seed_graph)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert tuple(table[0]) == COLUMNS
    assert {r["year"] for r in table} == {"2020", "2021", "2022", "2023", "2024"}
    assert [r["year"] for r in table if r["jurisdiction"] == "湖南省" and r["event"] == "1"] == [
        "2022"
    ]
    bad = runner.invoke(
        app, ["panel", "五社联动", "--level", "village", "--graph", str(seed_graph)]
    )
    assert bad.exit_code != 0 and "E707" in bad.output and "village" in bad.output


def test_panel_from_python_is_a_dataframe(seed_graph: Path) -> None:
    frame = Graph(seed_graph).panel("五社联动", start=2021, end=2022)
    assert list(frame.columns) == list(COLUMNS)
    assert int(frame[(frame.jurisdiction == "湖北省") & (frame.year == 2021)].event.iloc[0]) == 1
