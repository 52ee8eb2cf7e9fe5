"""The source pages that put reports side by side.

- ``/sources/``: every report: title, author, year, language, how much of it the facts cite, how
  many statements it makes, and with which other reports it agrees and differs
- ``/sources/A/compare/B``: two reports side by side (:func:`tipkg.compare.agreement.compare_sources`)

The page of one report (``/sources/ID``, its text with the cited sentences) lives in
:mod:`tipkg.service.views.sources`; it links here.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal
from starlette.requests import Request
from starlette.responses import Response

from tipkg.service.views.cells import cell, source_cell
from tipkg.service.views.plumbing import context, error_page, lang_of, page, words
from tipkg.service.views.sources import coverage
from tipkg.sparql.results import SEPARATOR, Result

Q_METADATA = """SELECT ?doc ?title ?creator ?creatorName ?publisher ?publisherName ?issued ?language ?url WHERE {
  ?doc a tipkg:SourceDocument .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:creator ?creator }
  OPTIONAL { ?doc tipkg:creatorName ?creatorName }
  OPTIONAL { ?doc dcterms:publisher ?publisher }
  OPTIONAL { ?doc tipkg:publisherName ?publisherName }
  OPTIONAL { ?doc dcterms:issued ?issued }
  OPTIONAL { ?doc dcterms:language ?language }
  OPTIONAL { ?doc tipkg:url ?url }
} ORDER BY ?doc"""


def _metadata(ctx: Any, lang: str) -> list[dict[str, Any]]:
    from tipkg.compare.agreement import source_overview, statements_by_source

    meta = ctx.kg.query(Q_METADATA, lang=lang)
    counts = statements_by_source(ctx.kg)
    overview = source_overview(ctx.kg)
    out: dict[str, dict[str, Any]] = {}
    for row in meta:
        doc = row["doc"]
        sid = ctx.source_id(str(doc))
        if sid in out:
            continue
        author = row["creator"] if row["creator"] is not None else row["creatorName"]
        publisher = row["publisher"] if row["publisher"] is not None else row["publisherName"]
        out[sid] = {
            "id": sid,
            "source": source_cell(ctx, meta, doc),
            "author": cell(ctx, meta, author),
            "publisher": cell(ctx, meta, publisher),
            "issued": str(row["issued"] or ""),
            "language": str(row["language"] or ""),
            "url": str(row["url"] or ""),
            "coverage": coverage(ctx, sid),
            "statements": counts.get(doc, 0),
            "others": [
                {
                    "other": source_cell(ctx, meta, pair.other),
                    "href": f"/sources/{sid}/compare/{ctx.source_id(str(pair.other))}",
                    "both": pair.both,
                    "refines": pair.refines,
                    "differs": pair.differs,
                }
                for pair in overview.get(doc, [])
            ],
        }
    return list(out.values())


def sources_index(request: Request) -> Response:
    ctx = context(request)
    lang = lang_of(request)
    sources = ctx.memo(("sources-index", lang), lambda: _metadata(ctx, lang))
    return page(request, "sources.html", title=words(request, "site.nav.sources"), sources=sources)


def others_of(ctx: Any, sid: str, lang: str) -> list[dict[str, Any]]:
    """The other reports a source shares or disputes statements with (for its own page)."""
    for entry in ctx.memo(("sources-index", lang), lambda: _metadata(ctx, lang)):
        if entry["id"] == sid:
            others: list[dict[str, Any]] = entry["others"]
            return others
    return []


def compare_page(request: Request) -> Response:
    from tipkg.compare.agreement import UnknownSource, compare_sources

    ctx = context(request)
    lang = lang_of(request)
    a, b = request.path_params["source"], request.path_params["other"]
    try:
        comparison = ctx.memo(("compare", a, b), lambda: compare_sources(ctx.kg, a, b))
    except UnknownSource as exc:
        return error_page(request, 404, str(exc))
    values = ctx.memo(("compare-page", a, b, lang), lambda: _compare_values(ctx, comparison, lang))
    return page(request, "compare.html", title=words(request, "site.compare.title", a=a, b=b), ida=a, idb=b, **values)


def _compare_values(ctx: Any, cmp: Any, lang: str) -> dict[str, Any]:
    """Cells for the comparison page: every IRI labelled, every quote linked to its sentence."""
    facts = [x for pair in cmp.both for x in pair] + cmp.only_a + cmp.only_b + [x for d in cmp.refines + cmp.differs for x in (d.a, d.b)]
    terms = [cmp.a, cmp.b, *(d.subject for d in cmp.refines + cmp.differs)]
    terms += [t for x in facts for t in (x.s, x.p, x.o)]
    result = Result(["x"], [(t,) for t in terms])
    ctx.kg.add_labels(result, lang)

    def fact(x: Any) -> dict[str, Any]:
        return {
            "s": cell(ctx, result, x.s),
            "p": cell(ctx, result, x.p),
            "o": cell(ctx, result, x.o),
            "quotes": cell(ctx, result, Literal(SEPARATOR.join(x.quotes)), "evidence"),
        }

    def difference(d: Any) -> dict[str, Any]:
        return {
            "subject": cell(ctx, result, d.subject),
            "property": cell(ctx, result, d.prop),
            "a": fact(d.a),
            "b": fact(d.b),
            "finer": d.finer,
        }

    return {
        "a": source_cell(ctx, result, cmp.a),
        "b": source_cell(ctx, result, cmp.b),
        "total_a": cmp.total_a,
        "total_b": cmp.total_b,
        "common": cmp.subjects_in_common,
        "both": [(fact(x), fact(y)) for x, y in cmp.both],
        "differs": [difference(d) for d in cmp.differs],
        "refines": [difference(d) for d in cmp.refines],
        "only_a": [fact(x) for x in cmp.only_a],
        "only_b": [fact(x) for x in cmp.only_b],
    }
