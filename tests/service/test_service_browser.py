"""The site in a real browser (Debian's Chromium, driven by Playwright) against a running ``tipkg serve``.

Every request the pages make must go to the server itself; the pages must work with JavaScript
off (except the network views); labels that try to inject HTML must run nothing. The tests take
screenshots of the pages; with TIPKG_SCREENSHOTS=docs/img (``make screenshots``) they are kept there as
service-*.png for the docs. No browser is downloaded: the tests fail when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import Opened
from service_support import Server

import tipkg

ROOT = Path(__file__).resolve().parents[2]
FEVIMTRA = "Special Prosecution Unit for the Crimes of Violence against Women and Trafficking in Persons"


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Opened]]:
    contexts = []

    def open_(server: Server, path: str, javascript: bool = True) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith((server.url, "data:", "about:")):
                r.continue_()
            else:
                opened.outside.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.goto(server.url.rstrip("/") + path)
        return opened

    yield open_
    for c in contexts:
        c.close()


def shot(opened: Opened, name: str, full_page: bool = False) -> None:
    png = opened.page.screenshot(full_page=full_page)
    assert png.startswith(b"\x89PNG")
    if os.environ.get("TIPKG_SCREENSHOTS"):
        shots = ROOT / os.environ["TIPKG_SCREENSHOTS"]
        shots.mkdir(parents=True, exist_ok=True)
        (shots / f"service-{name}.png").write_bytes(png)


def test_home_and_search(open_page: Callable[..., Opened], server: Server) -> None:
    opened = open_page(server, "/")
    page = opened.page
    assert page.inner_text("h1") == "Government action against trafficking in persons"
    assert page.locator('a[href="/sources/mx-2011"]').count() == 1
    page.fill('input[name="q"]', "fevimtra")
    page.press('input[name="q"]', "Enter")
    page.wait_for_url(re.compile(r"\?q=fevimtra"))
    link = page.locator('#search-results a[href="/id/agency/fevimtra"]')
    assert link.inner_text() == FEVIMTRA
    shot(opened, "home")
    link.click()
    page.wait_for_url(re.compile(r"/id/agency/fevimtra$"))
    assert page.inner_text("h1") == FEVIMTRA
    assert opened.outside == [] and opened.dialogs == [] and opened.errors == []


def test_saved_query_with_a_parameter_through_its_form(open_page: Callable[..., Opened], server: Server, built_real: Path) -> None:
    opened = open_page(server, "/queries/figures_at_least")
    page = opened.page
    assert page.input_value("#p-minimum") == "100"
    page.fill("#p-minimum", "1000")
    page.click('form.params button[type="submit"]')
    page.wait_for_url(re.compile(r"minimum=1000"))
    expected = tipkg.open(built_real).query("figures_at_least", minimum="1000")
    assert page.locator("table.results tbody tr").count() == len(expected) > 0
    assert page.locator("figure svg.chart rect").count() >= len(expected)
    assert page.inner_text("p.formats").startswith("This result as:")
    shot(opened, "query", full_page=True)
    assert opened.outside == [] and opened.errors == []


def test_entity_page_with_evidence_and_neighbourhood(open_page: Callable[..., Opened], server: Server) -> None:
    opened = open_page(server, "/id/agency/fevimtra")
    page = opened.page
    assert page.inner_text("h1") == FEVIMTRA
    assert page.locator("table.facts tbody tr").count() > 3
    frame = page.frame_locator("iframe.view")
    frame.locator("body[data-ready]").wait_for(state="attached", timeout=60000)
    shot(opened, "entity")
    page.locator("table.facts a", has_text="source").first.click()
    page.wait_for_url(re.compile(r"/sources/mx-2011#s-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    assert page.evaluate(f"() => document.getElementById('{anchor}').matches(':target')")
    assert opened.outside == [] and opened.errors == [] and opened.dialogs == []


def test_source_page_highlights_the_evidence(open_page: Callable[..., Opened], server: Server) -> None:
    opened = open_page(server, "/sources/mx-2011")
    page = opened.page
    cited = page.locator("a.sentence.cited")
    assert cited.count() > 20
    background = page.evaluate("() => getComputedStyle(document.querySelector('a.sentence.cited')).backgroundColor")
    mark = page.evaluate("() => getComputedStyle(document.querySelector('a.sentence.cited mark')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent") and mark != background
    sentence = page.locator("a.sentence.cited", has_text="in January 2008 Mexico created").first
    sentence.scroll_into_view_if_needed()
    shot(opened, "source")
    target = sentence.get_attribute("href")
    sentence.click()
    page.wait_for_url(re.compile(re.escape(target or "") + "$"))
    facts = page.locator(f"li{target}")
    assert "unit of" in facts.inner_text() or "created" in facts.inner_text()
    assert facts.locator('a[href="/id/agency/fevimtra"]').count() >= 1
    assert opened.outside == [] and opened.errors == []


def test_sparql_editor(open_page: Callable[..., Opened], server: Server) -> None:
    opened = open_page(server, "/sparql")
    page = opened.page
    page.fill(
        ".cm-content", "SELECT ?place ?code WHERE { ?place tipkg:iso3166Code ?code } ORDER BY ?code"
    )  # the editor (test_editor_browser.py)
    page.click('main form button[type="submit"]')
    page.wait_for_url(re.compile(r"/sparql\?query="))
    assert page.locator("table.results tbody tr").count() > 10
    assert page.locator('table.results a[href="/id/place/mexico"]').count() == 1
    shot(opened, "sparql")
    assert opened.outside == [] and opened.errors == []


@pytest.mark.parametrize(
    "path", ["/?q=pena", "/queries/figures_at_least?minimum=1000", "/id/agency/fevimtra", "/sources/mx-2011", "/sparql"]
)
def test_pages_work_without_javascript(open_page: Callable[..., Opened], server: Server, path: str) -> None:
    opened = open_page(server, path, javascript=False)
    assert opened.page.locator("main h1").count() == 1
    assert opened.outside == []


def test_the_query_form_works_without_javascript(open_page: Callable[..., Opened], server: Server) -> None:
    opened = open_page(server, "/queries/search_entities", javascript=False)
    opened.page.fill("#p-text", "coinversion")
    opened.page.click('form.params button[type="submit"]')
    opened.page.wait_for_url(re.compile(r"text=coinversion"))
    assert "Programa de Coinversión Social" in opened.page.inner_text("table.results")


@pytest.mark.parametrize(
    "path", ["/?q=care", "/id/agency/care", "/id/ngo/nandu", "/id/agency/foreign-aid", "/sources/demo", "/queries/actors"]
)
def test_labels_that_look_like_html_run_nothing(open_page: Callable[..., Opened], hostile_server: Server, path: str) -> None:
    opened = open_page(hostile_server, path)
    page = opened.page
    page.wait_for_load_state("load")
    frames = page.locator("iframe.view")
    if frames.count():
        page.frame_locator("iframe.view").locator("body[data-ready]").wait_for(state="attached", timeout=60000)
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.evaluate("() => document.querySelectorAll('img, script').length") == 0
    assert opened.dialogs == [] and opened.outside == [] and opened.errors == []
    if path == "/id/agency/care":
        assert page.inner_text("h1") == "Ministry of Care <img src=x onerror=alert(1)>"


@pytest.mark.parametrize("javascript", [True, False])
def test_a_long_answer_pages_by_its_links(open_page: Callable[..., Opened], server: Server, built_real: Path, javascript: bool) -> None:
    triples = int(tipkg.open(built_real).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])  # type: ignore[arg-type]
    total = min(triples, 10_000)
    opened = open_page(server, "/sparql?query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D", javascript=javascript)
    page = opened.page
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 1000 and page.locator("nav.pager").first.inner_text().startswith(f"Rows 1–1,000 of {total:,}")
    first_row = rows.first.inner_text()
    page.locator('nav.pager a[rel="next"]').first.click()
    page.wait_for_url(re.compile(r"page=2$"))
    assert page.locator("nav.pager").first.inner_text().startswith(f"Rows 1,001–2,000 of {total:,}")
    assert rows.first.inner_text() != first_row
    page.locator('nav.pager a[rel="prev"]').last.click()
    page.wait_for_url(re.compile(r"page=1$"))
    assert rows.first.inner_text() == first_row and page.locator('nav.pager a[rel="prev"]').count() == 0
    assert opened.outside == [] and opened.errors == []


@pytest.mark.parametrize("javascript", [True, False])
def test_views_switch_by_their_tabs(open_page: Callable[..., Opened], server: Server, javascript: bool) -> None:
    opened = open_page(server, "/queries/places?lang=es", javascript=javascript)
    page = opened.page
    assert page.locator("section.view-panel").get_attribute("data-panel") == "map"
    assert page.locator('[data-view="map"] figure.map svg').count() >= 1 and page.locator('[data-view="map"] svg title').count() > 5
    page.locator('nav.views a[data-tab="bar"]').click()
    page.wait_for_url(re.compile(r"view=bar$"))
    assert page.locator("section.view-panel figure svg.chart rect").count() > 5
    assert page.locator('nav.views strong[data-tab="bar"]').inner_text() == "Gráfico de barras"
    assert page.locator('nav.views span[data-tab="timeline"]').get_attribute("title") == "Sin cronología: la respuesta no tiene fechas."
    page.locator('nav.views a[data-tab="table"]').click()
    page.wait_for_url(re.compile(r"view=table$"))
    assert page.locator("section.view-panel *").count() == 0 and page.locator("table.results tbody tr").count() > 5
    assert opened.outside == [] and opened.errors == []


def test_an_adhoc_query_opens_on_its_graph_view(open_page: Callable[..., Opened], server: Server, built_real: Path) -> None:
    query = "#defaultView:Graph\nSELECT ?unit ?parent WHERE { ?unit tipkg:unitOf ?parent }"
    rows = len(tipkg.open(built_real).query(query).rows)
    opened = open_page(server, "/sparql?" + urlencode({"query": query}))
    page = opened.page
    page.frame_locator("section.view-panel iframe.view").locator("body[data-ready]").wait_for(state="attached", timeout=60000)
    page.locator('nav.views a[data-tab="table"]').click()
    page.wait_for_url(re.compile(r"view=table$"))
    assert page.locator("iframe").count() == 0 and page.locator("table.results tbody tr").count() == rows > 0
    assert opened.outside == [] and opened.errors == []
