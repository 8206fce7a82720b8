"""Plots: PNGs are written, and labels fall back to English without a CJK font."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import ShowError
from kg.plot import diffusion, has_cjk, has_cjk_font, heatmap, write_plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def graph(seed_graph: Path) -> kg.Graph:
    return kg.open(seed_graph)


def texts(fig) -> list[str]:
    """Every piece of text drawn on the figure: titles, tick labels, legend entries."""
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


@pytest.mark.parametrize(("kind", "mechanism"), [("diffusion", "五社联动"), ("heatmap", None)])
def test_plot_writes_a_png(
    graph: kg.Graph, tmp_path: Path, kind: str, mechanism: str | None
) -> None:
    out = write_plot(graph, kind, tmp_path / "fig.png", mechanism=mechanism)
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000


@pytest.mark.parametrize(("kind", "args"), [("diffusion", ["五社联动"]), ("heatmap", [])])
def test_plot_cli_writes_a_png(
    seed_graph: Path, tmp_path: Path, kind: str, args: list[str]
) -> None:
    out = tmp_path / "fig.png"
    result = CliRunner().invoke(
        app, ["plot", kind, *args, "-o", str(out), "--graph", str(seed_graph)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_plot_diffusion_counts_adopters_by_level(graph: kg.Graph) -> None:
    fig = diffusion(graph, "Five-society linkage", cjk=False)
    lines = {line.get_label(): list(line.get_ydata()) for line in fig.axes[0].get_lines()}
    assert lines == {
        "province": [1, 2, 2],
        "county": [0, 0, 1],
    }  # Hubei 2021, Hunan 2022, Wuyi 2023
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [2021, 2022, 2023]


@pytest.mark.parametrize("plot", ["diffusion", "heatmap"])
def test_plot_fallback_uses_english_labels(graph: kg.Graph, plot: str) -> None:
    fig = (
        diffusion(graph, "五社联动", cjk=False)
        if plot == "diffusion"
        else heatmap(graph, cjk=False)
    )
    drawn = texts(fig)
    assert not [t for t in drawn if has_cjk(t)]
    assert any("Five-society linkage" in t for t in drawn)
    if plot == "heatmap":
        assert {"Hubei", "Hunan", "Zhejiang"} <= {
            t.get_text() for t in fig.axes[0].get_yticklabels()
        }


def test_plot_with_a_cjk_font_uses_chinese_labels(graph: kg.Graph) -> None:
    assert has_cjk_font(), "no CJK font installed: apt-get install fonts-noto-cjk (.ci/run does)"
    fig = heatmap(graph, cjk=True)
    assert {"湖北省", "湖南省", "浙江省"} <= {t.get_text() for t in fig.axes[0].get_yticklabels()}
    assert "五社联动" in {t.get_text() for t in fig.axes[0].get_xticklabels()}


@pytest.mark.parametrize(
    ("kind", "mechanism", "code"),
    [("diffusion", "没有这个机制", "E702"), ("pie", None, "E704"), ("diffusion", None, "E705")],
)
def test_plot_bad_requests_are_clear_errors(
    graph: kg.Graph, tmp_path: Path, kind: str, mechanism: str | None, code: str
) -> None:
    with pytest.raises(ShowError, match=code):
        write_plot(graph, kind, tmp_path / "fig.png", mechanism=mechanism)


@pytest.mark.parametrize(
    ("cjk", "diffusion_captions", "heatmap_captions"),
    [
        (
            True,
            [
                "年份 year",
                "累计采纳地区 cumulative adopters",
                "五社联动: 扩散 diffusion",
                "级别 level",
            ],
            ["省份 × 机制: 首次年份 first year", "首次年份 first year"],
        ),
        (
            False,
            ["year", "cumulative adopters", "Five-society linkage: diffusion", "level"],
            ["province × mechanism: first year", "first year"],
        ),
    ],
)
def test_plot_captions_read_from_the_ontology(
    graph: kg.Graph, cjk: bool, diffusion_captions: list[str], heatmap_captions: list[str]
) -> None:
    """Axis labels and titles: cue:captions and the labels of cgkg terms (级别, 省份, 机制)."""
    curve = diffusion(graph, "五社联动", cjk=cjk).axes[0]
    drawn = [curve.get_xlabel(), curve.get_ylabel(), curve.get_title()]
    assert drawn + [curve.get_legend().get_title().get_text()] == diffusion_captions
    fig = heatmap(graph, cjk=cjk)
    assert fig.axes[0].get_title().startswith(heatmap_captions[0])
    assert fig.axes[1].get_ylabel() == heatmap_captions[1]  # the colour bar
