"""Long answers in pages on the site (TestClient against the real app): rows a–b of n, links that
walk the whole answer in a stable order, downloads that are never paged, and pages that do not exist."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from service_support import client_for

from tipkg.kg import KnowledgeGraph

SMALL_PAGE = 6
ALL_TRIPLES = "SELECT * WHERE { ?s ?p ?o }"
BODIES = "SELECT ?s WHERE { ?s a schema:GovernmentOrganization }"  # no ORDER BY
NAMES = 'SELECT ?name ?s WHERE { ?s skos:prefLabel ?name FILTER(LANG(?name) = "en") } ORDER BY ?name ?s'
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TITLE = re.compile(r'<td>(?:<a href="[^"]*"|<span) title="([^"]*)">')
_PAGER = re.compile(r'<nav class="pager"[^>]*><span class="muted">([^<]*)</span>')
_LINK = re.compile(r'<a href="([^"]*)" rel="(prev|next)">')


@pytest.fixture(scope="module")
def small(built_real: Path) -> Iterator[Any]:
    yield from client_for(built_real, page_rows=SMALL_PAGE)


def body_rows(html: str) -> list[str]:
    tbody = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return _ROW.findall(tbody)


def links(html: str) -> dict[str, str]:
    return {rel: unescape(href) for href, rel in _LINK.findall(html)}


def walk(client: Any, path: str, **params: str) -> list[str]:
    """Every page of an answer, first to last by the next links: their HTML."""
    pages = [client.get(path, params=params)]
    while "next" in links(pages[-1].text):
        assert len(pages) < 50, "the next links do not end"
        pages.append(client.get(links(pages[-1].text)["next"]))
    assert all(p.status_code == 200 for p in pages)
    return [p.text for p in pages]


def csv_rows(client: Any, path: str, **params: str) -> list[dict[str, str]]:
    r = client.get(path, params=params, headers={"accept": "text/csv"})
    assert r.status_code == 200
    return list(csv.DictReader(io.StringIO(r.text)))


def test_a_long_answer_shows_a_thousand_rows_a_page(client: Any, kg: KnowledgeGraph) -> None:
    triples = int(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])  # type: ignore[arg-type]
    cap = 10_000
    total = min(triples, cap)
    pages = walk(client, "/sparql", query=ALL_TRIPLES)
    assert len(pages) == -(-total // 1000)
    assert [len(body_rows(p)) for p in pages] == [1000] * (len(pages) - 1) + [total - 1000 * (len(pages) - 1)]
    assert _PAGER.findall(pages[0])[0] == f"Rows 1–1,000 of {total:,}"
    assert _PAGER.findall(pages[-1])[0] == f"Rows {1000 * (len(pages) - 1) + 1:,}–{total:,} of {total:,}"
    assert set(links(pages[0])) == {"next"} and set(links(pages[-1])) == {"prev"} and set(links(pages[1])) == {"prev", "next"}
    assert all(len(p.encode()) < 600_000 for p in pages)  # the whole answer on one page was 2.8 MB
    first = client.get("/sparql", params={"query": ALL_TRIPLES})
    assert (first.headers.get("x-tipkg-truncated") == str(cap)) == (triples > cap)


def test_pages_keep_the_order_by_and_together_are_the_download(small: Any) -> None:
    pages = walk(small, "/sparql", query=NAMES)
    shown = [unescape(m) for p in pages for m in _TITLE.findall("".join(row.split("</td>", 1)[1] for row in body_rows(p)))]
    assert len(pages) > 2 and shown == [row["s"] for row in csv_rows(small, "/sparql", query=NAMES)]


def test_without_order_by_pages_come_sorted_and_hold_each_row_once(small: Any) -> None:
    pages = walk(small, "/sparql", query=BODIES)
    shown = [unescape(iri) for p in pages for iri in _TITLE.findall("".join(body_rows(p)))]
    download = [row["s"] for row in csv_rows(small, "/sparql", query=BODIES)]
    assert len(pages) > 1 and sorted(shown) == sorted(download) and len(set(shown)) == len(shown)
    assert shown == sorted(download, key=lambda iri: f"<{iri}>")  # N-Triples order: the same on every request
    again = walk(small, "/sparql", query=BODIES)  # the same rows on the same pages (the editor's nonce differs)
    assert [body_rows(p) for p in again] == [body_rows(p) for p in pages]


def test_a_posted_query_pages_by_links_that_carry_it(small: Any) -> None:
    r = small.post("/sparql", data={"query": BODIES, "format": "html"})
    assert r.status_code == 200 and len(body_rows(r.text)) == SMALL_PAGE
    following = small.get(links(r.text)["next"])
    assert following.status_code == 200 and _PAGER.findall(following.text)[0].startswith(f"Rows {SMALL_PAGE + 1}–")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_saved_query_pages_with_its_parameters_and_downloads_whole(small: Any, kg: KnowledgeGraph, lang: str) -> None:
    rows = kg.query("figures_at_least", minimum=1).rows
    assert len(rows) > SMALL_PAGE, "the data no longer has enough figures for two pages"
    pages = walk(small, "/queries/figures_at_least", minimum="1", lang=lang)
    assert sum(len(body_rows(p)) for p in pages) == len(rows) and len(pages) == -(-len(rows) // SMALL_PAGE)
    word, of, sep = ("Rows", "of", ",") if lang == "en" else ("Filas", "de", "\u202f")
    last_first = f"{SMALL_PAGE * (len(pages) - 1) + 1:,}".replace(",", sep)
    assert _PAGER.findall(pages[-1])[0] == f"{word} {last_first}–{len(rows):,} {of} {len(rows):,}".replace(",", sep)
    assert all("minimum=1" in href and f"lang={lang}" in href for p in pages for href in links(p).values())
    for fmt in ("csv", "tsv"):
        download = small.get(f"/queries/figures_at_least.{fmt}", params={"minimum": "1"})
        assert len(download.text.strip().splitlines()) == len(rows) + 1
    assert len(small.get("/queries/figures_at_least.json", params={"minimum": "1"}).json()) == len(rows)


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/sparql", {"query": BODIES, "page": "0"}, 400, "The page is a whole number from 1, not “0”."),
        ("/sparql", {"query": BODIES, "page": "2x"}, 400, "The page is a whole number from 1, not “2x”."),
        ("/sparql", {"query": BODIES, "page": "99"}, 404, "There is no page 99: the answer has pages 1 to {pages}."),
        ("/queries/places", {"page": "-1"}, 400, "The page is a whole number from 1, not “-1”."),
        ("/queries/places", {"page": "99"}, 404, "There is no page 99: the answer has pages 1 to {pages}."),
        ("/queries/places", {"page": "99", "lang": "es"}, 404, "No hay página 99: la respuesta tiene las páginas 1 a {pages}."),
    ],
)
def test_a_page_that_is_not_there_says_why(
    small: Any, kg: KnowledgeGraph, path: str, params: dict[str, str], status: int, message: str
) -> None:
    count = len(kg.query(BODIES if path == "/sparql" else "places").rows)
    r = small.get(path, params=params)
    assert r.status_code == status
    assert f'role="alert">{message.format(pages=-(-count // SMALL_PAGE))}</p>' in r.text
    assert "<tbody>" not in r.text


def test_an_empty_answer_says_0_rows(client: Any) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a <urn:nothing> }", "lang": "es"})
    assert r.status_code == 200 and _PAGER.findall(r.text) == ["0 filas"] and links(r.text) == {}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_saved_query_as_data_pages_by_offset_and_limit(small: Any, kg: KnowledgeGraph, fmt: str) -> None:
    """``/queries/NAME.json?offset=&limit=``: the rows the library's window gives, and the whole count."""
    from tipkg.sparql.paging import Window

    whole = kg.query("figures_at_least", minimum=1, window=Window(0, None))
    part = kg.query("figures_at_least", minimum=1, window=Window(2, 3))
    r = small.get(f"/queries/figures_at_least.{fmt}", params={"minimum": "1", "offset": "2", "limit": "3"})
    assert r.status_code == 200 and r.headers["x-tipkg-total"] == str(len(whole)) == str(part.total)
    if fmt == "json":
        at = part.variables.index("observation")
        assert [row["observation"] for row in r.json()] == [str(row[at]) for row in part.rows] and len(r.json()) == 3
    else:
        assert len(r.text.strip().splitlines()) == 1 + 3
    assert small.get(f"/queries/figures_at_least.{fmt}", params={"minimum": "1", "limit": "-1"}).status_code == 400
    assert "x-tipkg-total" not in small.get(f"/queries/figures_at_least.{fmt}", params={"minimum": "1"}).headers
