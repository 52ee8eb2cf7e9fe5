"""What the worker processes run (see :mod:`tipkg.service.workers`): module-level functions whose
first argument is the worker's read-only store (read through :mod:`tipkg.engines.oxigraph`).

- :func:`answer_sparql`: a SPARQL Protocol request (or the editor's query): checked by
  :mod:`tipkg.sparql.guard`, its canonical text run on the requested dataset, cut at the row cap,
  serialized by the store's own serializers; for a page, only the page's rows
- :func:`answer_planned`: the same, with the query's :class:`Plan` (made on its first run, then
  given back by the server); :func:`answer_checked`, what both run once the query is checked, is
  also what the server runs itself for a bounded query (:mod:`tipkg.service.local`)
- :func:`run_saved`: a saved query, checked the same way, with its parameters bound by the
  engine, as a :class:`tipkg.sparql.results.Result` cut at the row cap (and to a page's rows)
- :func:`stream_planned` / :func:`answer_chunks`: the answer of :func:`answer_planned` /
  :func:`answer_checked` streamed: its head (an :class:`Answer` without body: kind, format, count,
  truncated, known once the rows are fetched), then its body as a sequence of byte chunks of
  :func:`chunk_rows` rows (fewer when fat), whose concatenation is, byte for byte, the body
  :func:`answer_checked` makes (:mod:`tipkg.service.workers` sends them one message each)

A page (:class:`tipkg.sparql.paging.Window`) is cut here, in the worker, after the row cap: only its
rows cross to the server and get labels, and ``count`` / ``Result.total`` still count the answer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from tipkg.engines import one_line
from tipkg.sparql.guard import CheckedQuery, Refused, check_graphs, check_query
from tipkg.sparql.paging import Window

TABLE = "table"  # a graph answer as a SELECT-like table of ?subject ?predicate ?object, for pages
CHUNK_ROWS = 1000  # rows (or triples) in a chunk of a streamed answer; TIPKG_CHUNK_ROWS overrides it
CHUNK_BYTES = 256 << 10  # about the most bytes in a chunk: fat rows make chunks of fewer rows


@dataclass(frozen=True)
class SparqlRequest:
    """A query as the protocol received it, with the formats negotiated for each kind of answer."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    results_format: str | None = "json"  # SELECT / ASK; None: the client accepts none
    graph_format: str | None = "turtle"  # CONSTRUCT / DESCRIBE; or TABLE
    row_cap: int = 10_000
    services: Mapping[str, str] = field(default_factory=dict)  # endpoint IRI -> URL called
    max_bytes: int | None = None
    window: Window | None = None  # the rows of a page (SELECT or TABLE answers for HTML)


@dataclass(frozen=True)
class Answer:
    kind: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    format: str  # a name of tipkg.service.formats
    body: bytes
    count: int  # rows or triples in the answer
    truncated: int | None = None  # the row cap, when the answer was cut there


@dataclass(frozen=True)
class Plan:
    """A query text as checked and planned in a worker, which the server keeps and reuses: the
    text is never parsed again (:mod:`tipkg.service.local`)."""

    checked: CheckedQuery
    bound: int | None  # tipkg.service.bounded.work_bound: None when not bounded


def answer_sparql(store: Any, request: SparqlRequest) -> Answer:
    return answer_checked(store, request, check_request(store, request))


def answer_planned(store: Any, request: SparqlRequest, plan: Plan | None) -> tuple[Answer, Plan]:
    """The answer to ``request``, and its plan: the one given, or one made here (checked and bounded)."""
    plan = plan or make_plan(store, request)
    return answer_checked(store, request, plan.checked), plan


def stream_planned(store: Any, request: SparqlRequest, plan: Plan | None) -> tuple[tuple[Answer, Plan], Iterator[bytes]]:
    """:func:`answer_planned` streamed: (the answer's head and the plan), then the chunks of its body."""
    plan = plan or make_plan(store, request)
    head, chunks = answer_chunks(store, request, plan.checked)
    return (head, plan), chunks


