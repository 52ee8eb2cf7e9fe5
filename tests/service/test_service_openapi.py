"""``/openapi.json``: a valid OpenAPI 3.1 document that describes every route of the app and nothing
else, with the methods, path parameters, media types and status codes the routes really answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from openapi_spec_validator import validate
from starlette.routing import Route

# an address of each path, and what it answers: (address, Accept, status)
EXAMPLES: dict[str, list[tuple[str, str, int]]] = {
    "/": [("/", "text/html", 200), ("/?q=%ff", "text/html", 400)],
    "/queries": [("/queries?tag=assessment", "text/html", 200)],
    "/queries/{name}": [
        ("/queries/actors", "text/html", 200),
        ("/queries/actors.json", "*/*", 200),
        ("/queries/actors.csv", "*/*", 200),
        ("/queries/actors.tsv", "*/*", 200),
        ("/queries/no_such_query", "text/html", 404),
        ("/queries/entity_facts?entity=nobody/here", "text/html", 400),
    ],
    "/queries/{name}/graph": [("/queries/actors/graph", "text/html", 200), ("/queries/no_such_query/graph", "text/html", 404)],
    "/sparql": [
        ("/sparql", "text/html", 200),
        ("/sparql", "text/turtle", 200),
        ("/sparql?query=ASK%7B%7D", "application/sparql-results+json", 200),
        ("/sparql?query=ASK%7B%7D", "text/csv", 200),
        ("/sparql?query=CONSTRUCT%7B%3Fs%20%3Fp%20%3Fo%7DWHERE%7B%3Fs%20%3Fp%20%3Fo%7DLIMIT%201", "application/rdf+xml", 200),
        ("/sparql?query=ASK%7B", "application/sparql-results+json", 400),
        ("/sparql?query=CONSTRUCT%7B%7DWHERE%7B%7D", "text/csv", 406),
    ],
    "/sparql/graph": [
        ("/sparql/graph?query=SELECT%20%3Fs%20%3Fo%20WHERE%7B%3Fs%20a%20%3Fo%7DLIMIT%205", "text/html", 200),
        ("/sparql/graph", "text/html", 400),
    ],
    "/id/{rest}": [
        ("/id/agency/fevimtra", "text/html", 200),
        ("/id/agency/fevimtra", "application/ld+json", 200),
        ("/id/nobody", "text/turtle", 404),
    ],
    "/classes/{name}": [
        ("/classes/Campaign", "text/html", 200),
        ("/classes/Campaign?source=mx-2011&page=1&size=10", "text/html", 200),
        ("/classes/NoSuchClass", "text/html", 404),
    ],
    "/sources": [("/sources", "text/html", 200)],
    "/sources/": [("/sources/", "text/html", 200)],
    "/sources/{source}": [("/sources/mx-2011", "text/html", 200), ("/sources/nothing", "text/html", 404)],
    "/sources/{source}/compare/{other}": [("/sources/mx-2011/compare/nothing", "text/html", 404)],  # one report: nothing to compare
    "/views/{file}": [("/views/graph.html", "text/html", 200), ("/views/nothing.html", "text/html", 404)],
    "/dataset": [("/dataset", "text/html", 200), ("/dataset", "application/n-triples", 200), ("/dataset", "image/png", 406)],
    "/.well-known/void": [("/.well-known/void", "text/turtle", 200), ("/.well-known/void?format=csv", "text/turtle", 406)],
    "/downloads/{file}": [("/downloads/graph.nq", "*/*", 200), ("/downloads/store", "*/*", 404)],
    "/static/site.css": [("/static/site.css", "text/css", 200)],
    "/static/editor.js": [("/static/editor.js", "text/javascript", 200)],
    "/static/editor/vocabulary.json": [("/static/editor/vocabulary.json", "application/json", 200)],
    "/static/vendor/{path}": [
        ("/static/vendor/@codemirror/state/dist/index.js", "text/javascript", 200),
        ("/static/vendor/@codemirror/state/package.json", "text/javascript", 404),
    ],
    "/openapi.json": [("/openapi.json", "application/json", 200)],
}


@pytest.fixture(scope="module")
def doc(client: Any) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    found: dict[str, Any] = r.json()
    return found


def routes(client: Any) -> dict[str, Route]:
    return {re.sub(r"\{([^}:]+):[^}]*\}", r"{\1}", r.path): r for r in client.app.routes}


def test_the_document_is_valid_openapi_31(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"].startswith("3.1")


def test_every_route_is_described_with_its_methods_and_nothing_else(client: Any, doc: dict[str, Any]) -> None:
    app_routes = routes(client)
    assert set(doc["paths"]) == set(app_routes)
    for path, route in app_routes.items():
        described = {k.upper() for k in doc["paths"][path] if k != "parameters"}
        assert described == {*(route.methods or ()), "OPTIONS"}, path
        in_path = {p["name"] for p in doc["paths"][path].get("parameters", [])}
        assert in_path == set(route.param_convertors), path


def test_every_path_has_examples() -> None:
    """So that a route added to the app (and to the description) is tried below."""
    from tipkg.service.openapi import OPERATIONS

    assert len(EXAMPLES) == len(OPERATIONS)


CASES = [(path, *case) for path, cases in EXAMPLES.items() for case in cases]


@pytest.mark.parametrize(("path", "address", "accept", "status"), CASES, ids=[f"{c[1]}-{c[2]}-{c[3]}" for c in CASES])
def test_what_a_path_answers_is_described(client: Any, doc: dict[str, Any], path: str, address: str, accept: str, status: int) -> None:
    r = client.get(address, headers={"accept": accept})
    assert r.status_code == status, r.text[:300]
    responses = doc["paths"][path]["get"]["responses"]
    assert str(status) in responses
    if status == 200:
        assert r.headers["content-type"].split(";")[0] in responses["200"]["content"]
    assert client.options(address).status_code == 204 and "204" in doc["paths"][path]["options"]["responses"]


def test_a_post_of_a_query_is_described(client: Any, doc: dict[str, Any]) -> None:
    post = doc["paths"]["/sparql"]["post"]
    for media, body in (("application/sparql-query", "ASK {}"), ("application/x-www-form-urlencoded", "query=ASK%7B%7D")):
        assert media in post["requestBody"]["content"]
        r = client.post("/sparql", content=body, headers={"content-type": media, "accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.headers["content-type"] in post["responses"]["200"]["content"]
    assert "415" in post["responses"] and client.post("/sparql", content="x", headers={"content-type": "text/plain"}).status_code == 415


def test_a_route_the_table_does_not_know_is_an_error() -> None:
    from tipkg.service.openapi import document

    with pytest.raises(KeyError):
        document([Route("/new", lambda r: None, name="new")])
