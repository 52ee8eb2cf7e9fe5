"""``GET /sparql`` without a query: the SPARQL 1.1 Service Description, each statement checked against
what the endpoint really does (formats answered, features, the dataset's graphs and counts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, VOID
from service_support import client_for

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C = "http://www.w3.org/ns/formats/"
ENDPOINT = URIRef("http://testserver/sparql")
SRJ = "application/sparql-results+json"
# RDF formats a description may come in: media type -> rdflib parser
RDF_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld", "application/rdf+xml": "xml"}
# every format W3C names that a SPARQL endpoint may answer in -> (its media type, a query whose answer takes it)
SELECT, CONSTRUCT = "SELECT * { ?s ?p ?o } LIMIT 2", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"
ANSWERS = {
    "SPARQL_Results_JSON": ("application/sparql-results+json", SELECT),
    "SPARQL_Results_XML": ("application/sparql-results+xml", SELECT),
    "SPARQL_Results_CSV": ("text/csv", SELECT),
    "SPARQL_Results_TSV": ("text/tab-separated-values", SELECT),
    "Turtle": ("text/turtle", CONSTRUCT),
    "N-Triples": ("application/n-triples", CONSTRUCT),
    "JSON-LD": ("application/ld+json", CONSTRUCT),
    "RDF_XML": ("application/rdf+xml", CONSTRUCT),
    "N-Quads": ("application/n-quads", CONSTRUCT),
    "TriG": ("application/trig", CONSTRUCT),
}


def description(client: Any, accept: str = "text/turtle") -> Graph:
    r = client.get("/sparql", headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept, r.text
    assert "accept" in r.headers["vary"].lower()
    return Graph().parse(data=r.text, format=RDF_FORMATS[accept])


def number(client: Any, query: str) -> int:
    r = client.get("/sparql", params={"query": query}, headers={"accept": SRJ})
    (row,) = r.json()["results"]["bindings"]
    return int(next(iter(row.values()))["value"])


@pytest.mark.parametrize("accept", sorted(RDF_FORMATS))
def test_the_description_comes_in_each_rdf_format(client: Any, accept: str) -> None:
    assert isomorphic(description(client, accept), description(client))


def test_the_service_is_this_endpoint_and_speaks_sparql_11_query(client: Any) -> None:
    g = description(client)
    assert set(g.subjects(RDF.type, SD.Service)) == {ENDPOINT} and g.value(ENDPOINT, SD.endpoint) == ENDPOINT
    assert set(g.objects(ENDPOINT, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": SRJ}).json()["boolean"] is True
    update = client.post(
        "/sparql", content="INSERT DATA { <urn:a> <urn:b> <urn:c> }", headers={"content-type": "application/sparql-update"}
    )
    assert update.status_code == 403  # no sd:SPARQL11Update: updates are refused


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_a_result_format_is_listed_if_and_only_if_it_is_answered(client: Any, name: str) -> None:
    media, query = ANSWERS[name]
    r = client.get("/sparql", params={"query": query}, headers={"accept": media})
    answered = r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    listed = (ENDPOINT, SD.resultFormat, URIRef(W3C + name)) in description(client)
    assert listed == answered, (name, r.status_code, r.headers.get("content-type"))


def test_every_listed_format_is_one_the_test_knows(client: Any) -> None:
    listed = {str(f).removeprefix(W3C) for f in description(client).objects(ENDPOINT, SD.resultFormat)}
    assert listed <= set(ANSWERS) and len(listed) == 8


def test_no_feature_is_claimed_that_is_false(client: Any) -> None:
    assert not set(description(client).objects(ENDPOINT, SD.feature))
    # the default graph is not the union of every named graph (the description's is left out): no sd:UnionDefaultGraph
    union_of_all = number(client, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }")
    assert number(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") < union_of_all
    # no sd:DereferencesURIs: a FROM naming a graph outside the store is refused
    outside = client.get("/sparql", params={"query": "SELECT * FROM <http://example.org/g> { ?s ?p ?o }"}, headers={"accept": SRJ})
    assert outside.status_code == 400


def test_federation_is_a_feature_when_an_endpoint_is_allowed(built_real: Path) -> None:
    for client in client_for(built_real, service_allow_list="http://127.0.0.1:9/sparql"):
        assert set(description(client).objects(ENDPOINT, SD.feature)) == {SD.BasicFederatedQuery}


def test_the_default_dataset_is_the_stores(client: Any) -> None:
    g = description(client)
    dataset = g.value(ENDPOINT, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in g
    default = g.value(dataset, SD.defaultGraph)
    assert int(g.value(default, VOID.triples)) == number(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")  # type: ignore[arg-type]
    named = {g.value(entry, SD.name): g.value(g.value(entry, SD.graph), VOID.triples) for entry in g.objects(dataset, SD.namedGraph)}
    r = client.get("/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g { } }"}, headers={"accept": SRJ})
    assert {str(k) for k in named} == {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    for name, triples in named.items():
        assert int(triples) == number(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"), name  # type: ignore[arg-type]


def test_the_void_description_is_linked(client: Any) -> None:
    g = description(client)
    (void,) = set(g.objects(ENDPOINT, RDFS.seeAlso))
    answer = client.get(str(void).removeprefix("http://testserver"), headers={"accept": "text/turtle"})
    assert (URIRef("https://w3id.org/tipkg/id/dataset"), VOID.sparqlEndpoint, ENDPOINT) in Graph().parse(data=answer.text, format="turtle")


def test_a_browser_still_gets_the_editor_and_a_results_client_a_400(client: Any) -> None:
    page = client.get("/sparql")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/sparql", headers={"accept": SRJ}).status_code == 400
    assert client.post("/sparql", data={}, headers={"accept": "text/turtle"}).status_code == 400
