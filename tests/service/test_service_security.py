"""The hardening cases (docs: /work/shared/reference/hardening-cases.md) against a running ``tipkg serve``.

1. no request or file read on a query's behalf (SERVICE outside the allow-list, LOAD, FROM)
2. no update, however disguised; the store's content unchanged
3. parameters cannot inject
4. an expensive query is stopped at the time limit, and the server keeps answering meanwhile
5. a cut answer says so
6. malformed and nested input get a clear 4xx, and the server stays up
7. labels that look like HTML are text in every page; 8. pages load nothing from the network
9. CORS open for reads, never with credentials
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from endpoint_support import EndpointHandler, serving
from service_support import Listener, Server, listener, serve, store_hash

TIME_LIMIT = 2.0
ROW_CAP = 50
MAX_BYTES = 20_000
SLOW = """SELECT (COUNT(*) AS ?n) WHERE {
  ?a ?b ?c . ?d ?e ?f . ?g ?h ?i .
  FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "^(a+)+$"))
}"""
SRJ = "application/sparql-results+json"


class FakeEndpoint(EndpointHandler):
    """An allow-listed SPARQL endpoint: answers every query with one binding of ?answer."""

    requests: ClassVar[list[str]] = []

    def _answer(self) -> None:
        FakeEndpoint.requests.append(self.path)
        body = json.dumps({"head": {"vars": ["answer"]}, "results": {"bindings": [{"answer": {"type": "literal", "value": "42"}}]}})
        self.reply(200, body.encode(), SRJ)

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.read_body()
        self._answer()


@pytest.fixture(scope="module")
def allowed_endpoint() -> Iterator[str]:
    with serving(FakeEndpoint) as url:
        yield url


@pytest.fixture(scope="module")
def server(built_real: Path, tmp_path_factory: pytest.TempPathFactory, allowed_endpoint: str) -> Iterator[Server]:
    settings = [
        ("query_time_limit", str(TIME_LIMIT)),
        ("row_cap", str(ROW_CAP)),
        ("max_query_bytes", str(MAX_BYTES)),
        ("service_allow_list", allowed_endpoint),
    ]
    with serve(built_real, tmp_path_factory.mktemp("security"), *settings) as s:
        yield s


@pytest.fixture
def trap() -> Iterator[Listener]:
    with listener() as found:
        yield found


def query(server: Server, text: str, accept: str = SRJ, method: str = "GET") -> httpx.Response:
    if method == "GET":
        return server.get("/sparql", params={"query": text}, headers={"accept": accept})
    return server.post("/sparql", data={"query": text}, headers={"accept": accept})


# -- 1. reads and requests on a query's behalf ---------------------------------------------------------

OUTSIDE = [
    ("service", "SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"),
    ("service-silent", "SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}"),
    ("service-variable", "SELECT * WHERE {{ BIND(<{url}sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"),
    ("service-nested", "SELECT * WHERE {{ ?x a tipkg:Agency FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?x ?p ?o }} }} }}"),
    ("from", "SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}"),
    ("from-named", "SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
    ("from-file", "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}"),
    ("load", "LOAD <{url}data.ttl>"),
    ("load-into", "LOAD SILENT <{url}data.ttl> INTO GRAPH <http://example.org/g>"),
]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("template", [t for _n, t in OUTSIDE], ids=[n for n, _t in OUTSIDE])
def test_no_request_on_a_querys_behalf(server: Server, trap: Listener, template: str, method: str) -> None:
    r = query(server, template.format(url=trap.url), method=method)
    assert r.status_code == 400, r.text
    assert "refused" in r.text
    time.sleep(0.2)
    assert trap.connections == []


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_protocol_dataset_outside_the_store_is_refused(server: Server, trap: Listener, param: str) -> None:
    r = server.get("/sparql", params={"query": "ASK { ?s ?p ?o }", param: trap.url + "data.ttl"})
    assert r.status_code == 400 and "not a graph of this store" in r.text
    assert trap.connections == []


def test_a_service_hidden_by_escapes_is_not_called(server: Server, trap: Listener) -> None:
    """rdflib expands \\u escapes before parsing, Oxigraph does not: the engine runs what the guard read."""
    hidden = f'SELECT * WHERE {{ ?s ?p ?o # \\u000A FILTER(?o = """\nSERVICE <{trap.url}> {{ ?a ?b ?c }}\n# """)\n}}'
    r = query(server, hidden, method="POST")
    assert r.status_code == 200, r.text
    time.sleep(0.2)
    assert trap.connections == []


def test_an_allow_listed_service_is_called(server: Server, allowed_endpoint: str) -> None:
    r = query(server, f"SELECT ?answer WHERE {{ SERVICE <{allowed_endpoint}> {{ ?x ?y ?answer }} }}")
    assert r.status_code == 200, r.text
    assert [b["answer"]["value"] for b in r.json()["results"]["bindings"]] == ["42"]
    assert FakeEndpoint.requests


# -- 2. updates ----------------------------------------------------------------------------------------------

