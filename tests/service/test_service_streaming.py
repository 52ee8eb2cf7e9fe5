"""``/sparql`` answers streamed from their worker (issue 18): byte for byte the whole answer of
:func:`tipkg.service.jobs.answer_checked` in every format, over real HTTP on the real build; a large
answer sent in chunks while its worker still writes them; the time limit counted to the last byte
(a client that stops reading included); a client that leaves mid-stream leaves no worker stuck.

The server's workers write chunks of :data:`CHUNK` rows (``TIPKG_CHUNK_ROWS``, read in the worker)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_support import Server, serve

from tipkg.service.formats import BY_NAME
from tipkg.service.jobs import SparqlRequest, answer_checked, answer_chunks, check_request

CHUNK = 3  # rows in a chunk, in the server's workers
ROW_CAP = 3000
TIME_LIMIT = 6.0
PAD = "x" * 8000  # a fat column: ROW_CAP rows of it outgrow every buffer between worker and client
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"  # more rows than the cap: cut, X-Tipkg-Truncated
OPTIONAL = """SELECT ?s ?label ?n WHERE {
  ?s a ?class OPTIONAL { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }
  BIND(STRLEN(STR(?s)) AS ?n)
} LIMIT 700"""  # unbound cells, language tags, typed literals
EMPTY = "SELECT ?s ?o WHERE { ?s <urn:tipkg:none> ?o }"
ASK = "ASK { ?s ?p ?o }"
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
FAT = f'SELECT ?s ?p ?o ?pad WHERE {{ ?s ?p ?o BIND("{PAD}" AS ?pad) }}'

CASES = [
    *(
        (name, text, fmt)
        for name, text in (("all", ALL), ("optional", OPTIONAL), ("empty", EMPTY))
        for fmt in ("json", "xml", "csv", "tsv")
    ),
    *(("ask", ASK, fmt) for fmt in ("json", "xml")),
    *(("construct", GRAPH, fmt) for fmt in ("turtle", "ntriples", "jsonld", "rdfxml")),
]


def request_for(text: str, fmt: str) -> SparqlRequest:
    """The job the protocol makes of ``text`` asked in ``fmt`` (as ``?format=``) on the server below."""
    graph = fmt in ("turtle", "ntriples", "jsonld", "rdfxml")
    return SparqlRequest(text, results_format=None if graph else fmt, graph_format=fmt if graph else None, row_cap=ROW_CAP)


@pytest.fixture(scope="module")
def store(built_real: Path) -> Any:
    from tipkg.engines.oxigraph import open_read_only

    return open_read_only(str(built_real / "build" / "store"))


@pytest.fixture(scope="module")
def streaming(built_real: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``tipkg serve`` with one worker, writing chunks of :data:`CHUNK` rows."""
    settings = (("workers", "1"), ("saved_query_workers", "0"), ("row_cap", str(ROW_CAP)), ("query_time_limit", str(TIME_LIMIT)))
    before = os.environ.get("TIPKG_CHUNK_ROWS")
    os.environ["TIPKG_CHUNK_ROWS"] = str(CHUNK)  # the server, and so its workers, read it from their environment
    try:
        context = serve(built_real, tmp_path_factory.mktemp("streaming"), *settings)
        server = context.__enter__()
    finally:
        if before is None:
            del os.environ["TIPKG_CHUNK_ROWS"]
        else:
            os.environ["TIPKG_CHUNK_ROWS"] = before
    try:
        yield server
    finally:
        context.__exit__(None, None, None)


def workers(server: Server) -> list[int]:
    """The server's child processes: its query workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server.process.pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return sorted(found)


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def one_worker(server: Server, timeout: float = 30) -> int:
    """The pid of the server's one worker, once it is started (a replacement may be starting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = workers(server)
        if len(pids) == 1:
            return pids[0]
        time.sleep(0.05)
    raise AssertionError(f"the server has workers {workers(server)}")


