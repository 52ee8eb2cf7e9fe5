"""The service in-process (Starlette's TestClient): pages, Linked Data, content negotiation, the
dataset description, truncation, and labels that try to inject HTML."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from service_support import client_for

from tipkg.kg import KnowledgeGraph
from tipkg.service.settings import resolve

BASE = "https://w3id.org/tipkg/id/"
FEVIMTRA = "Special Prosecution Unit for the Crimes of Violence against Women and Trafficking in Persons"


@pytest.fixture(scope="module")
def capped(built_real: Path) -> Iterator[Any]:
    yield from client_for(built_real, row_cap=5)


@pytest.fixture(scope="module")
def hostile(built_network: Path) -> Iterator[Any]:
    yield from client_for(built_network)


class Loads(HTMLParser):
    """What a page loads (src of any element, href of <link>) and where its anchors go."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.anchors: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if a.get("src"):
            self.loads.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"] or "")
        if tag == "a" and a.get("href"):
            self.anchors.append(a["href"] or "")


def parsed(html: str) -> Loads:
    p = Loads()
    p.feed(html)
    return p


# -- pages ----------------------------------------------------------------------------------------

PAGES = [
    "/",
    "/?q=fevimtra",
    "/queries",
    "/queries?tag=funding",
    "/queries/ngo_consulate_partners",
    "/queries/entity_facts?entity=agency/pgr",
    "/queries/figures_at_least?minimum=1000",
    "/queries/timeline",
    "/queries/campaigns",
    "/queries/victims_by_nationality",
    "/queries/places",
    "/id/agency/fevimtra",
    "/id/source/mx-2011",
    "/id/place/mexico",
    "/sources/mx-2011",
    "/sparql",
    "/sparql?query=SELECT+%3Fs+WHERE+%7B+%3Fs+a+tipkg%3AAgency+%7D",
    "/dataset",
]


EDITOR_SCRIPTS = 2  # /sparql runs its editor alone: an import map and /static/editor.js (tests/service/test_editor.py)


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_nothing_from_the_network_and_runs_no_script(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    page = parsed(r.text)
    assert page.scripts == (EDITOR_SCRIPTS if path.startswith("/sparql") else 0)
    assert not [u for u in page.loads if re.match(r"(?i)^\s*(https?:)?//", u)], page.loads
    external = [u for u in page.anchors if re.match(r"(?i)^\s*(https?:)?//", u)]
    licence = resolve({})["licence"]  # the dataset page links its licence
    assert all(u.startswith("http://www.wikidata.org/entity/") or u == licence for u in external), external
    assert "default-src 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/views/graph.html", "/views/funding.html", "/views/entity-agency-fevimtra.html"])
def test_network_views_are_self_contained(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert not [u for u in parsed(r.text).loads if re.match(r"(?i)^\s*(https?:)?//", u)]
    assert "Content-Security-Policy" in r.text  # the page's own script policy


def test_home_counts_sources_and_build_time(client: Any, built_real: Path) -> None:
    html = client.get("/").text
    manifest = json.loads((built_real / "build" / "manifest.json").read_text())
    assert f"{manifest['triples']:,}" in html and f"{manifest['statements']:,}" in html
    assert 'href="/sources/mx-2011"' in html
    assert "government unit" in html and "<svg" in html
    from datetime import UTC, datetime

    built = datetime.fromtimestamp((built_real / "build" / "manifest.json").stat().st_mtime, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert built in html


@pytest.mark.parametrize(
    ("text", "href"), [("fevimtra", "/id/agency/fevimtra"), ("FEVIMTRA", "/id/agency/fevimtra"), ("nuevo leon", "/id/place/")]
)
def test_search_links_to_entity_pages(client: Any, text: str, href: str) -> None:
    html = client.get("/", params={"q": text}).text
    found = html.split('id="search-results"', 1)[1]
    assert f'href="{href}' in found


def test_search_is_accent_insensitive(hostile: Any) -> None:
    found = hostile.get("/", params={"q": "pena"}).text.split('id="search-results"', 1)[1]
    assert 'href="/id/place/ciudad-pena"' in found and "Ciudad Peña" in found


def test_saved_query_form_has_the_parameters_with_defaults_and_examples(client: Any) -> None:
    html = client.get("/queries/figures_at_least").text
    assert 'name="minimum" value="100" placeholder="1000"' in html
    assert 'href="/queries/figures_at_least.json?lang=en"' in html


def test_saved_query_table_has_labels_and_linked_evidence(client: Any) -> None:
    html = client.get("/queries/entity_facts", params={"entity": "agency/fevimtra"}).text
    assert FEVIMTRA in html
    assert 'href="/id/agency/fevimtra"' in html
    assert re.search(r'<q>in January 2008 Mexico created[^<]*</q> <a href="/sources/mx-2011#s-\d+"', html)


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "No rows: none of the graph's sources (mx-2011) states any assessment;"),
        ("es", "Sin filas: ninguna fuente del grafo (mx-2011) contiene datos de este tipo (evaluación);"),
    ],
)
def test_an_empty_answer_says_what_the_graph_lacks(client: Any, lang: str, says: str) -> None:
    """The shipped graph is one self-report: no assessment rates it. The page says so, and which
    sources the graph holds, instead of showing an empty table alone."""
    html = client.get("/queries/ratings_over_time", params={"lang": lang}).text
    assert says in unescape(html)
    assert 'class="notice" role="status"' in html


