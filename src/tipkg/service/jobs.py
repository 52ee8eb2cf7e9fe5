"""What the worker processes run (see :mod:`tipkg.service.workers`): module-level functions whose
first argument is the worker's read-only pyoxigraph store.

- :func:`answer_sparql`: a SPARQL Protocol request (or the editor's query): checked by
  :mod:`tipkg.sparql.guard`, its canonical text run on the requested dataset, cut at the row cap,
  serialized by pyoxigraph's serializers
- :func:`run_saved`: a saved query, checked the same way, with its parameters bound by the
  engine, as a :class:`tipkg.sparql.results.Result` cut at the row cap
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from tipkg.namespaces import PREFIXES
from tipkg.service.formats import BY_NAME
from tipkg.sparql.guard import Refused, check_graphs, check_query

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


@dataclass(frozen=True)
class Answer:
    kind: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    format: str  # a name of tipkg.service.formats
    body: bytes
    count: int  # rows or triples in the answer
    truncated: int | None = None  # the row cap, when the answer was cut there


def answer_sparql(store: Any, request: SparqlRequest) -> Answer:
    import pyoxigraph as ox

    graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    checked = check_query(request.query, graphs=graphs, services=request.services, max_bytes=request.max_bytes)
    check_graphs(request.default_graphs, graphs, "default-graph-uri")
    check_graphs(request.named_graphs, graphs, "named-graph-uri")
    graph_answer = checked.kind in ("CONSTRUCT", "DESCRIBE")
    fmt = request.graph_format if graph_answer else request.results_format
    if fmt is None:
        wanted = "Turtle, N-Triples, JSON-LD or RDF/XML" if graph_answer else "SPARQL JSON, XML, CSV or TSV"
        raise Refused(406, f"a {checked.kind} query answers in {wanted}: none of these is acceptable to the client")
    options: dict[str, Any] = {}
    if request.default_graphs or request.named_graphs:
        # the protocol's dataset replaces the query's FROM / FROM NAMED
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    # otherwise the store's default graph: the union of the named graphs, each triple once (tipkg.engines.oxigraph)
    try:
        answer = store.query(checked.text, prefixes=PREFIXES, **options)
        if isinstance(answer, ox.QueryBoolean):
            return Answer(checked.kind, fmt, _boolean(answer, fmt), 1)
        if isinstance(answer, ox.QuerySolutions):
            return _solutions(checked.kind, answer, fmt, request.row_cap)
        return _triples(checked.kind, answer, fmt, request.row_cap)
    except SyntaxError as exc:
        raise Refused(400, f"SPARQL syntax error: {_line(exc)}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise Refused(400, f"query failed: {_line(exc)}") from None


def _boolean(answer: Any, fmt: str) -> bytes:
    import pyoxigraph as ox

    if fmt in ("json", "html"):
        return json.dumps({"head": {}, "boolean": bool(answer)}).encode()
    out: bytes = answer.serialize(format=_results_format(fmt) or ox.QueryResultsFormat.JSON)
    return out


def _solutions(kind: str, answer: Any, fmt: str, cap: int) -> Answer:
    from tipkg.engines.oxigraph import term_json

    variables = [v.value for v in answer.variables]
    rows = list(islice(answer, cap + 1))
    truncated = cap if len(rows) > cap else None
    rows = rows[:cap]
    bindings = [{v: term_json(row[i]) for i, v in enumerate(variables) if row[i] is not None} for row in rows]
    body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    return Answer(kind, fmt, _reserialize(body, fmt), len(rows), truncated)


def _triples(kind: str, answer: Any, fmt: str, cap: int) -> Answer:
    from tipkg.engines.oxigraph import term_json

    triples = list(dict.fromkeys(islice(answer, cap + 1)))
    truncated = cap if len(triples) > cap else None
    triples = triples[:cap]
    if fmt in (TABLE, "html"):
        variables = ["subject", "predicate", "object"]
        bindings = [dict(zip(variables, (term_json(t.subject), term_json(t.predicate), term_json(t.object)), strict=True)) for t in triples]
        body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
        return Answer(kind, fmt, body, len(triples), truncated)
    return Answer(kind, fmt, serialize_triples(triples, fmt), len(triples), truncated)


def serialize_triples(triples: list[Any], fmt: str) -> bytes:
    """pyoxigraph triples in a graph format (Turtle with the usual prefixes)."""
    import pyoxigraph as ox

    formats = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }
    if fmt not in formats:
        raise Refused(406, f"a graph cannot be written as {fmt}")
    used = {p: iri for p, iri in PREFIXES.items() if fmt in ("turtle", "rdfxml")}
    out = ox.serialize(triples, format=formats[fmt], prefixes=used or None)
    assert out is not None  # no output file given: the bytes are returned
    return out


def _reserialize(sparql_json: bytes, fmt: str) -> bytes:
    """SPARQL JSON results in ``fmt``, through pyoxigraph's parser and serializer."""
    import pyoxigraph as ox

    target = _results_format(fmt)
    if target is None:
        return sparql_json
    out = ox.parse_query_results(sparql_json, format=ox.QueryResultsFormat.JSON).serialize(format=target)
    assert out is not None  # no output file given: the bytes are returned
    return out


def _results_format(fmt: str) -> Any:
    import pyoxigraph as ox

    if BY_NAME.get(fmt) is None or fmt in ("json", "html"):
        return None
    return {"xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}.get(fmt)


def run_saved(store: Any, text: str, bindings: dict[str, Any], row_cap: int, services: Mapping[str, str] | None = None) -> Any:
    """A saved query, checked like any other, with parameters bound as RDF terms by the engine, as a
    Result cut at ``row_cap``."""
    import pyoxigraph as ox

    from tipkg.engines.oxigraph import OxigraphEngine

    graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    checked = check_query(text, graphs=graphs, services=services or {})
    result = OxigraphEngine(store).run(checked.text, bindings)
    if len(result.rows) > row_cap:
        result.rows = result.rows[:row_cap]
        result.truncated = True
    if result.triples is not None and len(result.triples) > row_cap:
        result.triples = result.triples[:row_cap]
        result.truncated = True
    return result


def _line(exc: BaseException) -> str:
    from tipkg.engines import one_line

    return one_line(exc)
