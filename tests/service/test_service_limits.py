"""A running ``tipkg serve`` under attack: memory bombs are stopped with 503 and the pool stays
healthy; slow ad-hoc queries from two addresses do not hold up saved queries (under 2 s, the
issue's bound) nor a third address; workers are locked but the federation worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from service_support import Listener, Server, listener, serve

MEMORY_MB = 160
BOMBS = {
    "cross-product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g",
    "concat": "SELECT (STRLEN(?s28) AS ?n) WHERE { BIND('0123456789abcdef' AS ?s0) "
    + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(28))
    + " }",
}
TIME_LIMIT = 2.0
SLOW = """SELECT (COUNT(*) AS ?n) WHERE {
  ?a ?b ?c . ?d ?e ?f . ?g ?h ?i .
  FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "^(a+)+$"))
}"""


def children(pid: int) -> dict[int, str]:
    """The child processes of ``pid``, with their state (R, S, Z ...)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = fields[0]
    return found


def status(pid: int, key: str) -> str:
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith(key + ":"))
    return line.split()[1]


def rss_mb(pid: int) -> float:
    return int(status(pid, "VmRSS")) / 1024


def sparql(server: Server, text: str, client: httpx.Client | None = None) -> httpx.Response:
    if client is not None:
        return client.post(server.sparql, data={"query": text})
    return server.post("/sparql", data={"query": text})


# -- memory ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(built_real: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = (("worker_memory_mb", str(MEMORY_MB)), ("saved_query_workers", "0"))
    with serve(built_real, tmp_path_factory.mktemp("memory"), *settings) as s:
        yield s


def test_memory_bombs_are_stopped_and_the_pool_stays_healthy(small: Server) -> None:
    pid = small.process.pid
    assert sparql(small, "ASK { ?s ?p ?o }").status_code == 200
    server_before = rss_mb(pid)
    for i in range(20):
        name = "concat" if i % 10 == 9 else "cross-product"
        started = time.monotonic()
        r = sparql(small, BOMBS[name])
        assert r.status_code == 503, (i, name, r.text)
        assert r.text.strip() == f"the query used more than {MEMORY_MB} MB of memory and was stopped"
        assert r.headers.get("retry-after") and time.monotonic() - started < 10  # before the time limit
    r = sparql(small, "ASK { ?s ?p ?o }")
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert small.get("/queries/ngo_consulate_partners.json").status_code == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (len(children(pid)) != 2 or "Z" in children(pid).values()):
        time.sleep(0.1)  # the last replacement may still be starting
    workers = children(pid)
    assert len(workers) == 2 and "Z" not in workers.values(), workers
    assert all(rss_mb(w) < MEMORY_MB for w in workers)
    assert rss_mb(pid) < server_before + 50, (server_before, rss_mb(pid))


# -- turns ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def busy(built_real: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(built_real, tmp_path_factory.mktemp("busy"), ("query_time_limit", str(TIME_LIMIT))) as s:
        yield s


def test_saved_queries_answer_within_2_s_while_two_addresses_send_slow_queries(busy: Server) -> None:
    stop = threading.Event()
    slow_statuses: list[int] = []

    def flood(address: str) -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60) as client:
            while not stop.is_set():
                slow_statuses.append(sparql(busy, SLOW, client).status_code)

    cheap: list[tuple[int, float]] = []

    def third_address() -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.4"), timeout=60) as client:
            started = time.monotonic()
            cheap.append((sparql(busy, "ASK { ?s ?p ?o }", client).status_code, time.monotonic() - started))

    floods = [threading.Thread(target=flood, args=(a,)) for a in ("127.0.0.2", "127.0.0.3")]
    for t in floods:
        t.start()
    try:
        time.sleep(1.0)
        third = threading.Thread(target=third_address)
        third.start()
        timings = []
        for path in ["/queries/ngo_consulate_partners.json", "/queries/entity_facts?entity=agency/fevimtra"] * 3:
            started = time.monotonic()
            r = busy.get(path)
            timings.append((path, r.status_code, time.monotonic() - started))
            time.sleep(0.3)
        third.join()
    finally:
        stop.set()
        for t in floods:
            t.join()
    assert all(status == 200 and seconds < 2.0 for _path, status, seconds in timings), timings
    # the third address's cheap query waits for one or two slow ones, not for every slow one queued
    assert cheap and cheap[0][0] == 200 and cheap[0][1] < 2 * TIME_LIMIT + 2, cheap
    assert 503 in slow_statuses and set(slow_statuses) <= {503}  # the slow ones did hold the ad-hoc worker


# -- network -----------------------------------------------------------------------------------------


@pytest.fixture
def trap() -> Iterator[Listener]:
    with listener() as found:
        yield found


def test_only_the_federation_worker_can_connect(built_real: Path, tmp_path: Path, trap: Listener) -> None:
    endpoint = trap.url + "sparql"
    with serve(built_real, tmp_path, ("service_allow_list", endpoint)) as server:
        modes = sorted(status(w, "Seccomp") for w in children(server.process.pid))
        r = sparql(server, f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
        assert sparql(server, "ASK { ?s ?p ?o }").status_code == 200
    assert modes == ["0", "2", "2"]  # two workers locked, one for federation
    assert r.status_code == 400 and "query failed" in r.text  # the listener answers nothing
    time.sleep(0.3)
    assert [c.split(b" ", 2)[:2] for c in trap.connections] == [[b"POST", b"/sparql"]]
