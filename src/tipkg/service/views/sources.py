"""A source's page, ``/sources/ID``: its full text as paragraphs of sentences, each cited sentence
marked (its quoted words too) and followed by the facts it supports; and how much of the source
the facts cite (:mod:`tipkg.curation.coverage`), which the home and sources pages show too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS
from starlette.requests import Request
from starlette.responses import Response

from tipkg.service.context import Context
from tipkg.service.views.cells import Cell, cell
from tipkg.service.views.plumbing import context, error_page, lang_of, page
from tipkg.service.views.segments import merge, paragraphs, segments

# what each quote of a source supports: the statements citing it (a type statement introduces an entity)
Q_SOURCE_FACTS = """SELECT $doc ?ev ?start ?end ?s ?p ?o WHERE {
  ?ev a tipkg:Evidence ; oa:hasSource $doc ; oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end .
  OPTIONAL { ?st prov:wasDerivedFrom ?ev ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(?p != rdfs:label) }
}"""


@dataclass
class Fact:
    subject: Cell
    property: Cell | None = None
    value: Cell | None = None
    introduces: bool = False


def sentences(ctx: Context, source_id: str) -> list[Any]:
    """The source's sentences, each classified as cited, missing, a heading or stating no fact."""
    from tipkg.curation.coverage import classify

    source = ctx.sources.get(source_id)
    if source is None:
        return []
    spans = [(q.start, q.end) for q in ctx.quotes if q.source == source_id]
    return classify(source, spans)


def coverage(ctx: Context, source_id: str) -> float | None:
    """The percentage of the source's fact-stating sentences that a fact cites (``None``: no text)."""
    from tipkg.curation.coverage import Coverage

    found = sentences(ctx, source_id)
    return Coverage(source_id, found).percent if found else None


def source_page(request: Request) -> Response:
    ctx = context(request)
    lang = lang_of(request)
    sid = request.path_params["source"]
    doc = next((s for s in ctx.source_docs if s["id"] == sid), None)
    if doc is None or sid not in ctx.sources:
        return error_page(request, 404, f"no source {sid!r}")
    from tipkg.service.views.comparisons import others_of  # not at the top: that module uses coverage from here

    values = ctx.memo(("source", sid, lang), lambda: _source_values(ctx, sid, doc, lang))
    return page(request, "source.html", title=doc["title"], others=others_of(ctx, sid, lang), **values)


def _source_values(ctx: Context, sid: str, doc: dict[str, str], lang: str) -> dict[str, Any]:
    """A source's text as paragraphs of sentences, the cited ones with their quoted words and facts."""
    from tipkg.curation.coverage import CITED, HEADING, MISSING, NOT_A_FACT, Coverage

    source = ctx.sources[sid]
    found_sentences = sentences(ctx, sid)
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
    marks = merge(covered)
    css = {CITED: "cited", MISSING: "missing", HEADING: "heading", NOT_A_FACT: "not-a-fact"}
    from tipkg.messages import text

    keys = {MISSING: "site.source.missing", HEADING: "site.source.heading", NOT_A_FACT: "site.source.not_a_fact"}
    titles = {status: text(key, lang) for status, key in keys.items()}
    shown = []
    for s in found_sentences:
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
                "segments": segments(source.text, s.start, s.end, marks),
            }
        )
    report = Coverage(sid, found_sentences)
    return {
        "source_title": doc["title"],
        "doc_href": ctx.entity_path(doc["iri"]) or doc["iri"],
        "language": source.language,
        "paragraphs": paragraphs(source.text, shown),
        "counts": {
            key: report.count(status)
            for key, status in (("cited", CITED), ("missing", MISSING), ("heading", HEADING), ("not_a_fact", NOT_A_FACT))
        },
        "percent": report.percent,
    }
