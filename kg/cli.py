"""The ``kg`` command: a thin layer over the library. Each command calls one function."""

from __future__ import annotations

import csv
import gc
import io
import json
import unicodedata
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.errors import CgkgError, QueryError, ShowError

app = typer.Typer(
    help="cgkg: a knowledge graph of Chinese community-governance policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FORMATS = ("table", "csv", "tsv", "json")
_CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _fail(exc: CgkgError, code: int = 2) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _safe_csv(value: Any) -> str:
    """Spreadsheet-safe cell: a leading = + - @ would start a formula, so quote it."""
    text = _cell(value)
    return "'" + text if text.startswith(_CSV_DANGEROUS) else text


def format_table(
    columns: tuple[str, ...], rows: tuple[tuple[Any, ...], ...], fmt: str, *, max_cell: int = 60
) -> str:
    """Render a query answer as an aligned table, CSV, TSV or JSON."""
    if fmt == "json":
        return json.dumps(
            [dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, indent=2
        )
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_safe_csv(v) for v in r] for r in rows)
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise QueryError("E604", fmt=fmt, known=", ".join(FORMATS))
    cells = [[_cell(v) for v in r] for r in rows]
    cells = [
        [c if _width(c) <= max_cell else c[: max_cell // 2 - 1] + "…" for c in r] for r in cells
    ]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    pad = lambda s, w: s + " " * (w - _width(s))  # noqa: E731
    lines = ["  ".join(pad(c, w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv or json")]
GraphOpt = Annotated[Path, typer.Option("--graph", "-g", help="graph folder made by `kg build`")]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", "-e", help="SPARQL server base URL, e.g. http://127.0.0.1:7878"),
]


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="files or folders of documents")],
    format: Annotated[str, typer.Option("--format", "-f", help="json (JSON Lines)")] = "json",
) -> None:
    """Extract records from documents and print them as JSON Lines, one per document."""
    from kg.build import extract_documents, find_documents

    try:
        failed = 0
        for record, outcome in extract_documents(find_documents(paths)):
            if record is not None:
                typer.echo(record.to_json())
            elif outcome.status == "failed":
                failed += 1
                typer.echo(outcome.message, err=True)
    except CgkgError as exc:
        _fail(exc)
    raise typer.Exit(1 if failed else 0)


@app.command()
def build(
    sources: Annotated[list[Path], typer.Argument(help="corpus files or folders")],
    out: Annotated[Path, typer.Option("--out", "-o", help="graph folder to write")] = Path("graph"),
    max_bytes: Annotated[int, typer.Option(help="skip files larger than this")] = 20_000_000,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="print nothing but errors (no progress)")
    ] = False,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="extract in this many processes")
    ] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="extract on a Dask cluster, e.g. tcp://HOST:8786")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="extract every document, ignore the cache")
    ] = False,
    validate: Annotated[
        bool,
        typer.Option(help="check each new document's graph against ontology/shapes.ttl"),
    ] = True,
) -> None:
    """Build the graph: extract every document and load it into an embedded store.

    Builds are incremental: only new or changed documents are extracted again (--full
    extracts all). Each newly extracted document's graph is checked against the SHACL shapes
    (a few ms a document; --no-validate skips it); a build that fails them is refused and
    the previous graph kept. Progress goes to stderr: a line updated in place on a terminal, a line
    per tenth of the documents otherwise.

    Exit codes: 0 all documents built; 1 some documents failed (the graph is still
    written, see build-report.json); 2 usage error or nothing built (previous graph kept).
    """
    from kg.build import build_graph
    from kg.progress import BuildProgress

    bar = None if quiet else BuildProgress()

    def show(outcome: Any) -> None:
        shown = (
            [outcome.message] if outcome.status != "built" else [] if quiet else outcome.warnings
        )
        for text in shown:
            if bar:
                bar.message(text)
            else:
                typer.echo(text, err=True)
        if bar:
            bar.update(chars=outcome.chars, failed=outcome.status == "failed")

    try:
        report = build_graph(
            sources, out, max_bytes=max_bytes, progress=show, jobs=jobs, scheduler=scheduler,
            incremental=not full, started=bar.start if bar else None, shacl=validate,
        )  # fmt: skip
    except CgkgError as exc:
        _fail(exc)
    finally:
        if bar:
            bar.finish()
    for text in [] if quiet else report.warnings:
        typer.echo(text, err=True)
    if not quiet:
        typer.echo(
            f"built {len(report.built)} of {len(report.documents)} documents, "
            f"{report.quads} quads, in {report.seconds:.1f}s -> {out}"
        )
    raise typer.Exit(report.exit_code)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def query(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="named query, see --list")] = None,
    graph: GraphOpt = Path("graph"),
    format: FormatOpt = "table",
    list_: Annotated[bool, typer.Option("--list", help="list the named queries")] = False,
    endpoint: EndpointOpt = None,
) -> None:
    """Run a named query; parameters are given as --NAME VALUE (e.g. --mechanism 五社联动).

    With --endpoint URL the query runs on that SPARQL server instead of the local graph.
    """
    from kg.api import run_query
    from kg.queries import list_queries
    from kg.remote import run_remote_query
    from kg.store import GraphStore

    if list_ or name is None:
        for q in list_queries():
            args = " ".join(f"--{p.name} {p.kind.upper()}" for p in q.params)
            typer.echo(f"{q.name:14} {args:28} {q.description}")
        return
    try:
        values = _parse_params(list(ctx.args))
        if endpoint:
            table = run_remote_query(name, endpoint=endpoint, **values)
        else:
            table = run_query(name, store=GraphStore.open(graph), **values)
        typer.echo(format_table(table.columns, table.rows, format))
    except CgkgError as exc:
        _fail(exc)


