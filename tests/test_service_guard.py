"""The service's pure parts: the query guard (decided by parsing), content negotiation, settings."""

from __future__ import annotations

import pytest

from tipkg.service.formats import GRAPHS, HTML, RESULTS, choose, negotiate
from tipkg.service.guard import Refused, check_query, expand_escapes
from tipkg.service.settings import SETTINGS, SettingError, resolve

GRAPH = "https://w3id.org/tipkg/id/graph/links"
ALLOWED = "http://127.0.0.1:9/sparql"

# (id, query, expected: a query form, or the HTTP status of the refusal)
GUARD_CASES = [
    ("select", "SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("ask", "ASK { ?s ?p ?o }", "ASK"),
    ("construct", "CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("describe", "DESCRIBE <http://example.org/x>", "DESCRIBE"),
    ("predeclared-prefix", "SELECT ?x WHERE { ?x a tipkg:Agency }", "SELECT"),
    ("from-store-graph", f"SELECT * FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}", "SELECT"),
    ("from-named-store-graph", f"SELECT * FROM NAMED <{GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "SELECT"),
    ("service-allowed", f"SELECT * WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}", "SELECT"),
    ("from-file", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400),
    ("from-web", "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", 400),
    ("from-named-web", "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", 400),
    ("service", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400),
    ("service-silent", "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }", 400),
    ("service-variable", "SELECT * WHERE { VALUES ?e { <http://example.org/sparql> } SERVICE ?e { ?s ?p ?o } }", 400),
    ("service-prefixed", "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }", 400),
    ("service-in-exists", "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/s> { ?a ?b ?c } } }", 400),
    ("service-in-subquery", "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } } } }", 400),
    ("service-in-optional", "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://example.org/s> { ?s ?b ?c } } }", 400),
    ("service-escaped", r"SELECT * WHERE { \u0053ERVICE <http://example.org/s> { ?s ?p ?o } }", 400),
    ("load", "LOAD <http://example.org/data.ttl>", 400),
    ("load-file", "LOAD <file:///etc/passwd> INTO GRAPH <http://example.org/g>", 400),
    ("update", "DROP ALL", 403),
    ("update-insert", "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 403),
    ("update-disguised", r"PREFIX a: <http://x/\u003E DROP ALL #> SELECT * WHERE {?s ?p ?o}", 403),
    ("update-disguised-upper", r"PREFIX a: <http://x/\U0000003E CLEAR DEFAULT #> SELECT * WHERE {?s ?p ?o}", 403),
    ("syntax", "SELEKT * WHERE { ?s ?p ?o }", 400),
    ("unknown-prefix", "SELECT * WHERE { ?s a nope:Thing }", 400),
    ("nested-40", "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40, 400),
    ("nested-500", "SELECT * WHERE " + "{" * 500 + " ?s ?p ?o " + "}" * 500, 400),
    ("empty", "   ", 400),
    ("double-escape", r'SELECT * WHERE { ?s ?p "\u005Cu0041" }', 400),
    ("surrogate-escape", r'SELECT * WHERE { ?s ?p "\uD83D" }', 400),
]


@pytest.mark.parametrize(("query", "expected"), [c[1:] for c in GUARD_CASES], ids=[c[0] for c in GUARD_CASES])
def test_guard(query: str, expected: str | int) -> None:
    if isinstance(expected, str):
        assert check_query(query, graphs=[GRAPH], services=[ALLOWED]).kind == expected
    else:
        with pytest.raises(Refused) as caught:
            check_query(query, graphs=[GRAPH], services=[ALLOWED])
        assert caught.value.status == expected, caught.value.message


def test_guard_reports_whether_the_query_names_a_dataset() -> None:
    assert check_query(f"SELECT * FROM <{GRAPH}> {{ ?s ?p ?o }}", graphs=[GRAPH]).has_dataset
    assert not check_query("SELECT * { ?s ?p ?o }", graphs=[GRAPH]).has_dataset


def test_guard_refuses_large_queries() -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000
    with pytest.raises(Refused) as caught:
        check_query(query, graphs=[], max_bytes=1000)
    assert caught.value.status == 413


def test_the_engine_runs_the_text_the_guard_read() -> None:
    """Oxigraph does not expand \\u escapes outside strings, rdflib does: the engine gets the expanded text."""
    hidden = 'SELECT * WHERE { ?s ?p ?o # \\u000A FILTER(?o = """\nSERVICE <http://example.org/s> { ?a ?b ?c }\n# """)\n}'
    checked = check_query(hidden, graphs=[])
    assert "\\u000A" not in checked.text and 'FILTER(?o = """\nSERVICE' in checked.text
    import pyoxigraph as ox

    store = ox.Store()
    assert list(store.query(checked.text)) == []  # no request made: the SERVICE is inside a string


def test_expand_escapes() -> None:
    assert expand_escapes(r"\u0041\U00000042c") == "ABc"


NEGOTIATION = [
    # (Accept, ?format=, offers, expected format name or None)
    (None, None, RESULTS, "json"),
    ("*/*", None, RESULTS, "json"),
    ("application/sparql-results+json", None, RESULTS, "json"),
    ("application/sparql-results+xml", None, RESULTS, "xml"),
    ("application/xml", None, RESULTS, "xml"),
    ("text/csv", None, RESULTS, "csv"),
    ("text/tab-separated-values", None, RESULTS, "tsv"),
    ("text/csv;q=0.5, text/tab-separated-values", None, RESULTS, "tsv"),
    ("image/png", None, RESULTS, None),
    ("text/turtle", None, GRAPHS, "turtle"),
    ("application/n-triples", None, GRAPHS, "ntriples"),
    ("application/ld+json", None, GRAPHS, "jsonld"),
    ("application/rdf+xml", None, GRAPHS, "rdfxml"),
    ("application/json", None, GRAPHS, "jsonld"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, (*RESULTS, HTML), "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, GRAPHS, "rdfxml"),
    ("text/html", "csv", (*RESULTS, HTML), "csv"),
    (None, "turtle", GRAPHS, "turtle"),
    (None, "csv", GRAPHS, None),
    (None, "application/sparql-results+xml", RESULTS, "xml"),
]


@pytest.mark.parametrize(("accept", "param", "offers", "expected"), NEGOTIATION)
def test_negotiation(accept: str | None, param: str | None, offers: tuple, expected: str | None) -> None:
    chosen = choose(accept, param, offers)
    assert (chosen.name if chosen else None) == expected


def test_ties_go_to_the_first_offer() -> None:
    assert negotiate("text/*", RESULTS).name == "xml"  # type: ignore[union-attr]


def test_settings_defaults_and_overrides() -> None:
    values = resolve({"query_time_limit": "2.5", "row_cap": "5"})
    assert values["query_time_limit"] == 2.5 and values["row_cap"] == 5 and values["workers"] == 2
    assert all(s.help for s in SETTINGS)
    with pytest.raises(SettingError, match="unknown setting"):
        resolve({"sql_time_limit": "1"})
    with pytest.raises(SettingError, match="expected int"):
        resolve({"row_cap": "many"})
    with pytest.raises(SettingError, match="positive"):
        resolve({"workers": "0"})
