"""The site: server-rendered HTML pages over the graph, each a thin layer over the library.

- ``/``: what the graph holds, and a search by name (accents and case aside)
- ``/queries``, ``/queries/NAME`` (also ``.json``, ``.csv``, ``.tsv``), ``/queries/NAME/graph``:
  the saved queries, a form from each one's parameters, its result with labels and evidence, and
  its view (graph, bar chart, timeline)
- ``/id/...``: an entity at its own IRI's path: HTML, or Turtle / N-Triples / JSON-LD / RDF/XML
  by ``Accept`` (Linked Data)
- ``/sources/ID``: a source's full text, each cited sentence marked and linked to its facts
- ``/views/FILE``: the interactive network pages of :mod:`tipkg.viz.views`
- ``/dataset``, ``/.well-known/void``: the VoID and DCAT description; ``/downloads/FILE``: dumps

Pages load nothing from the network and need no JavaScript, except the network views. Every text
from the graph is escaped (Jinja autoescape).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from tipkg.namespaces import WD
from tipkg.service.context import Context
from tipkg.service.formats import GRAPHS, HTML, Format, choose
from tipkg.service.workers import Lane, QueryTimeout, WorkerError, route
from tipkg.sparql.results import SEPARATOR, Result

PAGE_CSP = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    )
)
VIEW_CSP = "frame-ancestors 'self'"  # the network pages carry their own script policy in a <meta> element
QUOTE_COLUMNS = ("evidence", "quote")
LANGS = ("en", "es")
RESULT_FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}
TRUNCATED = "X-Tipkg-Truncated"
_VIEW_FILE = re.compile(r"^[a-z0-9][a-z0-9._-]*\.html$")
NAME_PROPERTIES = {SKOS.prefLabel: "name", SKOS.altLabel: "also called", RDFS.label: "label"}

IN_PROCESS = ("counts_by_class", "entity_facts")  # saved queries these pages run in the server, not in a worker
Q_NAMES = "SELECT $e ?p ?name WHERE { VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } $e ?p ?name }"
Q_SAME_AS = "SELECT $e ?other WHERE { $e owl:sameAs ?other }"
STATEMENTS_SHOWN = 500  # an entity page lists at most this many statements each way, and says so
Q_OUT = "SELECT DISTINCT $e ?p ?o WHERE { $e ?p ?o } ORDER BY ?p ?o LIMIT %d"
Q_IN = "SELECT DISTINCT ?s ?p $e WHERE { ?s ?p $e } ORDER BY ?p ?s LIMIT %d"
Q_EXISTS = "ASK { { $e ?p ?o } UNION { ?s ?p $e } }"
Q_TYPE = "SELECT $e ?class WHERE { $e a ?class . FILTER NOT EXISTS { $e a ?sub . ?sub rdfs:subClassOf ?class . FILTER(?sub != ?class) } }"
# what each quote of a source supports: the statements citing it (a type statement introduces an entity)
Q_SOURCE_FACTS = """SELECT $doc ?ev ?start ?end ?s ?p ?o WHERE {
  ?ev a tipkg:Evidence ; oa:hasSource $doc ; oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end .
  OPTIONAL { ?st prov:wasDerivedFrom ?ev ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(?p != rdfs:label) }
}"""
# an entity as Linked Data: its triples, and its facts' statements with their evidence and selectors
Q_DESCRIBE = """CONSTRUCT { ?e ?p ?o . ?st ?sp ?so . ?ev ?ep ?eo . ?sel ?lp ?lo . } WHERE {
  { ?e ?p ?o }
  UNION { ?st rdf:subject ?e ; ?sp ?so }
  UNION { ?st rdf:subject ?e ; prov:wasDerivedFrom ?ev . ?ev ?ep ?eo }
  UNION { ?st rdf:subject ?e ; prov:wasDerivedFrom/oa:hasSelector ?sel . ?sel ?lp ?lo }
}"""
# where the sources differ about an entity: its own properties, its structured values', and the
# figures of the measures that concern it (or that it is an observation of)
Q_DIFFER = """SELECT $e ?verdict ?subject ?property ?valueA ?sourceA ?quoteA ?valueB ?sourceB ?quoteB WHERE {
  { ?c tipkg:comparedSubject $e . BIND($e AS ?subject) }
  UNION { ?m tipkg:concerns $e ; a tipkg:Measure . ?c tipkg:comparedSubject ?m . BIND(?m AS ?subject) }
  UNION { $e tipkg:measure ?m . ?c tipkg:comparedSubject ?m . BIND(?m AS ?subject) }
  UNION { ?c tipkg:comparedSubject ?subject . FILTER(STRSTARTS(STR(?subject), CONCAT(STR($e), "/"))) }
  ?c tipkg:verdict/skos:notation ?verdict ; tipkg:comparedProperty ?property ; tipkg:comparedStatement ?stA , ?stB .
  ?stA dcterms:source ?sourceA ; rdf:object ?valueA ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quoteA .
  ?stB dcterms:source ?sourceB ; rdf:object ?valueB ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quoteB .
  FILTER(STR(?sourceA) < STR(?sourceB))
}"""


# -- plumbing ---------------------------------------------------------------------------------------


@cache
def templates() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("tipkg.service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang", "")
    return lang if lang in LANGS else context(request).settings["lang"]


def relative(request: Request, **changes: str) -> str:
    """This page's path and query with ``changes``: links never name the host."""
    params = dict(request.query_params)
    params.update(changes)
    return request.url.path + ("?" + urlencode(params) if params else "")


