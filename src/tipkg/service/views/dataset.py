"""The dataset's description and files: ``/dataset`` (VoID + DCAT, HTML for a browser),
``/.well-known/void`` (always RDF) and ``/downloads/FILE`` (the built dumps)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from tipkg.service.context import Context
from tipkg.service.formats import GRAPHS, HTML, Format, choose
from tipkg.service.views.plumbing import context, error_page, lang_of, page, words


def _description(ctx: Context, request: Request) -> list[Any]:
    """The description's triples (the build's, and the service's own), each once, in a stable order."""
    from tipkg.engines.oxigraph import store_triples
    from tipkg.service.dataset import Site, served, stored

    root = served_at(request)
    site = Site(root=root, endpoint=root + "sparql")
    own = store_triples(served(ctx.graphs, site, ctx.settings["licence"], ctx.built))
    return sorted({*stored(ctx.store, ctx.graphs), *own}, key=str)


def served_at(request: Request) -> str:
    """The service's address, as its descriptions name it: the ``base_url`` setting (which
    ``tipkg serve`` sets to the address it listens at, and the only ``Host`` then answered), else,
    for an app made without one (in-process tests), the request's."""
    return str(context(request).settings["base_url"]) or str(request.base_url)


def dataset(request: Request) -> Response:
    """The VoID + DCAT description: Turtle (or another RDF format by ``Accept``), HTML for a browser."""
    return _dataset_answer(request, (*GRAPHS, HTML))


def void(request: Request) -> Response:
    """The VoID + DCAT description at its well-known address: always RDF."""
    return _dataset_answer(request, GRAPHS)


def _dataset_answer(request: Request, offers: tuple[Format, ...]) -> Response:
    from tipkg.engines.oxigraph import serialize_triples

    ctx = context(request)
    fmt = choose(request.headers.get("accept"), request.query_params.get("format"), offers)
    if fmt is None and HTML not in offers and not request.query_params.get("format"):
        fmt = GRAPHS[0]  # /.well-known/void answers in Turtle whatever the client accepts
    vary = {"Vary": "Accept"}
    if fmt is None:
        return Response("acceptable: " + ", ".join(f.media_types[0] for f in offers) + "\n", 406, headers=vary)
    triples = _description(ctx, request)
    if fmt is HTML:
        return _page(request, ctx, triples, vary)
    return Response(serialize_triples(triples, fmt.name), media_type=fmt.content_type, headers=vary)


EXAMPLE_TAG = "overview"  # the saved queries the page offers as examples
VOID_QUERY = "SELECT ?p ?o WHERE {{\n  GRAPH <{graph}> {{ <{dataset}> ?p ?o }}\n}}"


def _page(request: Request, ctx: Context, triples: list[Any], headers: dict[str, str]) -> Response:
    """The description as a page: every value shown is read from ``triples``, the description served as RDF."""
    from urllib.parse import urlencode

    from tipkg.engines.oxigraph import from_ox, serialize_triples
    from tipkg.service.dataset import readable

    lang = lang_of(request)
    terms = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples]
    about = readable(terms, ctx.graphs, lang)
    void_query = VOID_QUERY.format(graph=ctx.graphs.void, dataset=ctx.graphs.dataset)
    return page(
        request,
        "dataset.html",
        title=about.title,
        headers=headers,
        about=about,
        sources=[(ctx.source_id(iri), title) for iri, title in about.sources],
        # the subsets the VoID lists, and the description's own graph, outside the default graph (as the Service Description lists it)
        graphs=[(iri, ctx.entity_path(iri), n, "") for iri, n in about.graphs]
        + [
            (ctx.graphs.void, ctx.entity_path(ctx.graphs.void), int(ctx.manifest["description"]), words(request, "site.dataset.graph_void"))
        ],
        classes=[(iri, ctx.label(iri, lang), n) for iri, n in about.classes],
        examples=[q for q in ctx.kg.queries.values() if EXAMPLE_TAG in q.tags and not q.params],
        void_query="/sparql?" + urlencode({"query": void_query}),
        turtle=serialize_triples(triples, "turtle").decode("utf-8"),
    )


def service_description(request: Request, fmt: Format) -> Response:
    """``GET /sparql`` without a query: the endpoint's SPARQL 1.1 Service Description, in ``fmt``."""
    from tipkg.engines.oxigraph import serialize_triples, store_triples
    from tipkg.service import service_description as sd
    from tipkg.service.settings import allowed_services

    ctx = context(request)
    triples = sd.describe(served_at(request), ctx.manifest, bool(allowed_services(ctx.settings)))
    return Response(serialize_triples(store_triples(triples), fmt.name), media_type=fmt.content_type, headers={"Vary": "Accept"})


def openapi_json(request: Request) -> Response:
    """The HTTP API in OpenAPI 3.1 (:mod:`tipkg.service.openapi`), made from the app's routes."""
    from tipkg.service.openapi import document

    return JSONResponse(document(request.app.routes))


def download(request: Request) -> Response:
    from tipkg.service.dataset import DOWNLOADS

    ctx = context(request)
    name = request.path_params["file"]
    path = ctx.build_dir / name
    if name not in DOWNLOADS or not path.is_file():
        return error_page(request, 404, f"no download {name!r}")
    return FileResponse(path, media_type=DOWNLOADS[name], filename=name)
