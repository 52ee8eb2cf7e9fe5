"""Real SPARQL clients against a running ``tipkg serve``: SPARQLWrapper and rdflib's SPARQLStore run
every saved query and get the library's answer; plain HTTP requests with each ``Accept`` get that
format, which parses.

A client of a standard endpoint has no parameter binding: for a saved query with parameters, the
test client writes each ``$name`` as the RDF term the library binds (the engine's own binding is
what the library and the service's query pages use).
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef, namespace
from service_support import Server

from tipkg.kg import KnowledgeGraph
from tipkg.sparql.results import normalize
from tipkg.sparql.saved import bind, load_saved_queries

ROOT = Path(__file__).resolve().parents[2]
SAVED = load_saved_queries(ROOT / "queries")
NUMERIC = {namespace.XSD[n] for n in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}


def client_text(kg: KnowledgeGraph, name: str) -> str:
    """The saved query as a client sends it: each parameter written as the term the library binds."""
    saved = kg.queries[name]
    text = saved.text
    for key, term in bind(saved, {}, kg.base).items():
        written = term.n3()
        # projected and grouped on, the parameter becomes an expression; anywhere else, the term itself
        text = re.sub(rf"(SELECT[^\n]*?)\${key}\b", rf"\1({written} AS ?{key})", text, count=1)
        text = re.sub(rf"(GROUP BY[^\n]*?)\${key}\b", r"\1", text)
        text = re.sub(rf"(ORDER BY[^\n]*?)\${key}\b", r"\1", text)
        text = re.sub(rf"\${key}\b", lambda _m, w=written: w, text)
    return text


def comparable(term: Any) -> Any:
    """A term as the tests compare it: numbers by value, concatenated lists sorted."""
    term = normalize(term)
    if isinstance(term, Literal) and term.datatype in NUMERIC:
        try:
            return ("number", Decimal(str(term)))
        except InvalidOperation:
            return ("number", str(term))
    if isinstance(term, Literal):
        return ("literal", str(term), term.language, str(term.datatype) if term.datatype else None)
    if isinstance(term, BNode):
        return ("bnode",)
    return term


def rows_of(variables: list[str], rows: list[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(comparable(v) for v in row) for row in rows)


def expected(kg: KnowledgeGraph, name: str) -> tuple[list[str], Counter[tuple[Any, ...]]]:
    result = kg.query(name)
    return result.variables, rows_of(result.variables, result.rows)


def from_json_term(value: dict[str, str] | None) -> Any:
    if value is None:
        return None
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=URIRef(datatype) if datatype else None)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(SAVED))
def test_sparqlwrapper_gets_the_library_answer(server: Server, kg: KnowledgeGraph, name: str, method: str) -> None:
    from SPARQLWrapper import JSON, SELECT, SPARQLWrapper

    client = SPARQLWrapper(server.sparql)
    client.setQuery(client_text(kg, name))
    # SPARQLWrapper guesses the query form with a regex that also reads comments ("ask for help" in a
    # header makes it an ASK, "add" an update): say what the query is, as a client of such queries must
    client.queryType = SELECT
    client.setMethod(method)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    variables = data["head"]["vars"]
    rows = [tuple(from_json_term(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
    want_vars, want_rows = expected(kg, name)
    assert variables == want_vars
    assert rows_of(variables, rows) == want_rows


@pytest.mark.parametrize("name", sorted(SAVED))
def test_rdflib_sparqlstore_gets_the_library_answer(server: Server, kg: KnowledgeGraph, name: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server.sparql, method="POST_FORM"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = graph.query(client_text(kg, name))
    variables = [str(v) for v in result.vars or []]
    rows = [tuple(row) for row in result]  # type: ignore[arg-type]
    want_vars, want_rows = expected(kg, name)
    assert variables == want_vars
    assert rows_of(variables, rows) == want_rows


def test_sparqlwrapper_construct_as_turtle(server: Server, kg: KnowledgeGraph) -> None:
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.sparql)
    client.setQuery("CONSTRUCT { ?s owl:sameAs ?o } WHERE { ?s owl:sameAs ?o }")
    client.setReturnFormat(TURTLE)
    g = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(g) == len(kg.query("SELECT DISTINCT ?s ?o WHERE { ?s owl:sameAs ?o }"))


# -- each Accept type, as curl would send it -------------------------------------------------------------

SELECT = "SELECT ?place ?code WHERE { ?place tipkg:iso3166Code ?code } ORDER BY ?place"
ASK = "ASK { ?place tipkg:iso3166Code ?code }"
CONSTRUCT = "CONSTRUCT { ?place tipkg:iso3166Code ?code } WHERE { ?place tipkg:iso3166Code ?code }"
DESCRIBE = "DESCRIBE <https://w3id.org/tipkg/id/place/mexico>"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def parse_select(media: str, body: bytes) -> set[tuple[str, str]]:
    if media == "application/sparql-results+json":
        return {(b["place"]["value"], b["code"]["value"]) for b in json.loads(body)["results"]["bindings"]}
    if media == "application/sparql-results+xml":
        out = set()
        for result in ET.fromstring(body).iter(f"{SRX}result"):
            values = {b.get("name"): "".join(b.itertext()).strip() for b in result.iter(f"{SRX}binding")}
            out.add((values["place"], values["code"]))
        return out
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["place", "code"]
        return {(a, b) for a, b in rows[1:]}
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter="\t"))
    assert rows[0] == ["?place", "?code"]
    return {(a.strip("<>"), b.strip('"')) for a, b in rows[1:]}


@pytest.mark.parametrize(
    "media", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
)
def test_select_in_each_results_format(server: Server, kg: KnowledgeGraph, media: str) -> None:
    r = httpx.get(server.sparql, params={"query": SELECT}, headers={"accept": media}, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    want = {(str(p), str(c)) for p, c in kg.query(SELECT).rows}
    assert parse_select(media, r.content) == want


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_in_each_results_format(server: Server, media: str) -> None:
    r = httpx.get(server.sparql, params={"query": ASK}, headers={"accept": media}, timeout=30)
    assert r.headers["content-type"].split(";")[0] == media
    if media.endswith("json"):
        assert r.json() == {"head": {}, "boolean": True}
    else:
        assert ET.fromstring(r.content).find(f"{SRX}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize(
    ("media", "fmt"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_graphs_in_each_rdf_format(server: Server, kg: KnowledgeGraph, query: str, media: str, fmt: str) -> None:
    r = httpx.post(server.sparql, content=query.encode(), headers={"accept": media, "content-type": "application/sparql-query"}, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        g = Graph().parse(data=r.content, format=fmt)
    if query == CONSTRUCT:
        assert {(str(s), str(o)) for s, _p, o in g} == {(str(p), str(c)) for p, c in kg.query(SELECT).rows}
    else:
        assert (URIRef("https://w3id.org/tipkg/id/place/mexico"), URIRef("https://w3id.org/tipkg/ontology#iso3166Code"), Literal("MX")) in g
