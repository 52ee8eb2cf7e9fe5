"""``/dataset`` as a page: what it shows is checked against the description it serves as RDF (title,
licence, counts, sources, graphs, classes, downloads, links), in English and in Spanish."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from tipkg.messages import text
from tipkg.namespaces import SD, Graphs

BASE = "https://w3id.org/tipkg/id/"
DS = URIRef(BASE + "dataset")
LANGS = ("en", "es")


class Shown(HTMLParser):
    """A page's text by element id, its links, and the cells of each table row that names an IRI."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = defaultdict(str)
        self.links: dict[str, str] = {}  # href -> text
        self.rows: dict[str, dict[str, list[str]]] = defaultdict(dict)  # table id -> row IRI -> cells
        self.text = ""
        self._open: list[tuple[str, str | None]] = []
        self._href: str | None = None
        self._table, self._row, self._cells = "", "", []  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag not in ("br", "meta", "link"):
            self._open.append((tag, a.get("id")))
        if tag == "a":
            self._href = a.get("href") or ""
            self.links[self._href] = ""
        if tag == "table":
            self._table = a.get("id") or ""
        if tag == "tr":
            self._row, self._cells = a.get("data-iri") or "", []
        if tag == "td":
            self._cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None
        if tag == "tr" and self._row:
            self.rows[self._table][self._row] = self._cells
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text += data
        for _tag, ident in self._open:
            if ident:
                self.by_id[ident] += data
        if self._href is not None:
            self.links[self._href] += data
        if self._cells and any(t == "td" for t, _ in self._open):
            self._cells[-1] += data


@pytest.fixture(scope="module")
def described(client: Any) -> Graph:
    r = client.get("/dataset", headers={"accept": "text/turtle"})
    return Graph().parse(data=r.text, format="turtle")


def shown(client: Any, lang: str) -> Shown:
    r = client.get("/dataset", params={"lang": lang}, headers={"accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = Shown()
    page.feed(r.text)
    return page


def integer(text: str) -> int:
    return int(text.strip().replace(",", ""))


def literal_in(g: Graph, p: URIRef, lang: str) -> str:
    (found,) = [str(o) for o in g.objects(DS, p) if isinstance(o, Literal) and o.language == lang]
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_title_description_and_licence_are_the_descriptions(client: Any, described: Graph, lang: str) -> None:
    page = shown(client, lang)
    assert literal_in(described, DCTERMS.title, lang) in page.text and literal_in(described, DCTERMS.description, lang) in page.text
    licence = str(described.value(DS, DCTERMS.license))
    assert page.links[licence] == licence == page.by_id["licence"]
    assert page.by_id["modified"] == str(described.value(DS, DCTERMS.modified))


@pytest.mark.parametrize(
    ("shown_id", "predicate"), [("count-triples", VOID.triples), ("count-subjects", VOID.distinctSubjects), ("count-classes", VOID.classes)]
)
def test_each_count_is_the_descriptions(client: Any, described: Graph, shown_id: str, predicate: URIRef) -> None:
    assert integer(shown(client, "en").by_id[shown_id]) == int(described.value(DS, predicate)) > 0  # type: ignore[arg-type]


def test_the_links_count_is_the_linksets(client: Any, described: Graph) -> None:
    linkset = described.value(predicate=RDF.type, object=VOID.Linkset)
    assert integer(shown(client, "en").by_id["count-links"]) == int(described.value(linkset, VOID.triples)) > 0  # type: ignore[arg-type]


def test_each_source_is_listed_with_its_title_and_page(client: Any, described: Graph) -> None:
    page = shown(client, "en")
    sources = list(described.objects(DS, DCTERMS.source))
    assert sources
    for doc in sources:
        href = "/sources/" + str(doc).rsplit("/", 1)[-1]
        assert page.links[href] == str(described.value(doc, DCTERMS.title))
        assert client.get(href).status_code == 200


def test_each_graph_and_class_shows_its_count(client: Any, described: Graph) -> None:
    page = shown(client, "en")
    linkset = described.value(predicate=RDF.type, object=VOID.Linkset)
    graphs = {str(g): int(described.value(g, VOID.triples)) for g in described.objects(DS, VOID.subset) if g != linkset}  # type: ignore[arg-type]
    void = str(Graphs(BASE).void)  # the description's own graph: no subset of the data, a named graph of the store
    assert void not in graphs
    count = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{void}> {{ ?s ?p ?o }} }}"
    graphs[void] = int(client.get("/sparql", params={"query": count}, headers={"accept": "text/csv"}).text.split()[1])
    assert {iri: integer(cells[1]) for iri, cells in page.rows["graphs"].items()} == graphs
    sd = Graph().parse(data=client.get("/sparql", headers={"accept": "text/turtle"}).text, format="turtle")
    assert set(graphs) == {str(name) for name in sd.objects(None, SD.name)}  # the graphs the Service Description lists
    parts = {
        str(described.value(p, VOID["class"])): int(described.value(p, VOID.entities))  # type: ignore[arg-type]
        for p in described.objects(DS, VOID.classPartition)
    }
    assert {iri: integer(cells[1]) for iri, cells in page.rows["classes"].items()} == parts


def test_downloads_endpoint_and_machine_descriptions_are_linked_and_answer(client: Any, described: Graph) -> None:
    page = shown(client, "en")
    dumps = {str(d) for d in described.objects(DS, VOID.dataDump)}
    assert dumps and {urlsplit(d).path for d in dumps} <= set(page.links)  # on this site: its paths
    for url in dumps:
        media = str(described.value(URIRef(url), DCAT.mediaType)).rsplit("/media-types/", 1)[-1]
        answer = client.get(urlsplit(url).path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
    assert urlsplit(str(described.value(DS, VOID.sparqlEndpoint))).path in page.links
    for href, accept in (
        ("/.well-known/void", "text/turtle"),
        ("/sparql?format=turtle", "text/turtle"),
        ("/openapi.json", "application/json"),
    ):
        assert href in page.links
        assert client.get(href, headers={"accept": "*/*"}).headers["content-type"].startswith(accept)


def test_the_example_queries_run(client: Any) -> None:
    page = shown(client, "en")
    examples = [href for href in page.links if href.startswith(("/queries/", "/sparql?query="))]
    assert len(examples) >= 2
    for href in examples:
        assert client.get(href).status_code == 200, href
    (void_query,) = [href for href in examples if href.startswith("/sparql?query=")]
    answer = client.get("/sparql", params={"query": parse_qs(urlsplit(void_query).query)["query"][0]}, headers={"accept": "text/csv"})
    assert "http://rdfs.org/ns/void#triples" in answer.text


def test_the_words_are_the_languages(client: Any) -> None:
    for lang in LANGS:
        page = shown(client, lang)
        for key in ("site.dataset.holds", "site.dataset.graphs", "site.dataset.partitions", "site.dataset.examples"):
            assert text(key, lang) in page.text
    assert text("site.dataset.graphs", "en") not in shown(client, "es").text
