"""The differential test of the query guard: a corpus of disguised SERVICE, LOAD and FROM queries
run through every path (the service's /sparql and its editor page, saved queries on the site, the
CLI, the Python API on Oxigraph and on rdflib), with a real TCP listener on loopback that proves,
case by case, that no connection is opened and that the answer is a refusal.

The variants are generated: line endings (CR, CRLF, NEL, LS, PS, VT, FF) that end a comment for one
reader and not another, ``\\u`` escapes of keywords and of ``#``, ``<``, ``>``, ``{``, quotes,
prefixed names with escapes that a naive tokenizer reads as a comment or a string, comments before
and inside every clause, ``SERVICE`` in every query form and nested position. Each variant says
which engine, run *unguarded* on its raw text, would call the listener; for the SELECT and comment
variants that is checked too (``test_unguarded_engines_would_connect``), so a refusal stands for a
real call stopped. Positive controls show that the listener does see a connection when the
endpoint is allow-listed, and ``test_the_reported_bypass_opens_no_connection`` failed on every path
before the guard read the text that runs.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import MINI, copy_project

import tipkg
from tipkg.cli import main
from tipkg.errors import TipkgError
from tipkg.kg import KnowledgeGraph

ANSWER = "from the listener"
SRJ = "application/sparql-results+json"
HTML = "text/html"
TRAP = "TRAP"  # replaced by the trap listener's URL in each variant (the endpoint no allow-list names)


# -- a SPARQL endpoint on loopback that records every connection ------------------------------------------


@dataclass
class Listener:
    """A loopback port that records each connection (on accept, before reading it) and answers every
    request with one SPARQL JSON row, ``?answer = "from the listener"``."""

    port: int
    connections: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


def _reply(conn: socket.socket, found: Listener, index: int) -> None:
    body = json.dumps({"head": {"vars": ["answer"]}, "results": {"bindings": [{"answer": {"type": "literal", "value": ANSWER}}]}}).encode()
    with conn:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _sep, rest = data.partition(b"\r\n\r\n")
            found.connections[index] = head.split(b"\r\n", 1)[0].decode("latin-1")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            while length and len(rest) < int(length.group(1)):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                rest += chunk
            head_out = f"HTTP/1.1 200 OK\r\nContent-Type: {SRJ}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            conn.sendall(head_out.encode() + body)
        except OSError:
            pass


@contextmanager
def sparql_listener() -> Iterator[Listener]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except OSError:  # the time-out of the poll, or the socket closed
                continue
            found.connections.append("(connected)")
            threading.Thread(target=_reply, args=(conn, found, len(found.connections) - 1), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stop.set()
        thread.join(2)
        server.close()


# -- the corpus ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    id: str
    text: str  # with TRAP where the trap's URL goes
    live: frozenset[str]  # the engines that call the endpoint when they run the raw text unguarded
    refused: bool = True  # False: the call is a comment for every reader; the query runs and calls nobody

    def on(self, url: str) -> str:
        return self.text.replace(TRAP, url).replace("PORTROOT", url.rsplit("/", 1)[0] + "/")


BOTH = frozenset({"oxigraph", "rdflib"})
OX = frozenset({"oxigraph"})
RD = frozenset({"rdflib"})
NONE: frozenset[str] = frozenset()
CALL = f"SERVICE <{TRAP}> {{ ?a ?b ?answer }}"

FORMS = {
    "select": "SELECT * WHERE {{ {} }}",
    "ask": "ASK {{ {} }}",
    "construct": "CONSTRUCT {{ ?a ?b ?answer }} WHERE {{ {} }}",
    "describe": "DESCRIBE ?answer WHERE {{ {} }}",
}
# one row, so that a call per row is one call; no "#" before a SERVICE on its line: rdflib then fails to
# parse (it looks for the SERVICE text with comments skipped from any "#", even in an IRI or a string)
ONE = "?s a owl:Ontology"
POSITIONS = {
    "top": "{}",
    "after-triple": ONE + " . {}",
    "optional": ONE + " OPTIONAL {{ {} }}",
    "union": "{{ " + ONE + " }} UNION {{ {} }}",
    "minus": ONE + " MINUS {{ {} }}",
    "subselect": "{{ SELECT * WHERE {{ {} }} }}",
    "exists": ONE + " FILTER EXISTS {{ {} }}",
    "not-exists": ONE + " FILTER NOT EXISTS {{ {} }}",
    "graph": "GRAPH <https://w3id.org/tipkg/id/graph/ontology> {{ {} }}",
    "nested": "{{ {{ {} }} }}",
}
# the SERVICE call, dressed: (id, pattern, the engines that would call it unguarded)
DISGUISES: list[tuple[str, str, frozenset[str], bool]] = [
    ("plain", CALL, BOTH, True),
    ("lower-case", f"service <{TRAP}> {{ ?a ?b ?answer }}", BOTH, True),
    ("silent", f"SERVICE SILENT <{TRAP}> {{ ?a ?b ?answer }}", OX, True),  # rdflib's evaluation ignores SILENT calls
    ("cr-ends-comment", f"# x\r{CALL}\n", OX, True),  # the reported bypass: rdflib reads a comment up to \n
    ("crlf-ends-comment", f"# x\r\n{CALL}\r\n", BOTH, True),
    ("nel-in-comment", f"# x\x85{CALL}\n", NONE, True),
    ("ls-in-comment", f"# x\u2028{CALL}\n", NONE, True),
    ("ps-in-comment", f"# x\u2029{CALL}\n", NONE, True),
    ("vt-in-comment", f"# x\x0b{CALL}\n", NONE, True),
    ("ff-in-comment", f"# x\x0c{CALL}\n", NONE, True),
    ("cr-as-space", f"SERVICE\r<{TRAP}>\r{{ ?a ?b ?answer }}", OX, True),
    ("tabs-and-newlines", f"SERVICE\t\n<{TRAP}>\n\t{{ ?a ?b ?answer }}", OX, True),  # rdflib calls only "service <"
    ("comment-after-keyword-cr", f"SERVICE # x\r<{TRAP}> {{ ?a ?b ?answer }}\n", OX, True),
    ("comment-after-keyword", f"SERVICE # x\n<{TRAP}> {{ ?a ?b ?answer }}", OX, True),
    ("comment-before-silent", f"SERVICE #x\nSILENT <{TRAP}> {{ ?a ?b ?answer }}", OX, True),
    ("escaped-keyword", f"\\u0053ERVICE <{TRAP}> {{ ?a ?b ?answer }}", RD, True),
    ("escaped-keyword-middle", f"SERV\\u0049CE <{TRAP}> {{ ?a ?b ?answer }}", RD, True),
    ("escaped-keyword-long-form", f"\\U00000053\\U00000045RVICE <{TRAP}> {{ ?a ?b ?answer }}", RD, True),
    ("escaped-angle-brackets", f"SERVICE \\u003C{TRAP}\\u003E {{ ?a ?b ?answer }}", RD, True),
    ("escaped-braces", f"SERVICE <{TRAP}> \\u007B ?a ?b ?answer \\u007D", RD, True),
    ("escaped-newline-ends-comment", f'?s ?p ?o # \\u000A FILTER(?o = """\n{CALL}\n# """)\n', OX, False),  # a string, once expanded
    ("escaped-cr-in-comment", f"# x\\u000D{CALL}\n", NONE, True),
    ("escaped-hash", f"\\u0023 {CALL}\n", NONE, False),
    ("escaped-quotes", f'BIND("\\u0022 {CALL} \\u0022" AS ?x)', NONE, True),
    ("escape-of-an-escape", f"\\u005Cu0053ERVICE <{TRAP}> {{ ?a ?b ?answer }}", NONE, True),
    ("pn-local-escaped-hash", f"OPTIONAL {{ ?s ex:a\\# ?o }} {CALL}", OX, True),
    ("pn-local-escaped-quote", f"OPTIONAL {{ ?s ex:a\\' ?o }} {CALL} OPTIONAL {{ ?s ?p 'q' }}", BOTH, True),
    ("long-string-with-hash", f'OPTIONAL {{ ?s ?p """#""" }} {CALL}', OX, True),
    ("string-with-escaped-quote", f'OPTIONAL {{ ?s ?p "a\\"#" }} {CALL}', OX, True),
    ("single-quoted-hash", f"OPTIONAL {{ ?s ?p '#' }} {CALL}", OX, True),
    ("iri-with-hash", f"OPTIONAL {{ ?s ?p <http://example.org/#> }} {CALL}", OX, True),
    ("variable-bound", f"BIND(<{TRAP}> AS ?e) SERVICE ?e {{ ?a ?b ?answer }}", NONE, True),
    ("variable-values", f"VALUES ?e {{ <{TRAP}> }} SERVICE ?e {{ ?a ?b ?answer }}", NONE, True),
    ("prefixed-name", "SERVICE trap:sparql { ?a ?b ?answer }", OX, True),
    ("relative-iri", "SERVICE <sparql> { ?a ?b ?answer }", OX, True),
    ("nbsp-as-space", f"SERVICE\xa0<{TRAP}> {{ ?a ?b ?answer }}", NONE, True),
    ("ls-as-space", f"SERVICE\u2028<{TRAP}> {{ ?a ?b ?answer }}", NONE, True),
]
PROLOGUE = "PREFIX ex: <http://example.org/>\nPREFIX trap: <PORTROOT>\nBASE <PORTROOT>\n"