def test_an_answer_with_rows_has_no_such_note(client: Any) -> None:
    html = client.get("/queries/law_enforcement_figures").text
    assert "No rows" not in html and "48" in html


@pytest.mark.parametrize("view", ["graph", "bar", "timeline"])
def test_saved_query_views(client: Any, kg: KnowledgeGraph, view: str) -> None:
    name = next(q.name for q in kg.queries.values() if q.view == view and not q.params)
    html = client.get(f"/queries/{name}").text
    if view == "graph":
        assert f'<iframe class="view" src="/queries/{name}/graph?lang=en"' in html
        assert client.get(f"/queries/{name}/graph").status_code == 200
    else:
        assert "<svg" in html and "<script" not in html


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_saved_query_as_data_matches_the_library(client: Any, kg: KnowledgeGraph, fmt: str) -> None:
    r = client.get(f"/queries/figures_at_least.{fmt}", params={"minimum": "1000", "lang": "es"})
    assert r.status_code == 200
    expected = kg.query("figures_at_least", lang="es", minimum="1000")
    if fmt == "json":
        assert r.text == expected.render("json") and r.json()[0]["value"] == 60000  # stat/people-trained, a number
    else:
        rows = list(csv.reader(io.StringIO(r.text), delimiter="," if fmt == "csv" else "\t"))
        assert rows[0] == expected.columns() and len(rows) == len(expected) + 1


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/queries/entity_facts.json?entity=http://ex/a>%20?p%20?o%20}%20%23", 400),
        ("/queries/figures_at_least.json?minimum=lots", 400),
        ("/queries/no_such_query", 404),
        ("/id/agency/no-such-agency", 404),
        ("/sources/no-such-source", 404),
        ("/views/no-such-view.html", 404),
        ("/downloads/manifest.json", 404),
        ("/nowhere", 404),
    ],
)
def test_errors(client: Any, path: str, status: int) -> None:
    assert client.get(path).status_code == status


# -- entities as Linked Data ------------------------------------------------------------------------


def test_entity_page(client: Any) -> None:
    html = client.get("/id/agency/fevimtra").text
    assert f"<h1>{FEVIMTRA}</h1>" in html
    assert "FEVIMTRA" in html and "Office of the Prosecutor General" in html
    assert 'href="/id/agency/pgr"' in html  # a related entity
    assert re.search(r'<q>[^<]+</q> <a href="/sources/mx-2011#s-\d+"', html)  # evidence linked to its source
    assert '<iframe class="view" src="/views/entity-agency-fevimtra.html?lang=en"' in html


def test_entity_page_in_spanish(client: Any) -> None:
    html = client.get("/id/program/pcs", params={"lang": "es"}).text
    assert '<html lang="es">' in html and "<h1>Programa de Coinversión Social</h1>" in html
    assert '<dd lang="en">' in html  # its names in the other language too


