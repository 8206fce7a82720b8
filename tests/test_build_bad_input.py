"""`kg build` never loses a good graph: bad input is reported, a killed build costs nothing.

Every build here is a real `kg build` process. Each bad-input case builds a corpus of one
good document (a seed) plus one bad file; the builds are started together by a fixture,
because each process spends ~3 s loading the pipeline.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.rdf import document_iri
from kg.store import RECORDS_FILE, GraphStore, remove_stale_builds

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOOD = CORPUS / "wuyi-2023-proposal-reply.txt"
KG = [sys.executable, "-m", "kg.cli"]
MAX_BYTES = 1_000_000
SCRIPT_SENTENCE = "北京市朝阳区全面推行五社联动机制。"  # extracted as an adoption if it leaks


def kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the `kg` command in a new process."""
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def seed_excerpt(start: int, stop: int) -> str:
    return (CORPUS / "hubei-2021-civil-affairs-news.txt").read_text(encoding="utf-8")[start:stop]


# --- the bad files ---------------------------------------------------------------------------
def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("reply.txt", GOOD.read_text(encoding="utf-8"))
    return buffer.getvalue()


def html_page() -> str:
    body = seed_excerpt(3000, 4500)
    return (
        "<!DOCTYPE html><html><head><title>通知</title>"
        f'<script>var note = "{SCRIPT_SENTENCE}"; if (a < b && c > d) {{ run(); }}</script>'
        f"</head><body>{'<div>' * 3000}<p>{body}</p>{'</div>' * 3000}</body></html>"
    )


UNDATED = (
    "关于进一步做好社区服务工作的说明\n"
    "社区工作者要深入走访居民，倾听群众意见，及时解决群众反映的问题。"
    "各社区要建立健全议事协商制度，推动五社联动机制落实。\n"
)


@dataclass(frozen=True)
class Case:
    id: str
    name: str  # of the bad file in the corpus
    make: Callable[[Path], object]
    status: str  # its outcome: built, failed or duplicate
    message: str | None  # a regex that stderr and the report must match
    max_bytes: int = MAX_BYTES
    record: Callable[[dict], bool] | None = None  # checks its record when built

    @property
    def reported(self) -> str:
        """The name as the build reports it: bytes that are not UTF-8 as ``\\xNN``."""
        return os.fsencode(self.name).decode("utf-8", errors="backslashreplace")


def make_symlink(path: Path) -> None:
    path.symlink_to(path.with_name("gone.txt"))


def make_unreadable(path: Path) -> None:
    path.write_text(UNDATED, encoding="utf-8")
    path.chmod(0)


CASES = [
    Case("empty", "empty.txt", lambda p: p.write_bytes(b""), "failed", r"E101 .*the file is empty"),
    Case(
        "pdf",
        "scan.txt",
        lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        "failed",
        r"E102 .*binary file \(PDF document\)",
    ),
    Case(
        "png",
        "photo.txt",
        lambda p: p.write_bytes(png_bytes()),
        "failed",
        r"E102 .*binary file \(PNG image\)",
    ),
    Case(
        "zip",
        "archive.txt",
        lambda p: p.write_bytes(zip_bytes()),
        "failed",
        r"E102 .*binary file \(ZIP archive\)",
    ),
    Case(
        "mixed-utf8-gbk",
        "mixed.txt",
        lambda p: p.write_bytes(
            "社区治理工作报告\n".encode() + "推进五社联动机制建设".encode("gbk")
        ),
        "failed",
        r"E103 .*cannot detect the text encoding",
    ),
    Case(
        "truncated-tail",
        "truncated.txt",
        lambda p: p.write_bytes(seed_excerpt(0, 1500).encode() + "治".encode()[:2]),
        "built",
        r"W101 .*the last 2 bytes are a truncated character",
    ),
    Case(
        "utf16-no-bom",
        "utf16.txt",
        lambda p: p.write_bytes(seed_excerpt(1500, 3000).encode("utf-16-le")),
        "built",
        None,
        record=lambda r: r["encoding"] == "utf-16-le" and r["jurisdiction"]["name"] == "湖北省",
    ),
    Case(  # no ASCII, so no NUL bytes from it; 一 and 最 (U+4E00, U+6700) still give some
        "utf16be-no-bom-hanzi-only",
        "utf16be.txt",
        lambda p: p.write_bytes(
            re.sub(r"[\x00-\x7f]", "", seed_excerpt(1500, 3000)).encode("utf-16-be")
        ),
        "built",
        None,
        record=lambda r: r["encoding"] == "utf-16-be" and r["jurisdiction"]["name"] == "湖北省",
    ),
    Case(
        "over-max-bytes",
        "huge.txt",
        lambda p: p.write_text(seed_excerpt(0, 9000) * 3, encoding="utf-8"),
        "failed",
        r"E104 .*over the limit of 20000; raise --max-bytes",
        max_bytes=20_000,
    ),
    Case(
        "html-script-deep",
        "page.html",
        lambda p: p.write_text(html_page(), encoding="utf-8"),
        "built",
        None,
        record=lambda r: r["format"] == "html" and "朝阳" not in json.dumps(r, ensure_ascii=False),
    ),
    Case(
        "script-only-page",
        "blank.html",
        lambda p: p.write_text("<html><body><script>render();</script>\n</body></html>"),
        "failed",
        r"E106 .*no text, only markup or white space",
    ),
    Case(
        "no-date-no-jurisdiction",
        "notice.txt",
        lambda p: p.write_text(UNDATED, encoding="utf-8"),
        "built",
        r"W201 .*no date found.*\n(.*\n)*W202 .*notice.txt: no jurisdiction found",
    ),
    Case(
        "fifo",
        "pipe.txt",
        os.mkfifo,
        "failed",
        r"E105 .*not a regular file \(it is a named pipe \(FIFO\)",
    ),
    Case(
        "directory",
        "folder.txt",
        Path.mkdir,
        "failed",
        r"E105 .*not a regular file \(it is a directory",
    ),
    Case(
        "broken-symlink",
        "link.txt",
        make_symlink,
        "failed",
        r"E105 .*broken symbolic link to '.*gone.txt'",
    ),
    Case(
        "gbk-file-name",
        os.fsdecode("广东省社区治理.txt".encode("gbk")),
        lambda p: p.write_text(UNDATED, encoding="utf-8"),
        "failed",
        r"E607 .*the file name is not valid UTF-8",
    ),
    Case(
        "duplicate",
        "wuyi-copy.txt",
        lambda p: shutil.copy(GOOD, p),
        "duplicate",
        r"W601 .*wuyi-copy.txt: same bytes as .*wuyi-2023-proposal-reply.txt; built once",
    ),
]