def page(
    request: Request, template: str, *, title: str, status: int = 200, headers: dict[str, str] | None = None, **values: Any
) -> Response:
    ctx = context(request)
    lang = lang_of(request)
    html = (
        templates()
        .get_template(template)
        .render(
            title=title,
            lang=lang,
            lang_links=[(code, relative(request, lang=code)) for code in LANGS],
            search_text=values.pop("search_text", None),
            built=ctx.built.strftime("%Y-%m-%d %H:%M UTC"),
            **values,
        )
    )
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": PAGE_CSP, **(headers or {})})


def error_page(request: Request, status: int, message: str, title: str | None = None) -> Response:
    titles = {400: "Bad request", 403: "Refused", 404: "Not found", 406: "Not acceptable", 413: "Too large", 503: "Stopped"}
    return page(request, "error.html", title=title or titles.get(status, "Error"), status=status, message=message)


def wants_html(request: Request) -> bool:
    return choose(request.headers.get("accept"), None, (HTML, *GRAPHS)) is HTML


# -- table cells ------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    href: str | None = None
    external: bool = False
    title: str | None = None
    quotes: list[tuple[str, str | None]] = field(default_factory=list)
    number: bool = False


def cell(ctx: Context, result: Result, term: Any, column: str = "") -> Cell:
    """What a person reads for a term: a label linked to its page, a quote linked to its source."""
    if term is None:
        return Cell("")
    if isinstance(term, URIRef):
        iri = str(term)
        text = result.label(term)
        path = ctx.entity_path(iri)
        if path:
            return Cell(text, href=path, title=iri)
        if iri.startswith(str(WD)):
            qid = iri[len(str(WD)) :]
            return Cell(text if text != qid else f"Wikidata {qid}", href=iri, external=True)
        return Cell(text, title=iri)
    if isinstance(term, Literal):
        text = str(term)
        if column in QUOTE_COLUMNS:
            parts = [p for p in text.split(SEPARATOR) if p.strip()]
            return Cell(text, quotes=[(p, ctx.quote_href(p)) for p in parts])
        number = term.datatype is not None and str(term.datatype).endswith(("#integer", "#decimal", "#double", "#float", "#int"))
        return Cell(text, number=number, title=f"{text} ({term.language})" if term.language else None)
    return Cell(str(term))


def table(ctx: Context, result: Result) -> dict[str, Any]:
    """A result for the results macro: columns, rows of cells, the boolean of an ASK, truncation."""
    if result.boolean is not None:
        return {"boolean": result.boolean, "columns": [], "rows": [], "truncated": None}
    rows = [[cell(ctx, result, term, column) for column, term in zip(result.variables, row, strict=True)] for row in result.rows]
    cap = ctx.settings["row_cap"] if result.truncated else None
    return {"boolean": None, "columns": list(result.variables), "rows": rows, "truncated": cap}


async def labelled(ctx: Context, result: Result, lang: str) -> Result:
    await run_in_threadpool(ctx.kg.add_labels, result, lang)
    return result