@pytest.mark.parametrize(
    ("lang", "name", "kind"),
    [
        ("en", "FEVIMTRA: 48 investigations, 2010", "label made by the build"),
        ("es", "FEVIMTRA: 48 averiguaciones previas, 2010", "etiqueta generada"),
    ],
)
def test_an_observation_page_shows_the_label_the_build_made_and_says_so(client: Any, lang: str, name: str, kind: str) -> None:
    """stat/fevimtra-investigations-2010 (graph_data/mx-2011/statistics.yaml) has no name of its own."""
    html = client.get("/id/stat/fevimtra-investigations-2010", params={"lang": lang}).text
    assert f"<h1>{name}</h1>" in html and f"<dt>{kind}" in html
    assert "made by the build" not in client.get("/id/agency/fevimtra").text  # curated names are a source's


def test_entity_links_to_wikidata(client: Any, kg: KnowledgeGraph) -> None:
    iri, qid = next((str(s), str(o)) for s, o in kg.query("SELECT ?s ?o WHERE { ?s owl:sameAs ?o }").rows)
    html = client.get("/id/" + iri[len(BASE) :]).text
    assert f'href="{qid}"' in html


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("text/turtle", "turtle", "text/turtle"),
        ("application/n-triples", "nt", "application/n-triples"),
        ("application/ld+json", "json-ld", "application/ld+json"),
        ("application/rdf+xml", "xml", "application/rdf+xml"),
    ],
)
def test_entity_as_rdf_by_accept(client: Any, accept: str, fmt: str, media: str) -> None:
    r = client.get("/id/agency/fevimtra", headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert "Accept" in r.headers["vary"]
    g = Graph().parse(data=r.content, format=fmt)
    fevimtra = URIRef(BASE + "agency/fevimtra")
    assert (fevimtra, URIRef("https://w3id.org/tipkg/ontology#unitOf"), URIRef(BASE + "agency/pgr")) in g
    quotes = {str(o) for o in g.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))}
    assert any(q.startswith("in January 2008 Mexico created") for q in quotes)  # with its evidence


def test_a_cut_list_of_statements_says_so(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tipkg.service.views import entities

    assert "Truncated" not in client.get("/id/agency/fevimtra").text
    monkeypatch.setattr(entities, "STATEMENTS_SHOWN", 5)
    html = client.get("/id/agency/fevimtra").text
    assert "Truncated: only the first 5 statements each way are listed" in html
    assert html.split("<summary>", 1)[1].startswith("Statements with this resource as subject: 5")


def test_entity_html_varies_by_accept(client: Any) -> None:
    r = client.get("/id/agency/fevimtra")
    assert r.headers["content-type"].startswith("text/html") and "Accept" in r.headers["vary"]
    assert client.get("/id/agency/fevimtra", headers={"accept": "image/png"}).status_code == 406


# -- sources ---------------------------------------------------------------------------------------------


def test_source_page_marks_cited_sentences_and_links_their_facts(client: Any) -> None:
    html = client.get("/sources/mx-2011").text
    cited = re.findall(r'<a class="sentence cited" id="s-(\d+)" href="#facts-(\d+)"', html)
    assert cited and all(a == b for a, b in cited)
    assert all(f'<li id="facts-{a}">' in html for a, _b in cited)
    assert "<mark>in January 2008 Mexico created the Special Prosecution Unit" in html
    assert 'href="/id/agency/fevimtra"' in html
    assert 'class="sentence missing"' in html or "not cited (0)" in html


def test_source_page_shows_the_whole_text(client: Any, built_real: Path) -> None:
    from html import unescape

    from tipkg.curation.sources import load_sources

    source = load_sources(built_real / "graph_data" / "sources", built_real)["mx-2011"]
    text = re.sub(r"<[^>]+>", "", client.get("/sources/mx-2011").text.split('<article class="source-text"', 1)[1].split("</article>")[0])
    shown = " ".join(unescape(text).split())
    for line in source.text.splitlines():
        assert " ".join(line.split()) in shown


# -- the dataset ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/.well-known/void", "/dataset"])
def test_void_and_dcat(client: Any, built_real: Path, path: str) -> None:
    r = client.get(path, headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    ds = URIRef(BASE + "dataset")
    manifest = json.loads((built_real / "build" / "manifest.json").read_text())
    assert int(g.value(ds, ns.VOID.triples)) == manifest["triples"]  # type: ignore[arg-type]
    assert int(g.value(ds, ns.VOID.classes)) > 10  # type: ignore[arg-type]
    assert str(g.value(ds, ns.VOID.sparqlEndpoint)) == "http://testserver/sparql"
    assert (ds, URIRef("http://purl.org/dc/terms/source"), URIRef(BASE + "source/mx-2011")) in g
    assert g.value(ds, URIRef("http://purl.org/dc/terms/license")) is not None
    linkset = next(g.subjects(ns.RDF.type, ns.VOID.Linkset))
    assert g.value(linkset, ns.VOID.linkPredicate) == ns.OWL.sameAs and int(g.value(linkset, ns.VOID.triples)) > 0  # type: ignore[arg-type]
    assert (URIRef("http://testserver/sparql"), ns.RDF.type, ns.DCAT.DataService) in g
    for dist in g.objects(ds, ns.DCAT.distribution):
        url = g.value(dist, ns.DCAT.downloadURL)
        if url is not None:
            assert client.get(str(url).replace("http://testserver", "")).status_code == 200


def test_dataset_page_for_a_browser(client: Any) -> None:
    r = client.get("/dataset")
    assert r.headers["content-type"].startswith("text/html") and "void:Dataset" in r.text
    assert client.get("/id/dataset", headers={"accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


# -- truncation is said ----------------------------------------------------------------------------------


def test_row_cap_is_announced_in_header_and_page(capped: Any) -> None:
    r = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"accept": "application/sparql-results+json"})
    assert r.headers["x-tipkg-truncated"] == "5" and len(r.json()["results"]["bindings"]) == 5
    page = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert page.headers["x-tipkg-truncated"] == "5" and "Truncated" in page.text
    saved = capped.get("/queries/actors")
    assert saved.headers["x-tipkg-truncated"] == "5" and "Truncated" in saved.text
    assert capped.get("/queries/actors.csv").headers["x-tipkg-truncated"] == "5"
    small = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}, headers={"accept": "text/csv"})
    assert "x-tipkg-truncated" not in small.headers


