"""Every error and warning cgkg reports, in one place.

Each message has a stable code: ``E1xx`` read, ``E2xx`` extract, ``E3xx`` record,
``E4xx`` RDF and ontology, ``E5xx`` store and query, ``E6xx`` build and CLI, ``E7xx`` show,
``Wxxx`` warnings. A message says what failed and how to fix it.

>>> str(ReadError("E101", path="a.txt"))
'E101 a.txt: the file is empty; remove it from the corpus or give it content'
"""

from __future__ import annotations

__all__ = [
    "MESSAGES",
    "CgkgError",
    "ReadError",
    "ExtractionError",
    "RecordError",
    "OntologyError",
    "StoreError",
    "QueryError",
    "BuildError",
    "ShowError",
    "warning_text",
]

MESSAGES: dict[str, str] = {
    # --- read (E1xx) ---------------------------------------------------------------
    "E100": "{path}: cannot open the file ({reason})",
    "E101": "{path}: the file is empty; remove it from the corpus or give it content",
    "E102": "{path}: this is a binary file ({kind}), not text; convert it to .txt or .html first",
    "E103": "{path}: cannot detect the text encoding; save it as UTF-8 or GB18030",
    "E104": "{path}: the file is {size} bytes, over the limit of {limit}; raise --max-bytes",
    "E105": "{path}: not a regular file ({reason})",
    "E106": "{path}: no text, only markup or white space; save a page after it has loaded",
    # --- extract (E2xx) --------------------------------------------------------------
    "E201": "pipeline config {path} is invalid: {reason}",
    "E202": "component {name!r} could not load its patterns from {path}: {reason}",
    "E203": "{path}: extraction failed ({reason}); the document was skipped, please report it",
    # --- record (E3xx) ---------------------------------------------------------------
    "E301": "record {id!r} is invalid: {reason}",
    "E302": "record schema version {found} is not supported (expected {expected})",
    # --- RDF and ontology (E4xx) -----------------------------------------------------
    "E401": "ontology file {path} cannot be parsed: {reason}",
    "E402": "term {term!r} is not defined in the ontology namespace {namespace}",
    "E403": "cue set {term!r} has an entry without '=' ({entry!r}); write it as key=value",
    # --- store and query (E5xx) ------------------------------------------------------
    "E501": "no graph store at {path}; run `kg build CORPUS --out {path}` first",
    "E502": "the graph store at {path} cannot be opened: {reason}",
    "E503": "unknown named query {name!r}; `kg query --list` shows the available ones",
    "E504": "query {name!r} needs parameter {param!r} ({kind}); pass --{param} VALUE",
    "E505": "query {name!r} has no parameter {param!r}; it takes: {known}",
    "E506": "the SPARQL query is invalid: {reason}",
    "E507": "the SPARQL endpoint {endpoint} failed: {reason}",
    "E508": "query file {path} declares a bad parameter line: {line!r}",
    "E509": "{url!r} is not the URL of a SPARQL server; give its base URL, e.g. http://127.0.0.1:7878",
    "E510": "pushing {graph} to {endpoint} failed after {done} of {total} graphs: {reason}; once the server answers, run `kg push` again: each graph is replaced whole, so that repairs it",
    "E511": "the `oxigraph` server program is not installed; install it with `pip install oxigraph`",
    "E512": "the Oxigraph server on {bind} for {path} did not start: {reason}; check that the port is free (--port)",
    "E513": "the Oxigraph server at {url} stopped on its own (exit status {status}): {output}; start `kg serve` again",
    # --- build and CLI (E6xx) --------------------------------------------------------
    "E601": "{path}: no documents found (looked for .txt, .htm and .html files)",
    "E602": "the new graph fails validation against ontology/shapes.ttl ({count} violations; first: {first}); the previous graph was kept",
    "E603": "gold file {path} cannot be read: {reason}",
    "E604": "unknown output format {fmt!r}; choose one of: {known}",
    "E605": "nothing was built: all {count} documents failed (see the messages above); the previous graph was kept",
    "E606": "{path}: another document already has the id {id!r}; rename one of them",
    "E607": "{path}: the file name is not valid UTF-8; rename it (convmv -f gbk -t utf-8)",
    "E608": "cannot reach the Dask scheduler {scheduler}: {reason}; start it with `dask scheduler`",
    "E609": "cannot write the graph folder {path}: {reason}; give --out a folder that can be created and written (any graph already there is kept)",
    "E610": "the extraction process stopped on its own (exit status {status}) while extracting {path}; the previous graph was kept; run the build again",
    # --- show (E7xx) -----------------------------------------------------------------
    "E701": "cannot draw the plot: {reason}",
    "E702": "no mechanism is named {name!r} in the graph; `kg query mechanisms --region REGION` lists adopted ones",
    "E703": "nothing to show: no adoptions match the filters ({filters})",
    "E704": "unknown plot {kind!r}; choose one of: {known}",
    "E705": "the {kind} plot needs a mechanism name, e.g. `kg plot {kind} 五社联动`",
    "E706": "cannot write {path}: {reason}; check the folder exists and is writable",
    "E707": "the panel needs {what}: {reason}",
    # --- warnings (Wxxx) -------------------------------------------------------------
    "W101": "{path}: the last {count} bytes are a truncated character and were dropped",
    "W102": "{path}: decoded as {encoding} with low confidence; check the text",
    "W201": "{path}: no date found in the document",
    "W202": "{path}: no jurisdiction found in the document",
    "W601": "{path}: same bytes as {other}; built once",
    "W602": "{path}: the new graph is published, but tidying up after it failed ({reason}); older build folders may be left in {path}/builds",
}


class CgkgError(Exception):
    """Base of every error cgkg raises on purpose.

    Built from a message code and the fields its template names.
    """

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        template = MESSAGES[code]
        super().__init__(f"{code} {template.format(**fields)}")

    def __reduce__(self) -> tuple[object, ...]:
        # rebuilt from its code and fields (a worker process sends its errors to the builder)
        return _remake, (type(self), self.code, self.fields)


class ReadError(CgkgError):
    """A file could not be turned into text."""


class ExtractionError(CgkgError):
    """The extraction pipeline could not be built or run."""


class RecordError(CgkgError):
    """A DocumentRecord is malformed."""


class OntologyError(CgkgError):
    """An ontology file or term is missing or malformed."""


class StoreError(CgkgError):
    """The graph store is missing, locked or broken."""


class QueryError(CgkgError):
    """A query is unknown, lacks parameters or failed."""


class BuildError(CgkgError):
    """A build as a whole could not be done."""


class ShowError(CgkgError):
    """An explorer page or a plot could not be made."""


def _remake(cls: type[CgkgError], code: str, fields: dict[str, object]) -> CgkgError:
    return cls(code, **fields)


def warning_text(code: str, **fields: object) -> str:
    """Format warning ``code`` like an error message.

    >>> warning_text("W201", path="x.txt")
    'W201 x.txt: no date found in the document'
    """
    return f"{code} {MESSAGES[code].format(**fields)}"
