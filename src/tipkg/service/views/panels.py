"""The views of an answer above its table (table, graph, bar chart, timeline, map), chosen by
``?view=``, else by the query's ``#defaultView:`` comment (:mod:`tipkg.sparql.defaultview`), else
by a saved query's ``view``; each view the answer cannot fill says why in one line.

Switching is by links, so it works with JavaScript off and under the pages' script-less policy. The
table is always under the chosen view: it holds each row's source and quotes. The map view draws
the maps of :mod:`tipkg.service.placemaps` in an element ``data-view="map"`` carrying the answer's places.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from rdflib import URIRef
from starlette.requests import Request

from tipkg.service import charts
from tipkg.service.context import Context
from tipkg.service.views.plumbing import words
from tipkg.sparql.defaultview import WDQS_VIEWS, default_view
from tipkg.sparql.results import Result

ORDER = ("table", "graph", "bar", "timeline", "map")
REASONS = {  # why a view cannot draw an answer
    "bar": "site.view.no_numbers",
    "timeline": "site.view.no_dates",
    "graph": "site.view.no_links",
    "map": "site.view.no_places",
}
NAMES = "Table, Graph, BarChart, Timeline, Map"  # as #defaultView: writes them
PLACE_PATH = "/id/place/"  # the site path of the graph's places (countries, states, cities)


def choose(
    request: Request,
    ctx: Context,
    result: Result,
    text: str,
    fallback: str,
    params: set[str],
    graph_href: str | None,
    keep: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The tabs and the chosen view's panel, for the ``views`` macro.

    ``text``: the query as written (for its ``#defaultView:``); ``fallback``: the view without one;
    ``params``: columns that are parameters, not data; ``graph_href``: the network page of this answer;
    ``keep``: parameters the tabs' links carry besides the URL's (a POSTed query).
    """
    written = default_view(text)
    asked = request.query_params.get("view", "")
    wanted = WDQS_VIEWS.get(asked.lower(), asked) if asked else (written.view if written and written.view else fallback)
    panel: dict[str, Any] = {"view": wanted if wanted in ORDER else "table", "reason": None}
    if written is not None and written.view is None and not asked:
        panel["reason"] = words(request, "site.view.unknown", name=written.written, views=NAMES)
    elif wanted not in ORDER:
        panel["reason"] = words(request, "site.view.unknown", name=wanted, views=NAMES)
    able = {
        "table": True,
        "bar": charts.can_chart(result, params),
        "timeline": charts.has_dates(result, params),
        "graph": graph_href is not None and _links(result),
        "map": bool(_places(ctx, result)),
    }
    if not able[panel["view"]]:
        panel["reason"] = words(request, REASONS[panel["view"]])
    elif panel["view"] != "table":
        qualifiers = {kind: words(request, message) for kind, message in charts.QUALIFIER_MESSAGES.items()}
        panel["drawn"] = _draw(panel["view"], ctx, result, params, graph_href, qualifiers)
        if panel["view"] == "map":
            from tipkg.service.placemaps import query_maps

            panel["maps"] = query_maps(ctx, result, params, lambda key, **fields: words(request, key, **fields))
    tabs = []
    for view in ORDER:
        why = None if able[view] else words(request, REASONS[view])
        href = None if why or view == panel["view"] else _href(request, view, keep or {})
        label = words(request, f"site.view.{view}")
        tabs.append({"view": view, "label": label, "href": href, "why": why, "current": view == panel["view"]})
    return {"tabs": tabs, "panel": panel}


def _href(request: Request, view: str, keep: dict[str, str]) -> str:
    """This page, its page of rows and parameters kept, in ``view``."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "view" and k not in keep]
    return request.url.path + "?" + urlencode([*params, *keep.items(), ("view", view)])


def _draw(view: str, ctx: Context, result: Result, params: set[str], graph_href: str | None, qualifiers: dict[str, str]) -> Any:
    """What the panel of ``view`` shows: SVG charts (``qualifiers``: "more than " and "about " in the
    page's language), a timeline's SVG, the graph page, the places."""
    if view == "bar":
        return charts.bar_charts(result, params, qualifiers)
    if view == "timeline":
        return charts.timeline(result, params)
    return graph_href if view == "graph" else _places(ctx, result)


def _links(result: Result) -> bool:
    """Whether a row links an IRI to another: an edge the graph view draws."""
    return any(sum(isinstance(term, URIRef) for term in row) >= 2 for row in result.rows)


def _places(ctx: Context, result: Result) -> list[dict[str, str]]:
    """The answer's places (IRI, label, path), once each, in the order of the rows."""
    found: dict[str, dict[str, str]] = {}
    for row in result.rows:
        for term in row:
            path = ctx.entity_path(str(term)) if isinstance(term, URIRef) else None
            if path and path.startswith(PLACE_PATH) and str(term) not in found:
                found[str(term)] = {"iri": str(term), "label": result.label(term), "href": path}
    return list(found.values())