# -- labels that try to inject HTML ------------------------------------------------------------------------

INJECTED = re.compile(r"<img src=x|<script>window|</script><script>")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=care",
        "/?q=%3Cimg%20src=x%20onerror=alert(1)%3E",
        "/id/agency/care",
        "/id/ngo/nandu",
        "/id/agency/foreign-aid",
        "/sources/demo",
        "/queries/actors",
        "/queries/search_entities?text=%3Cscript%3E",
        "/sparql?query=SELECT+%3Fx+%3Fl+WHERE+%7B+%3Fx+skos%3AprefLabel+%3Fl+%7D",
        "/sparql?query=SELECT+%3Cimg+src%3Dx%3E",
    ],
)
def test_labels_that_look_like_html_are_text(hostile: Any, path: str) -> None:
    r = hostile.get(path)
    assert r.status_code in (200, 400)
    assert not INJECTED.search(r.text), INJECTED.search(r.text)
    assert parsed(r.text).scripts == (EDITOR_SCRIPTS if path.startswith("/sparql") else 0)


def test_an_injected_label_shows_escaped(hostile: Any) -> None:
    html = hostile.get("/id/agency/care").text
    assert "Ministry of Care &lt;img src=x onerror=alert(1)&gt;" in html


def test_a_timeline_draws_a_period_as_one_span(kg: KnowledgeGraph) -> None:
    """The report gives two periods, each a start and an end row of ``timeline``: "July and August
    2010 saw the implementation of the “Federal Campaign ...”" and the National Program's annex
    "2010-2012". Each is one bar; every other date one dot."""
    from tipkg.service.charts import timeline

    result = kg.query("timeline")
    events = [str(row["event"]).rsplit("#", 1)[-1] for row in result.to_dicts()]
    assert events.count("startDate") == 3 and events.count("endDate") == 2  # the Blue Heart Campaign has no end
    svg = timeline(result)
    assert svg is not None
    assert svg.count("<rect") == 2 and svg.count("<circle") == len(result.rows) - 4
    assert ": 2010-07–2010-08</title>" in svg and ": 2010–2012</title>" in svg


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-GB,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,es;q=0.5", "es"),  # the first the site speaks
        ("es;q=0.2, en;q=0.7", "en"),  # by quality, not order
        ("es;q=0, en;q=0.1", "en"),  # q=0: not acceptable
        ("fr, de;q=0.5", None),
        ("es;q=abc, en", "en"),  # a broken quality: that range is skipped
        ("", None),
    ],
)
def test_accept_language_picks_the_language(header: str, expected: str | None) -> None:
    from tipkg.service.views.plumbing import accepted_language

    assert accepted_language(header, ("en", "es")) == expected


