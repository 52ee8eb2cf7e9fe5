"""A class's members, browsed by facets: ``/classes/{Class}`` (the local name of a tipkg class, as
the home page's counts link to it), filtered by ``?source=…&area=…&theme=…&year=…&action=…``
(repeated parameters combine with AND) and paged by ``?page=`` (``?size=``: members a page, at
most 1,000, as Datasette's ``_size``); :mod:`tipkg.sparql.facets` does the
work, this view only links each facet value to the page that adds or removes it."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tipkg.service.context import Context
from tipkg.service.views.pager import grouped
from tipkg.service.views.plumbing import context, error_page, lang_of, page, words

SHOWN_VALUES = 50  # a facet lists its most frequent values first, at most this many


async def class_page(request: Request) -> Response:
    from tipkg.sparql import facets as fc
    from tipkg.sparql.saved import QueryError

    ctx = context(request)
    lang = lang_of(request)
    name = request.path_params["name"]
    if not await run_in_threadpool(fc.is_class, ctx.kg, name):
        return error_page(request, 404, words(request, "site.class.unknown", name=name[:100]))
    filters = fc.parse_filters(request.query_params.multi_items())
    number, size = (request.query_params.get(k, "") for k in ("page", "size"))
    per_page = int(size) if size.isdecimal() and len(size) < 6 else fc.PER_PAGE
    at = int(number) if number.isdecimal() and len(number) < 10 else 1
    try:
        unnamed = functools.partial(_made_label, ctx, lang)
        browsed = await run_in_threadpool(fc.browse, ctx.kg, name, filters, lang, at, per_page, unnamed, ctx.memo)
    except QueryError as exc:
        return error_page(request, 400, str(exc))

    def href(kept: list[Any], page_no: int = 1) -> str:
        """This class's page with the filters ``kept``, the language asked for, and page ``page_no``."""
        params = [(f.facet, f.key) for f in kept]
        params += [("lang", v) for v in request.query_params.getlist("lang")[:1]]
        params += [("size", str(browsed.per_page))] if browsed.per_page != fc.PER_PAGE else []
        params += [("page", str(page_no))] if page_no > 1 else []
        return request.url.path + ("?" + urlencode(params) if params else "")

    def value_text(facet: str, value: Any) -> str:
        if value.term is None:
            return words(request, "site.class.none")
        if facet == "source":
            return ctx.source_id(str(value.term))
        return browsed.labels.get(value.term) or value.key

    facets = []
    for facet, values in browsed.facets.items():
        shown = []
        for v in values[:SHOWN_VALUES]:
            f = fc.Filter(facet, v.key)
            chosen = f in filters
            link = href([x for x in filters if x != f] if chosen else sorted({*filters, f}))
            shown.append(
                {"key": v.key, "text": value_text(facet, v), "count": v.count, "href": link, "chosen": chosen, "title": str(v.term or "")}
            )
        facets.append(
            {"name": facet, "title": words(request, f"site.class.facet.{facet}"), "shown": shown, "more": len(values) - len(shown)}
        )
    chosen_values = {(f, v.key): value_text(f, v) for f, values in browsed.facets.items() for v in values}
    active = [
        {
            "facet": words(request, f"site.class.facet.{f.facet}"),
            "text": chosen_values.get((f.facet, f.key), f.key),
            "href": href([x for x in filters if x != f]),
        }
        for f in filters
    ]
    members = [
        {
            "label": m.label,
            "href": ctx.entity_path(m.iri) or "",
            "iri": m.iri,
            "sources": [(ctx.source_id(s), f"/sources/{ctx.source_id(s)}") for s in m.sources],
        }
        for m in browsed.members
    ]
    title = ctx.label(str(fc.class_iri(name)), lang)
    first = (browsed.page - 1) * browsed.per_page
    last = first + len(members)
    total = grouped(browsed.total, lang)
    rows = words(request, "site.class.shown", first=grouped(first + 1, lang), last=grouped(last, lang), total=total) if members else ""
    return page(
        request,
        "class.html",
        title=title,
        browsed=browsed,
        facets=facets,
        active=active,
        members=members,
        heading=words(request, "site.class.member_one" if browsed.total == 1 else "site.class.members", total=total),
        shown=rows,
        clear=href([]) if filters else None,
        previous=href(filters, browsed.page - 1) if browsed.page > 1 else None,
        next=href(filters, browsed.page + 1) if browsed.page < browsed.pages else None,
    )


def _made_label(ctx: Context, lang: str, iri: str) -> str:
    """The label the site shows for a member the store does not name (an observation: its figure)."""
    return ctx.label(iri, lang) if iri in ctx.network else ""
