"""The read-only cases of the W3C SPARQL 1.1 Protocol test suite, against a running ``tipkg serve``.

The suite's manifest (https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/) names
query_* cases that must succeed and bad_query_* cases that must get a 4xx. They are reproduced here
as data, one pytest case each, with the graphs of this store in place of the suite's remote data
files (the service reads no URL on a query's behalf).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
from rdflib import Graph
from service_support import Server

BASE = "https://w3id.org/tipkg/id/"
LINKS = BASE + "graph/links"  # owl:sameAs links to Wikidata
ONTOLOGY = BASE + "graph/ontology"  # owl:Class declarations
SOURCE = BASE + "graph/mx-2011"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"
SRX_NS = "{http://www.w3.org/2005/sparql-results#}"


def boolean(expected: bool) -> Callable[[httpx.Response], None]:
    def check(r: httpx.Response) -> None:
        assert r.headers["content-type"].startswith(SRJ), r.headers["content-type"]
        assert r.json()["boolean"] is expected, r.text

    return check


def bindings(column: str, expected: set[str]) -> Callable[[httpx.Response], None]:
    def check(r: httpx.Response) -> None:
        assert {b[column]["value"] for b in r.json()["results"]["bindings"]} == expected, r.text

    return check


def srj_select(r: httpx.Response) -> None:
    assert r.headers["content-type"].startswith(SRJ)
    data = r.json()
    assert data["head"]["vars"] == ["body", "name"] and data["results"]["bindings"]


def srx_select(r: httpx.Response) -> None:
    assert r.headers["content-type"].startswith(SRX)
    root = ET.fromstring(r.content)
    assert root.find(f"{SRX_NS}head/{SRX_NS}variable") is not None and root.findall(f"{SRX_NS}results/{SRX_NS}result")


def srx_boolean(r: httpx.Response) -> None:
    assert r.headers["content-type"].startswith(SRX)
    assert ET.fromstring(r.content).find(f"{SRX_NS}boolean").text == "true"  # type: ignore[union-attr]


def rdf(fmt: str, media: str) -> Callable[[httpx.Response], None]:
    def check(r: httpx.Response) -> None:
        assert r.headers["content-type"].startswith(media), r.headers["content-type"]
        assert len(Graph().parse(data=r.content, format=fmt)) > 0

    return check


def table(delimiter: str, media: str) -> Callable[[httpx.Response], None]:
    def check(r: httpx.Response) -> None:
        assert r.headers["content-type"].startswith(media)
        rows = list(csv.reader(io.StringIO(r.text), delimiter=delimiter))
        assert rows[0] and len(rows) > 1

    return check


@dataclass
class Case:
    id: str
    method: str = "GET"
    params: list[tuple[str, str]] = field(default_factory=list)  # in the URL
    form: list[tuple[str, str]] | None = None  # a form body
    body: bytes | None = None  # a direct body
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    check: Callable[[httpx.Response], None] | None = None


ASK_LINKS = "ASK { ?s owl:sameAs ?o }"
ASK_CLASS = "ASK { ?c a owl:Class }"
ASK_BOTH = "ASK { ?s owl:sameAs ?o . ?c a owl:Class }"
NAMED = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
SELECT = "SELECT ?body ?name WHERE { ?body a schema:GovernmentOrganization ; skos:prefLabel ?name }"
CONSTRUCT = "CONSTRUCT { ?s owl:sameAs ?o } WHERE { ?s owl:sameAs ?o }"
DESCRIBE = f"DESCRIBE <{BASE}agency/fevimtra>"

CASES = [
    Case("query_get", params=[("query", ASK_LINKS)], headers={"accept": SRJ}, check=boolean(True)),
    Case("query_post_form", "POST", form=[("query", ASK_LINKS)], headers={"accept": SRJ}, check=boolean(True)),
    Case("query_post_direct", "POST", body=ASK_LINKS.encode(), headers={"content-type": DIRECT, "accept": SRJ}, check=boolean(True)),
    Case(
        "query_post_direct_charset",
        "POST",
        body=ASK_LINKS.encode(),
        headers={"content-type": f"{DIRECT}; charset=UTF-8", "accept": SRJ},
        check=boolean(True),
    ),
    Case("query_dataset_default_graph", params=[("query", ASK_LINKS), ("default-graph-uri", LINKS)], check=boolean(True)),
    Case("query_dataset_default_graph_excludes", params=[("query", ASK_CLASS), ("default-graph-uri", LINKS)], check=boolean(False)),
    Case(
        "query_dataset_default_graphs_get",
        params=[("query", ASK_BOTH), ("default-graph-uri", LINKS), ("default-graph-uri", ONTOLOGY)],
        check=boolean(True),
    ),
    Case(
        "query_dataset_default_graphs_post",
        "POST",
        form=[("query", ASK_BOTH), ("default-graph-uri", LINKS), ("default-graph-uri", ONTOLOGY)],
        check=boolean(True),
    ),
    Case(
        "query_dataset_named_graphs_get",
        params=[("query", NAMED), ("named-graph-uri", LINKS), ("named-graph-uri", ONTOLOGY)],
        headers={"accept": SRJ},
        check=bindings("g", {LINKS, ONTOLOGY}),
    ),
    Case(
        "query_dataset_named_graphs_post",
        "POST",
        form=[("query", NAMED), ("named-graph-uri", LINKS), ("named-graph-uri", ONTOLOGY)],
        check=bindings("g", {LINKS, ONTOLOGY}),
    ),
    Case(
        "query_dataset_full",
        params=[
            ("query", f"ASK {{ ?s owl:sameAs ?o GRAPH <{ONTOLOGY}> {{ ?c a owl:Class }} }}"),
            ("default-graph-uri", LINKS),
            ("named-graph-uri", ONTOLOGY),
        ],
        check=boolean(True),
    ),
    Case(
        "query_dataset_full_named_only",
        params=[("query", f"ASK {{ GRAPH <{LINKS}> {{ ?s ?p ?o }} }}"), ("default-graph-uri", LINKS), ("named-graph-uri", ONTOLOGY)],
        check=boolean(False),
    ),
    Case(
        "query_multiple_dataset",
        params=[("query", f"ASK FROM <{ONTOLOGY}> {{ ?s owl:sameAs ?o }}"), ("default-graph-uri", LINKS)],
        check=boolean(True),
    ),
    Case("query_from_in_the_query", params=[("query", f"ASK FROM <{ONTOLOGY}> {{ ?s owl:sameAs ?o }}")], check=boolean(False)),
    Case(
        "query_from_named_in_the_query",
        params=[("query", f"{NAMED.replace(' WHERE', f' FROM NAMED <{LINKS}> WHERE')}")],
        check=bindings("g", {LINKS}),
    ),
    Case("query_union_default_graph", params=[("query", ASK_BOTH)], check=boolean(True)),
    Case("query_content_type_select_json", params=[("query", SELECT)], headers={"accept": SRJ}, check=srj_select),
    Case("query_content_type_select_xml", params=[("query", SELECT)], headers={"accept": SRX}, check=srx_select),
    Case("query_content_type_select_csv", params=[("query", SELECT)], headers={"accept": "text/csv"}, check=table(",", "text/csv")),
    Case(
        "query_content_type_select_tsv",
        params=[("query", SELECT)],
        headers={"accept": "text/tab-separated-values"},
        check=table("\t", "text/tab-separated-values"),
    ),
    Case("query_content_type_ask_json", params=[("query", ASK_LINKS)], headers={"accept": SRJ}, check=boolean(True)),
    Case("query_content_type_ask_xml", params=[("query", ASK_LINKS)], headers={"accept": SRX}, check=srx_boolean),
    Case(
        "query_content_type_describe", params=[("query", DESCRIBE)], headers={"accept": "text/turtle"}, check=rdf("turtle", "text/turtle")
    ),
    Case(
        "query_content_type_construct",
        params=[("query", CONSTRUCT)],
        headers={"accept": "application/rdf+xml"},
        check=rdf("xml", "application/rdf+xml"),
    ),
    Case(
        "query_content_type_construct_ntriples",
        params=[("query", CONSTRUCT)],
        headers={"accept": "application/n-triples"},
        check=rdf("nt", "application/n-triples"),
    ),
    Case(
        "query_content_type_construct_jsonld",
        params=[("query", CONSTRUCT)],
        headers={"accept": "application/ld+json"},
        check=rdf("json-ld", "application/ld+json"),
    ),
    Case("query_default_format_select", params=[("query", SELECT)], headers={"accept": "*/*"}, check=srj_select),
    Case("query_default_format_construct", params=[("query", CONSTRUCT)], headers={"accept": "*/*"}, check=rdf("turtle", "text/turtle")),
    Case("query_not_acceptable", params=[("query", SELECT)], headers={"accept": "image/png"}, status=406),
    Case("bad_query_method", "PUT", body=ASK_LINKS.encode(), headers={"content-type": DIRECT}, status=405),
    Case("bad_query_method_delete", "DELETE", params=[("query", ASK_LINKS)], status=405),
    Case("bad_multiple_queries", params=[("query", ASK_LINKS), ("query", ASK_CLASS)], status=400),
    Case("bad_multiple_queries_post", "POST", form=[("query", ASK_LINKS), ("query", ASK_CLASS)], status=400),
    Case(
        "bad_multiple_queries_direct_and_url",
        "POST",
        params=[("query", ASK_CLASS)],
        body=ASK_LINKS.encode(),
        headers={"content-type": DIRECT},
        status=400,
    ),
    Case("bad_query_wrong_media_type", "POST", body=ASK_LINKS.encode(), headers={"content-type": "text/plain"}, status=415),
    Case("bad_query_missing_form_type", "POST", body=f"query={ASK_LINKS}".encode(), headers={"content-type": ""}, status=400),
    Case("bad_query_missing_direct_type", "POST", body=ASK_LINKS.encode(), headers={"content-type": ""}, status=400),
    Case(
        "bad_query_non_utf8",
        "POST",
        body='ASK { ?s skos:prefLabel "Peña" }'.encode("iso-8859-1"),
        headers={"content-type": f"{DIRECT}; charset=ISO-8859-1"},
        status=415,
    ),
    Case(
        "bad_query_invalid_utf8",
        "POST",
        body='ASK { ?s skos:prefLabel "Peña" }'.encode("iso-8859-1"),
        headers={"content-type": DIRECT},
        status=400,
    ),
    Case("bad_query_invalid_utf8_get", params=[], status=400),  # the query string is set raw below
    Case("bad_query_syntax", params=[("query", "ASK { ?s ?p ?o ")], status=400),
    Case("bad_query_missing", params=[], headers={"accept": SRJ}, status=400),
    Case("bad_query_empty", params=[("query", "")], headers={"accept": SRJ}, status=400),
]
RAW_QUERY_STRING = {"bad_query_invalid_utf8_get": b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22Pe%F1a%22%20%7D"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_protocol(server: Server, case: Case) -> None:
    url = server.sparql
    headers = dict(case.headers)
    content: bytes | None = case.body
    if case.form is not None:
        content = httpx.QueryParams(case.form).__str__().encode()
        headers.setdefault("content-type", FORM)
    if case.id in RAW_QUERY_STRING:
        url = f"{url}?{RAW_QUERY_STRING[case.id].decode('latin-1')}"
    with httpx.Client(timeout=30) as client:
        request = client.build_request(case.method, url, params=case.params or None, content=content, headers=headers)
        if headers.get("content-type") == "":
            del request.headers["content-type"]
        r = client.send(request)
    assert r.status_code == case.status, r.text
    if case.status == 200:
        assert "Accept" in r.headers.get("vary", "")
        if case.check is not None:
            case.check(r)


def test_select_answers_in_json_without_accept(server: Server) -> None:
    with httpx.Client(timeout=30) as client:
        request = client.build_request("GET", server.sparql, params={"query": SELECT})
        del request.headers["accept"]
        srj_select(client.send(request))
