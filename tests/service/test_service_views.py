"""The views of an answer (TestClient against the real app): the one ``#defaultView:`` or the saved
query's header opens, ``?view=`` switching, the map's placeholder with the answer's places, and one
line saying why a view cannot draw an answer."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from rdflib import URIRef

from tipkg.kg import KnowledgeGraph

COUNTS = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"
_TAB = re.compile(r'<(a|strong|span)(?: href="([^"]*)")?(?: class="muted")? data-tab="([a-z]+)"(?: title="([^"]*)")?')
_PANEL = re.compile(r'<section class="view-panel" data-panel="([a-z]+)">(.*?)</section>', re.S)
_REASON = re.compile(r"<p class=\"muted\" data-reason>([^<]*)</p>")


def tabs(html: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Each view's tab: (a: a link, strong: the current one, span: cannot draw), its link, its reason."""
    return {view: (tag, unescape(href) or None, unescape(why) or None) for tag, href, view, why in _TAB.findall(html)}


def panel(html: str) -> tuple[str, str]:
    found = _PANEL.findall(html)
    assert len(found) == 1, found
    return found[0]


def adhoc(client: Any, text: str, **params: str) -> str:
    r = client.get("/sparql", params={"query": text, **params})
    assert r.status_code == 200, r.text[:300]
    return str(r.text)


@pytest.mark.parametrize(
    ("query", "comment", "view", "drawn"),
    [
        ("counts", "BarChart", "bar", '<figure><svg xmlns="http://www.w3.org/2000/svg" class="chart"'),
        ("timeline", "Timeline", "timeline", "<figure><svg"),
        ("ngo_consulate_partners", "Graph", "graph", '<iframe class="view" src="/sparql/graph?query='),
        ("places", "Map", "map", '<div class="map" data-view="map" data-places="'),
        ("places", "Table", "table", ""),
    ],
)
def test_an_adhoc_query_opens_on_its_default_view(client: Any, kg: KnowledgeGraph, query: str, comment: str, view: str, drawn: str) -> None:
    text = COUNTS if query == "counts" else kg.queries[query].text
    html = adhoc(client, f"#defaultView:{comment}\n{text}")
    shown, content = panel(html)
    assert shown == view and tabs(html)[view][0] == "strong" and (drawn in content if drawn else not content.strip())
    assert "<table" in html.split('data-panel="', 1)[1]  # the table, with its sources, stays under the view
    for other, (tag, href, _why) in tabs(html).items():
        if tag == "a":
            assert href is not None and f"view={other}" in href
            assert panel(client.get(href).text)[0] == other


def test_the_graph_view_of_an_adhoc_answer_is_its_network_page(client: Any, kg: KnowledgeGraph) -> None:
    html = adhoc(client, "#defaultView:Graph\n" + kg.queries["ngo_consulate_partners"].text, lang="es")
    src = unescape(re.search(r'<iframe class="view" src="([^"]*)"', html).group(1))  # type: ignore[union-attr]
    page = client.get(src)
    assert page.status_code == 200 and "data-ready" in page.text and "lang=es" in src
    assert page.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert client.get("/sparql/graph").status_code == 400
    assert client.get("/sparql/graph", params={"query": "SELECT ?x WHERE {"}).status_code == 400


def test_the_map_placeholder_holds_the_places_of_the_answer(client: Any, kg: KnowledgeGraph) -> None:
    html = client.get("/queries/places").text  # the header says: view: map
    content = panel(html)[1]
    places = json.loads(unescape(re.search(r'data-places="([^"]*)"', content).group(1)))  # type: ignore[union-attr]
    expected = {str(row[0]) for row in kg.query("places").rows}
    assert {p["iri"] for p in places} == expected and all(p["href"].startswith("/id/place/") for p in places)


@pytest.mark.parametrize(
    ("comment", "view", "lang", "reason"),
    [
        ("Timeline", "timeline", "en", "No timeline: the answer has no dates."),
        ("Graph", "graph", "en", "No graph: no row links one IRI to another."),
        ("Map", "map", "es", "Sin mapa: la respuesta no nombra ningún lugar del grafo."),
        ("ImageGrid", "table", "en", "No view “ImageGrid” here: the views are Table, Graph, BarChart, Timeline, Map; the table is shown."),
    ],
)
def test_a_view_that_cannot_draw_the_answer_says_why(client: Any, comment: str, view: str, lang: str, reason: str) -> None:
    html = adhoc(client, f"#defaultView:{comment}\n{COUNTS}", lang=lang)
    assert panel(html)[0] == view and _REASON.findall(html) == [reason]
    if view != "table":
        assert tabs(html)[view] == ("strong", None, None)
        assert adhoc(client, COUNTS, lang=lang).count(f'title="{reason}"') == 1  # the tab, when not chosen


def test_a_saved_query_switches_views_and_keeps_its_parameters(client: Any, kg: KnowledgeGraph) -> None:
    html = client.get("/queries/figures_at_least", params={"minimum": "1000", "page": "1"}).text
    assert kg.queries["figures_at_least"].view == "bar" and panel(html)[0] == "bar"
    table_href = tabs(html)["table"][1]
    assert table_href is not None and "minimum=1000" in table_href and "page=1" in table_href
    assert panel(client.get(table_href).text) == ("table", "\n")
    rows = kg.query("figures_at_least", minimum="1000").rows
    links = any(sum(isinstance(t, URIRef) for t in row) >= 2 for row in rows)
    assert tabs(html)["map"][0] == "span" and tabs(html)["graph"][0] == ("a" if links else "span")


def test_the_tabs_offer_a_chart_or_timeline_exactly_when_one_is_drawn(kg: KnowledgeGraph) -> None:
    from tipkg.service import charts

    checked = 0
    for saved in kg.queries.values():
        if saved.params:
            continue
        result = kg.query(saved.name)
        names: set[str] = set()
        assert charts.can_chart(result, names) == bool(charts.bar_charts(result, names)), saved.name
        assert charts.has_dates(result, names) == (charts.timeline(result, names) is not None), saved.name
        checked += 1
    assert checked > 20