# -- home ---------------------------------------------------------------------------------------------


def home(request: Request) -> Response:
    from tipkg.service.charts import Bar, bar_svg

    ctx = context(request)
    lang = lang_of(request)

    def summary() -> tuple[list[tuple[Cell, int]], str, list[dict[str, Any]]]:
        counts = ctx.kg.query("counts_by_class", lang=lang)
        classes = [(cell(ctx, counts, c), int(str(n))) for c, n in counts.rows]
        chart = bar_svg([Bar(c.text, float(n)) for c, n in classes], "entities by class")
        return classes, chart, [{**s, "coverage": _coverage(ctx, s["id"])} for s in ctx.source_docs]

    classes, chart, sources = ctx.memo(("home", lang), summary)
    text = request.query_params.get("q")
    return page(
        request,
        "home.html",
        title="Home",
        search_text=text,
        found=ctx.search(text, lang) if text is not None else [],
        manifest=ctx.manifest,
        sources=sources,
        classes=classes,
        chart=chart,
        downloads=_downloads(ctx),
    )


def _coverage(ctx: Context, source_id: str) -> float | None:
    from tipkg.curation.coverage import Coverage

    sentences = _sentences(ctx, source_id)
    return Coverage(source_id, sentences).percent if sentences else None


def _downloads(ctx: Context) -> list[str]:
    from tipkg.service.dataset import DOWNLOADS

    return [name for name in DOWNLOADS if (ctx.build_dir / name).is_file()]


# -- saved queries --------------------------------------------------------------------------------------


def queries_index(request: Request) -> Response:
    ctx = context(request)
    tag = request.query_params.get("tag")
    shown = [q for q in ctx.kg.queries.values() if not tag or tag in q.tags]
    return page(request, "queries.html", title="Saved queries", queries=shown, tag=tag)


async def _run_saved(ctx: Context, name: str, request: Request) -> tuple[Any, Result]:
    """Run a saved query with the request's parameters (empty fields take the defaults)."""
    from tipkg.service.jobs import run_saved
    from tipkg.service.settings import allowed_services
    from tipkg.sparql.entities import check_entities
    from tipkg.sparql.saved import bind

    saved = ctx.kg.queries[name]
    values = {p.name: request.query_params[p.name] for p in saved.params if request.query_params.get(p.name, "").strip()}
    bindings = bind(saved, values, ctx.base)
    await run_in_threadpool(check_entities, ctx.kg.engine, saved, bindings, ctx.base)
    lane = await route(saved.text, ctx.settings, Lane.SAVED)
    result = await ctx.pool.run(run_saved, saved.text, bindings, ctx.settings["row_cap"], allowed_services(ctx.settings), lane=lane)
    return saved, await labelled(ctx, result, lang_of(request))


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
        saved, result = await _run_saved(ctx, name, request)
    except QueryError as exc:
        error, status = str(exc), 400
    except QueryTimeout as exc:
        error, status = str(exc), 503
    except WorkerError as exc:
        error, status = exc.message, exc.status
    if fmt is not None:
        if result is None:
            return Response((error or "") + "\n", status, media_type="text/plain; charset=utf-8")
        headers = {TRUNCATED: str(ctx.settings["row_cap"])} if result.truncated else {}
        return Response(result.render(fmt), media_type=RESULT_FORMATS[fmt], headers=headers)
    params = {p.name: request.query_params[p.name] for p in saved.params if request.query_params.get(p.name, "").strip()}
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
    values: dict[str, Any] = {"query": saved, "fields": fields, "error": error, "table": None}
    if result is not None:
        names = {p.name for p in saved.params}
        values.update(
            table=table(ctx, result),
            formats=[(ext, f"/queries/{name}.{ext}?{urlencode(keep)}") for ext in RESULT_FORMATS],
            graph_href=f"/queries/{name}/graph?{urlencode(keep)}",
            charts=charts.bar_charts(result, names) if saved.view == "bar" else [],
            timeline=charts.timeline(result, names) if saved.view == "timeline" else None,
        )
    headers = {TRUNCATED: str(ctx.settings["row_cap"])} if result is not None and result.truncated else {}
    return page(request, "query.html", title=saved.title, status=status, headers=headers, **values)


