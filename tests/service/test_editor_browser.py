"""The query editor of /sparql in Chromium, offline: every request the page makes is recorded and
one that leaves the server (127.0.0.1) fails the test; so does a script error or a refused policy."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef
from service_support import Server

import tipkg
from tipkg.messages import text
from tipkg.namespaces import PREFIXES
from tipkg.vocab import TIPKG

ROOT = Path(__file__).resolve().parents[2]
BAD = "SELECT ?law WHERE {\n  ?law a tipkg:Law .\n  FILTER(?law = )\n}"


@dataclass
class EditorPage:
    page: Any
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # script errors, refused policies

    def outside(self, server: Server) -> list[str]:
        return [u for u in self.requests if not u.startswith((server.url, "data:", "about:"))]


@pytest.fixture
def open_editor(browser: Any, server: Server) -> Iterator[Callable[[str], EditorPage]]:
    contexts = []

    def open_(path: str) -> EditorPage:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        opened = EditorPage(context.new_page())
        context.on("request", lambda r: opened.requests.append(r.url))
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
        opened.page.on("pageerror", lambda e: opened.problems.append(str(e)))
        opened.page.on("console", lambda m: opened.problems.append(m.text) if "Content Security Policy" in m.text else None)
        opened.page.goto(server.url.rstrip("/") + path)
        opened.page.wait_for_selector(".cm-editor .cm-content")
        return opened

    yield open_
    for c in contexts:
        c.close()


def law_label(lang: str = "en") -> str:
    graph = Graph().parse(ROOT / "ontology" / "tipkg.ttl")
    labels = [
        str(o)
        for o in graph.objects(URIRef(TIPKG.Law), URIRef(PREFIXES["rdfs"] + "label"))
        if isinstance(o, Literal) and o.language == lang
    ]
    assert len(labels) == 1
    return labels[0]


def laws(built_real: Path) -> int:
    return len(tipkg.open(built_real).query("SELECT DISTINCT ?law WHERE { ?law a tipkg:Law }").rows)


def test_type_complete_run_and_remember(open_editor: Callable[[str], EditorPage], server: Server, built_real: Path) -> None:
    opened = open_editor("/sparql")
    page = opened.page
    page.wait_for_selector(".cm-editor[data-vocabulary=loaded]")
    page.click(".cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT DISTINCT ?law WHERE { ?law a tipkg:La")
    option = page.locator(".cm-tooltip-autocomplete li", has_text="tipkg:Law").first
    option.wait_for()
    assert law_label() in option.inner_text()
    page.keyboard.press("Enter")
    page.keyboard.type(" }")
    doc = page.input_value("#query")
    assert doc.startswith(f"PREFIX tipkg: <{PREFIXES['tipkg']}>") and "?law a tipkg:Law }" in doc
    assert page.locator(".cm-content .tok-keyword", has_text="SELECT").count() == 1
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/sparql\?query=PREFIX"))
    page.wait_for_selector("table.results")
    assert page.locator("table.results tbody tr").count() == laws(built_real)
    history = page.locator("#editor-history option")
    assert history.nth(1).inner_text().startswith("PREFIX tipkg:")
    page.select_option("#editor-history", "0")
    assert "?law a tipkg:Law }" in page.input_value("#query")
    assert opened.outside(server) == [] and opened.problems == []
    assert any("/static/vendor/@codemirror/view/" in u for u in opened.requests)


def test_a_syntax_error_is_marked_at_its_line(open_editor: Callable[[str], EditorPage], server: Server) -> None:
    opened = open_editor("/sparql?query=" + quote(BAD))
    page = opened.page
    marked = page.locator(".cm-line").nth(2).locator(".cm-lintRange-error")
    marked.wait_for()
    assert marked.inner_text() in "FILTER(?law = )"
    assert page.locator(".cm-line .cm-lintRange-error").count() == 1
    assert opened.outside(server) == [] and opened.problems == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_saved_query_loads_as_an_example(open_editor: Callable[[str], EditorPage], server: Server, built_real: Path, lang: str) -> None:
    opened = open_editor(f"/sparql?lang={lang}")
    page = opened.page
    page.wait_for_selector(".cm-editor[data-vocabulary=loaded]")
    assert page.inner_text('label[for="editor-examples"]') == text("site.editor.examples", lang)
    assert page.inner_text('label[for="editor-history"]') == text("site.editor.history", lang)
    page.select_option("#editor-examples", "actors")
    saved = tipkg.open(built_real).queries["actors"].text
    assert page.input_value("#query") == saved  # the form's field follows the editor
    assert opened.outside(server) == [] and opened.problems == []


def test_a_term_is_found_by_its_spanish_label(open_editor: Callable[[str], EditorPage], server: Server) -> None:
    label = law_label("es")
    assert not "law".startswith(label)  # found by its label, not its name
    opened = open_editor("/sparql?lang=es")
    page = opened.page
    page.wait_for_selector(".cm-editor[data-vocabulary=loaded]")
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# ?x a " + label)
    option = page.locator(".cm-tooltip-autocomplete li", has_text="tipkg:Law").first
    option.wait_for()
    assert label in option.inner_text()
    page.keyboard.press("Escape")
    assert opened.outside(server) == [] and opened.problems == []