def _corpus() -> list[Variant]:
    out = []
    for form, shape in FORMS.items():
        for position, where in POSITIONS.items():
            for silent in ("", "SILENT "):
                call = f"SERVICE {silent}<{TRAP}> {{ ?a ?b ?answer }}"
                live = OX if silent else BOTH
                out.append(Variant(f"{form}-{position}-{'silent' if silent else 'service'}", shape.format(where.format(call)), live))
        for name, call, live, refused in DISGUISES:
            out.append(Variant(f"{form}-{name}", PROLOGUE + shape.format(call), live, refused))
    # comments before and inside every clause, ended by CR (Oxigraph's line end, not rdflib's: for
    # rdflib the rest of the query is a comment, which it can run only once the group is closed)
    clauses = [
        "PREFIX ex: <http://example.org/>",
        "SELECT ?answer",
        "FROM NAMED <https://w3id.org/tipkg/id/graph/demo>",
        "WHERE {",
        CALL,
        "}",
        "ORDER BY ?answer",
        "LIMIT 5",
    ]
    for i in range(len(clauses) + 1):
        closed = i > clauses.index("}")
        out.append(Variant(f"comment-cr-before-clause-{i}", " ".join([*clauses[:i], "# c\r", *clauses[i:]]) + "\n", BOTH if closed else OX))
        out.append(Variant(f"comment-lf-before-clause-{i}", " ".join([*clauses[:i], "# c\n", *clauses[i:]]), BOTH))
    # LOAD, FROM, FROM NAMED: refused before any engine sees them (no engine here fetches them)
    datasets = {
        "select": "SELECT * {} WHERE {{ ?s ?p ?o }}",
        "ask": "ASK {} WHERE {{ ?s ?p ?o }}",
        "construct": "CONSTRUCT {{ ?s ?p ?o }} {} WHERE {{ ?s ?p ?o }}",
        "describe": "DESCRIBE ?s {} WHERE {{ ?s ?p ?o }}",
    }
    for form, shape in datasets.items():
        for name, clause in [
            ("from", f"FROM <{TRAP}>"),
            ("from-named", f"FROM NAMED <{TRAP}>"),
            ("from-file", "FROM <file:///etc/passwd>"),
            ("from-cr-comment", f"# x\rFROM <{TRAP}>\n"),
            ("from-escaped", f"\\u0046ROM <{TRAP}>"),
        ]:
            out.append(Variant(f"{form}-{name}", shape.format(clause), NONE))
    for name, text in [
        ("load", f"LOAD <{TRAP}>"),
        ("load-silent-into", f"LOAD SILENT <{TRAP}> INTO GRAPH <http://example.org/g>"),
        ("load-disguised-as-select", f"PREFIX a: <http://x/\\u003E LOAD <{TRAP}> #> SELECT * WHERE {{ ?s ?p ?o }}"),
        ("load-after-cr-comment", f"SELECT * WHERE {{ ?s ?p ?o }} # x\rLOAD <{TRAP}>\n"),
        ("insert-where-service", f"INSERT {{ ?a ?b ?answer }} WHERE {{ {CALL} }}"),
    ]:
        out.append(Variant(name, text, NONE))
    return out