@dataclass
class Run:
    corpus: Path
    graph: Path
    result: Future[subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def bad_input_builds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Run]]:
    """The corpus of every selected case, with its `kg build` started (four at a time)."""
    callspecs = [getattr(item, "callspec", None) for item in request.session.items]
    selected = [c.params["case"] for c in callspecs if c and isinstance(c.params.get("case"), Case)]
    runs: dict[str, Run] = {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        for case in selected:
            folder = tmp_path_factory.mktemp(case.id)
            corpus, graph = folder / "corpus", folder / "graph"
            corpus.mkdir()
            shutil.copy(GOOD, corpus)
            case.make(corpus / case.name)
            args = ("build", str(corpus), "--out", str(graph), "--max-bytes", str(case.max_bytes))
            runs[case.id] = Run(corpus, graph, pool.submit(kg, *args))
        yield runs


def report_of(graph: Path) -> dict[str, dict]:
    report = json.loads((graph / "build-report.json").read_text(encoding="utf-8"))
    return {Path(d["path"]).name: d for d in report["documents"]}


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id) for c in CASES],
)
def test_build_bad_input_is_reported_and_the_good_document_built(
    case: Case, bad_input_builds: dict[str, Run]
) -> None:
    run = bad_input_builds[case.id]
    result = run.result.result(timeout=180)
    assert result.returncode == (1 if case.status == "failed" else 0), result.stderr
    if case.message is not None:
        assert case.reported in result.stderr
        assert re.search(case.message, result.stderr), result.stderr

    documents = report_of(run.graph)
    assert set(documents) == {GOOD.name, case.reported}
    assert documents[GOOD.name]["status"] == "built"
    bad = documents[case.reported]
    assert bad["status"] == case.status
    if case.status == "built" and case.message is not None:
        assert re.search(case.message, "\n".join(bad["warnings"]))
    elif case.message is not None:
        assert re.search(case.message, bad["message"])

    records = [
        json.loads(line)
        for line in (run.graph / RECORDS_FILE).read_text(encoding="utf-8").splitlines()
    ]
    built = {Path(d["path"]).stem for d in documents.values() if d["status"] == "built"}
    assert {r["id"] for r in records} == built
    if case.record is not None:
        assert case.record(next(r for r in records if r["path"] == case.name))
    named_graphs = GraphStore.open(run.graph).named_graphs()
    assert document_iri(GOOD.stem).value in named_graphs
    assert len(named_graphs) == len(built)


def test_build_nothing_built_exits_2_and_keeps_the_previous_graph(
    tmp_path: Path, seed_graph: Path
) -> None:
    graph = tmp_path / "graph"
    shutil.copytree(seed_graph, graph, symlinks=True)
    previous = (graph / "current").resolve()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "scan.txt").write_bytes(b"%PDF-1.7\n")
    result = kg("build", str(corpus), "--out", str(graph))
    assert result.returncode == 2
    assert "E101" in result.stderr and "E102" in result.stderr and "E605" in result.stderr
    assert (graph / "current").resolve() == previous
    assert [p.name for p in (graph / "builds").iterdir()] == [previous.name]


def test_build_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    result = kg("build", str(tmp_path / "nowhere"), "--out", str(tmp_path / "graph"))
    assert result.returncode == 2 and "E601" in result.stderr
    assert not (tmp_path / "graph" / "current").exists()