# -- the chunks, joined -----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 7, 1000, 100_000])
@pytest.mark.parametrize(("name", "text", "fmt"), CASES, ids=[f"{n}-{f}" for n, _t, f in CASES])
def test_the_chunks_join_into_the_whole_answer(
    store: Any, monkeypatch: pytest.MonkeyPatch, rows: int, name: str, text: str, fmt: str
) -> None:
    monkeypatch.setenv("TIPKG_CHUNK_ROWS", str(rows))
    job = request_for(text, fmt)
    whole = answer_checked(store, job, check_request(store, job))
    head, chunks = answer_chunks(store, job, check_request(store, job))
    parts = list(chunks)
    assert b"".join(parts) == whole.body
    assert (head.kind, head.format, head.count, head.truncated, head.body) == (whole.kind, whole.format, whole.count, whole.truncated, b"")
    if fmt in ("json", "xml", "csv", "tsv", "ntriples") and name in ("all", "construct"):
        assert len(parts) >= ROW_CAP // rows, len(parts)  # the formats that must stream are cut by rows
        assert whole.truncated == ROW_CAP


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_fat_rows_make_chunks_of_fewer_rows(store: Any, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    from tipkg.service import jobs

    monkeypatch.delenv("TIPKG_CHUNK_ROWS", raising=False)
    monkeypatch.setattr(jobs, "CHUNK_BYTES", 50_000)
    job = request_for(FAT, fmt)
    whole = answer_checked(store, job, check_request(store, job))
    _head, chunks = answer_chunks(store, job, check_request(store, job))
    parts = list(chunks)
    assert b"".join(parts) == whole.body
    assert len(parts[0]) > jobs.CHUNK_ROWS * len(PAD)  # the first part: CHUNK_ROWS rows
    assert max(map(len, parts[1:])) < 3 * 50_000, max(map(len, parts[1:]))  # then a few rows each


# -- over HTTP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "fmt"), CASES, ids=[f"{n}-{f}" for n, _t, f in CASES])
def test_the_streamed_body_is_the_whole_answer(streaming: Server, store: Any, name: str, text: str, fmt: str) -> None:
    job = request_for(text, fmt)
    whole = answer_checked(store, job, check_request(store, job))
    # a text of its own: its first request is planned in the worker, and streamed from there
    r = streaming.get("/sparql", params={"query": f"{text}\n# {fmt}", "format": fmt})
    assert r.status_code == 200, r.text
    assert r.content == whole.body
    assert r.headers["content-type"] == BY_NAME[fmt].content_type
    assert r.headers["transfer-encoding"] == "chunked" and "content-length" not in r.headers
    assert r.headers["vary"] == "Accept"
    assert r.headers.get("x-tipkg-truncated") == (None if whole.truncated is None else str(whole.truncated))


def test_a_large_answer_arrives_while_its_worker_still_writes_it(streaming: Server) -> None:
    worker = one_worker(streaming)
    at_first = None
    started = time.monotonic()
    with httpx.stream("GET", streaming.sparql, params={"query": FAT + "\n# large", "format": "json"}, timeout=60) as r:
        assert r.status_code == 200 and r.headers["transfer-encoding"] == "chunked"
        assert r.headers["x-tipkg-truncated"] == str(ROW_CAP)
        received = []
        for piece in r.iter_raw():
            if at_first is None:
                at_first = (time.monotonic() - started, cpu_ticks(worker))
            received.append(piece)
        body = b"".join(received)
    at_end = (time.monotonic() - started, cpu_ticks(worker))
    assert at_first is not None
    assert len(received) > 10, len(received)
    assert len(body) > ROW_CAP * len(PAD) and body.endswith(b"]}}")
    # the worker kept writing chunks after the client had its first bytes
    assert at_end[1] > at_first[1], (at_first, at_end)
    assert at_first[0] < at_end[0]
    assert workers(streaming) == [worker]  # back to the idle ones, not replaced


def raw_get(server: Server, query: str) -> socket.socket:
    """A GET of ``/sparql?query=`` on a socket of its own, read by nobody yet."""
    url = httpx.URL(server.sparql, params={"query": query, "format": "json"})
    sock = socket.create_connection(("127.0.0.1", url.port or 80))
    sock.sendall(f"GET {url.raw_path.decode()} HTTP/1.1\r\nHost: 127.0.0.1:{url.port}\r\nConnection: close\r\n\r\n".encode())
    return sock


def test_a_client_leaving_mid_stream_leaves_no_worker_stuck(streaming: Server) -> None:
    worker = one_worker(streaming)
    sock = raw_get(streaming, FAT + "\n# leaving")
    first = sock.recv(65536)
    assert first.startswith(b"HTTP/1.1 200") and b"transfer-encoding: chunked" in first.lower()
    sock.close()  # mid-stream: ROW_CAP fat rows are far from sent
    replacement = one_worker(streaming)
    deadline = time.monotonic() + 30
    while replacement == worker and time.monotonic() < deadline:
        time.sleep(0.05)
        replacement = one_worker(streaming)
    assert replacement != worker
    r = streaming.get("/sparql", params={"query": ASK + " # after leaving"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_the_time_limit_ends_a_stream_its_client_stops_reading(streaming: Server) -> None:
    worker = one_worker(streaming)
    sock = raw_get(streaming, FAT + "\n# stalled")
    started = time.monotonic()
    first = sock.recv(4096)
    assert first.startswith(b"HTTP/1.1 200")
    time.sleep(TIME_LIMIT + 1)  # reading nothing: the buffers fill, the stream stalls past the time limit
    sock.settimeout(30)
    pieces = []
    while piece := sock.recv(1 << 20):
        pieces.append(piece)
    rest = first + b"".join(pieces)
    sock.close()
    assert time.monotonic() - started < TIME_LIMIT + 20
    assert not rest.endswith(b"0\r\n\r\n")  # ended early: without the last chunk
    assert b"]}}" not in rest[-64:]
    assert one_worker(streaming) != worker
    assert "a streamed answer ended early" in streaming.log.read_text(encoding="utf-8")
    r = streaming.get("/sparql", params={"query": ASK + " # after the time limit"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_a_slow_query_still_stops_at_the_time_limit_before_its_head(streaming: Server) -> None:
    slow = """SELECT (COUNT(*) AS ?n) WHERE {
      ?a ?b ?c . ?d ?e ?f . ?g ?h ?i .
      FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "^(a+)+$"))
    }"""
    started = time.monotonic()
    r = streaming.get("/sparql", params={"query": slow + "\n# slow"})
    assert r.status_code == 503 and "time limit" in r.text
    assert time.monotonic() - started < TIME_LIMIT + 5
    r = streaming.get("/sparql", params={"query": ASK + " # after the slow one"})
    assert r.status_code == 200 and r.json()["boolean"] is True
