"""The saved queries' pages: ``/queries`` (by tag), ``/queries/NAME`` (a form from its parameters,
its result with labels and evidence, its bar charts or timeline; also ``.json``, ``.csv``,
``.tsv``); and the SPARQL editor's page, which :mod:`tipkg.service.protocol` answers with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tipkg.service import editor
from tipkg.service.context import Context
from tipkg.service.views.cells import labelled, table
from tipkg.service.views.mistakes import marked, unknown_query, unknown_query_text
from tipkg.service.views.pager import PageError, pager, requested
from tipkg.service.views.plumbing import context, lang_of, page, truncated_header, words
from tipkg.service.workers import Lane, QueryTimeout, WorkerError, route
from tipkg.sparql.paging import Window
from tipkg.sparql.results import Result

IN_PROCESS = ("counts_by_class", "entity_facts")  # saved queries the pages run in the server, not in a worker
# what the editor page offers to download an answer as: ?format= names of the protocol (tipkg.service.formats)
TABLES, GRAPHS = {"json": "JSON", "csv": "CSV", "tsv": "TSV"}, {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD"}
DOWNLOADS = {"SELECT": TABLES, "ASK": TABLES, "CONSTRUCT": GRAPHS, "DESCRIBE": GRAPHS}
RESULT_FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}


def queries_index(request: Request) -> Response:
    ctx = context(request)
    tag = request.query_params.get("tag")
    shown = [q for q in ctx.kg.queries.values() if not tag or tag in q.tags]
    return page(request, "queries.html", title=words(request, "site.nav.queries"), queries=shown, tag=tag)


async def run_saved(ctx: Context, name: str, request: Request, window: Window | None = None) -> tuple[Any, Result]:
    """Run a saved query with the request's parameters (empty fields take the defaults), keeping
    ``window``'s rows (all: the downloads)."""
    from tipkg.service import jobs
    from tipkg.service.settings import allowed_services
    from tipkg.sparql.entities import check_entities
    from tipkg.sparql.saved import bind

    saved = ctx.kg.queries[name]
    bindings = bind(saved, _given(saved, request), ctx.base)
    await run_in_threadpool(check_entities, ctx.kg.engine, saved, bindings, ctx.base)
    lane = await route(saved.text, ctx.settings, Lane.SAVED)
    services = allowed_services(ctx.settings)
    result = await ctx.pool.run(jobs.run_saved, saved.text, bindings, ctx.settings["row_cap"], services, window, lane=lane)
    return saved, await labelled(ctx, result, lang_of(request))


def _given(saved: Any, request: Request) -> dict[str, str]:
    """The parameters the request fills (an empty field is not given)."""
    return {p.name: request.query_params[p.name] for p in saved.params if request.query_params.get(p.name, "").strip()}


def data_window(request: Request) -> Window | None:
    """The rows ``?offset=`` and ``?limit=`` ask of an answer as data (whole numbers; either may be
    left out), in a stable order (:mod:`tipkg.sparql.paging`); None: every row, up to the cap."""
    given = {k: request.query_params.get(k, "").strip() for k in ("offset", "limit")}
    if not any(given.values()):
        return None
    for key, value in given.items():
        if value and not (value.isdecimal() and len(value) < 10):
            raise PageError(f"{key} is a whole number from 0, not {value[:40]!r}")
    return Window(int(given["offset"] or 0), int(given["limit"]) if given["limit"] else None)


def _split_name(name: str) -> tuple[str, str | None]:
    for ext in RESULT_FORMATS:
        if name.endswith(f".{ext}"):
            return name[: -len(ext) - 1], ext
    return name, None