async def query_graph(request: Request) -> Response:
    """The network page of a saved query's result (its first two IRI columns as edges)."""
    import networkx as nx

    from tipkg.errors import NetworkError, TipkgError
    from tipkg.viz.views import render, rows_view

    ctx = context(request)
    name = request.path_params["name"]
    if name not in ctx.kg.queries:
        return error_page(request, 404, f"no saved query {name!r}")
    try:
        saved, result = await _run_saved(ctx, name, request)
    except QueryTimeout as exc:
        return error_page(request, 503, str(exc))
    except WorkerError as exc:
        return error_page(request, exc.status, exc.message)
    except TipkgError as exc:
        return error_page(request, 400, str(exc))
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
            html = await run_in_threadpool(rows_view, rows, network=network, title=saved.title, lang=lang_of(request))
        else:
            html = render(nx.MultiDiGraph(), saved.title, lang=lang_of(request))  # the page says there is nothing to show
    except NetworkError as exc:
        return error_page(request, 400, f"this result cannot be drawn as a graph: {exc}")
    return HTMLResponse(html, headers={"Content-Security-Policy": VIEW_CSP})


# -- entities -------------------------------------------------------------------------------------------


def entity(request: Request) -> Response:
    """An entity's page, or its description as RDF, chosen by ``Accept`` (or ``?format=``)."""
    from tipkg.sparql.codepoints import shown
    from tipkg.sparql.saved import is_iri

    ctx = context(request)
    # in NFC, as every value a user gives (tipkg.sparql.codepoints; CheckedAddress refused the rest)
    iri = ctx.iri_at(unicodedata.normalize("NFC", request.path_params["rest"]))
    if iri == ctx.graphs.dataset:
        return dataset(request)
    fmt = choose(request.headers.get("accept"), request.query_params.get("format"), (HTML, *GRAPHS))
    vary = {"Vary": "Accept"}
    if not is_iri(iri) or not _exists(ctx, iri):
        message = f"nothing in the graph is called <{shown(iri, 300, quotes=False)}>"
        if fmt is HTML or fmt is None:
            return error_page(request, 404, message)
        return Response(message + "\n", 404, media_type="text/plain; charset=utf-8", headers=vary)
    if fmt is None:
        return Response("acceptable: text/html, " + ", ".join(f.media_types[0] for f in GRAPHS) + "\n", 406, headers=vary)
    if fmt is not HTML:
        return Response(describe_rdf(ctx, iri, fmt.name), media_type=fmt.content_type, headers=vary)
    return entity_page(request, ctx, iri, vary)


def _exists(ctx: Context, iri: str) -> bool:
    term = URIRef(iri)
    return bool(ctx.kg.query(Q_EXISTS, e=term).boolean) or iri in {g.value for g in ctx.store.named_graphs()}


def describe_rdf(ctx: Context, iri: str, fmt: str) -> bytes:
    import pyoxigraph as ox

    from tipkg.namespaces import PREFIXES
    from tipkg.service.jobs import serialize_triples

    answer = ctx.store.query(Q_DESCRIBE, prefixes=PREFIXES, substitutions={ox.Variable("e"): ox.NamedNode(iri)})
    return serialize_triples(sorted(set(answer), key=str), fmt)