def make_plan(store: Any, request: SparqlRequest) -> Plan:
    from tipkg.service.bounded import store_counter, work_bound

    checked = check_request(store, request)
    return Plan(checked, work_bound(checked, store_counter(store)))


def check_request(store: Any, request: SparqlRequest) -> CheckedQuery:
    from tipkg.engines import oxigraph

    return check_query(request.query, graphs=oxigraph.named_graphs(store), services=request.services, max_bytes=request.max_bytes)


def answer_checked(store: Any, request: SparqlRequest, checked: CheckedQuery) -> Answer:
    """The answer to ``request``, whose query ``checked`` is (what a worker and the server both run)."""
    answer: Answer = _answer(store, request, checked, stream=False)
    return answer


def answer_chunks(store: Any, request: SparqlRequest, checked: CheckedQuery) -> tuple[Answer, Iterator[bytes]]:
    """:func:`answer_checked` streamed: the answer's head (its body empty), then the chunks of its
    body. The rows are fetched (up to the row cap) before the head; the chunks are written as they
    are read. Refusals come before the head; an error while writing the chunks ends them."""
    streamed: tuple[Answer, Iterator[bytes]] = _answer(store, request, checked, stream=True)
    return streamed


def _answer(store: Any, request: SparqlRequest, checked: CheckedQuery, stream: bool) -> Any:
    from tipkg.engines import oxigraph

    if request.default_graphs or request.named_graphs:  # the store's graphs, read only when there is a dataset to check
        graphs = oxigraph.named_graphs(store)
        check_graphs(request.default_graphs, graphs, "default-graph-uri")
        check_graphs(request.named_graphs, graphs, "named-graph-uri")
    graph_answer = checked.kind in ("CONSTRUCT", "DESCRIBE")
    fmt = request.graph_format if graph_answer else request.results_format
    if fmt is None:
        wanted = "Turtle, N-Triples, JSON-LD or RDF/XML" if graph_answer else "SPARQL JSON, XML, CSV or TSV"
        raise Refused(406, f"a {checked.kind} query answers in {wanted}: none of these is acceptable to the client")
    # the protocol's dataset replaces the query's FROM / FROM NAMED; without one, the store's
    # default graph: the union of the named graphs, each triple once (tipkg.engines.oxigraph)
    try:
        answer = oxigraph.query_store(store, checked.text, default_graphs=request.default_graphs, named_graphs=request.named_graphs)
        kind = oxigraph.answer_kind(answer)
        if kind == "boolean":
            body = (
                json.dumps({"head": {}, "boolean": bool(answer)}).encode()
                if fmt in ("json", "html")
                else oxigraph.serialize_results(answer, fmt)
            )
            return _whole(Answer(checked.kind, fmt, body, 1), stream)
        write = {"solutions": (_solutions, _solution_chunks), "triples": (_triples, _triple_chunks)}[kind][stream]
        return write(checked.kind, answer, fmt, request.row_cap, _page(request, fmt, checked.ordered))
    except SyntaxError as exc:
        raise Refused(400, f"SPARQL syntax error: {one_line(exc)}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise Refused(400, f"query failed: {one_line(exc)}") from None


def _page(request: SparqlRequest, fmt: str, ordered: bool) -> Any:
    """A function keeping the page's rows of the answer's (all of them, when not a page for HTML)."""
    window = request.window if fmt in (TABLE, "html") else None
    if window is None:
        return lambda rows: rows
    return lambda rows: window.cut(rows, ordered=ordered)


def _capped(rows: list[Any], cap: int) -> tuple[list[Any], int | None]:
    """The first ``cap`` of ``rows`` (read up to ``cap`` + 1), and ``cap`` when there were more."""
    return rows[:cap], cap if len(rows) > cap else None


def _results_json(names: list[str], rows: list[Any]) -> bytes:
    """Rows of pyoxigraph terms (``None`` where unbound) in SPARQL JSON."""
    from tipkg.engines.oxigraph import term_json

    bindings = [{v: term_json(row[i]) for i, v in enumerate(names) if row[i] is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")


def _solutions(kind: str, answer: Any, fmt: str, cap: int, page: Any) -> Answer:
    from tipkg.engines.oxigraph import RESULTS_FORMATS, reserialize_results, variables

    names = variables(answer)
    rows, truncated = _capped(list(islice(answer, cap + 1)), cap)
    body = _results_json(names, page(rows))
    return Answer(kind, fmt, reserialize_results(body, fmt) if fmt in RESULTS_FORMATS else body, len(rows), truncated)


def _triples(kind: str, answer: Any, fmt: str, cap: int, page: Any) -> Answer:
    from tipkg.engines.oxigraph import GRAPH_FORMATS, serialize_triples

    triples, truncated = _capped(list(dict.fromkeys(islice(answer, cap + 1))), cap)
    if fmt in (TABLE, "html"):
        rows = page([(t.subject, t.predicate, t.object) for t in triples])
        body = _results_json(["subject", "predicate", "object"], rows)
        return Answer(kind, fmt, body, len(triples), truncated)
    if fmt not in GRAPH_FORMATS:
        raise Refused(406, f"a graph cannot be written as {fmt}")
    return Answer(kind, fmt, serialize_triples(triples, fmt), len(triples), truncated)


class BadSetting(Exception):
    """A setting in the service's environment that it cannot use: the server's fault (500)."""

    status = 500


def chunk_rows() -> int:
    """Rows in a chunk of a streamed answer: :data:`CHUNK_ROWS`, or the environment's ``TIPKG_CHUNK_ROWS``."""
    given = os.environ.get("TIPKG_CHUNK_ROWS") or str(CHUNK_ROWS)
    if not given.isdigit():
        raise BadSetting(f"TIPKG_CHUNK_ROWS: expected a whole number of rows, got {given!r}")
    return max(1, int(given))


def _written(rows: list[Any], write: Any, together: Any = None) -> Iterator[bytes]:
    """``write`` of consecutive parts of ``rows``, in order: :func:`chunk_rows` rows each, fewer
    while the rows are fat (a part written past :data:`CHUNK_BYTES` makes the next ones smaller),
    more to keep two rows ``together(a, b)`` says are in the same part. The size is read now, before
    the head is sent: a bad ``TIPKG_CHUNK_ROWS`` refuses the answer rather than cutting it."""
    return _parts(rows, write, together, chunk_rows())


def _parts(rows: list[Any], write: Any, together: Any, most: int) -> Iterator[bytes]:
    size = most
    start = 0
    while start < len(rows):
        end = min(start + size, len(rows))
        while together is not None and end < len(rows) and together(rows[end - 1], rows[end]):
            end += 1
        part: bytes = write(rows[start:end])
        start = end
        yield part
        size = max(1, min(most, size * CHUNK_BYTES // max(1, len(part)), 2 * size))


def _whole(answer: Answer, stream: bool) -> Any:
    """``answer``, or when streamed its head and its body as one chunk."""
    return (replace(answer, body=b""), iter([answer.body])) if stream else answer


def _solution_chunks(kind: str, answer: Any, fmt: str, cap: int, page: Any) -> tuple[Answer, Iterator[bytes]]:
    """A SELECT's answer streamed, in every results format: each chunk's rows are written as a whole
    answer (SPARQL JSON, then through pyoxigraph for XML, CSV and TSV) and cut out of the frame
    the empty answer shows: the JSON's opening up to ``"bindings": [`` and its closing ``]}}``
    (rows apart by ``", "``), the XML's up to ``<results>`` and from ``</results>``, the header
    line of CSV and TSV."""
    from tipkg.engines.oxigraph import RESULTS_FORMATS, reserialize_results, variables

    names = variables(answer)
    rows, truncated = _capped(list(islice(answer, cap + 1)), cap)

    def write(part: list[Any]) -> bytes:
        body = _results_json(names, part)
        return reserialize_results(body, fmt) if fmt in RESULTS_FORMATS else body

    empty = write([])
    json_rows = fmt not in RESULTS_FORMATS
    cut = len(empty) - 3 if json_rows else {"xml": empty.find(b"<results>") + len(b"<results>")}.get(fmt, len(empty))
    separator = b", " if json_rows else b""
    return Answer(kind, fmt, b"", len(rows), truncated), _framed(_written(page(rows), write), empty, cut, separator)


def _framed(parts: Iterator[bytes], empty: bytes, cut: int, separator: bytes) -> Iterator[bytes]:
    """Chunks whose concatenation is the whole answer, from ``parts``, each the whole answer of some
    of its rows: ``empty[:cut]`` + rows + ``empty[cut:]`` (the frame, that the empty answer is)."""
    opening, closing = empty[:cut], empty[cut:]
    first = True
    for part in parts:
        if not (part.startswith(opening) and part.endswith(closing)):
            raise RuntimeError("a chunk of the answer is not in the frame of the whole answer")
        yield (opening if first else separator) + part[len(opening) : len(part) - len(closing)]
        first = False
    yield (opening if first else b"") + closing


def _triple_chunks(kind: str, answer: Any, fmt: str, cap: int, page: Any) -> tuple[Answer, Iterator[bytes]]:
    """A graph answer streamed, in every graph format: chunks of triples cut where the subject
    changes (Turtle groups a subject's triples, RDF/XML and JSON-LD write one node of them), each
    written whole and cut out of its frame: Turtle's ``@prefix`` lines (written before the first
    triple only), JSON-LD's ``[`` and ``]`` (nodes apart by ``,``), RDF/XML's document up to
    ``</rdf:RDF>`` and from it; N-Triples has none. A table for a page is written whole."""
    from tipkg.engines.oxigraph import GRAPH_FORMATS, serialize_triples

    if fmt not in GRAPH_FORMATS:
        return _whole(_triples(kind, answer, fmt, cap, page), stream=True)  # type: ignore[no-any-return]
    triples, truncated = _capped(list(dict.fromkeys(islice(answer, cap + 1))), cap)

    def write(part: list[Any]) -> bytes:
        return serialize_triples(part, fmt)

    empty = write([])
    if fmt == "turtle" and triples:
        empty = b"".join(line for line in write(triples[:1]).splitlines(keepends=True) if line.startswith(b"@prefix"))
    cut = {"jsonld": 1, "rdfxml": empty.rfind(b"</rdf:RDF>")}.get(fmt, len(empty))
    parts = _written(triples, write, None if fmt == "ntriples" else lambda a, b: a.subject == b.subject)
    return Answer(kind, fmt, b"", len(triples), truncated), _framed(parts, empty, cut, b"," if fmt == "jsonld" else b"")


def run_saved(
    store: Any, text: str, bindings: dict[str, Any], row_cap: int, services: Mapping[str, str] | None = None, window: Window | None = None
) -> Any:
    """A saved query, checked like any other, with parameters bound as RDF terms by the engine, as a
    Result cut at ``row_cap``, then to ``window``'s rows."""
    from tipkg.engines.oxigraph import OxigraphEngine, named_graphs

    checked = check_query(text, graphs=named_graphs(store), services=services or {})
    result = OxigraphEngine(store).run(checked.text, bindings)
    if len(result.rows) > row_cap:
        result.rows = result.rows[:row_cap]
        result.truncated = True
    if result.triples is not None and len(result.triples) > row_cap:
        result.triples = result.triples[:row_cap]
        result.truncated = True
    return result if window is None else window.apply(result, ordered=checked.ordered)
