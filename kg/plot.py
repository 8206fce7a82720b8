"""Plots of adoption (matplotlib, Agg canvas): diffusion curves and a province × mechanism heatmap.

Labels are Chinese when a CJK-capable font is installed, else English names from the
ontology (``skos:prefLabel @en`` of provinces, mechanisms and levels), so a plot is
readable on any machine. All data comes from named queries.

>>> isinstance(has_cjk_font(), bool)
True
>>> has_cjk("五社联动"), has_cjk("Hubei")
(True, False)
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kg.api import Graph
from kg.errors import ShowError
from kg.vocab import CGKG, LEVEL_NOTATIONS, load_vocabulary

__all__ = ["PLOTS", "has_cjk", "has_cjk_font", "cjk_font", "diffusion", "heatmap", "write_plot"]

PLOTS = ("diffusion", "heatmap")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans SC",
    "Droid Sans Fallback",
)
NOT_ADOPTED = "called-for"
"""A call to adopt is not an adoption: diffusion curves and the heatmap leave these out."""


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese characters."""
    return bool(_CJK.search(text))


def _bilingual(zh: str, en: str, *, cjk: bool) -> str:
    """``年份 year`` with a CJK font, else ``year``."""
    return f"{zh} {en}" if cjk else en


@functools.lru_cache(maxsize=1)
def _probe() -> str:
    """The Chinese characters of the captions: a font that draws them all draws Chinese."""
    return "".join(dict.fromkeys(_CJK.findall("".join(load_vocabulary().captions().values()))))


def _covers(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in _probe())


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None.

    matplotlib lists the system's fonts once and caches the list across runs; a CJK font
    installed since then is looked for among the system's font files and added.
    """
    found = _cjk_font_in(font_manager.fontManager.ttflist)
    if found is None:
        known = {f.fname for f in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known and "cjk" in Path(path).name.lower():
                font_manager.fontManager.addfont(path)
        found = _cjk_font_in(font_manager.fontManager.ttflist)
    return found


def _cjk_font_in(fonts: list) -> str | None:
    ranked = sorted(
        fonts,
        key=lambda f: (
            f.name not in _PREFERRED,
            _PREFERRED.index(f.name) if f.name in _PREFERRED else 0,
            f.name,
        ),
    )
    for font in ranked:
        if (
            font.name in _PREFERRED
            or "CJK" in font.name
            or "Hei" in font.name
            or "Song" in font.name
        ):
            if _covers(font.fname):
                return font.name
    return None


def has_cjk_font() -> bool:
    """Whether matplotlib can draw Chinese labels on this machine."""
    return cjk_font() is not None


def _label(zh: str, en: str, iri: str, *, cjk: bool, width: int = 40) -> str:
    """The Chinese name, or without a CJK font the English one (else the IRI's ASCII slug)."""
    if cjk:
        text = zh or en
    elif en and not has_cjk(en):
        text = en
    else:
        text = iri.rstrip("/").rsplit("/", 1)[-1]
    return text if len(text) <= width else text[: width - 1] + "…"


def _adopted(graph: Graph) -> list[dict[str, Any]]:
    return [
        r for r in graph.rows("adoptions") if r["status"] != NOT_ADOPTED and r["year"] is not None
    ]


def _render(fig: Figure, out: str | Path | None) -> Figure:
    FigureCanvasAgg(fig)
    if out is not None:
        try:
            fig.savefig(out, dpi=150, bbox_inches="tight")
        except OSError as exc:
            raise ShowError("E706", path=out, reason=exc) from exc
    return fig


def diffusion(
    graph: Graph, mechanism: str, out: str | Path | None = None, *, cjk: bool | None = None
) -> Figure:
    """Cumulative number of adopting jurisdictions by year, one line per administrative level.

    ``mechanism`` is any name of the mechanism (Chinese, English or a variant). A
    jurisdiction counts from the first year it is reported adopting, piloting or planning it.

    Raises:
        ShowError: no mechanism has that name, or it has no dated adoptions.
    """
    cjk = has_cjk_font() if cjk is None else cjk
    iris = {r["mechanism_iri"] for r in graph.rows("mechanism-by-name", label=mechanism)}
    if not iris:
        raise ShowError("E702", name=mechanism)
    rows = [r for r in _adopted(graph) if r["mechanism_iri"] in iris]
    if not rows:
        raise ShowError("E703", filters=f"mechanism={mechanism}")
    first: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["level"], r["adopter"])
        first[key] = min(first.get(key, r["year"]), r["year"])
    levels = {r["level"]: r for r in graph.rows("levels")}
    years = list(range(min(first.values()), max(first.values()) + 1))
    name = _label(rows[0]["mechanism"], rows[0]["mechanism_en"], rows[0]["mechanism_iri"], cjk=cjk)
    with rc_context(
        {"font.family": [cjk_font() or "DejaVu Sans", "DejaVu Sans"] if cjk else ["DejaVu Sans"]}
    ):
        fig = Figure(figsize=(7, 4.2))
        ax = fig.add_subplot()
        for level in (lv for lv in LEVEL_NOTATIONS.values() if any(k[0] == lv for k in first)):
            counts = [
                sum(1 for (lv, _), y in first.items() if lv == level and y <= year)
                for year in years
            ]
            names = levels.get(level, {"label": level, "label_en": level})
            ax.step(
                years,
                counts,
                where="post",
                marker="o",
                label=names["label"] if cjk else names["label_en"],
            )
        captions = load_vocabulary().captions()
        ax.set_xticks(years)
        ax.set_xlabel(_bilingual(captions["year"], "year", cjk=cjk))
        ax.set_ylabel(_bilingual(captions["cumulative-adopters"], "cumulative adopters", cjk=cjk))
        ax.set_title(f"{name}: " + _bilingual(captions["diffusion"], "diffusion", cjk=cjk))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(title=_bilingual(*load_vocabulary().bilingual_label(CGKG.level), cjk=cjk))
        ax.grid(alpha=0.3)
        return _render(fig, out)