DROP = "DROP ALL"
DISGUISED = r"PREFIX a: <http://x/\u003E DROP ALL #> SELECT * WHERE {?s ?p ?o}"


def test_updates_are_refused_and_the_store_is_unchanged(server: Server, built_real: Path) -> None:
    before = store_hash(built_real)
    attempts = [
        server.get("/sparql", params={"update": DROP}),
        server.post("/sparql", data={"update": DROP}),
        server.post("/sparql", data={"query": "ASK {}", "update": DROP}),
        server.post("/sparql", content=DROP.encode(), headers={"content-type": "application/sparql-update"}),
        server.post("/sparql", content=DROP.encode(), headers={"content-type": "application/sparql-update; charset=utf-8"}),
        server.get("/sparql", params={"query": DROP}),
        server.post("/sparql", content=DROP.encode(), headers={"content-type": "application/sparql-query"}),
        server.get("/sparql", params={"query": DISGUISED}),
        server.post("/sparql", data={"query": DISGUISED}),
        server.post("/sparql", content=DISGUISED.encode(), headers={"content-type": "application/sparql-query"}),
        server.get("/sparql", params={"query": "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"}),
        server.get("/sparql", params={"query": "CLEAR ALL"}),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts), [r.text for r in attempts]
    assert all("read-only" in r.text for r in attempts)
    assert query(server, "ASK { ?s ?p ?o }").json()["boolean"] is True
    assert store_hash(built_real) == before


# -- 3. injection through parameters --------------------------------------------------------------------------

INJECTIONS = ['x" || true || "', r"x\u0022 || true || \u0022", "x\u0022 || true || \u0022"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_string_parameters_cannot_inject(server: Server, value: str) -> None:
    r = server.get("/queries/search_entities.json", params={"text": value})
    assert r.status_code == 200 and r.json() == []
    page = server.get("/queries/search_entities", params={"text": value}, headers={"accept": "text/html"})
    assert page.status_code == 200 and "0 rows" in page.text


@pytest.mark.parametrize("value", ["http://ex/a> ?p ?o } #", "agency/fevimtra> ?p ?o } #", *INJECTIONS])
def test_iri_parameters_refuse_injections(server: Server, value: str) -> None:
    r = server.get("/queries/entity_facts.json", params={"entity": value})
    assert r.status_code == 400 and "expected an IRI" in r.text


def test_the_attacked_parameters_do_find_rows(server: Server) -> None:
    assert server.get("/queries/search_entities.json", params={"text": "leon"}).json()
    assert server.get("/queries/entity_facts.json", params={"entity": "agency/fevimtra"}).json()


# -- 4. expensive queries ----------------------------------------------------------------------------------------


def test_a_slow_query_is_stopped_while_the_server_keeps_answering(server: Server) -> None:
    answered: list[tuple[int, float]] = []
    done = threading.Event()

    def browse() -> None:
        while not done.is_set():
            started = time.monotonic()
            r = server.get("/")
            answered.append((r.status_code, time.monotonic() - started))
            time.sleep(0.1)

    browsing = threading.Thread(target=browse)
    browsing.start()
    started = time.monotonic()
    r = query(server, SLOW, method="POST")
    elapsed = time.monotonic() - started
    done.set()
    browsing.join()
    assert r.status_code == 503, r.text
    assert "time limit" in r.text and r.headers.get("retry-after")
    assert TIME_LIMIT - 0.2 <= elapsed <= TIME_LIMIT + 1.0, elapsed
    assert len(answered) >= 5 and all(status == 200 for status, _s in answered)
    assert max(s for _status, s in answered) < 1.0, answered
    # the stopped worker was replaced: queries run again
    deadline = time.monotonic() + 20
    while query(server, "ASK { ?s ?p ?o }").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert query(server, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_a_slow_query_in_the_editor_page_is_stopped_too(server: Server) -> None:
    started = time.monotonic()
    r = server.get("/sparql", params={"query": SLOW}, headers={"accept": "text/html"})
    assert r.status_code == 503 and time.monotonic() - started <= TIME_LIMIT + 1.0
    assert "time limit" in r.text and "<textarea" in r.text


# -- 5. truncation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "accept"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", SRJ),
        ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),
    ],
)
def test_truncation_is_announced(server: Server, text: str, accept: str) -> None:
    r = query(server, text, accept=accept)
    assert r.status_code == 200 and r.headers["x-tipkg-truncated"] == str(ROW_CAP)
    if accept == SRJ:
        assert len(r.json()["results"]["bindings"]) == ROW_CAP
    elif accept == "text/csv":
        assert len(list(csv.reader(io.StringIO(r.text)))) == ROW_CAP + 1
    else:
        assert len(r.text.strip().splitlines()) == ROW_CAP


