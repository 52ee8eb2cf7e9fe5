"""Errors on the site as clear as the CLI's (TestClient against the real app): a saved query name
that names none gets the closest ones as links; a query that does not parse is shown with the line
where the parser stopped marked, its line and column said."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

_SUGGESTED = re.compile(r'<ul class="suggestions">(.*?)</ul>', re.S)
_MARKED = re.compile(r'<mark id="error-line">\s*(\d+)  (.*?)</mark>', re.S)
_AT = re.compile(r"(?:Line|Línea) (\d+), (?:column|columna) (\d+)")


def suggested(html: str) -> list[str]:
    found = _SUGGESTED.findall(html)
    return [unescape(href) for href in re.findall(r'<a href="([^"]*)">', found[0])] if found else []


@pytest.mark.parametrize(
    ("path", "meant", "lang", "message"),
    [
        ("/queries/place", "/queries/places", "en", "No saved query “place”."),
        ("/queries/figures_at_leas", "/queries/figures_at_least", "es", "No hay ninguna consulta guardada «figures_at_leas»."),
        ("/queries/victims_by_nationalty", "/queries/victims_by_nationality", "en", "No saved query “victims_by_nationalty”."),
        ("/queries/place/graph", "/queries/places/graph", "en", "No saved query “place”."),
    ],
)
def test_an_unknown_query_name_offers_the_closest_ones(client: Any, path: str, meant: str, lang: str, message: str) -> None:
    r = client.get(path, params={"lang": lang})
    assert r.status_code == 404 and f'<p class="error">{message}</p>' in r.text
    links = suggested(r.text)
    assert meant in links and len(links) <= 3
    assert all(client.get(link).status_code == 200 for link in links)
    assert '<a href="/queries">' in r.text.split('<p class="error">', 1)[1]


def test_a_name_like_no_query_gets_the_list_of_them(client: Any) -> None:
    r = client.get("/queries/zzzzzzzz")
    assert r.status_code == 404 and suggested(r.text) == [] and "All saved queries</a>" in r.text


def test_a_download_of_an_unknown_query_says_the_closest_in_text(client: Any) -> None:
    r = client.get("/queries/plces.csv")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/plain")
    assert r.text == "no saved query 'plces'; did you mean places?\n"


@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("# a comment\nSELECT ?x\nWHERE { ?x ?p \n ?o . FILTER(?x = ) }\n# after", 4),
        ("SELECT ?x # the thing\r\nWHERE {\r\n  ?x ?p ?o ) }", 3),
        ("SELECT ?x WHERE { ?x ?p ?o } GROUP BY", 1),
        ("SELECT (1 AS ?x) (2 AS ?x) WHERE {}", 1),  # rdflib reads it; Oxigraph refuses, with its own position
        ("SELECT ?x\nWHERE {\n  ?x <urn:a> '<script>alert(1)</script>' ) }", 3),
    ],
)
def test_a_syntax_error_marks_its_line_and_says_its_column(client: Any, query: str, line: int) -> None:
    r = client.get("/sparql", params={"query": query, "lang": "es" if line == 3 else "en"})
    assert r.status_code == 400 and "syntax error" in r.text
    said = _AT.findall(r.text)
    assert len(said) == 1 and int(said[0][0]) == line
    number, text = _MARKED.findall(r.text)[0]
    assert int(number) == line and unescape(text) == query.splitlines()[line - 1]
    error = re.search(r'role="alert">([^<]*)</p>', r.text).group(1)  # type: ignore[union-attr]
    assert f"{line}, column {said[0][1]}" in error or f"{line}:{said[0][1]}" in error
    caret = re.search(r'<span class="caret">( *)\^</span>', r.text).group(1)  # type: ignore[union-attr]
    assert len(caret) == 6 + int(said[0][1]) - 1  # under the column, past the line number's 6 characters
    assert "<script>alert" not in r.text


def test_a_query_that_parses_has_no_marked_line(client: Any) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1"})
    assert r.status_code == 200 and "<mark" not in r.text