def heatmap(
    graph: Graph, out: str | Path | None = None, *, cjk: bool | None = None, top: int = 40
) -> Figure:
    """Province × mechanism: the first year each province (or a place in it) adopted it.

    Shows the ``top`` mechanisms adopted by the most provinces.

    Raises:
        ShowError: there are no dated adoptions.
    """
    import numpy as np

    cjk = has_cjk_font() if cjk is None else cjk
    rows = [r for r in _adopted(graph) if r["province_iri"]]
    if not rows:
        raise ShowError("E703", filters="none")
    first: dict[tuple[str, str], int] = {}
    names: dict[str, str] = {}
    english = {
        r["mechanism_iri"] for r in rows if r["mechanism_en"] and not has_cjk(r["mechanism_en"])
    }
    for r in rows:
        key = (r["province_iri"], r["mechanism_iri"])
        first[key] = min(first.get(key, r["year"]), r["year"])
        names[r["province_iri"]] = _label(
            r["province"], r["province_en"], r["province_iri"], cjk=cjk
        )
        names[r["mechanism_iri"]] = _label(
            r["mechanism"], r["mechanism_en"], r["mechanism_iri"], cjk=cjk
        )
    reach: dict[str, list[int]] = defaultdict(list)
    for (_, mechanism), year in first.items():
        reach[mechanism].append(year)
    named = [m for m in reach if cjk or m in english]  # English labels only: skip the unnamed
    unnamed = len(reach) - len(named)
    mechanisms = sorted(named, key=lambda m: (-len(reach[m]), min(reach[m]), names[m]))[:top]
    provinces = sorted(
        {p for p, _ in first},
        key=lambda p: (min(y for (q, _), y in first.items() if q == p), names[p]),
    )
    grid = np.full((len(provinces), len(mechanisms)), np.nan)
    for i, p in enumerate(provinces):
        for j, m in enumerate(mechanisms):
            grid[i, j] = first.get((p, m), np.nan)
    with rc_context(
        {"font.family": [cjk_font() or "DejaVu Sans", "DejaVu Sans"] if cjk else ["DejaVu Sans"]}
    ):
        fig = Figure(figsize=(2.5 + 0.32 * len(mechanisms), 2.2 + 0.4 * len(provinces)))
        ax = fig.add_subplot()
        image = ax.imshow(np.ma.masked_invalid(grid), aspect="auto", cmap="viridis")
        ax.set_xticks(
            range(len(mechanisms)), [names[m] for m in mechanisms], rotation=90, fontsize=7
        )
        ax.set_yticks(range(len(provinces)), [names[p] for p in provinces], fontsize=8)
        for (i, j), year in np.ndenumerate(grid):
            if not np.isnan(year):
                ax.text(
                    j,
                    i,
                    f"{int(year) % 100:02d}",
                    ha="center",
                    va="center",
                    fontsize=5,
                    color="white",
                )
        first_year = _bilingual(load_vocabulary().captions()["first-year"], "first year", cjk=cjk)
        lang = "zh-Hans" if cjk else "en"
        province, mechanism = (
            load_vocabulary().term_label(t, lang) for t in (CGKG.province, CGKG.Mechanism)
        )
        title = f"{province} × {mechanism}: {first_year}"
        ax.set_title(
            title + (f" ({unnamed} mechanisms without an English name left out)" if unnamed else "")
        )
        fig.colorbar(image, ax=ax, label=first_year, fraction=0.03)
        return _render(fig, out)


def write_plot(
    graph: Graph,
    kind: str,
    out: str | Path,
    *,
    mechanism: str | None = None,
    cjk: bool | None = None,
) -> Path:
    """Draw plot ``kind`` (diffusion or heatmap) of ``graph`` into the image file ``out``.

    Raises:
        ShowError: unknown kind, a missing mechanism name, or nothing to draw.
    """
    if kind not in PLOTS:
        raise ShowError("E704", kind=kind, known=", ".join(PLOTS))
    if kind == "diffusion":
        if not mechanism:
            raise ShowError("E705", kind=kind)
        diffusion(graph, mechanism, out, cjk=cjk)
    else:
        heatmap(graph, out, cjk=cjk)
    return Path(out)
