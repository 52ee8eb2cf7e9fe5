"""Bounded queries answered in the server process (:mod:`tipkg.service.local`, :mod:`tipkg.service.bounded`):
byte for byte the workers' answers, on the real build and real worker processes; what the planner
bounds and what it leaves to the workers; the server's query threads open no connection; an
unbounded query keeps the time limit."""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_support import Listener, client_for, listener

from tipkg.service.bounded import work_bound
from tipkg.service.jobs import TABLE, Answer, Plan, SparqlRequest, answer_planned
from tipkg.service.workers import Lane, WorkerError
from tipkg.sparql.guard import Refused, check_query
from tipkg.sparql.paging import Window
from tipkg.sparql.saved import bind, load_saved_queries

REPO = Path(__file__).resolve().parents[2]
SAVED = load_saved_queries(REPO / "queries")
LOOKUP = "SELECT ?o WHERE { <https://w3id.org/tipkg/id/agency/fevimtra> <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }"
ADHOC = {
    "lookup": LOOKUP,
    "entity": "SELECT ?p ?o WHERE { <https://w3id.org/tipkg/id/agency/fevimtra> ?p ?o } ORDER BY ?p ?o",
    "ask": "ASK { <https://w3id.org/tipkg/id/agency/fevimtra> a ?class }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <https://w3id.org/tipkg/id/agency/fevimtra> } ?s ?p ?o }",
    "describe": "DESCRIBE <https://w3id.org/tipkg/id/agency/fevimtra>",
    "everything": "SELECT * WHERE { ?s ?p ?o }",
}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def with_defaults(name: str) -> str:
    """A saved query's text with its parameters' defaults (or examples) bound as a client binds them:
    a VALUES clause at its end."""
    query = SAVED[name]
    values = {p.name: p.default or p.example for p in query.params if p.default or p.example}
    if not values:
        return query.text
    terms = bind(query, values, "https://w3id.org/tipkg/id/")
    names = " ".join(f"?{var}" for var in terms)
    return f"{query.text}\nVALUES ({names}) {{ ({' '.join(term.n3() for term in terms.values())}) }}\n"


@pytest.fixture(scope="module")
def app(built_real: Path) -> Iterator[Any]:
    yield from client_for(built_real, query_time_limit=2)


def both(app: Any, job: SparqlRequest) -> tuple[Answer | str, Answer | str, Plan | None]:
    """``job`` answered by a worker (and planned there), then by the server's own thread on that plan;
    a refusal as its message."""
    ctx = app.app.state.context
    try:
        worker, plan = app.portal.call(functools.partial(ctx.pool.run, answer_planned, job, None, lane=Lane.SPARQL))
    except WorkerError as exc:
        return exc.message, "", None
    try:
        here: Answer | str = app.portal.call(ctx.local.here, job, plan.checked)
    except Exception as exc:
        here = str(exc)
    return worker, here, plan


# Saved queries whose answer Oxigraph writes differently from one process to another (two workers
# alike): GROUP_CONCAT joins its values, and ORDER BY leaves ties, in an order that hashing decides
UNORDERED = {
    "campaign_actors": "GROUP_CONCAT's order, ties of ORDER BY",
    "campaign_media": "GROUP_CONCAT's order, ties of ORDER BY",
    "committee_composition": "GROUP_CONCAT's order, ties of ORDER BY",
}


def rows(answer: Answer) -> list[list[tuple[str, str, str]]]:
    """A SPARQL JSON answer's rows in a canonical order, each GROUP_CONCAT's parts sorted."""
    import json

    found = [
        sorted((var, cell["type"], " | ".join(sorted(cell["value"].split(" | ")))) for var, cell in row.items())
        for row in json.loads(answer.body)["results"]["bindings"]
    ]
    return sorted(found)


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
@pytest.mark.parametrize("name", sorted(SAVED))
def test_the_server_answers_a_saved_query_as_a_worker_does(app: Any, name: str, fmt: str) -> None:
    worker, here, _plan = both(app, SparqlRequest(with_defaults(name), results_format=fmt))
    assert isinstance(worker, Answer), worker
    assert isinstance(here, Answer), here
    if name not in UNORDERED:
        assert here == worker
    elif fmt == "json":
        assert rows(here) == rows(worker)
    else:
        assert (here.kind, here.format, here.count, here.truncated) == (worker.kind, worker.format, worker.count, worker.truncated)


@pytest.mark.parametrize(("name", "graph_format"), [(n, g) for n in ADHOC for g in ("turtle", "ntriples", "jsonld", TABLE)])
def test_the_server_answers_an_adhoc_query_as_a_worker_does(app: Any, name: str, graph_format: str) -> None:
    job = SparqlRequest(ADHOC[name], graph_format=graph_format, row_cap=50, window=Window(offset=1, limit=3))
    worker, here, _plan = both(app, job)
    assert isinstance(worker, Answer), worker
    assert here == worker


