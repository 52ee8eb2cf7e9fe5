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
from service_support import Server, jobs_importable, serve, with_pool

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
DESCRIBE = "DESCRIBE ?s WHERE { ?s a ?class } LIMIT 200"
FAT = f'SELECT ?s ?p ?o ?pad WHERE {{ ?s ?p ?o BIND("{PAD}" AS ?pad) }}'

CASES = [
    *(
        (name, text, fmt)
        for name, text in (("all", ALL), ("optional", OPTIONAL), ("empty", EMPTY))
        for fmt in ("json", "xml", "csv", "tsv")
    ),
    *(("ask", ASK, fmt) for fmt in ("json", "xml")),
    *(
        (name, text, fmt)
        for name, text in (("construct", GRAPH), ("describe", DESCRIBE))
        for fmt in ("turtle", "ntriples", "jsonld", "rdfxml")
    ),
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
    if name in ("all", "construct"):
        assert whole.truncated == ROW_CAP
        if fmt in ("json", "xml", "csv", "tsv", "ntriples"):
            assert len(parts) >= ROW_CAP // rows, len(parts)  # cut by rows
        else:  # cut by rows where the subject changes
            assert len(parts) >= min(ROW_CAP // rows, 400) // 10, len(parts)


@pytest.mark.parametrize("fmt", ["json", "ntriples"])
def test_a_bad_chunk_size_refuses_the_answer_before_its_head(store: Any, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """Read after the head, it would cut every answer short under a 200; read before, it is an error reply."""
    from tipkg.service.jobs import BadSetting

    monkeypatch.setenv("TIPKG_CHUNK_ROWS", "ten")
    job = request_for(ALL if fmt == "json" else GRAPH, fmt)
    with pytest.raises(BadSetting, match="TIPKG_CHUNK_ROWS: expected a whole number of rows, got 'ten'") as caught:
        answer_chunks(store, job, check_request(store, job))
    assert caught.value.status == 500


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


# -- the pool's side, with test jobs (tests/worker_jobs.py) -----------------------------------------


ONE_WORKER = {"workers": 1, "saved_query_workers": 0}


@pytest.fixture
def importable(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs_importable(monkeypatch)


async def settled(pool: Any) -> list[int]:
    """The pool's workers once a replacement (if any) has started."""
    import asyncio

    for _ in range(600):
        if pool.pids and not pool._pending:
            break
        await asyncio.sleep(0.05)
    return list(pool.pids)


@pytest.mark.usefixtures("importable")
def test_a_whole_stream_gives_its_worker_back(built_real: Path) -> None:
    import worker_jobs

    async def scenario(pool: Any) -> Any:
        before = list(pool.pids)
        head, chunks = await pool.stream(worker_jobs.counted, 50)
        body = [chunk async for chunk in chunks]
        return before, head, body, await settled(pool), pool.replaced

    before, head, body, after, replaced = with_pool(built_real, ONE_WORKER, scenario)
    assert head == "head" and body == [b"%d," % i for i in range(50)]
    assert after == before and replaced == 0


@pytest.mark.usefixtures("importable")
def test_an_error_before_the_head_is_a_refusal_and_the_worker_stays(built_real: Path) -> None:
    import worker_jobs

    from tipkg.service.workers import WorkerError

    async def scenario(pool: Any) -> Any:
        before = list(pool.pids)
        with pytest.raises(WorkerError) as refused:
            await pool.stream(worker_jobs.counted, 5, "before")
        return before, refused.value, await settled(pool), pool.replaced

    before, refused, after, replaced = with_pool(built_real, ONE_WORKER, scenario)
    assert (refused.status, refused.message) == (500, "refused before the head")  # as a failed job answers today
    assert after == before and replaced == 0


@pytest.mark.usefixtures("importable")
def test_an_error_after_the_head_ends_the_stream_and_replaces_the_worker(built_real: Path) -> None:
    import worker_jobs

    from tipkg.service.workers import WorkerError

    async def scenario(pool: Any) -> Any:
        before = list(pool.pids)
        _head, chunks = await pool.stream(worker_jobs.counted, 5, "after")
        got = []
        with pytest.raises(WorkerError) as broken:
            async for chunk in chunks:
                got.append(chunk)
        after = await settled(pool)
        again = [c async for c in (await pool.stream(worker_jobs.counted, 2))[1]]
        return before, got, broken.value, after, pool.replaced, again

    before, got, broken, after, replaced, again = with_pool(built_real, ONE_WORKER, scenario)
    assert got == [b"%d," % i for i in range(5)] and broken.message == "broken after the head"
    assert replaced == 1 and after != before and again == [b"0,", b"1,"]


@pytest.mark.usefixtures("importable")
def test_a_stream_closed_early_or_past_the_time_limit_replaces_the_worker(built_real: Path) -> None:
    import worker_jobs

    from tipkg.service.workers import QueryTimeout

    async def scenario(pool: Any) -> Any:
        _head, chunks = await pool.stream(worker_jobs.counted, 100, "", 0.01)
        first = await chunks.__anext__()
        await chunks.aclose()  # a client gone: 99 chunks unread
        closed = (first, pool.replaced, await settled(pool))
        _head, slow = await pool.stream(worker_jobs.counted, 100, "", 0.1)  # 10 s, past the 1 s limit
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            async for _chunk in slow:
                pass
        return closed, time.monotonic() - started, pool.replaced, await settled(pool)

    (first, replaced_on_close, pids), stopped_after, replaced, after = with_pool(
        built_real, {**ONE_WORKER, "query_time_limit": 1.0}, scenario
    )
    assert first == b"0," and replaced_on_close == 1
    assert stopped_after < 2.0 and replaced == 2 and after != pids


@pytest.mark.usefixtures("importable")
def test_a_head_that_comes_at_the_time_limit_is_a_timeout_not_an_empty_answer(built_real: Path) -> None:
    """The worker's own clock starts on a pool thread, later than the pool's: a head that reaches
    the pool past its limit (here the reply is held 1.2 s, past the 1 s limit) must not open a
    200 with no time left for its body."""
    import asyncio

    import worker_jobs

    from tipkg.service.workers import QueryTimeout

    async def scenario(pool: Any) -> Any:
        asked = pool.ask

        async def late(*args: Any) -> Any:
            reply = await asked(*args)
            await asyncio.sleep(1.2)
            return reply

        pool.ask = late
        with pytest.raises(QueryTimeout):
            await pool.stream(worker_jobs.counted, 3)
        pool.ask = asked
        after = await settled(pool)
        again = [c async for c in (await pool.stream(worker_jobs.counted, 2))[1]]
        return pool.replaced, after, again

    replaced, after, again = with_pool(built_real, {**ONE_WORKER, "query_time_limit": 1.0}, scenario)
    assert replaced == 1 and len(after) == 1 and again == [b"0,", b"1,"]


@pytest.mark.parametrize(
    ("reply", "status", "says"),
    [
        (("error", 400, "query failed: no"), 400, "query failed: no"),
        (("ok", 1), 500, "out of turn"),
    ],
)
def test_a_reply_after_the_head_other_than_a_chunk_is_an_error_that_says_why(reply: tuple[Any, ...], status: int, says: str) -> None:
    from tipkg.service.streaming import error_of

    error = error_of(reply)
    assert error.status == status and says in error.message
