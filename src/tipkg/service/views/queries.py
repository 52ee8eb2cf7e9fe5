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
from tipkg.service.views.plumbing import context, error_page, lang_of, page, truncated_header, words
from tipkg.service.workers import Lane, QueryTimeout, WorkerError, route
from tipkg.sparql.results import Result

IN_PROCESS = ("counts_by_class", "entity_facts")  # saved queries the pages run in the server, not in a worker
RESULT_FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}


def queries_index(request: Request) -> Response:
    ctx = context(request)
    tag = request.query_params.get("tag")
    shown = [q for q in ctx.kg.queries.values() if not tag or tag in q.tags]
    return page(request, "queries.html", title=words(request, "site.nav.queries"), queries=shown, tag=tag)


async def run_saved(ctx: Context, name: str, request: Request) -> tuple[Any, Result]:
    """Run a saved query with the request's parameters (empty fields take the defaults)."""
    from tipkg.service import jobs
    from tipkg.service.settings import allowed_services
    from tipkg.sparql.entities import check_entities
    from tipkg.sparql.saved import bind

    saved = ctx.kg.queries[name]
    bindings = bind(saved, _given(saved, request), ctx.base)
    await run_in_threadpool(check_entities, ctx.kg.engine, saved, bindings, ctx.base)
    lane = await route(saved.text, ctx.settings, Lane.SAVED)
    result = await ctx.pool.run(jobs.run_saved, saved.text, bindings, ctx.settings["row_cap"], allowed_services(ctx.settings), lane=lane)
    return saved, await labelled(ctx, result, lang_of(request))


def _given(saved: Any, request: Request) -> dict[str, str]:
    """The parameters the request fills (an empty field is not given)."""
    return {p.name: request.query_params[p.name] for p in saved.params if request.query_params.get(p.name, "").strip()}


def _split_name(name: str) -> tuple[str, str | None]:
    for ext in RESULT_FORMATS:
        if name.endswith(f".{ext}"):
            return name[: -len(ext) - 1], ext
    return name, None


async def query_page(request: Request) -> Response:
    from tipkg.service import charts
    from tipkg.sparql.saved import QueryError

    ctx = context(request)
    name, fmt = _split_name(request.path_params["name"])
    if name not in ctx.kg.queries:
        return error_page(request, 404, f"no saved query {name!r}") if fmt is None else Response(f"no saved query {name!r}\n", 404)
    saved = ctx.kg.queries[name]
    error, status, result = None, 200, None
    try:
        saved, result = await run_saved(ctx, name, request)
    except QueryError as exc:
        error, status = str(exc), 400
    except QueryTimeout as exc:
        error, status = str(exc), 503
    except WorkerError as exc:
        error, status = exc.message, exc.status
    if fmt is not None:
        if result is None:
            return Response((error or "") + "\n", status, media_type="text/plain; charset=utf-8")
        return Response(result.render(fmt), media_type=RESULT_FORMATS[fmt], headers=truncated_header(ctx, result.truncated))
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
    if result is not None:
        names = {p.name for p in saved.params}
        if not result.rows and result.boolean is None and result.triples is None:
            from tipkg.sparql.absence import why_empty

            values["empty_note"] = await run_in_threadpool(why_empty, ctx.kg, saved, lang_of(request))
        values.update(
            table=table(ctx, result),
            formats=[(ext, f"/queries/{name}.{ext}?{urlencode(keep)}") for ext in RESULT_FORMATS],
            graph_href=f"/queries/{name}/graph?{urlencode(keep)}",
            charts=charts.bar_charts(result, names) if saved.view == "bar" else [],
            timeline=charts.timeline(result, names) if saved.view == "timeline" else None,
        )
    headers = truncated_header(ctx, result is not None and result.truncated)
    return page(request, "query.html", title=saved.title, status=status, headers=headers, **values)


def sparql_page(request: Request, query: str, result: Result | None = None, error: str | None = None, status: int = 200) -> Response:
    """The SPARQL editor: the query, its answer as a table or its error, the examples to start from."""
    ctx = context(request)
    examples = [q for q in ctx.kg.queries.values() if not q.params]
    return page(
        request,
        "sparql.html",
        title=words(request, "site.nav.sparql"),
        status=status,
        headers={"Vary": "Accept"} | truncated_header(ctx, result is not None and result.truncated) | editor.headers(request),
        query=query,
        table=table(ctx, result) if result is not None else None,
        error=error,
        settings=ctx.settings,
        examples=examples,
        **editor.page_values(request),
    )