CORPUS = _corpus()


# -- the paths ------------------------------------------------------------------------------------------------


@dataclass
class Env:
    root: Path
    client: Any
    kgs: dict[str, KnowledgeGraph]


@dataclass(frozen=True)
class Outcome:
    refused: bool
    said: str


def _http(response: Any) -> Outcome:
    return Outcome(400 <= response.status_code < 500, f"{response.status_code} {response.text}")


def _cli(result: Any) -> Outcome:
    message = result.stderr.strip()
    refused = result.exit_code == 2 and message.startswith("tipkg: error: ") and "\n" not in message and "Traceback" not in result.output
    return Outcome(refused, f"exit {result.exit_code}: {result.output}")


def _api(kg: KnowledgeGraph, text: str) -> Outcome:
    try:
        result = kg.query(text)
    except TipkgError as exc:
        return Outcome("\n" not in str(exc), str(exc))
    return Outcome(False, f"answered: {result.rows if result.rows else result.boolean}")


PATHS: dict[str, Callable[[Env, str], Outcome]] = {
    "service": lambda env, text: _http(env.client.post("/sparql", data={"query": text}, headers={"accept": "*/*"})),
    "editor": lambda env, text: _http(env.client.post("/sparql", data={"query": text}, headers={"accept": HTML})),
    "cli": lambda env, text: _cli(CliRunner().invoke(main, ["sparql", "--root", str(env.root), "--format", "json", text])),
    "api-oxigraph": lambda env, text: _api(env.kgs["oxigraph"], text),
    "api-rdflib": lambda env, text: _api(env.kgs["rdflib"], text),
}
# tipkg sparql --engine rdflib loads the graph at each run: the disguises in SELECT, and the reported bypass
CLI_RDFLIB: Callable[[Env, str], Outcome] = lambda env, text: _cli(  # noqa: E731
    CliRunner().invoke(main, ["sparql", "--root", str(env.root), "--format", "json", "--engine", "rdflib", text])
)
# a saved query runs through the same decision; a few variants as files of queries/
SAVED = ["select-plain", "select-escaped-keyword", "select-pn-local-escaped-hash", "select-pn-local-escaped-quote", "ask-exists-service"]
SAVED_PATHS: dict[str, Callable[[Env, str], Outcome]] = {
    "site": lambda env, name: _http(env.client.get(f"/queries/{name}.json")),
    "site-page": lambda env, name: _http(env.client.get(f"/queries/{name}", headers={"accept": HTML})),
    "cli": lambda env, name: _cli(CliRunner().invoke(main, ["query", "run", name, "--root", str(env.root)])),
    "cli-rdflib": lambda env, name: _cli(CliRunner().invoke(main, ["query", "run", name, "--root", str(env.root), "--engine", "rdflib"])),
    "api-oxigraph": lambda env, name: _api(env.kgs["oxigraph"], name),
    "api-rdflib": lambda env, name: _api(env.kgs["rdflib"], name),
}