def test_a_refusal_is_the_same_in_the_server(app: Any) -> None:
    ctx = app.app.state.context
    _worker, _here, plan = both(app, SparqlRequest(LOOKUP))
    assert plan is not None
    bad = SparqlRequest(LOOKUP, default_graphs=("https://example.org/not-a-graph",))
    with pytest.raises(WorkerError) as in_worker:
        app.portal.call(functools.partial(ctx.pool.run, answer_planned, bad, plan, lane=Lane.SPARQL))
    with pytest.raises(Refused) as here:
        app.portal.call(ctx.local.here, bad, plan.checked)
    assert (here.value.status, here.value.message) == (in_worker.value.status, in_worker.value.message)
    assert "not a graph of this store" in here.value.message


BOUNDED = {
    "lookup": (LOOKUP, True),
    "entity": (ADHOC["entity"], True),
    "ask": (ADHOC["ask"], True),
    "values": ("SELECT ?p WHERE { VALUES ?o { schema:GovernmentOrganization } <https://w3id.org/tipkg/id/agency/fevimtra> ?p ?o }", True),
    # a VALUES block's terms are not constants of the patterns: rdf:type alone matches too many
    "values then a type": ("SELECT ?o WHERE { VALUES ?s { <https://w3id.org/tipkg/id/agency/fevimtra> } ?s a ?o }", False),
    "everything": (ADHOC["everything"], False),
    "describe": (ADHOC["describe"], False),
    "path": ("SELECT ?o WHERE { <https://w3id.org/tipkg/id/agency/fevimtra> skos:prefLabel+ ?o }", False),
    "concat": ("SELECT (CONCAT(?o, ?o) AS ?x) WHERE { <https://w3id.org/tipkg/id/agency/fevimtra> skos:prefLabel ?o }", False),
    "group_concat": ("SELECT (GROUP_CONCAT(?o) AS ?x) WHERE { <https://w3id.org/tipkg/id/agency/fevimtra> ?p ?o }", False),
    "cross product": ("SELECT * WHERE { <https://w3id.org/tipkg/id/agency/fevimtra> ?p ?o . ?s a ?c }", False),
    "join": (SAVED["ngo_consulate_partners"].text, False),
    "slow": (SLOW, False),
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_what_the_planner_bounds(app: Any, name: str) -> None:
    from tipkg.service.bounded import store_counter

    text, bounded = BOUNDED[name]
    bound = work_bound(check_query(text), store_counter(app.app.state.context.store))
    assert (bound is not None) is bounded, bound


def test_a_bounded_query_is_answered_in_the_server_from_its_second_request_on(app: Any) -> None:
    ctx = app.app.state.context
    headers = {"accept": "application/sparql-results+json"}
    before = ctx.local.ran
    first = app.get("/sparql", params={"query": ADHOC["entity"] + " # asked once"}, headers=headers)
    assert ctx.local.ran == before  # planned in a worker
    again = [app.get("/sparql", params={"query": ADHOC["entity"] + " # asked once"}, headers=headers) for _ in range(3)]
    assert ctx.local.ran == before + 3
    assert [r.status_code for r in [first, *again]] == [200] * 4
    assert {r.content for r in again} == {first.content}
    assert len(first.json()["results"]["bindings"]) > 5


def test_an_unbounded_query_still_stops_at_the_time_limit_in_a_worker(app: Any) -> None:
    ctx = app.app.state.context
    before, replaced = ctx.local.ran, ctx.pool.replaced
    for _ in range(2):  # the second time with its plan: still a worker's
        started = time.monotonic()
        answer = app.get("/sparql", params={"query": SLOW}, headers={"accept": "application/sparql-results+json"})
        assert answer.status_code == 503, answer.text
        assert "time limit" in answer.text
        assert time.monotonic() - started < 10
    assert ctx.local.ran == before
    assert ctx.pool.replaced == replaced + 2


@pytest.fixture
def trap() -> Iterator[Listener]:
    with listener() as found:
        yield found


def test_the_servers_query_threads_open_no_connection(app: Any, trap: Listener) -> None:
    threads = app.app.state.context.local.threads

    def connect() -> str:
        try:
            socket.create_connection(("127.0.0.1", trap.port), timeout=2).close()
        except PermissionError as exc:
            return f"refused: {exc.strerror}"
        return "connected"

    def seccomp() -> str:
        with open(f"/proc/self/task/{threading.get_native_id()}/status", encoding="ascii") as status:
            return next(line.split()[1] for line in status if line.startswith("Seccomp:"))

    assert [threads.submit(connect).result(10) for _ in range(4)] == ["refused: Permission denied"] * 4
    assert {threads.submit(seccomp).result(10) for _ in range(4)} == {"2"}
    time.sleep(0.3)  # the listener's thread records a connection it accepted
    assert trap.connections == []
    assert connect() == "connected"  # the test's own thread (the server's event loop alike) keeps its network
