"""`kg serve` follows the graph folder: a new build is served without restarting `kg serve`.

Real processes: `kg serve` and the `oxigraph` server it starts; real builds; queries over
HTTP with the SPARQL protocol. Nothing is mocked.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kg.build import build_graph
from kg.store import current_build

from .publishing import DOCUMENTS, ROOT, corpus_of


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True when nothing listens on ``port`` (connections closing there do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
    return True


def served_documents(url: str) -> int | None:
    """The number of documents the server at ``url`` holds, or None when it does not answer."""
    request = urllib.request.Request(
        f"{url}/query?{urllib.parse.urlencode({'query': DOCUMENTS})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            answer = json.load(response)
    except OSError:  # refused while the server restarts
        return None
    return int(answer["results"]["bindings"][0]["n"]["value"])


def server_pid(kg_pid: int) -> int:
    """The process id of the one `oxigraph` server that `kg serve` runs."""
    children = Path(f"/proc/{kg_pid}/task/{kg_pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def stop_on_failure(process: subprocess.Popen[str]) -> None:
    """Stop `kg serve` if a test failed with it running: SIGTERM stops its server too."""
    if process.poll() is None:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_serve_follows_a_new_build_and_stops_on_sigint(tmp_path: Path) -> None:
    graph, corpus = tmp_path / "graph", tmp_path / "corpus"
    assert build_graph([corpus_of(corpus, 2)], graph).exit_code == 0
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(f"serving {graph} read-only at {url}/")
        first_server = server_pid(process.pid)
        assert served_documents(url) == 2

        assert build_graph([corpus_of(corpus, 3)], graph).exit_code == 0
        deadline = time.monotonic() + 60
        while served_documents(url) != 3:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the server still serves the old build after 60 s"
            time.sleep(0.2)
        restarted = process.stdout.readline()
        assert restarted.strip() == (
            f"new build {current_build(graph).name}: restarted the server at {url}/"
        )
        second_server = server_pid(process.pid)
        assert second_server != first_server and not Path(f"/proc/{first_server}").exists()

        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        stop_on_failure(process)
    assert process.returncode == 0 and out == "" and err == ""
    assert not Path(f"/proc/{second_server}").exists()  # the Oxigraph server is gone too
    assert served_documents(url) is None and port_is_free(port)