@pytest.fixture(scope="module")
def trap() -> Iterator[Listener]:
    with sparql_listener() as found:
        yield found


@pytest.fixture(scope="module")
def allowed() -> Iterator[Listener]:
    with sparql_listener() as found:
        yield found


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, trap: Listener, allowed: Listener) -> Iterator[Env]:
    """The mini project, built, with saved-query variants; the site with real workers; the API on
    both engines. Only the ``allowed`` listener is on the allow-lists (the setting and TIPKG_SERVICES)."""
    from tipkg.build.pipeline import build
    from tipkg.project import Project

    root = copy_project(tmp_path_factory.mktemp("guard") / "project", MINI / "graph_data")
    by_id = {v.id: v for v in CORPUS}
    for name in SAVED:
        header = f'#+ title: "{name}"\n#+ description: "a disguised SERVICE call"\n'
        (root / "queries" / f"guard_{name.replace('-', '_')}.rq").write_text(header + by_id[name].on(trap.url), encoding="utf-8")
    build(Project(root))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIPKG_SERVICES", f"{allowed.url} https://example.org/mapped={allowed.url}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # starlette's notice about httpx
            from starlette.testclient import TestClient
        from tipkg.service.app import create_app

        with TestClient(create_app(root, {"service_allow_list": allowed.url})) as client:
            yield Env(root, client, {name: tipkg.open(root, engine=name) for name in ("oxigraph", "rdflib")})


