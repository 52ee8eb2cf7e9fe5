"""An entity at its own IRI's path, ``/id/...``: its page (names, facts with their sources and quotes,
where the sources differ, statements each way), or its description as RDF by ``Accept`` (Linked Data)."""

from __future__ import annotations

import unicodedata
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from starlette.requests import Request
from starlette.responses import Response

from tipkg.namespaces import Graphs
from tipkg.service.context import Context
from tipkg.service.formats import GRAPHS, HTML, choose
from tipkg.service.views.cells import Cell, cell, source_cell
from tipkg.service.views.dataset import dataset
from tipkg.service.views.plumbing import context, error_page, lang_of, page, words
from tipkg.sparql.results import SEPARATOR, Result

NAME_PROPERTIES = {SKOS.prefLabel: "site.entity.name", SKOS.altLabel: "site.entity.also_called", RDFS.label: "site.entity.label"}
STATEMENTS_SHOWN = 500  # an entity page lists at most this many statements each way, and says so
# the page's own lookups, bounded, run in the server process (the saved query entity_facts too)
Q_NAMES = "SELECT $e ?p ?name ?g WHERE { VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } GRAPH ?g { $e ?p ?name } }"
Q_SAME_AS = "SELECT $e ?other WHERE { $e owl:sameAs ?other }"
Q_OUT = "SELECT DISTINCT $e ?p ?o WHERE { $e ?p ?o } ORDER BY ?p ?o LIMIT %d"
Q_IN = "SELECT DISTINCT ?s ?p $e WHERE { ?s ?p $e } ORDER BY ?p ?s LIMIT %d"
Q_EXISTS = "ASK { { $e ?p ?o } UNION { ?s ?p $e } }"
Q_TYPE = "SELECT $e ?class WHERE { $e a ?class . FILTER NOT EXISTS { $e a ?sub . ?sub rdfs:subClassOf ?class . FILTER(?sub != ?class) } }"
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


def entity(request: Request) -> Response:
    """An entity's page, or its description as RDF, chosen by ``Accept`` (or ``?format=``)."""
    from tipkg.engines.oxigraph import is_iri
    from tipkg.sparql.codepoints import shown

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
    from tipkg.engines.oxigraph import named_graphs

    return bool(ctx.kg.query(Q_EXISTS, e=URIRef(iri)).boolean) or iri in named_graphs(ctx.store)


def describe_rdf(ctx: Context, iri: str, fmt: str) -> bytes:
    """The entity's description (:data:`Q_DESCRIBE`), each triple once, in a stable order."""
    from tipkg.engines.oxigraph import query_store, serialize_triples

    answer = query_store(ctx.store, Q_DESCRIBE, {"e": URIRef(iri)})
    return serialize_triples(sorted(set(answer), key=str), fmt)


def entity_page(request: Request, ctx: Context, iri: str, headers: dict[str, str]) -> Response:
    from tipkg.network.describe import pick

    lang = lang_of(request)
    term = URIRef(iri)
    g = ctx.network
    names_result = ctx.kg.query(Q_NAMES, lang=lang, e=term)
    kinds = list(NAME_PROPERTIES)
    made = URIRef(Graphs(ctx.kg.base).labels)  # a label the build made, not a source's name: said so
    found = {
        (kinds.index(p), str(n), n.language or "", g == made)
        for _e, p, n, g in names_result.rows
        if isinstance(p, URIRef) and p in kinds and isinstance(n, Literal)
    }
    ordered = sorted(found, key=lambda x: (x[0], x[2] != lang, x[1]))
    names = [
        (words(request, "site.entity.made_label" if by_build else NAME_PROPERTIES[kinds[k]]), text, language)
        for k, text, language, by_build in ordered
    ]
    same = ctx.kg.query(Q_SAME_AS, lang=lang, e=term)
    # the saved query's text, not its id: the page shows anything the graph names (a named graph
    # too), where the saved query's entity parameter takes only entities
    facts_result = ctx.kg.query(ctx.kg.queries["entity_facts"].text, lang=lang, entity=term)
    # each fact once, with every source that states it and that source's quotes
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    this = Cell(words(request, "site.entity.this"))
    related: dict[str, Cell] = {}
    for row in facts_result:
        if row["property"] in (RDF.type, SKOS.prefLabel, SKOS.altLabel) and row["subject"] == term:
            continue
        key = (str(row["subject"]), str(row["property"]), str(row["value"]))
        # the page's entity is in every fact: its (long) name is the page's heading, not every row's
        cells = [this if row[c] == term else cell(ctx, facts_result, row[c]) for c in ("subject", "property", "value")]
        fact = grouped.setdefault(key, {"cells": cells, "sources": [], "own": row["subject"] == term})
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
        facts_of_others=not all(f["own"] for f in facts),  # a value's (an amount's), or another's of which it is the value
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