def test_a_page_speaks_the_language_the_browser_asks_for(client: Any) -> None:
    from tipkg.messages import text

    spanish = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert f">{text('site.nav.queries', 'es')}<" in spanish.text and '<html lang="es">' in spanish.text
    assert "Accept-Language" in spanish.headers["vary"]
    english = client.get("/?lang=en", headers={"Accept-Language": "es"})  # the link's language wins
    assert '<html lang="en">' in english.text and "Accept-Language" not in english.headers.get("vary", "")


def test_the_facts_table_names_the_subject_only_where_it_is_not_the_page(client: Any) -> None:
    """The page's entity is in every fact: a cell reads "this entity", not its name (the heading); the
    subject column shows only where some fact is another's (an amount's, or one of which the entity is
    the value)."""
    from tipkg.messages import text

    def facts(path: str) -> tuple[str, list[str]]:
        table = client.get(path).text.split('<table class="facts">')[1].split("</table>")[0]
        head, body = table.split("</thead>")
        return head, [row.split("<td><ul")[0] for row in body.split("<tr>")[1:]]  # the cells before the sources

    this = f"<td>{text('site.entity.this', 'en')}</td>"
    head, rows = facts("/id/campaign/federal-2010")  # only facts of its own
    assert 'scope="col">Subject<' not in head and rows
    assert all('href="/id/campaign/federal-2010"' not in r and this not in r for r in rows)
    head, rows = facts("/id/agency/fevimtra")  # also the value of others' facts ("provided by" FEVIMTRA)
    assert 'scope="col">Subject<' in head and all('href="/id/agency/fevimtra"' not in r for r in rows)
    assert any(r.startswith(this) for r in rows) and any(r.endswith(this) for r in rows)
    head, rows = facts("/id/allocation/pcs-2004-2009")  # and its amount's
    assert any('href="/id/allocation/pcs-2004-2009/amount"' in r.split("</td>")[0] for r in rows)


QUALIFIED = """SELECT ?c ?victims ?moreThan ?about WHERE {
  VALUES (?c ?victims ?moreThan ?about) {
    (<https://w3id.org/tipkg/id/place/guatemala> 123 true false)
    (<https://w3id.org/tipkg/id/place/honduras> 10 false true)
    (<https://w3id.org/tipkg/id/place/el-salvador> 7 false false)
  }
}"""


def test_a_figure_keeps_its_bound_in_charts_and_maps_whatever_its_column(kg: KnowledgeGraph, client: Any) -> None:
    """A figure flagged "more than" or "about" reads so on its bar and its map area, in the page's language;
    a column of lower bounds alone is charted as lower bounds ("lower_bounds")."""
    from tipkg.service.charts import bar_charts

    ((column, svg),) = bar_charts(kg.query(QUALIFIED), words={"moreThan": "más de ", "about": "alrededor de "})
    assert column == "victims"
    assert ": más de 123</title>" in svg and ": alrededor de 10</title>" in svg and ": 7</title>" in svg
    lows = bar_charts(kg.query("lower_bounds"))
    assert lows and all("more than " in title for _c, chart in lows for title in re.findall(r"<title>([^<]*)</title>", chart))
    html = {"Accept": "text/html"}
    page = client.get("/sparql", params={"query": "#defaultView:Map\n" + QUALIFIED, "lang": "es"}, headers=html).text
    titles = set(re.findall(r"<title>([^<]*)</title>", page))
    assert {"Guatemala: más de 123", "Honduras: alrededor de 10", "El Salvador: 7"} <= titles, titles


def test_a_measure_is_named_in_the_page_language(kg: KnowledgeGraph) -> None:
    """The build names each measure in every language of the site (its key properties' labels)."""
    rows = kg.query("SELECT ?m (LANG(?l) AS ?lang) WHERE { ?m a tipkg:Measure ; rdfs:label ?l }").rows
    measures = {m for m, _ in rows}
    assert measures and {(m, lang) for m, lang in rows} == {(m, lang) for m in measures for lang in (Literal("en"), Literal("es"))}