def _attempt(trap: Listener, run: Callable[[], Outcome]) -> tuple[Outcome, list[str]]:
    """What a path answered, and the connections the trap saw meanwhile. The service's workers and
    the CLI also run queries where no socket can be opened (tipkg.sandbox): a refusal must be the
    guard's, not a connection the lock stopped ("Permission denied"), or this test would not see the
    guard fail on those paths."""
    before = len(trap.connections)
    outcome = run()
    assert "Permission denied" not in outcome.said and "query failed" not in outcome.said, outcome.said
    return outcome, trap.connections[before:]


# -- the reported bypass (this test failed before the guard read the text that runs) ----------------------

REPORTED = f"SELECT ?answer WHERE {{ # a comment ended by a lone CR\r SERVICE <{TRAP}> {{ ?a ?b ?answer }}\n}}"


@pytest.mark.parametrize("path", [*PATHS, "cli-rdflib"])
def test_the_reported_bypass_opens_no_connection(env: Env, trap: Listener, path: str) -> None:
    run = PATHS.get(path, CLI_RDFLIB)
    outcome, connections = _attempt(trap, lambda: run(env, REPORTED.replace(TRAP, trap.url)))
    assert connections == [], f"{path} called the trap: {outcome.said}"
    assert outcome.refused, outcome.said
    assert ANSWER not in outcome.said


# -- the corpus through every path ------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("variant", CORPUS, ids=[v.id for v in CORPUS])
def test_no_connection_on_any_path(env: Env, trap: Listener, variant: Variant, path: str) -> None:
    outcome, connections = _attempt(trap, lambda: PATHS[path](env, variant.on(trap.url)))
    assert connections == [], f"{path} called the trap: {outcome.said}"
    assert ANSWER not in outcome.said
    assert outcome.refused is variant.refused, outcome.said


DISGUISED = [v for v in CORPUS if v.id in {f"select-{name}" for name, *_rest in DISGUISES}]


@pytest.mark.parametrize("variant", DISGUISED, ids=[v.id for v in DISGUISED])
def test_no_connection_from_the_cli_on_rdflib(env: Env, trap: Listener, variant: Variant) -> None:
    outcome, connections = _attempt(trap, lambda: CLI_RDFLIB(env, variant.on(trap.url)))
    assert connections == [], f"the CLI on rdflib called the trap: {outcome.said}"
    assert outcome.refused is variant.refused, outcome.said


@pytest.mark.parametrize("path", list(SAVED_PATHS))
@pytest.mark.parametrize("name", SAVED)
def test_no_connection_from_saved_queries(env: Env, trap: Listener, name: str, path: str) -> None:
    saved = f"guard_{name.replace('-', '_')}"
    outcome, connections = _attempt(trap, lambda: SAVED_PATHS[path](env, saved))
    assert connections == [], f"{path} called the trap: {outcome.said}"
    assert outcome.refused, outcome.said


