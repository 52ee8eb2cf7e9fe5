"""The SPARQL editor's page (TestClient against the real app): links to the whole answer of the
query just run, in each format the protocol answers in, holding the rows the page shows."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph

PLACES = "SELECT ?place ?code WHERE { ?place tipkg:iso3166Code ?code } ORDER BY ?code"
_ROW = re.compile(r'<tr><td><a href="[^"]*" title="([^"]*)">[^<]*</a></td><td>([^<]*)</td></tr>')
_FORMATS = re.compile(r'<p class="formats">(.*?)</p>', re.S)
_LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')


def downloads(html: str) -> dict[str, str]:
    found = _FORMATS.findall(html)
    assert len(found) == 1, found
    return {name: unescape(href) for href, name in _LINK.findall(found[0])}


def tsv_term(text: str) -> str:
    """The value of a SPARQL TSV term: an IRI without its brackets, a plain literal without its quotes."""
    return text[1:-1]


def test_each_download_of_an_adhoc_answer_holds_the_rows_shown(client: Any) -> None:
    page = client.get("/sparql", params={"query": PLACES})
    shown = [(unescape(iri), unescape(code)) for iri, code in _ROW.findall(page.text)]
    links = downloads(page.text)
    assert list(links) == ["JSON", "CSV", "TSV"] and len(shown) > 10
    as_json = client.get(links["JSON"])
    assert as_json.headers["content-type"] == "application/sparql-results+json"
    assert [(b["place"]["value"], b["code"]["value"]) for b in as_json.json()["results"]["bindings"]] == shown
    as_csv = client.get(links["CSV"])
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert [(r["place"], r["code"]) for r in csv.DictReader(io.StringIO(as_csv.text))] == shown
    as_tsv = client.get(links["TSV"])
    head, *lines = as_tsv.text.strip("\n").split("\n")
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values") and head == "?place\t?code"
    assert [tuple(tsv_term(term) for term in line.split("\t")) for line in lines] == shown


def test_the_downloads_of_a_paged_answer_hold_every_row_up_to_the_cap(client: Any) -> None:
    page = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "page": "2"})
    total = int(re.search(r"of ([\d,]+)</span>", page.text).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert "page=" not in "".join(downloads(page.text).values())
    as_json = client.get(downloads(page.text)["JSON"])
    assert len(as_json.json()["results"]["bindings"]) == total
    assert as_json.headers.get("x-tipkg-truncated") == page.headers.get("x-tipkg-truncated")
    assert len(list(csv.DictReader(io.StringIO(client.get(downloads(page.text)["CSV"]).text)))) == total


def test_a_graph_answer_downloads_as_rdf_on_the_same_dataset(client: Any) -> None:
    query = "CONSTRUCT WHERE { ?s a rdf:Statement ; rdf:subject ?x }"
    graph = "https://w3id.org/tipkg/id/graph/mx-2011"
    page = client.get("/sparql", params={"query": query, "default-graph-uri": graph})
    total = int(re.search(r"of ([\d,]+)</span>", page.text).group(1).replace(",", ""))  # type: ignore[union-attr]
    links = downloads(page.text)
    assert list(links) == ["Turtle", "N-Triples", "JSON-LD"] and all(
        parse_qs(urlsplit(h).query)["default-graph-uri"] == [graph] for h in links.values()
    )
    for name, fmt in (("Turtle", "turtle"), ("N-Triples", "nt"), ("JSON-LD", "json-ld")):
        answer = client.get(links[name])
        assert answer.status_code == 200 and len(Graph().parse(data=answer.text, format=fmt)) == total > 0


def test_a_failed_query_offers_no_download(client: Any) -> None:
    page = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert page.status_code == 400 and '<p class="formats">' not in page.text
