"""The explorer page, rendered in real headless Chromium (selenium), plus its filters."""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg
from kg.errors import ShowError
from kg.network import Filters, province_network
from kg.show import explorer_html, write_explorer

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SIGNATURE = "\n\n河南省民政厅\n2023年7月13日\n"
HOSTILE = {  # one tag per document, so the reader keeps it as plain text
    "mechanism.txt": "河南省民政厅关于推行社区治理机制的通知\n\n"
    "我省推行“<svg onload=__xss=1>”机制。",
    "alert.txt": "河南省民政厅关于社区服务的通知\n\n我省推行“<svg onload=alert(1)>”机制。",
    "img.txt": "河南省民政厅关于社区协商的通知\n\n我省推行“<img src=x onerror=alert(1)>”机制。",
    "title.txt": "<img src=x onerror=window.__xss=1>关于社区治理的通知\n\n"
    "我省推行“网格化管理”机制。",
    "policy.txt": "关于社区治理的通知\n\n根据《关于<img src=x onerror=window.__xss=1>的意见》，"
    "我省推行“网格化管理”机制。",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium with a fresh profile, logging console and network events."""
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cgkg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1400,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path) -> dict:
    """Load ``path`` and wait until the layout settles; returns console and network logs."""
    driver.get_log("browser"), driver.get_log("performance")  # drop what came before
    driver.get(path.resolve().as_uri())
    deadline = time.monotonic() + 60
    while not driver.execute_script("return !!(window.cgkg && window.cgkg.ready)"):
        assert time.monotonic() < deadline, "the explorer never became ready"
        time.sleep(0.05)
    events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    sent = [e["params"] for e in events if e["method"] == "Network.requestWillBeSent"]
    return {"console": driver.get_log("browser"), "requests": sent}


@pytest.fixture(scope="module")
def pages(seed_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("explorer")
    graph = kg.open(seed_graph)
    write_explorer(graph, out / "graph.html")
    write_explorer(graph, out / "full.html", full=True)
    return {"aggregated": out / "graph.html", "full": out / "full.html"}


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from kg.build import build_graph

    corpus = tmp_path_factory.mktemp("hostile-corpus")
    for name, text in HOSTILE.items():
        (corpus / name).write_text(text + SIGNATURE, encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-graph")
    assert build_graph([corpus], out).exit_code == 0
    graph = kg.open(out)
    write_explorer(graph, out / "graph.html")
    write_explorer(graph, out / "full.html", full=True)
    return {"aggregated": out / "graph.html", "full": out / "full.html"}


def node_by_name(driver, name: str) -> dict:
    return driver.execute_script(
        "return cgkg.nodes.get({filter: n => n.name === arguments[0]})[0] || null", name
    )


@pytest.mark.parametrize("view", ["aggregated", "full"])
def test_show_page_loads_offline_without_console_errors(
    browser, pages: dict[str, Path], view: str
) -> None:
    logs = open_page(browser, pages[view])
    assert [e for e in logs["console"] if e["level"] in ("SEVERE", "WARNING")] == []
    page_url = pages[view].resolve().as_uri()
    ours = [
        r
        for r in logs["requests"]
        if r.get("documentURL") == page_url or r["request"]["url"] == page_url
    ]
    assert ours and all(r["request"]["url"].startswith("file://") for r in ours)
    assert not [
        r
        for r in logs["requests"]
        if r["request"]["url"].startswith(("http:", "https:", "ws:", "wss:"))
    ]


def test_show_page_has_no_external_references(pages: dict[str, Path]) -> None:
    from html.parser import HTMLParser

    links: list[tuple[str, str, str]] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            links.extend(
                (tag, k, v or "") for k, v in attrs if k in ("src", "href", "srcset", "data")
            )

    Links().feed(pages["aggregated"].read_text(encoding="utf-8"))
    assert links == [("link", "href", "data:,")]  # only the empty favicon


def test_show_aggregated_dataset_holds_mechanisms_and_provinces(
    browser, pages: dict[str, Path], seed_graph: Path
) -> None:
    open_page(browser, pages["aggregated"])
    expected = province_network(kg.open(seed_graph).rows)
    assert browser.execute_script("return cgkg.nodes.length") == expected.number_of_nodes()
    assert browser.execute_script("return cgkg.edges.length") == expected.number_of_edges()
    types = set(browser.execute_script("return cgkg.nodes.get().map(n => n.type)"))
    assert types == {"mechanism", "region"}
    wushe = node_by_name(browser, "五社联动")
    assert wushe["type"] == "mechanism" and wushe["label_en"] == "Five-society linkage"
    neighbours = browser.execute_script(
        "return cgkg.network.getConnectedNodes(arguments[0]).map(id => cgkg.nodes.get(id).name)",
        wushe["id"],
    )
    assert sorted(neighbours) == ["浙江省", "湖北省", "湖南省"]
    weights = browser.execute_script("return cgkg.edges.get().map(e => e.weight)")
    assert all(w >= 1 for w in weights)


def test_show_full_dataset_has_every_type_and_adoption_details(
    browser, pages: dict[str, Path]
) -> None:
    open_page(browser, pages["full"])
    types = set(browser.execute_script("return cgkg.nodes.get().map(n => n.type)"))
    assert types == {"mechanism", "region", "agency", "policy", "document"}
    wuyi = node_by_name(browser, "武义县")
    wushe = node_by_name(browser, "五社联动")
    edge = browser.execute_script(
        "return cgkg.edges.get({filter: e => e.from === arguments[0] && e.to === arguments[1]})[0]",
        wuyi["id"],
        wushe["id"],
    )
    details = edge["adoptions"][0]
    assert details["status"] == "implemented" and details["document"] == "003_5cf41cd4b9546579"
    assert "五社联动" in details["evidence"] and details["year"] == 2023


def test_show_clicking_a_node_and_an_edge_shows_their_details(
    browser, pages: dict[str, Path]
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, pages["full"])
    canvas = browser.find_element("css selector", "#network canvas")
    wuyi, wushe = node_by_name(browser, "武义县"), node_by_name(browser, "五社联动")

    def click_at(js_point: str, *args: object) -> None:
        x, y = browser.execute_script(
            "const p = " + js_point + "; const d = cgkg.network.canvasToDOM(p); return [d.x, d.y];",
            *args,
        )
        w, h = canvas.size["width"], canvas.size["height"]
        ActionChains(browser).move_to_element_with_offset(
            canvas, x - w / 2, y - h / 2
        ).click().perform()

    browser.execute_script(
        "cgkg.network.focus(arguments[0], {scale: 1.5, animation: false})", wushe["id"]
    )
    click_at("cgkg.network.getPosition(arguments[0])", wushe["id"])
    info = browser.find_element("id", "info").text
    assert "五社联动" in info and "Five-society linkage" in info
    # leave only the two nodes on screen, so the click can only hit their edge
    browser.execute_script(
        "const keep = new Set([arguments[0], arguments[1]]);"
        "cgkg.nodes.update(cgkg.nodes.get().map(n => ({id: n.id, hidden: !keep.has(n.id)})));"
        "cgkg.network.fit({nodes: [arguments[0], arguments[1]], animation: false});"
        "cgkg.network.unselectAll();",
        wuyi["id"],
        wushe["id"],
    )
    click_at(
        "(() => { const a = cgkg.network.getPosition(arguments[0]);"
        " const b = cgkg.network.getPosition(arguments[1]);"
        " return {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}; })()",
        wuyi["id"],
        wushe["id"],
    )
    info = browser.find_element("id", "info").text
    assert "implemented" in info and "003_5cf41cd4b9546579" in info and "五社联动" in info


def test_show_search_box_finds_wushe_liandong(browser, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, pages["aggregated"])
    box = browser.find_element("id", "search")
    box.send_keys("五社联动", Keys.ENTER)
    selected = browser.execute_script(
        "return cgkg.network.getSelectedNodes().map(id => cgkg.nodes.get(id).name)"
    )
    assert selected == ["五社联动"]
    assert "Five-society linkage" in browser.find_element("id", "info").text
    box.clear()
    box.send_keys("hubei", Keys.ENTER)  # English labels are searched too
    assert browser.execute_script(
        "return cgkg.network.getSelectedNodes().map(id => cgkg.nodes.get(id).name)"
    ) == ["湖北省"]


def test_show_year_slider_hides_later_nodes(browser, pages: dict[str, Path]) -> None:
    open_page(browser, pages["aggregated"])
    assert browser.execute_script("return cgkg.nodes.get({filter: n => n.hidden}).length") == 0
    browser.execute_script(
        "const s = document.getElementById('year'); s.value = '2021';"
        "s.dispatchEvent(new Event('input'));"
    )
    visible = browser.execute_script(
        "return cgkg.nodes.get({filter: n => !n.hidden}).map(n => [n.name, n.year])"
    )
    names = {name for name, _ in visible}
    assert (
        "湖北省" in names and "山东省" in names and "浙江省" not in names and "湖南省" not in names
    )
    assert all(year is None or year <= 2021 for _, year in visible)
    assert browser.find_element("id", "year-label").text == "2021"


def test_show_screenshot_is_not_blank(browser, pages: dict[str, Path]) -> None:
    import matplotlib.image
    import numpy as np

    open_page(browser, pages["aggregated"])
    pixels = matplotlib.image.imread(io.BytesIO(browser.get_screenshot_as_png()), format="png")
    colours = np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)
    assert len(colours) > 200


@pytest.mark.parametrize("view", ["aggregated", "full"])
def test_show_document_text_never_becomes_markup(
    browser, hostile_pages: dict[str, Path], view: str
) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    logs = open_page(browser, hostile_pages[view])
    names = browser.execute_script("return cgkg.nodes.get().map(n => n.name)")
    assert "<svg onload=__xss=1>" in names  # the hostile names are in the graph, as text
    assert "<img src=x onerror=alert(1)>" in names
    for name in [n for n in names if "<" in n]:
        browser.execute_script(
            "cgkg.showNode(cgkg.nodes.get({filter: n => n.name === arguments[0]})[0].id)", name
        )
        assert name in browser.find_element("id", "info").text
        assert (
            browser.execute_script(
                "return document.querySelectorAll('#info *:not(h3):not(dl):not(dt):not(dd)').length"
            )
            == 0
        )
    browser.execute_script("cgkg.search('<svg')")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    assert (
        browser.execute_script(
            "return document.querySelectorAll('[onerror], [onload], img').length"
        )
        == 0
    )
    assert [e for e in logs["console"] + browser.get_log("browser") if e["level"] == "SEVERE"] == []


@pytest.mark.parametrize(
    ("filters", "mechanisms", "provinces"),
    [
        (Filters(mechanism="五社联动"), {"五社联动"}, {"湖北省", "湖南省", "浙江省"}),
        (Filters(mechanism="Five-society linkage", since=2022), {"五社联动"}, {"湖南省", "浙江省"}),
        (Filters(mechanism="五社联动机制", province="Hubei"), {"五社联动"}, {"湖北省"}),
    ],
)
def test_show_filters_select_adoptions(
    seed_graph: Path, filters: Filters, mechanisms: set, provinces: set
) -> None:
    g = province_network(kg.open(seed_graph).rows, filters)
    by_type = {
        t: {d["label"] for _, d in g.nodes(data=True) if d["type"] == t}
        for t in ("mechanism", "region")
    }
    assert by_type == {"mechanism": mechanisms, "region": provinces}


def test_show_unknown_mechanism_is_a_clear_error(seed_graph: Path, tmp_path: Path) -> None:
    with pytest.raises(ShowError, match="E702"):
        write_explorer(kg.open(seed_graph), tmp_path / "x.html", mechanism="没有这个机制")
    with pytest.raises(ShowError, match="E703"):
        write_explorer(kg.open(seed_graph), tmp_path / "x.html", since=2100)


def test_show_cli_writes_the_page(seed_graph: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    out = tmp_path / "graph.html"
    result = CliRunner().invoke(
        app,
        [
            "explore",
            "-o",
            str(out),
            "--graph",
            str(seed_graph),
            "--mechanism",
            "五社联动",
            "--full",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "<!DOCTYPE html>" in out.read_text(encoding="utf-8") and "nodes" in result.output
    bad = CliRunner().invoke(
        app, ["explore", "-o", str(out), "--graph", str(seed_graph), "--mechanism", "没有"]
    )
    assert bad.exit_code == 2 and "E702" in bad.output


def test_show_aggregated_view_keeps_the_most_widely_adopted_mechanisms(seed_graph: Path) -> None:
    everything = province_network(kg.open(seed_graph).rows)
    top = province_network(kg.open(seed_graph).rows, Filters(top=3))
    kept = [n for n, d in top.nodes(data=True) if d["type"] == "mechanism"]
    assert len(kept) == 3
    widest = max(
        (n for n, d in everything.nodes(data=True) if d["type"] == "mechanism"),
        key=everything.degree,
    )
    assert widest in kept  # 五社联动, adopted in three provinces
    assert all(top.degree(n) > 0 for n in top.nodes)
    assert all(len(d["adoptions"]) <= 5 for _, _, d in top.edges(data=True))


FULL_LEGEND = [
    *[("机制", "mechanism"), ("地区", "region"), ("机关", "agency")],
    *[("政策", "policy"), ("文件", "document")],
    *[("采纳", status) for status in ("implemented", "pilot", "planned", "called-for")],
]


@pytest.mark.parametrize(
    ("full", "view", "legend"),
    [
        (
            False,
            "聚合 aggregated: 机制 ↔ 省份, edge = documents",
            [
                ("机制", "mechanism"),
                ("地区", "region"),
                ("连线粗细 = 文件数", "edge width = documents"),
            ],
        ),
        (True, "完整图 full graph", FULL_LEGEND),
    ],
)
def test_show_captions_and_legend_read_from_the_ontology(
    seed_graph: Path, full: bool, view: str, legend: list[tuple[str, str]]
) -> None:
    """Class and property labels (cgkg.ttl) and cue:captions (cues.ttl) name what the page shows."""
    html = explorer_html(kg.open(seed_graph), full=full)
    found = re.search(r'<script type="application/json" id="cgkg-data">(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["view"] == view
    assert [(item["label"], item["label_en"]) for item in data["legend"]] == legend
    facts = {name for node in data["nodes"] for name, _ in node["facts"]}
    expected = {"级别 Level", "IRI"}
    if full:
        expected |= {"省份 Province", "文件 Document", "来源 File", "体裁 Genre", "文号 Number"}
        expected |= {"发文机关 Issuer"}
    assert facts == expected