def test_a_whole_answer_is_not_marked(server: Server) -> None:
    r = query(server, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {ROW_CAP}")
    assert "x-tipkg-truncated" not in r.headers and len(r.json()["results"]["bindings"]) == ROW_CAP


def test_truncation_is_visible_in_the_cors_exposed_headers(server: Server) -> None:
    r = query(server, "SELECT * WHERE { ?s ?p ?o }")
    assert "X-Tipkg-Truncated" in r.headers["access-control-expose-headers"]


# -- 6. malformed and nested input ----------------------------------------------------------------------------------

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="&lol4;"/></rdf:RDF>"""


@pytest.mark.parametrize(
    ("name", "send", "status"),
    [
        ("nested-40", lambda s: query(s, "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40), 400),
        ("nested-500", lambda s: query(s, "SELECT * WHERE " + "{" * 500 + " ?s ?p ?o " + "}" * 500, method="POST"), 400),
        ("nested-brackets", lambda s: query(s, "SELECT * WHERE { ?s ?p " + "[ ?p " * 300 + "?o" + " ]" * 300 + " }", method="POST"), 400),
        ("too-large", lambda s: query(s, "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_BYTES, method="POST"), 413),
        (
            "too-large-direct",
            lambda s: s.post("/sparql", content=b"#" * (MAX_BYTES + 10), headers={"content-type": "application/sparql-query"}),
            413,
        ),
        ("rdf-xml-bomb", lambda s: s.post("/sparql", content=BOMB, headers={"content-type": "application/rdf+xml"}), 415),
        ("turtle-body", lambda s: s.post("/sparql", content=b"[" * 500, headers={"content-type": "text/turtle"}), 415),
        (
            "not-utf8",
            lambda s: s.post("/sparql", content=b"ASK { ?s ?p '\xff' }", headers={"content-type": "application/sparql-query"}),
            400,
        ),
        ("bad-escape", lambda s: query(s, r"SELECT * WHERE { ?s ?p '\uD800' }"), 400),
        ("syntax", lambda s: query(s, "SELECT * WHERE { ?s ?p ?o"), 400),
        ("bad-parameter", lambda s: s.get("/queries/figures_in_year.json", params={"year": "20 10"}), 400),
    ],
)
def test_bad_input_gets_a_clear_4xx_and_the_server_stays_up(server: Server, name: str, send: Any, status: int) -> None:
    started = time.monotonic()
    r = send(server)
    assert r.status_code == status, r.text
    assert r.text.strip() and "Traceback" not in r.text
    assert time.monotonic() - started < TIME_LIMIT + 1.0
    assert server.process.poll() is None
    assert server.get("/").status_code == 200


# -- 7 and 8. pages over labels that try to inject HTML, offline --------------------------------------------------

HOSTILE_PAGES = [
    "/",
    "/?q=care",
    "/?q=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
    "/id/agency/care",
    "/id/ngo/nandu",
    "/id/agency/foreign-aid",
    "/sources/demo",
    "/queries/actors",
    "/queries/ngo_consulate_partners",
    "/queries/search_entities?text=%22href%22",
    "/sparql?query=SELECT+*+WHERE+%7B+%3Fs+skos%3AprefLabel+%3Fo+%7D",
    "/dataset",
]
INJECTED = re.compile(r"<img src=x|<script>window|</script><script>")
EDITOR_SCRIPTS = ('<script type="importmap">{"imports": {"', '<script type="module" src="/static/editor.js" data-style-nonce="')
LOADS = re.compile(
    r"""<(?:[a-z]+)\b[^>]*\s(?:src|srcset)\s*=\s*["']?\s*(?:https?:)?//|<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//""", re.I
)


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_labels_are_text_and_pages_load_nothing_outside(hostile_server: Server, path: str) -> None:
    r = hostile_server.get(path, headers={"accept": "text/html"})
    assert r.status_code == 200, r.text[:300]
    assert not INJECTED.search(r.text)
    assert not LOADS.search(r.text)
    editor = EDITOR_SCRIPTS if path.startswith("/sparql") else ()  # /sparql runs its editor, nothing else
    assert r.text.count("<script") == len(editor) and all(script in r.text for script in editor)


@pytest.mark.parametrize(
    "path",
    [
        "/views/graph.html",
        "/views/entity-agency-care.html",
        "/queries/committee_composition/graph",
        "/queries/ngo_consulate_partners/graph",
    ],
)
def test_network_pages_over_hostile_labels(hostile_server: Server, path: str) -> None:
    r = hostile_server.get(path)
    assert r.status_code == 200
    assert not INJECTED.search(r.text.split("<script", 1)[0])  # the markup before the scripts
    assert not LOADS.search(r.text)


# -- 9. CORS --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/sparql?query=ASK+%7B%7D", "/", "/id/agency/fevimtra", "/.well-known/void", "/queries/actors.json"])
def test_cors_is_open_for_reads_and_never_with_credentials(server: Server, path: str) -> None:
    r = server.get(path, headers={"origin": "https://evil.example", "cookie": "session=1"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    assert "evil.example" not in " ".join(r.headers.values())


def test_cors_preflight(server: Server) -> None:
    r = httpx.options(
        server.sparql,
        headers={
            "origin": "https://evil.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
            "cookie": "session=1",
        },
    )
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "content-type" in r.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in r.headers