async def query_page(request: Request) -> Response:
    from tipkg.service.views import panels
    from tipkg.sparql.saved import QueryError

    ctx = context(request)
    name, fmt = _split_name(request.path_params["name"])
    if name not in ctx.kg.queries:
        return unknown_query(request, name) if fmt is None else unknown_query_text(request, name)
    saved = ctx.kg.queries[name]
    error, status, result, number, window = None, 200, None, 1, None
    try:
        if fmt is None:
            number, window = requested(request, ctx.settings["page_rows"])
        else:
            window = data_window(request)
        saved, result = await run_saved(ctx, name, request, window)
    except (PageError, QueryError) as exc:
        error, status = str(exc), 400
    except QueryTimeout as exc:
        error, status = str(exc), 503
    except WorkerError as exc:
        error, status = exc.message, exc.status
    if fmt is not None:
        if result is None:
            return Response((error or "") + "\n", status, media_type="text/plain; charset=utf-8")
        headers = truncated_header(ctx, result.truncated) | ({"X-Tipkg-Total": str(result.total)} if result.total is not None else {})
        return Response(result.render(fmt), media_type=RESULT_FORMATS[fmt], headers=headers)
    params = _given(saved, request)
    keep = {**params, "lang": lang_of(request)}
    fields = [
        {
            "name": p.name,
            "type": p.type,
            "value": params.get(p.name, p.default or ""),
            "placeholder": p.example or "",
            "description": p.description,
            "example": p.example,
            "default": p.default,
        }
        for p in saved.params
    ]
    values: dict[str, Any] = {"query": saved, "fields": fields, "error": error, "table": None, "empty_note": None}
    try:
        paged = None if result is None else pager(request, result, number, ctx.settings["page_rows"])
    except PageError as exc:
        values["error"], status, result = str(exc), 404, None
    if result is not None:
        names = {p.name for p in saved.params}
        if not result.total and result.boolean is None and result.triples is None:
            from tipkg.sparql.absence import why_empty

            values["empty_note"] = await run_in_threadpool(why_empty, ctx.kg, saved, lang_of(request))
        values.update(
            table=table(ctx, result) | {"page": paged},
            formats=[(ext, f"/queries/{name}.{ext}?{urlencode(keep)}") for ext in RESULT_FORMATS],
            choice=panels.choose(request, ctx, result, saved.text, saved.view, names, f"/queries/{name}/graph?{urlencode(keep)}"),
        )
    headers = truncated_header(ctx, result is not None and result.truncated)
    return page(request, "query.html", title=saved.title, status=status, headers=headers, **values)


def answer_links(query: str, kind: str, dataset: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(format, link) of the whole answer of ``query`` on ``dataset`` (its ``default-graph-uri`` and
    ``named-graph-uri`` pairs) in each format a ``kind`` of query answers in, from ``/sparql`` itself."""
    return [(name, "/sparql?" + urlencode([("query", query), *dataset, ("format", fmt)])) for fmt, name in DOWNLOADS[kind].items()]


def sparql_page(
    request: Request,
    query: str,
    result: Result | None = None,
    error: str | None = None,
    status: int = 200,
    number: int = 1,
    kind: str = "SELECT",
    dataset: list[tuple[str, str]] | None = None,
) -> Response:
    """The SPARQL editor: the query, a page of its answer (a ``kind`` of query, on ``dataset``) in
    its view and as a table, with links to the whole answer as data; or its error; the examples."""
    from tipkg.service.views import panels

    ctx = context(request)
    examples = [q for q in ctx.kg.queries.values() if not q.params]
    shown, choice, downloads = None, None, None
    keep = {"query": query, "format": "html"}  # the links carry the query: a form may have POSTed it
    if result is not None:
        try:
            paged = pager(request, result, number, ctx.settings["page_rows"], keep=keep)
            shown = table(ctx, result) | {"page": None if result.boolean is not None else paged}
        except PageError as exc:
            error, status = str(exc), 404
    if shown is not None and result is not None:
        downloads = answer_links(query, kind, dataset or [])
        graph_href = "/sparql/graph?" + urlencode([("query", query), *(dataset or []), ("lang", lang_of(request))])
        choice = None if result.boolean is not None else panels.choose(request, ctx, result, query, "table", set(), graph_href, keep)
    return page(
        request,
        "sparql.html",
        title=words(request, "site.nav.sparql"),
        status=status,
        headers={"Vary": "Accept"} | truncated_header(ctx, result is not None and result.truncated) | editor.headers(request),
        query=query,
        table=shown,
        downloads=downloads,
        choice=choice,
        marked=marked(query, error),
        error=error,
        settings=ctx.settings,
        examples=examples,
        **editor.page_values(request),
    )
