"""The ASGI application: :func:`create_app` builds it for a project folder with a built graph::

    from tipkg.service.app import create_app
    app = create_app("/path/to/project", {"query_time_limit": 5})

Run it with ``tipkg serve`` (uvicorn), or test it in-process with Starlette's ``TestClient``
(``with TestClient(app) as client:`` starts the worker processes and stops them after).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tipkg.service import editor, protocol
from tipkg.service.addresses import CheckedAddress
from tipkg.service.context import Context
from tipkg.service.settings import hosts, resolve
from tipkg.service.views import classes, comparisons, dataset, entities, home, network, queries, sources
from tipkg.service.views.plumbing import error_page, stylesheet, wants_html
from tipkg.sparql.guard import warm_up

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


class OpenReadHeaders:
    """CORS open for reads, and headers every answer carries.

    Every answer says ``Access-Control-Allow-Origin: *`` and never allows credentials, so no
    origin is ever echoed with ``Access-Control-Allow-Credentials``; a preflight (``OPTIONS``)
    gets 204 with the methods and headers a SPARQL client uses.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            response = Response(status_code=204, headers={"Allow": ALLOWED_METHODS})
            await response(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "access-control-allow-credentials" in headers:
                    del headers["access-control-allow-credentials"]
                headers["Access-Control-Allow-Origin"] = "*"
                headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
                headers["Access-Control-Expose-Headers"] = "X-Tipkg-Truncated, X-Tipkg-Total, Content-Type, Vary"
                headers["Access-Control-Max-Age"] = "600"
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        return wrapped


def create_app(root: str | Path = ".", settings: Mapping[str, Any] | None = None) -> Starlette:
    """The service over the graph built in ``root/build``, with ``settings`` over the defaults."""
    ctx = Context(Path(root).resolve(), resolve(settings))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await ctx.pool.start()
        try:
            # the home and entity pages run these saved queries in this process: read them now, not on a visitor's time
            await run_in_threadpool(warm_up, [q.text for name, q in ctx.kg.queries.items() if name in queries.IN_PROCESS])
            await run_in_threadpool(editor.vocabulary, ctx)  # what the /sparql editor completes
            yield
        finally:
            ctx.local.stop()
            await ctx.pool.stop()

    routes = [
        Route("/", home.home, name="home"),
        Route("/classes/{name}", classes.class_page, name="class"),
        Route("/queries", queries.queries_index, name="queries"),
        Route("/queries/{name}", queries.query_page, name="query"),
        Route("/queries/{name}/graph", network.query_graph, name="query_graph"),
        Route("/sparql", protocol.endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/sparql/graph", network.sparql_graph, name="sparql_graph"),
        Route("/id/{rest:path}", entities.entity, name="entity"),
        Route("/sources", comparisons.sources_index, name="sources"),
        Route("/sources/", comparisons.sources_index, name="sources_slash"),
        Route("/sources/{source}/compare/{other}", comparisons.compare_page, name="compare"),
        Route("/sources/{source}", sources.source_page, name="source"),
        Route("/views/{file}", network.view_page, name="view"),
        Route("/dataset", dataset.dataset, name="dataset"),
        Route("/.well-known/void", dataset.void, name="void"),
        Route("/downloads/{file}", dataset.download, name="download"),
        Route("/openapi.json", dataset.openapi_json, name="openapi"),  # describes every route here: tipkg.service.openapi
        Route("/static/site.css", stylesheet, name="stylesheet"),
        Route("/static/editor.js", editor.editor_script, name="editor_script"),
        Route("/static/editor/vocabulary.json", editor.vocabulary_json, name="editor_vocabulary"),
        Route("/static/vendor/{path:path}", editor.vendor_file, name="vendor"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.context = ctx
    base = ctx.settings["base_url"]  # inside OpenReadHeaders: its 400s carry the CORS headers too
    app.add_middleware(CheckedAddress, hosts=hosts(base) if base else None)
    app.add_middleware(OpenReadHeaders)
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return Response("method not allowed\n", 405, headers=exc.headers, media_type="text/plain; charset=utf-8")
    if wants_html(request):
        return error_page(request, exc.status_code, exc.detail)
    return Response(f"{exc.detail}\n", exc.status_code, media_type="text/plain; charset=utf-8")


async def _server_error(request: Request, exc: Exception) -> Response:
    from tipkg.engines import one_line

    return Response(f"internal error: {one_line(exc)}\n", 500, media_type="text/plain; charset=utf-8")
