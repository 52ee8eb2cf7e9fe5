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

A page (:class:`tipkg.sparql.paging.Window`) is cut here, in the worker, after the row cap: only its
rows cross to the server and get labels, and ``count`` / ``Result.total`` still count the answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from tipkg.engines import one_line
from tipkg.sparql.guard import CheckedQuery, Refused, check_graphs, check_query
from tipkg.sparql.paging import Window

TABLE = "table"  # a graph answer as a SELECT-like table of ?subject ?predicate ?object, for pages


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
    if plan is None:
        from tipkg.service.bounded import store_counter, work_bound

        checked = check_request(store, request)
        plan = Plan(checked, work_bound(checked, store_counter(store)))
    return answer_checked(store, request, plan.checked), plan


def check_request(store: Any, request: SparqlRequest) -> CheckedQuery:
    from tipkg.engines import oxigraph

    return check_query(request.query, graphs=oxigraph.named_graphs(store), services=request.services, max_bytes=request.max_bytes)


def answer_checked(store: Any, request: SparqlRequest, checked: CheckedQuery) -> Answer:
    """The answer to ``request``, whose query ``checked`` is (what a worker and the server both run)."""
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
            return Answer(checked.kind, fmt, body, 1)
        if kind == "solutions":
            return _solutions(checked.kind, answer, fmt, request.row_cap, _page(request, fmt, checked.ordered))
        return _triples(checked.kind, answer, fmt, request.row_cap, _page(request, fmt, checked.ordered))
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


def _solutions(kind: str, answer: Any, fmt: str, cap: int, page: Any) -> Answer:
    from tipkg.engines.oxigraph import RESULTS_FORMATS, reserialize_results, term_json, variables

    names = variables(answer)
    rows = list(islice(answer, cap + 1))
    truncated = cap if len(rows) > cap else None
    rows = rows[:cap]
    bindings = [{v: term_json(row[i]) for i, v in enumerate(names) if row[i] is not None} for row in page(rows)]
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    return Answer(kind, fmt, reserialize_results(body, fmt) if fmt in RESULTS_FORMATS else body, len(rows), truncated)


def _triples(kind: str, answer: Any, fmt: str, cap: int, page: Any) -> Answer:
    from tipkg.engines.oxigraph import GRAPH_FORMATS, serialize_triples, term_json

    triples = list(dict.fromkeys(islice(answer, cap + 1)))
    truncated = cap if len(triples) > cap else None
    triples = triples[:cap]
    if fmt in (TABLE, "html"):
        rows = page([(t.subject, t.predicate, t.object) for t in triples])
        names = ["subject", "predicate", "object"]
        bindings = [dict(zip(names, (term_json(term) for term in row), strict=True)) for row in rows]
        body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
        return Answer(kind, fmt, body, len(triples), truncated)
    if fmt not in GRAPH_FORMATS:
        raise Refused(406, f"a graph cannot be written as {fmt}")
    return Answer(kind, fmt, serialize_triples(triples, fmt), len(triples), truncated)


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
