"""``/openapi.json``: the HTTP API described in OpenAPI 3.1, made from the app's own routes.

The paths, their path parameters and their methods are read from the routes themselves
(:func:`document` walks ``app.routes``); what a route cannot say of itself (what it is for, its query
parameters, what it answers) is one entry of :data:`OPERATIONS`, by route name, next to the media
types of :mod:`tipkg.service.formats`. A route without an entry, or an entry without a route, is an
error, so the description cannot drift from the app (``tests/service/test_service_openapi.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

from tipkg.service.dataset import DOWNLOADS
from tipkg.service.formats import GRAPHS, HTML, RESULTS, Format

HTML_ONLY = (HTML.media_types[0],)
RDF = tuple(f.media_types[0] for f in GRAPHS)
STRING = {"type": "string"}
# every address may be refused this way (tipkg.service.addresses.CheckedAddress)
ODD_ADDRESS = "an address that is not UTF-8 or holds a refused code point"
PREFLIGHT = {"description": "allowed: every path answers OPTIONS (tipkg.service.app.OpenReadHeaders)"}


def _media(formats: tuple[Format, ...]) -> tuple[str, ...]:
    return tuple(f.media_types[0] for f in formats)


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    where: str = "query"
    schema: dict[str, Any] = field(default_factory=lambda: STRING)


@dataclass(frozen=True)
class Operation:
    """What a route does: a summary, its query parameters, the media types of its 200, its other answers."""

    summary: str
    media: tuple[str, ...] = HTML_ONLY
    params: tuple[Param, ...] = ()
    errors: dict[int, str] = field(default_factory=dict)
    body: dict[str, dict[str, Any]] = field(default_factory=dict)  # what a POST may send: media type -> schema


LANG = Param("lang", "Language of labels and interface words: en or es (default: the lang setting).")
FORMAT = Param("format", "A format by name (turtle, ntriples, jsonld, rdfxml, html) or media type, instead of Accept.")
PAGE = Param("page", "The page of the answer's table, from 1 (views/pager.py).", schema={"type": "integer", "minimum": 1})
VIEW = Param("view", "The view above the table: table, graph, bar, timeline or map (views/panels.py); default: the query's #defaultView.")
NOT_ACCEPTABLE = {406: "none of the formats the client accepts"}
# each path parameter of the routes, what it names
PATH_PARAMS = {
    "name": "Under /queries, a saved query's id (with .json, .csv or .tsv: its answer as data); under /classes, a class's local name.",
    "path": "The file's path in node_modules/ (@codemirror/state/dist/index.js).",
    "rest": "The entity's IRI after the data's base, slashes included (agency/fevimtra).",
    "source": "A report's id (mx-2011).",
    "other": "The other report's id.",
    "file": "A file's name.",
}
SPARQL_PROTOCOL = (
    Param("query", "The SPARQL query (UTF-8). Without it, a GET answers the SPARQL 1.1 Service Description."),
    Param("default-graph-uri", "A graph of the store as the default graph (repeatable); replaces FROM."),
    Param("named-graph-uri", "A graph of the store as a named graph (repeatable); replaces FROM NAMED."),
    Param("format", "The answer's format by name (json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml) or media type."),
    Param("output", "The same as format."),
)
SPARQL_PARAMS = (
    *SPARQL_PROTOCOL,
    Param("example", "Without a query, for a browser: the editor opens with this saved query's text."),
    PAGE,
    VIEW,
    LANG,
)
OPERATIONS: dict[str, Operation] = {
    "home": Operation("What the graph holds, and a search of entities by name.", params=(Param("q", "Text to find in names."), LANG)),
    "queries": Operation("The saved queries.", params=(Param("tag", "Only the queries with this tag."), LANG)),
    "query": Operation(
        "A saved query: its form and answer (HTML), or the answer as .json, .csv or .tsv when the name ends so.",
        media=(*HTML_ONLY, "application/json", "text/csv", "text/tab-separated-values"),
        params=(
            Param("params", "The saved query's own parameters, by name.", schema={"type": "object", "additionalProperties": STRING}),
            PAGE,
            VIEW,
            Param(
                "offset",
                "As data: the rows to skip, in a stable order (X-Tipkg-Total: the whole answer's rows).",
                schema={"type": "integer", "minimum": 0},
            ),
            Param("limit", "As data: at most this many rows.", schema={"type": "integer", "minimum": 0}),
            LANG,
        ),
        errors={400: "a parameter that does not fit its type", 404: "no saved query of that name", 503: "the query ran out of time"},
    ),
    "query_graph": Operation(
        "A saved query's answer as an interactive network page.", params=(LANG,), errors={404: "no such query", 503: "the query failed"}
    ),
    "sparql": Operation(
        "The SPARQL 1.1 Protocol (read-only), the editor page for a browser, and the Service Description.",
        media=(*_media(RESULTS), *RDF, *HTML_ONLY),
        params=SPARQL_PARAMS,
        errors={
            400: "no query, two queries, a query that does not parse or that the guard refuses",
            403: "an update",
            406: "none of the formats the client accepts",
            413: "a query larger than max_query_bytes",
            415: "a POST of another media type or charset",
            503: "the query ran out of time or memory, or no worker was free",
        },
        body={
            "application/x-www-form-urlencoded": {"type": "object", "properties": {p.name: p.schema for p in SPARQL_PROTOCOL}},
            "application/sparql-query": {"type": "string"},
        },
    ),
    "sparql_graph": Operation(
        "An ad-hoc query's answer as an interactive network page (the editor's graph view).",
        params=(
            Param("query", "The SPARQL query (SELECT, CONSTRUCT or DESCRIBE)."),
            Param("default-graph-uri", "A graph of the default dataset (repeatable)."),
            Param("named-graph-uri", "A named graph of the dataset (repeatable)."),
            LANG,
        ),
        errors={400: "no query, or one that does not parse", 503: "the query ran out of time"},
    ),
    "entity": Operation(
        "An entity at the path of its IRI: HTML, or RDF by Accept.",
        media=(*HTML_ONLY, *RDF),
        params=(FORMAT, LANG),
        errors={404: "nothing in the graph is called so", **NOT_ACCEPTABLE},
    ),
    "class": Operation(
        "The members of a class, by its local name, filtered by facets (source, area, theme, year, action), with counts per value.",
        params=(
            Param(
                "source",
                "Keep members a report states (a report id; repeat for AND; 'none': none).",
                schema={"type": "array", "items": STRING},
            ),
            Param("area", "Keep members of a place (its key; repeat for AND; 'none': none).", schema={"type": "array", "items": STRING}),
            Param("theme", "Keep members of a theme (its key; repeat for AND; 'none': none).", schema={"type": "array", "items": STRING}),
            Param("year", "Keep members with a date in a year (repeat for AND; 'none': none).", schema={"type": "array", "items": STRING}),
            Param("action", "Keep members of an area of action (repeat for AND; 'none': none).", schema={"type": "array", "items": STRING}),
            Param("page", "The page, from 1.", schema={"type": "integer", "minimum": 1}),
            Param("size", "Members a page (at most 1,000).", schema={"type": "integer", "minimum": 1, "maximum": 1000}),
            LANG,
        ),
        errors={400: "a filter value that names nothing", 404: "no class of that name"},
    ),
    "sources": Operation("Every source report, and how each agrees and differs with the others.", params=(LANG,)),
    "sources_slash": Operation("The same as /sources.", params=(LANG,)),
    "compare": Operation("Two reports side by side.", params=(LANG,), errors={404: "no such source"}),
    "source": Operation("A report's text, each cited sentence linked to its facts.", params=(LANG,), errors={404: "no such source"}),
    "view": Operation("A network page (graph.html, funding.html, entity-ID.html ...).", params=(LANG,), errors={404: "no such view"}),
    "dataset": Operation(
        "The dataset's VoID and DCAT description: a page for a browser, RDF by Accept.",
        media=(*HTML_ONLY, *RDF),
        params=(FORMAT, LANG),
        errors=NOT_ACCEPTABLE,
    ),
    "void": Operation("The VoID and DCAT description, always RDF (Turtle by default).", media=RDF, params=(FORMAT,), errors=NOT_ACCEPTABLE),
    "download": Operation(
        "A built file: " + ", ".join(DOWNLOADS) + ".",
        media=tuple(DOWNLOADS.values()),
        params=(LANG,),  # of the 404 page
        errors={404: "no such file"},
    ),
    "stylesheet": Operation("The site's stylesheet.", media=("text/css",)),
    "editor_script": Operation("The query editor's script (the /sparql page).", media=("text/javascript",)),
    "editor_vocabulary": Operation(
        "What the editor completes: the prefixes, the ontology's classes and properties with their labels, the saved queries.",
        media=("application/json",),
    ),
    "vendor": Operation(
        "A module of the editor's libraries (CodeMirror 6), from node_modules/: only the files the editor loads.",
        media=("text/javascript",),
        errors={404: "not a file the editor loads"},
    ),
    "openapi": Operation("This description of the HTTP API (OpenAPI 3.1).", media=("application/json",)),
}
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


def document(routes: list[Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (an app's ``routes``); ``KeyError`` for a route with no entry."""
    paths: dict[str, Any] = {}
    described = set()
    for route in routes:
        op = OPERATIONS[route.name]
        described.add(route.name)
        path = _PATH_PARAM.sub(r"{\1}", route.path)
        item = paths.setdefault(path, {})
        in_path = [_param(Param(n, PATH_PARAMS[n], "path")) for n in _PATH_PARAM.findall(route.path)]
        if in_path:
            item["parameters"] = in_path
        for method in sorted(route.methods or ()):
            item[method.lower()] = _operation(route.name, method, op)
        item["options"] = {"operationId": f"{route.name}_options", "summary": "CORS preflight.", "responses": {"204": PREFLIGHT}}
    unused = set(OPERATIONS) - described
    if unused:
        raise KeyError(f"described routes the app does not have: {', '.join(sorted(unused))}")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tipkg",
            "version": version("tipkg"),
            "description": "Read-only HTTP API over a knowledge graph of government action against trafficking in persons.",
        },
        "paths": paths,
    }


def _operation(name: str, method: str, op: Operation) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "the answer"}
    if method != "HEAD":
        ok["content"] = {m: {} for m in op.media}
    responses = {"200": ok, "400": {"description": ODD_ADDRESS}}
    for code, why in sorted(op.errors.items()):
        responses[str(code)] = {"description": why if code != 400 else f"{why}; {ODD_ADDRESS}"}
    out: dict[str, Any] = {"operationId": f"{name}_{method.lower()}", "summary": op.summary, "responses": responses}
    if op.params:
        out["parameters"] = [_param(p) for p in op.params]
    if method == "POST" and op.body:
        out["requestBody"] = {"required": True, "content": {m: {"schema": schema} for m, schema in op.body.items()}}
    return out


def _param(p: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.where, "required": p.where == "path", "description": p.description, "schema": p.schema}
    if p.schema.get("type") == "object":
        out |= {"style": "form", "explode": True}
    return out
