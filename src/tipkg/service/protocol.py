"""The SPARQL 1.1 Protocol at ``/sparql``: query operations only (the endpoint is read-only).

- query by ``GET ?query=``, by ``POST`` of a form (``application/x-www-form-urlencoded``) or of
  the query itself (``application/sparql-query``), in UTF-8
- the dataset by ``default-graph-uri`` / ``named-graph-uri`` (repeatable; graphs of the store
  only), which replace the query's ``FROM`` / ``FROM NAMED``; without either, the default graph
  is the union of the data's graphs (the VoID description's graph left out)
- the answer's format by ``Accept`` (or ``?format=``): SPARQL JSON, XML, CSV or TSV for SELECT and
  ASK; Turtle, N-Triples, JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE; HTML (the editor page,
  :func:`tipkg.service.views.queries.sparql_page`) for a browser
- without a query, a ``GET`` answers the Service Description (:mod:`tipkg.service.service_description`)
  in an RDF format by ``Accept``; a browser gets the editor page
- an update (``update=``, ``application/sparql-update``, or an update sent as a query) gets 403;
  two queries, a bad media type or encoding, a query that does not parse: 400 / 415; a query
  larger than ``max_query_bytes``: 413; a query that outruns ``query_time_limit``: 503; an answer
  cut at ``row_cap`` says so in ``X-Tipkg-Truncated``
- an answer (but an HTML page) is streamed as its worker writes it (:class:`Streamed`): an error
  after its first bytes ends it early
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tipkg.service.formats import GRAPHS, HTML, RESULTS, Format, choose
from tipkg.service.jobs import TABLE, Answer, SparqlRequest
from tipkg.service.settings import allowed_services
from tipkg.service.streaming import Chunks
from tipkg.service.workers import QueryTimeout, WorkerError
from tipkg.sparql.guard import Refused

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
TRUNCATED = "X-Tipkg-Truncated"
READ_ONLY = "updates are refused: this endpoint is read-only"


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


def parse_params(raw: bytes | str) -> list[tuple[str, str]]:
    """``a=1&b=2`` as pairs, refusing what is not UTF-8."""
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, "the parameters are not UTF-8") from None


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """(type/subtype, parameters) of a Content-Type header."""
    if not header:
        return "", {}
    kind, *rest = header.split(";")
    params = {}
    for part in rest:
        key, _, value = part.partition("=")
        params[key.strip().lower()] = value.strip().strip('"').lower()
    return kind.strip().lower(), params


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 beyond ``limit`` bytes (before reading it, if it says so)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"request body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_request(request: Request, max_bytes: int) -> ProtocolRequest:
    """The query, dataset and format of a protocol request, or :class:`Refused`."""
    raw_query = request.scope.get("query_string", b"")
    encoded_limit = 3 * max_bytes + 4096  # percent-encoding triples a query's size at most
    if len(raw_query) > encoded_limit:
        raise Refused(413, f"query larger than {max_bytes} bytes")
    params = parse_params(raw_query)
    if request.method == "POST":
        kind, options = media_type(request.headers.get("content-type"))
        if kind == UPDATE:
            raise Refused(403, READ_ONLY)
        if not kind:
            raise Refused(400, f"a POST needs a Content-Type: {FORM} or {DIRECT}")
        if kind not in (FORM, DIRECT):
            raise Refused(415, f"unsupported media type {kind}: send {FORM} or {DIRECT}")
        charset = options.get("charset", "utf-8")
        if charset not in ("utf-8", "utf8"):
            raise Refused(415, f"unsupported charset {charset}: queries are UTF-8")
        body = await read_body(request, encoded_limit if kind == FORM else max_bytes)
        if kind == FORM:
            params += parse_params(body)
        else:
            if any(k == "query" for k, _v in params):
                raise Refused(400, "two queries: one in the body and one in the URL")
            try:
                params.append(("query", body.decode("utf-8")))
            except UnicodeDecodeError:
                raise Refused(400, "the query is not UTF-8") from None
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _v in params):
        raise Refused(403, READ_ONLY)
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise Refused(400, f"{len(queries)} queries in one request: send one")
    formats = [v for k, v in params if k in ("format", "output")]
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(v for k, v in params if k == "default-graph-uri"),
        named_graphs=tuple(v for k, v in params if k == "named-graph-uri"),
        format=formats[-1] if formats else None,
    )


async def endpoint(request: Request) -> Response:
    from tipkg.service.views.plumbing import context
    from tipkg.service.views.queries import sparql_page

    ctx = context(request)
    settings = ctx.settings
    accept = request.headers.get("accept")
    try:
        proto = await read_request(request, settings["max_query_bytes"])
    except Refused as exc:
        return _refusal(request, exc, None)
    results_fmt = choose(accept, proto.format, (*RESULTS, HTML))
    graph_fmt = choose(accept, proto.format, (*GRAPHS, HTML))
    html = results_fmt is HTML or graph_fmt is HTML
    if proto.query is None:
        if html:
            example = request.query_params.get("example", "")
            saved = ctx.kg.queries.get(example)
            return sparql_page(request, saved.text if saved else DEFAULT_QUERY)
        described = choose(accept, proto.format, GRAPHS) if request.method in ("GET", "HEAD") else None
        if described is not None:
            from tipkg.service.views.dataset import service_description

            return service_description(request, described)
        return _text(400, "no query: give one in the query parameter (GET or form POST) or as an application/sparql-query body")
    window, number = None, 1
    if html:  # a page of the answer, not all of it (tipkg.sparql.paging)
        from tipkg.service.views.pager import PageError, requested

        try:
            number, window = requested(request, settings["page_rows"])
        except PageError as exc:
            return sparql_page(request, proto.query, error=str(exc), status=400)
    job = SparqlRequest(
        query=proto.query,
        default_graphs=proto.default_graphs,
        named_graphs=proto.named_graphs,
        results_format=_name(results_fmt),
        graph_format=TABLE if graph_fmt is HTML else _name(graph_fmt),
        row_cap=settings["row_cap"],
        services=allowed_services(settings),
        max_bytes=settings["max_query_bytes"],
        window=window,
    )
    chunks = None
    try:
        address = request.client.host if request.client else ""
        if html:  # a page, or a whole answer for the browser
            answer: Answer = await ctx.local.answer(job, address)
        else:
            answer, chunks = await ctx.local.stream(job, address)
    except Refused as exc:  # a bounded query refused in this process (a worker's refusal is a WorkerError)
        return _refusal(request, exc, proto.query if html else None)
    except QueryTimeout as exc:
        return _refusal(request, Refused(503, str(exc)), proto.query if html else None)
    except WorkerError as exc:
        return _refusal(request, Refused(exc.status, exc.message), proto.query if html else None)
    headers = {"Vary": "Accept"}
    if answer.truncated is not None:
        headers[TRUNCATED] = str(answer.truncated)
    if answer.format in ("html", TABLE):
        result = await _result(ctx, answer, request, 0 if window is None else window.offset)
        dataset = [("default-graph-uri", g) for g in proto.default_graphs] + [("named-graph-uri", g) for g in proto.named_graphs]
        return sparql_page(request, proto.query, result=result, number=number, kind=answer.kind, dataset=dataset)
    fmt = next(f for f in (*RESULTS, *GRAPHS) if f.name == answer.format)
    if chunks is not None:
        return Streamed(chunks, media_type=fmt.content_type, headers=headers)
    return Response(answer.body, media_type=fmt.content_type, headers=headers)


class Streamed(StreamingResponse):
    """An answer streamed from its worker as its chunks come (chunked transfer), its status and
    headers sent first. A failure after them (the time limit, counted to the last byte sent, a
    client that stops reading included; the memory limit; an error in the worker) is logged and
    ends the response early, without its last chunk, as a streamed SPARQL endpoint does; a client
    that goes away closes the stream. Either way the worker, with chunks unread, is replaced
    (:class:`tipkg.service.streaming.Chunks`)."""

    def __init__(self, chunks: Chunks, **kwargs: Any) -> None:
        super().__init__(chunks, **kwargs)
        self.chunks = chunks

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        import asyncio
        import time

        from starlette.requests import ClientDisconnect

        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(loop.time() + self.chunks.deadline - time.monotonic()):
                await super().__call__(scope, receive, send)
        except ClientDisconnect:
            pass  # the client went away: nothing more to send
        except (TimeoutError, QueryTimeout, WorkerError) as exc:
            why = "the time limit" if isinstance(exc, TimeoutError | QueryTimeout) else str(exc)
            print(f"tipkg serve: a streamed answer ended early, after {self.chunks.chunks} chunks: {why}", file=sys.stderr)
        finally:
            await self.chunks.aclose()


DEFAULT_QUERY = """SELECT ?body ?name WHERE {
  ?body a schema:GovernmentOrganization ;
        skos:prefLabel ?name .
  FILTER(LANG(?name) = "en")
}
ORDER BY ?name"""


def _name(fmt: Format | None) -> str | None:
    return None if fmt is None else fmt.name


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status, media_type="text/plain; charset=utf-8", headers={"Vary": "Accept", **(headers or {})})


def _refusal(request: Request, exc: Refused, query: str | None) -> Response:
    """A refusal as text, or as the editor page with the message when a browser sent the query."""
    from tipkg.service.views.queries import sparql_page

    headers = {"Retry-After": "60"} if exc.status == 503 else {}
    if query is not None:
        return sparql_page(request, query, error=exc.message, status=exc.status)
    return _text(exc.status, exc.message, headers)


async def _result(ctx: Any, answer: Answer, request: Request, offset: int) -> Any:
    """A page of an answer in SPARQL JSON as a labelled :class:`tipkg.sparql.results.Result`."""
    from tipkg.service.views.cells import labelled
    from tipkg.service.views.plumbing import lang_of
    from tipkg.sparql.codec import json_result

    result = json_result(json.loads(answer.body))
    result.truncated = answer.truncated is not None
    result.total, result.offset = answer.count, offset
    return await labelled(ctx, result, lang_of(request))
