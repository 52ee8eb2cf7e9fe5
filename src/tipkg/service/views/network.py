"""The interactive network pages of :mod:`tipkg.viz.views`: ``/views/FILE`` (the standard views and
each entity's neighbourhood), ``/queries/NAME/graph`` (a saved query's result as a network) and
``/sparql/graph`` (an ad-hoc query's)."""

from __future__ import annotations

import re
from typing import Any

from rdflib import URIRef
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tipkg.service.context import Context
from tipkg.service.views.mistakes import unknown_query
from tipkg.service.views.plumbing import VIEW_CSP, context, error_page, lang_of, words
from tipkg.service.views.queries import run_saved
from tipkg.service.workers import QueryTimeout, WorkerError

_VIEW_FILE = re.compile(r"^[a-z0-9][a-z0-9._-]*\.html$")
CACHED_VIEWS = 64  # network pages kept rendered; past this many, the cache starts afresh


def view_page(request: Request) -> Response:
    from tipkg.errors import NetworkError

    ctx = context(request)
    file = request.path_params["file"]
    if not _VIEW_FILE.match(file):
        return error_page(request, 404, f"no view {file!r}")
    try:
        html = _render_view(ctx, file, lang_of(request))
    except NetworkError as exc:
        return error_page(request, 404, str(exc))
    if html is None:
        return error_page(request, 404, f"no view {file!r}")
    return HTMLResponse(html, headers={"Content-Security-Policy": VIEW_CSP})


def _render_view(ctx: Context, file: str, lang: str) -> str | None:
    """A standard network page, or an entity's neighbourhood page (cached: the store is read-only)."""
    from tipkg.network.subgraphs import neighbourhood
    from tipkg.viz import views

    key = (file, lang)
    if key in ctx.view_pages:
        return ctx.view_pages[key]
    g = ctx.network
    standard = views.standard_views(g)
    files = ctx.entity_files
    links = views.Links(
        pages={f: set(v) for f, v in standard.items()}, entity_pages={n: f for f, n in files.items()}, home=views.FILES["graph"]
    )
    if file in standard:
        title = views.view_title(file.removesuffix(".html"), lang)
        html = views.render(standard[file], title, lang=lang, network=g, page=file, links=links)
    elif file in files:
        title = views.view_title("entity", lang, g, files[file])
        html = views.render(neighbourhood(g, files[file], 1), title, lang=lang, network=g, page=file, links=links)
    else:
        return None
    if len(ctx.view_pages) >= CACHED_VIEWS:
        ctx.view_pages.clear()
    ctx.view_pages[key] = html
    return html


async def query_graph(request: Request) -> Response:
    """The network page of a saved query's result (its first two IRI columns as edges)."""
    from tipkg.errors import TipkgError

    ctx = context(request)
    name = request.path_params["name"]
    if name not in ctx.kg.queries:
        return unknown_query(request, name, "/graph")
    try:
        saved, result = await run_saved(ctx, name, request)
    except QueryTimeout as exc:
        return error_page(request, 503, str(exc))
    except WorkerError as exc:
        return error_page(request, exc.status, exc.message)
    except TipkgError as exc:
        return error_page(request, 400, str(exc))
    return await _network_page(request, result, saved.title)


async def sparql_graph(request: Request) -> Response:
    """The network page of an ad-hoc query's answer (``?query=``, and the protocol's dataset
    parameters), run as ``/sparql`` runs it: the graph view of the editor's page."""
    import json

    from tipkg.service.jobs import TABLE, SparqlRequest
    from tipkg.service.protocol import read_request
    from tipkg.service.settings import allowed_services
    from tipkg.service.views.cells import labelled
    from tipkg.sparql.codec import json_result
    from tipkg.sparql.guard import Refused

    ctx = context(request)
    settings = ctx.settings
    try:
        proto = await read_request(request, settings["max_query_bytes"])
        if proto.query is None:
            raise Refused(400, "no query: give one in the query parameter")
        job = SparqlRequest(
            query=proto.query,
            default_graphs=proto.default_graphs,
            named_graphs=proto.named_graphs,
            results_format="json",
            graph_format=TABLE,
            row_cap=settings["row_cap"],
            services=allowed_services(settings),
            max_bytes=settings["max_query_bytes"],
        )
        answer = await ctx.local.answer(job, request.client.host if request.client else "")
    except Refused as exc:
        return error_page(request, exc.status, exc.message)
    except QueryTimeout as exc:
        return error_page(request, 503, str(exc))
    except WorkerError as exc:
        return error_page(request, exc.status, exc.message)
    result = await labelled(ctx, json_result(json.loads(answer.body)), lang_of(request))
    return await _network_page(request, result, words(request, "site.nav.sparql"))


async def _network_page(request: Request, result: Any, title: str) -> Response:
    """A result's rows as a network page: each IRI with its label, its first two IRI columns as edges."""
    import networkx as nx

    from tipkg.errors import NetworkError
    from tipkg.viz.views import render, rows_view

    ctx = context(request)
    rows = []
    for row in result:
        out: dict[str, Any] = dict(row)
        for column, term in row.items():
            if isinstance(term, URIRef):
                out[f"{column}Label"] = result.label(term)
        rows.append(out)
    network = await run_in_threadpool(lambda: ctx.network)
    try:
        if rows:
            html = await run_in_threadpool(rows_view, rows, network=network, title=title, lang=lang_of(request))
        else:
            html = render(nx.MultiDiGraph(), title, lang=lang_of(request))  # the page says there is nothing to show
    except NetworkError as exc:
        return error_page(request, 400, f"this result cannot be drawn as a graph: {exc}")
    return HTMLResponse(html, headers={"Content-Security-Policy": VIEW_CSP})