def entity_page(request: Request, ctx: Context, iri: str, headers: dict[str, str]) -> Response:
    from tipkg.network.describe import pick

    lang = lang_of(request)
    term = URIRef(iri)
    g = ctx.network
    names_result = ctx.kg.query(Q_NAMES, lang=lang, e=term)
    kinds = list(NAME_PROPERTIES)
    found = {
        (kinds.index(p), str(n), n.language or "")
        for _e, p, n in names_result.rows
        if isinstance(p, URIRef) and p in kinds and isinstance(n, Literal)
    }
    names = [(NAME_PROPERTIES[kinds[k]], text, language) for k, text, language in sorted(found, key=lambda x: (x[0], x[2] != lang, x[1]))]
    same = ctx.kg.query(Q_SAME_AS, lang=lang, e=term)
    # the saved query's text, not its id: the page shows anything the graph names (a named graph
    # too), where the saved query's entity parameter takes only entities
    facts_result = ctx.kg.query(ctx.kg.queries["entity_facts"].text, lang=lang, entity=term)
    # each fact once, with every source that states it and that source's quotes
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    related: dict[str, Cell] = {}
    for row in facts_result:
        if row["property"] in (RDF.type, SKOS.prefLabel, SKOS.altLabel) and row["subject"] == term:
            continue
        key = (str(row["subject"]), str(row["property"]), str(row["value"]))
        fact = grouped.setdefault(
            key, {"cells": [cell(ctx, facts_result, row[c]) for c in ("subject", "property", "value")], "sources": []}
        )
        fact["sources"].append((source_cell(ctx, facts_result, row["source"]), cell(ctx, facts_result, row["evidence"], "evidence")))
        for c in ("subject", "value"):
            other = row[c]
            if isinstance(other, URIRef) and other != term and ctx.entity_path(str(other)):
                related.setdefault(str(other), cell(ctx, facts_result, other))
    facts = list(grouped.values())
    differ = ctx.kg.query(Q_DIFFER, lang=lang, e=term)
    differences = _differences(ctx, differ)
    outgoing = ctx.kg.query(Q_OUT % (STATEMENTS_SHOWN + 1), lang=lang, e=term)
    incoming = ctx.kg.query(Q_IN % (STATEMENTS_SHOWN + 1), lang=lang, e=term)
    types = ctx.kg.query(Q_TYPE, lang=lang, e=term)
    if iri in g:
        label = pick(g.nodes[iri]["labels"], lang) or g.nodes[iri]["local"]
        class_label = pick(g.nodes[iri]["cls_labels"], lang)
    else:
        label = ctx.label(iri, lang)
        class_label = ", ".join(sorted({types.label(c) for _e, c in types.rows if c is not None}))
    alternates = [(f.name, f"{request.url.path}?format={f.name}", f.media_types[0]) for f in GRAPHS]
    view_href = None
    if iri in g and g.nodes[iri]["kind"] == "entity":
        from tipkg.viz.views import entity_file

        view_href = f"/views/{entity_file(g, iri)}?lang={lang}"
    return page(
        request,
        "entity.html",
        title=label,
        headers=headers,
        iri=iri,
        label=label,
        class_label=class_label,
        names=names,
        same_as=[cell(ctx, same, o) for _e, o in same.rows],
        facts=facts,
        differences=differences,
        related=sorted(related.values(), key=lambda c: c.text.lower()),
        statements=[
            [cell(ctx, outgoing, s), cell(ctx, outgoing, p), cell(ctx, outgoing, o)] for s, p, o in outgoing.rows[:STATEMENTS_SHOWN]
        ],
        incoming=[[cell(ctx, incoming, s), cell(ctx, incoming, p), cell(ctx, incoming, o)] for s, p, o in incoming.rows[:STATEMENTS_SHOWN]],
        statements_cut=STATEMENTS_SHOWN if max(len(outgoing), len(incoming)) > STATEMENTS_SHOWN else None,
        alternates=alternates,
        view_href=view_href,
        source_href=_source_link(ctx, iri),
    )


def source_cell(ctx: Context, result: Result, term: Any) -> Cell:
    """A source by its title, linked to its page."""
    if not isinstance(term, URIRef):
        return Cell("")
    sid = ctx.source_id(str(term))
    return Cell(result.label(term), href=f"/sources/{sid}", title=sid)