# -- honesty: unguarded, the variants do call; allow-listed, the paths do call ---------------------------------


@pytest.fixture(scope="module")
def probe() -> Iterator[Listener]:
    with sparql_listener() as found:
        yield found


def _raw_oxigraph(env: Env, text: str) -> None:
    from tipkg.namespaces import PREFIXES

    store = env.kgs["oxigraph"].engine.store  # type: ignore[attr-defined]
    try:
        answer = store.query(text, prefixes=PREFIXES)
        if hasattr(answer, "__iter__"):
            list(answer)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass  # the text does not parse, or the call failed: either way the listener says whether it was called


def _raw_rdflib(env: Env, text: str) -> None:
    dataset = env.kgs["rdflib"].engine.dataset  # type: ignore[attr-defined]
    try:
        answer = dataset.query(text)
        if answer.type == "SELECT":
            list(answer)
    except Exception:  # rdflib's parse and evaluation errors: the listener says whether it was called
        pass


LIVE_SAMPLE = [v for v in CORPUS if v.id.startswith("select-") or v.id.startswith("comment-")]


@pytest.mark.parametrize("variant", LIVE_SAMPLE, ids=[v.id for v in LIVE_SAMPLE])
def test_unguarded_engines_would_connect(env: Env, probe: Listener, variant: Variant) -> None:
    """Run without any guard, each variant calls the endpoint from exactly the engines it says."""
    called = set()
    for engine, run in (("oxigraph", _raw_oxigraph), ("rdflib", _raw_rdflib)):
        before = len(probe.connections)
        run(env, variant.on(probe.url))
        if len(probe.connections) > before:
            called.add(engine)
    assert called == set(variant.live)


CONTROLS = [
    ("plain", f"SELECT ?answer WHERE {{ SERVICE <{TRAP}> {{ ?a ?b ?answer }} }}"),
    ("comments-and-crlf", f"# head\r\nSELECT ?answer # the column\r\nWHERE {{ # in\r\n SERVICE <{TRAP}> {{ ?a ?b ?answer }} }} # end"),
    ("escaped-keyword", f"SELECT ?answer WHERE {{ \\u0053ERVICE <{TRAP}> {{ ?a ?b ?answer }} }}"),
    ("in-optional", f"SELECT ?answer WHERE {{ OPTIONAL {{ SERVICE <{TRAP}> {{ ?a ?b ?answer }} }} }}"),
]


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize(("name", "text"), CONTROLS, ids=[c[0] for c in CONTROLS])
def test_an_allow_listed_endpoint_is_called(env: Env, allowed: Listener, path: str, name: str, text: str) -> None:
    """The positive control: the same listener, allow-listed, is called and its answer returned."""
    outcome, connections = _attempt(allowed, lambda: PATHS[path](env, text.replace(TRAP, allowed.url)))
    assert connections, outcome.said
    assert not outcome.refused and ANSWER in outcome.said, outcome.said


@pytest.mark.parametrize("path", ["cli", "api-oxigraph", "api-rdflib"])
def test_a_mapped_endpoint_is_called_at_its_url(env: Env, allowed: Listener, path: str) -> None:
    """TIPKG_SERVICES maps https://example.org/mapped to the listener: the mapping is done on the text that runs."""
    text = "SELECT ?answer WHERE { # x\r\n SERVICE <https://example.org/mapped> { ?a ?b ?answer } }"
    outcome, connections = _attempt(allowed, lambda: PATHS[path](env, text))
    assert connections and not outcome.refused and ANSWER in outcome.said, outcome.said


def test_the_trap_was_never_called(env: Env, trap: Listener) -> None:
    time.sleep(0.2)  # a connection in flight would be accepted by now
    assert trap.connections == []


def test_corpus_size() -> None:
    """271 variants through 5 paths, 37 through the CLI on rdflib, 5 saved queries through 6 paths."""
    assert (len(CORPUS), len(PATHS), len(DISGUISED), len(SAVED) * len(SAVED_PATHS)) == (271, 5, 37, 30)