def test_build_help_documents_the_exit_codes() -> None:
    result = kg("build", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 all documents built; 1 some documents failed" in text
    assert "2 usage error or nothing built (previous graph kept)" in text


# --- atomic builds ---------------------------------------------------------------------------
def make_large_corpus(folder: Path, *, count: int = 200) -> Path:
    """``count`` distinct documents cut and recombined from the seed texts."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    folder.mkdir()
    for i in range(count):
        first, second = seeds[i % len(seeds)], seeds[(3 * i + 1) % len(seeds)]
        a, b = (97 * i) % (len(first) - 700), (61 * i) % (len(second) - 700)
        text = f"第{i}号材料\n{first[a : a + 700]}\n{second[b : b + 700]}\n"
        (folder / f"doc-{i:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def adopters(graph: Path) -> str:
    result = kg(
        "query", "adopters", "--mechanism", "五社联动", "--graph", str(graph), "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_build(corpus: Path, graph: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """Start `kg build` and wait until it is writing records into its staging folder."""
    finished = set((graph / "builds").iterdir())  # the current build, and the previous one
    process = subprocess.Popen([*KG, "build", str(corpus), "--out", str(graph)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before it could be interrupted"
        staging = [p for p in (graph / "builds").iterdir() if p not in finished]
        if (
            staging
            and (staging[0] / RECORDS_FILE).is_file()
            and (staging[0] / RECORDS_FILE).stat().st_size
        ):
            return process, staging[0]
        time.sleep(0.05)
    process.kill()
    process.wait()
    pytest.fail("the build never started writing its staging folder")


@pytest.fixture
def previous_graph(tmp_path: Path, seed_graph: Path) -> Path:
    """A copy of the seed graph: the graph a new build must not lose."""
    graph = tmp_path / "graph"
    shutil.copytree(seed_graph, graph, symlinks=True)
    return graph


def test_build_killed_midway_keeps_the_previous_graph(tmp_path: Path, previous_graph: Path) -> None:
    graph = previous_graph
    before, current = adopters(graph), (graph / "current").resolve()
    assert "武义县" in before
    process, staging = start_build(make_large_corpus(tmp_path / "large"), graph)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert staging.is_dir()  # left behind, half written

    assert (graph / "current").resolve() == current
    assert adopters(graph) == before
    assert json.loads((graph / "build-report.json").read_text(encoding="utf-8"))["exit_code"] == 0

    result = kg("build", str(CORPUS), "--out", str(graph))
    assert result.returncode == 0, result.stderr
    assert not staging.exists()
    # the build it replaced is kept until the next publish, for readers that have it open
    assert sorted((graph / "builds").iterdir()) == sorted([current, (graph / "current").resolve()])
    assert adopters(graph) == before


def test_build_in_progress_queries_answer_from_the_previous_graph(
    tmp_path: Path, previous_graph: Path
) -> None:
    graph = previous_graph
    before = adopters(graph)
    process, _ = start_build(make_large_corpus(tmp_path / "large"), graph)
    try:
        during = adopters(graph)
        assert process.poll() is None  # the answer came while the build was running
    finally:
        process.kill()
        process.wait()
    assert during == before


def test_build_stale_staging_folders_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])  # noqa: S607 - its pid names a build that died
    dead.wait()
    builds = tmp_path / "builds"
    stale = builds / f"20260101T000000-{dead.pid}-1"
    live = builds / f"20260101T000000-{os.getppid()}-2"
    for folder in (stale, live):
        folder.mkdir(parents=True)
        (folder / RECORDS_FILE).write_text("{}\n", encoding="utf-8")
    assert remove_stale_builds(tmp_path) == [stale]
    assert not stale.exists() and live.is_dir()


def test_build_unreadable_file_fails_alone() -> None:
    """A file the builder may not read (chmod 000) fails alone with E100.

    Root reads any file, so as root the build runs as user nobody (setpriv), in a folder
    that user may write.
    """
    folder = Path(tempfile.mkdtemp(prefix="cgkg-unreadable-"))
    try:
        corpus, graph = folder / "corpus", folder / "graph"
        corpus.mkdir()
        shutil.copy(GOOD, corpus)
        make_unreadable(corpus / "locked.txt")
        for path in (folder, corpus, *corpus.iterdir()):
            if path.name != "locked.txt":
                path.chmod(0o777 if path.is_dir() else 0o644)
        command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(graph)]
        if os.geteuid() == 0:
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
        env = {**os.environ, "HOME": str(folder)}
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 1, result.stderr
        assert re.search(r"E100 .*locked\.txt.*permission denied", result.stderr), result.stderr
        report = json.loads((graph / "build-report.json").read_text(encoding="utf-8"))
        outcomes = {Path(d["path"]).name: d["status"] for d in report["documents"]}
        assert outcomes == {GOOD.name: "built", "locked.txt": "failed"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