def _differences(ctx: Context, result: Result) -> list[dict[str, Any]]:
    """The rows of Q_DIFFER, one per compared pair, each side's quotes together."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in result:
        key = tuple(str(row[c]) for c in ("verdict", "subject", "property", "valueA", "sourceA", "valueB", "sourceB"))
        entry = out.setdefault(
            key,
            {
                "verdict": str(row["verdict"]),
                "subject": cell(ctx, result, row["subject"]),
                "property": cell(ctx, result, row["property"]),
                "sides": [
                    {"value": cell(ctx, result, row["value" + x]), "source": source_cell(ctx, result, row["source" + x]), "quotes": []}
                    for x in "AB"
                ],
            },
        )
        for side, x in zip(entry["sides"], "AB", strict=True):
            quote = str(row["quote" + x])
            if quote not in side["quotes"]:
                side["quotes"].append(quote)
    for entry in out.values():
        for side in entry["sides"]:
            side["quotes"] = cell(ctx, result, Literal(SEPARATOR.join(side["quotes"])), "evidence")
    return sorted(out.values(), key=lambda e: (e["verdict"] != "differs", e["subject"].text, e["property"].text))


def _source_link(ctx: Context, iri: str) -> str | None:
    """The source page of a source document, or the sentence of an evidence record."""
    for s in ctx.source_docs:
        if s["iri"] == iri:
            return f"/sources/{s['id']}"
    for q in ctx.quotes:
        if q.evidence == iri:
            return f"/sources/{q.source}#s-{ctx.sentence_at(q.source, q.start)}"
    return None


# -- sources ----------------------------------------------------------------------------------------------


@dataclass
class Fact:
    subject: Cell
    property: Cell | None = None
    value: Cell | None = None
    introduces: bool = False


def _sentences(ctx: Context, source_id: str) -> list[Any]:
    from tipkg.curation.coverage import classify

    source = ctx.sources.get(source_id)
    if source is None:
        return []
    spans = [(q.start, q.end) for q in ctx.quotes if q.source == source_id]
    return classify(source, spans)


def source_page(request: Request) -> Response:
    ctx = context(request)
    lang = lang_of(request)
    sid = request.path_params["source"]
    doc = next((s for s in ctx.source_docs if s["id"] == sid), None)
    if doc is None or sid not in ctx.sources:
        return error_page(request, 404, f"no source {sid!r}")
    from tipkg.service.sourcepages import others_of

    values = ctx.memo(("source", sid, lang), lambda: _source_values(ctx, sid, doc, lang))
    return page(request, "source.html", title=doc["title"], others=others_of(ctx, sid, lang), **values)


def _source_values(ctx: Context, sid: str, doc: dict[str, str], lang: str) -> dict[str, Any]:
    """A source's text as paragraphs of sentences, the cited ones with their quoted words and facts."""
    from tipkg.curation.coverage import CITED, HEADING, MISSING, NOT_A_FACT, Coverage

    source = ctx.sources[sid]
    sentences = _sentences(ctx, sid)
    found = ctx.kg.query(Q_SOURCE_FACTS, lang=lang, doc=URIRef(doc["iri"]))
    spans: list[tuple[int, int, Fact]] = []
    seen: set[tuple[int, int, str]] = set()
    covered: list[tuple[int, int]] = []
    for _doc, _ev, start, end, s, p, o in found.rows:
        a, b = int(str(start)), int(str(end))
        covered.append((a, b))
        if s is None:
            continue
        if p == RDF.type:
            key = (a, b, str(s))
            fact = Fact(cell(ctx, found, s), introduces=True)
        elif p in (SKOS.prefLabel, SKOS.altLabel):
            continue  # a name: the entity it names is listed by its type statement
        else:
            key = (a, b, f"{s} {p} {o}")
            fact = Fact(cell(ctx, found, s), cell(ctx, found, p), cell(ctx, found, o))
        if key not in seen:
            seen.add(key)
            spans.append((a, b, fact))
    spans.sort(key=lambda x: (x[0], x[1]))
    marks = _merge(covered)
    css = {CITED: "cited", MISSING: "missing", HEADING: "heading", NOT_A_FACT: "not-a-fact"}
    titles = {MISSING: "not cited by any fact", HEADING: "a heading", NOT_A_FACT: "declared to state no fact"}
    shown = []
    for s in sentences:
        title = titles.get(s.status, "")
        shown.append(
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "status": s.status,
                "css": css[s.status],
                "title": f"{title}: {s.reason}" if s.reason else title,
                "facts": [f for a, b, f in spans if a < s.end and s.start < b],
                "segments": _segments(source.text, s.start, s.end, marks),
            }
        )
    report = Coverage(sid, sentences)
    return {
        "source_title": doc["title"],
        "doc_href": ctx.entity_path(doc["iri"]) or doc["iri"],
        "language": source.language,
        "paragraphs": _paragraphs(source.text, shown),
        "counts": {
            key: report.count(status)
            for key, status in (("cited", CITED), ("missing", MISSING), ("heading", HEADING), ("not_a_fact", NOT_A_FACT))
        },
        "percent": report.percent,
    }


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _segments(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """A sentence cut into (text, quoted?) pieces by the merged quote spans."""
    out = []
    at = start
    for a, b in marks:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        if a > at:
            out.append((text[at:a], False))
        out.append((text[a:b], True))
        at = b
    if at < end:
        out.append((text[at:end], False))
    return out


def _paragraphs(text: str, sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text's lines as paragraphs: sentences, and the text between them."""
    out = []
    i = 0
    for line in re.finditer(r"[^\n]+", text):
        parts: list[dict[str, Any]] = []
        cited = []
        at = line.start()
        while i < len(sentences) and sentences[i]["start"] < line.end():
            s = sentences[i]
            if s["start"] > at:
                parts.append({"text": text[at : s["start"]], "sentence": None})
            parts.append({"text": "", "sentence": s})
            if s["status"] == "cited":
                cited.append(s)
            at = s["end"]
            i += 1
        if at < line.end():
            parts.append({"text": text[at : line.end()], "sentence": None})
        if any(p["sentence"] or p["text"].strip() for p in parts):
            out.append({"parts": parts, "cited": cited})
    return out


# -- network views ------------------------------------------------------------------------------------------


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
    if len(ctx.view_pages) >= 64:
        ctx.view_pages.clear()
    ctx.view_pages[key] = html
    return html


# -- the dataset ------------------------------------------------------------------------------------------------


def _description(ctx: Context, request: Request) -> list[Any]:
    from tipkg.build.rdfio import to_ox
    from tipkg.service.dataset import Site, describe

    root = str(request.base_url)
    site = Site(root=root, endpoint=root + "sparql")
    import pyoxigraph as ox

    triples = describe(ctx.kg, ctx.manifest, site, ctx.settings["licence"], ctx.built)
    return sorted({ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples}, key=str)


def dataset(request: Request) -> Response:
    """The VoID + DCAT description: Turtle (or another RDF format by ``Accept``), HTML for a browser."""
    return _dataset_answer(request, (*GRAPHS, HTML))


def void(request: Request) -> Response:
    """The VoID + DCAT description at its well-known address: always RDF."""
    return _dataset_answer(request, GRAPHS)


def _dataset_answer(request: Request, offers: tuple[Format, ...]) -> Response:
    from tipkg.service.jobs import serialize_triples

    ctx = context(request)
    fmt = choose(request.headers.get("accept"), request.query_params.get("format"), offers)
    if fmt is None and HTML not in offers and not request.query_params.get("format"):
        fmt = GRAPHS[0]  # /.well-known/void answers in Turtle whatever the client accepts
    vary = {"Vary": "Accept"}
    if fmt is None:
        return Response("acceptable: " + ", ".join(f.media_types[0] for f in offers) + "\n", 406, headers=vary)
    triples = _description(ctx, request)
    if fmt is HTML:
        turtle = serialize_triples(triples, "turtle").decode("utf-8")
        return page(request, "dataset.html", title="Dataset", headers=vary, turtle=turtle, triples=len(triples))
    return Response(serialize_triples(triples, fmt.name), media_type=fmt.content_type, headers=vary)


def download(request: Request) -> Response:
    from tipkg.service.dataset import DOWNLOADS

    ctx = context(request)
    name = request.path_params["file"]
    path = ctx.build_dir / name
    if name not in DOWNLOADS or not path.is_file():
        return error_page(request, 404, f"no download {name!r}")
    return FileResponse(path, media_type=DOWNLOADS[name], filename=name)


def stylesheet(request: Request) -> Response:
    css = resources.files("tipkg.service").joinpath("static", "site.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


# -- the SPARQL editor (used by tipkg.service.protocol) -------------------------------------------------------


def sparql_page(request: Request, query: str, result: Result | None = None, error: str | None = None, status: int = 200) -> Response:
    ctx = context(request)
    examples = [q for q in ctx.kg.queries.values() if not q.params]
    return page(
        request,
        "sparql.html",
        title="SPARQL",
        status=status,
        headers={"Vary": "Accept"} | ({TRUNCATED: str(ctx.settings["row_cap"])} if result is not None and result.truncated else {}),
        query=query,
        table=table(ctx, result) if result is not None else None,
        error=error,
        settings=ctx.settings,
        examples=examples,
    )