def _parse_params(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    it = iter(items)
    for item in it:
        if not item.startswith("--"):
            raise QueryError("E505", name="?", param=item, known="--NAME VALUE pairs")
        key, _, value = item[2:].partition("=")
        out[key.replace("-", "_")] = value if _ else next(it, "")
    return out


@app.command()
def sparql(
    text: Annotated[str, typer.Argument(help="a SELECT query, or @FILE to read it from a file")],
    graph: GraphOpt = Path("graph"),
    format: FormatOpt = "table",
) -> None:
    """Run any SPARQL SELECT query on the graph."""
    from kg.store import GraphStore

    try:
        source = Path(text[1:]).read_text(encoding="utf-8") if text.startswith("@") else text
        table = GraphStore.open(graph).select(source)
        typer.echo(format_table(table.columns, table.rows, format))
    except CgkgError as exc:
        _fail(exc)


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="gold annotations (JSON)")] = Path(
        "tests/gold/seeds.json"
    ),
    corpus: Annotated[
        list[Path] | None, typer.Argument(help="documents, or a records .jsonl file")
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="corpus manifest mapping original names")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="also list, per document, what was missed or wrong")
    ] = False,
) -> None:
    """Score extraction against gold annotations: precision, recall and F1 per category."""
    from kg.evaluate import run_evaluation

    try:
        result = run_evaluation(gold, corpus or [Path("corpus")], manifest=manifest)
    except CgkgError as exc:
        _fail(exc)
    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False) if json_ else result.table())
    if errors and not json_:
        typer.echo("\n" + (result.errors() or "no errors"))


@app.command()
def validate(
    graph: GraphOpt = Path("graph"),
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="pyshacl (the reference: all graphs together) or sparql (each document's "
            "graph on its own, as kg build checks it; for large graphs)",
        ),
    ] = "pyshacl",
) -> None:
    """Check the graph against the SHACL shapes of ontology/shapes.ttl; exit 1 on any violation."""
    from kg.validate import validate_graph

    try:
        violations = validate_graph(graph, engine=engine)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--engine") from exc
    except CgkgError as exc:
        _fail(exc)
    for violation in violations:
        typer.echo(str(violation))
    typer.echo(
        f"{len(violations)} violations"
        if violations
        else "the graph conforms to ontology/shapes.ttl"
    )
    raise typer.Exit(1 if violations else 0)


@app.command()
def explore(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write")] = Path(
        "graph.html"
    ),
    graph: GraphOpt = Path("graph"),
    mechanism: Annotated[str | None, typer.Option(help="only this mechanism (any name)")] = None,
    province: Annotated[str | None, typer.Option(help="only adoptions in this province")] = None,
    since: Annotated[int | None, typer.Option(help="only adoptions from this year on")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="every node and edge, not mechanisms ↔ provinces")
    ] = False,
    top: Annotated[
        int, typer.Option(help="aggregated view: the N most widely adopted mechanisms (0: all)")
    ] = 150,
) -> None:
    """Write an interactive explorer: one self-contained HTML page that works offline."""
    from kg.api import Graph
    from kg.show import write_explorer

    try:
        page = write_explorer(
            Graph(graph),
            out,
            mechanism=mechanism,
            province=province,
            since=since,
            full=full,
            top=top,
        )
    except CgkgError as exc:
        _fail(exc)
    typer.echo(
        f"wrote {page.path}: {page.nodes} nodes, {page.edges} edges, {page.bytes // 1024} KiB"
    )


@app.command()
def plot(
    kind: Annotated[str, typer.Argument(help="diffusion or heatmap")],
    mechanism: Annotated[
        str | None, typer.Argument(help="the mechanism (diffusion only), e.g. 五社联动")
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="image file to write (.png, .svg, .pdf)")
    ] = Path("fig.png"),
    graph: GraphOpt = Path("graph"),
) -> None:
    """Draw a plot: `diffusion MECHANISM` (cumulative adopters by year and level) or `heatmap` (province × mechanism, first year)."""
    from kg.api import Graph
    from kg.plot import write_plot

    try:
        typer.echo(f"wrote {write_plot(Graph(graph), kind, out, mechanism=mechanism)}")
    except CgkgError as exc:
        _fail(exc)


@app.command()
def panel(
    mechanism: Annotated[str, typer.Argument(help="the mechanism, e.g. 五社联动")],
    level: Annotated[
        str, typer.Option("--level", help="the units: province, city or county")
    ] = "province",
    start: Annotated[int, typer.Option("--from", help="first year of the panel")] = 2010,
    end: Annotated[int, typer.Option("--to", help="last year of the panel")] = 2025,
    own: Annotated[
        bool, typer.Option("--own", help="count only a unit's own adoptions, not its parts'")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="CSV file to write (default: print)")
    ] = None,
    graph: GraphOpt = Path("graph"),
    format: FormatOpt = "csv",
) -> None:
    """Write a diffusion panel: one row per jurisdiction of --level and year (adopted 0/1, event, first year, status, documents), for event-history analysis."""
    from kg.panel import make_panel
    from kg.store import GraphStore

    try:
        made = make_panel(
            GraphStore.open(graph), mechanism, level=level, start=start, end=end, own=own
        )
        text = format_table(made.table.columns, made.table.rows, "csv" if out else format)
        if out is None:
            typer.echo(text)
        else:
            try:
                out.write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise ShowError("E706", path=out, reason=exc.strerror or exc) from exc
        typer.echo(
            f"{made.units} units × {end - start + 1} years, {made.adopters} adopted; "
            f"{made.adoptions} adoptions ({made.undated} without a year, "
            f"{made.outside} above the level or by no unit of it)" + (f" -> {out}" if out else ""),
            err=True,
        )
    except CgkgError as exc:
        _fail(exc)


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="trig, nquads, turtle, jsonld, gexf or graphml")
    ] = "trig",
    graph: GraphOpt = Path("graph"),
) -> None:
    """Export the graph as RDF (trig, nquads, turtle = union of all graphs, jsonld) or as a network (gexf, graphml)."""
    from kg.export import export_graph

    try:
        typer.echo(export_graph(graph, output, format=format))
    except CgkgError as exc:
        _fail(exc)


@app.command()
def push(
    endpoint: Annotated[
        str,
        typer.Option("--endpoint", "-e", help="SPARQL server base URL, e.g. http://127.0.0.1:7878"),
    ],
    graph: GraphOpt = Path("graph"),
    prune: Annotated[
        bool, typer.Option("--prune", help="delete the server's named graphs the graph lacks")
    ] = False,
) -> None:
    """Load the graph into a SPARQL server (Graph Store Protocol): one PUT per document graph, plus the ontology.

    Each PUT replaces a whole graph, so pushing again is safe and repairs a push that failed.
    """
    from kg.remote import push_graph

    try:
        report = push_graph(graph, endpoint, prune=prune)
    except CgkgError as exc:
        _fail(exc)
    typer.echo(f"pushed {report.graphs} graphs, {report.triples} triples to {report.endpoint} in {report.seconds:.1f}s"
               + (f"; removed {len(report.removed)} graphs" if report.removed else ""))  # fmt: skip


@app.command()
def serve(
    graph: GraphOpt = Path("graph"),
    port: Annotated[int, typer.Option("--port", "-p", help="port to listen on")] = 7878,
    bind: Annotated[
        str, typer.Option("--bind", help="address to listen on (0.0.0.0 for every interface)")
    ] = "127.0.0.1",
) -> None:
    """Serve the graph read-only over SPARQL with the Oxigraph server, until Ctrl-C.

    The printed URL opens a SPARQL editor in the browser; the query endpoint is URL/query.
    The server follows the graph folder: after `kg build` makes a new build current, it is
    restarted on it (on the same address) within about a second.
    """
    from kg.remote import GraphServer, serve_graph

    def started(server: GraphServer, restarted: bool) -> None:
        build = server.location.parent.name
        typer.echo(f"new build {build}: restarted the server at {server.url}" if restarted else
                   f"serving {graph} read-only at {server.url} (SPARQL endpoint {server.url}query); Ctrl-C stops")  # fmt: skip

    try:
        serve_graph(graph, port=port, host=bind, started=started)
    except CgkgError as exc:
        _fail(exc)


def main() -> None:  # pragma: no cover - the console entry point
    try:
        app()
    finally:
        # what the command made lives until the process exits: frozen, it is not walked
        # by the collection at exit (a tenth of a second after a build of 10,000 documents)
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
