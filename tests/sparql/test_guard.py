"""The query guard (tipkg.sparql.guard): the canonical text, and the decision taken on its parse.

The paths that use it, with a listener that proves no connection is made, are in
tests/sparql/test_guard_differential.py.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from tipkg.sparql.guard import Refused, canonical, check_query, expand_escapes, may_call
from tipkg.sparql.saved import load_saved_queries
from tipkg.sparql.text import LINE_ENDS

ROOT = Path(__file__).resolve().parents[2]
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
    ("service-allowed-silent", f"SELECT * WHERE {{ SERVICE SILENT <{ALLOWED}> {{ ?s ?p ?o }} }}", "SELECT"),
    ("from-file", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400),
    ("from-web", "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", 400),
    ("from-named-web", "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", 400),
    ("from-behind-cr", "SELECT * # x\rFROM <http://example.org/g>\nWHERE { ?s ?p ?o }", 400),
    ("service", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400),
    ("service-silent", "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }", 400),
    ("service-variable", "SELECT * WHERE { VALUES ?e { <http://example.org/sparql> } SERVICE ?e { ?s ?p ?o } }", 400),
    ("service-variable-allowed", f"SELECT * WHERE {{ VALUES ?e {{ <{ALLOWED}> }} SERVICE ?e {{ ?s ?p ?o }} }}", 400),
    ("service-prefixed", "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }", 400),
    ("service-prefixed-allowed", "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }", 400),
    ("service-relative-allowed", "BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", 400),
    ("service-in-exists", "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/s> { ?a ?b ?c } } }", 400),
    ("service-in-subquery", "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } } } }", 400),
    ("service-in-optional", "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://example.org/s> { ?s ?b ?c } } }", 400),
    ("service-escaped", r"SELECT * WHERE { \u0053ERVICE <http://example.org/s> { ?s ?p ?o } }", 400),
    ("service-behind-cr", "SELECT * WHERE { # x\rSERVICE <http://example.org/s> { ?s ?p ?o }\n}", 400),
    ("service-behind-escaped-cr", r"SELECT * WHERE { # x\u000DSERVICE <http://example.org/s> { ?s ?p ?o }" + "\n}", 400),
    ("service-behind-nel", "SELECT * WHERE { # x\x85SERVICE <http://example.org/s> { ?s ?p ?o }\n}", 400),
    ("service-behind-ls", "SELECT * WHERE { # x\u2028SERVICE <http://example.org/s> { ?s ?p ?o }\n}", 400),
    (
        "service-after-pn-local-hash",
        r"PREFIX e: <http://e/> SELECT * WHERE { OPTIONAL { ?s e:a\# ?o } SERVICE <http://e/s> { ?a ?b ?c } }",
        400,
    ),
    ("service-in-a-comment", "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/s> { ?s ?p ?o }", "SELECT"),
    ("service-in-a-string", 'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/s> { ?s ?p ?o }" }', "SELECT"),
    ("load", "LOAD <http://example.org/data.ttl>", 400),
    ("load-file", "LOAD <file:///etc/passwd> INTO GRAPH <http://example.org/g>", 400),
    ("update", "DROP ALL", 403),
    ("update-insert", "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 403),
    ("update-disguised", r"PREFIX a: <http://x/\u003E DROP ALL #> SELECT * WHERE {?s ?p ?o}", 403),
    ("update-disguised-upper", r"PREFIX a: <http://x/\U0000003E CLEAR DEFAULT #> SELECT * WHERE {?s ?p ?o}", 403),
    ("syntax", "SELEKT * WHERE { ?s ?p ?o }", 400),
    ("unknown-prefix", "SELECT * WHERE { ?s a nope:Thing }", 400),
    ("stray-character", "SELECT * WHERE { ?s ?p ?o }\xa0", 400),
    ("unclosed-string", 'SELECT * WHERE { ?s ?p "o }', 400),
    ("iri-with-a-line-separator", "SELECT * WHERE { ?s ?p <http://x/\u2028> }", 400),
    ("nested-40", "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40, 400),
    ("nested-500", "SELECT * WHERE " + "{" * 500 + " ?s ?p ?o " + "}" * 500, 400),
    ("nested-exists-200", "SELECT * WHERE { " + "FILTER EXISTS { " * 200 + "?s ?p ?o" + " }" * 200 + " }", 400),
    ("empty", "   ", 400),
    ("only-a-comment", "# SELECT * WHERE { ?s ?p ?o }", 400),
    ("double-escape", r'SELECT * WHERE { ?s ?p "\u005Cu0041" }', 400),
    ("surrogate-escape", r'SELECT * WHERE { ?s ?p "\uD83D" }', 400),
    ("out-of-range-escape", r'SELECT * WHERE { ?s ?p "\U00110000" }', 400),
    ("short-u-escape", r'SELECT * WHERE { ?s ?p "\U0041" }', 400),
]


@pytest.mark.parametrize(("query", "expected"), [c[1:] for c in GUARD_CASES], ids=[c[0] for c in GUARD_CASES])
def test_guard(query: str, expected: str | int) -> None:
    if isinstance(expected, str):
        assert check_query(query, graphs=[GRAPH], services=[ALLOWED]).kind == expected
    else:
        with pytest.raises(Refused) as caught:
            check_query(query, graphs=[GRAPH], services=[ALLOWED])
        assert caught.value.status == expected, caught.value.message
        assert "\n" not in caught.value.message


def test_the_checked_query_says_what_it_calls_and_reads() -> None:
    checked = check_query(f"SELECT * FROM <{GRAPH}> {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}", graphs=[GRAPH], services=[ALLOWED])
    assert checked.services == {ALLOWED} and checked.dataset == (("FROM", GRAPH),) and checked.has_dataset
    plain = check_query("SELECT * { ?s ?p ?o }", graphs=[GRAPH])
    assert plain.services == frozenset() and not plain.has_dataset


@pytest.mark.parametrize(("query", "expected"), [c[1:] for c in GUARD_CASES], ids=[c[0] for c in GUARD_CASES])
def test_what_a_query_calls_is_known_before_it_is_parsed(query: str, expected: str | int) -> None:
    """may_call, from the tokens alone, bounds what the full check lets a query call."""
    bound = may_call(query, [ALLOWED])
    try:
        services = check_query(query, graphs=[GRAPH], services=[ALLOWED]).services
    except Refused:
        services = frozenset()
    assert services <= bound
    assert bound == ({ALLOWED} if f"SERVICE <{ALLOWED}>" in query or f"SILENT <{ALLOWED}>" in query else frozenset())


def test_from_is_not_checked_when_the_graphs_are_not_known() -> None:
    assert check_query("SELECT * FROM <http://example.org/g> { ?s ?p ?o }").dataset == (("FROM", "http://example.org/g"),)


def test_guard_refuses_large_queries() -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000
    with pytest.raises(Refused) as caught:
        check_query(query, graphs=[], max_bytes=1000)
    assert caught.value.status == 413


def test_a_misread_comment_is_caught_by_counting_the_services() -> None:
    """The tokenizer reads ``<ex:a#b>`` as an IRI, the parsers (rightly) as ``<`` then a comment that
    hides the SERVICE: the token and the parse disagree on the number of SERVICE patterns, so the
    query is refused even with the endpoint allowed."""
    query = f"PREFIX ex: <http://example.org/>\nSELECT * WHERE {{ ?s ?p ?o FILTER(?o <ex:a#b> SERVICE <{ALLOWED}> {{ ?x ?y ?z }}\n) }}"
    with pytest.raises(Refused, match="0 SERVICE patterns where its text shows 1"):
        check_query(query, services=[ALLOWED])
    assert list(ox.Store().query(canonical(query))) == []  # Oxigraph reads the canonical text as rdflib does


def test_the_engine_runs_the_text_the_guard_read() -> None:
    """Oxigraph does not expand \\u escapes outside strings, rdflib does: the engine gets the expanded text."""
    hidden = 'SELECT * WHERE { ?s ?p ?o # \\u000A FILTER(?o = """\nSERVICE <http://example.org/s> { ?a ?b ?c }\n# """)\n}'
    checked = check_query(hidden, graphs=[])
    assert "\\u000A" not in checked.text and 'FILTER(?o = """\nSERVICE' in checked.text
    assert list(ox.Store().query(checked.text)) == []  # no request made: the SERVICE is inside a string


def test_expand_escapes() -> None:
    assert expand_escapes(r"\u0041\U00000042c\u00410") == "ABcA0"


# -- the canonical text ----------------------------------------------------------------------------------

CANONICAL = [
    ("comment-to-lf", "SELECT * # c\nWHERE { ?s ?p ?o }", "SELECT * \nWHERE { ?s ?p ?o }"),
    ("comment-to-cr", "SELECT * # c\rWHERE { ?s ?p ?o }", "SELECT * \nWHERE { ?s ?p ?o }"),
    ("comment-to-crlf", "SELECT * # c\r\nWHERE { ?s ?p ?o }", "SELECT * \nWHERE { ?s ?p ?o }"),
    ("comment-to-ls", "SELECT * # c\u2028WHERE { ?s ?p ?o }", "SELECT * \nWHERE { ?s ?p ?o }"),
    ("comment-at-the-end", "ASK {} # c", "ASK {} "),
    ("comment-against-a-token", "ASK {?s ?p ?o#c\n}", "ASK {?s ?p ?o\n}"),
    ("line-ends", "ASK\r\n{\r}\x85\u2029\x0b\x0c", "ASK\n{\n}\n\n\n\n"),
    ("escaped-keyword", r"\u0041SK {}", "ASK {}"),
    ("escaped-hash", r"ASK {} \u0023 c", "ASK {} "),
    ("single-quotes", "ASK { ?s ?p 'it''s' }", 'ASK { ?s ?p "it" "s" }'),
    ("long-string", "ASK { ?s ?p '''a\r\nb \"c\"''' }", 'ASK { ?s ?p """a\\r\nb \\"c\\"""" }'),
    ("string-escapes", r'ASK { ?s ?p "a\tb\'c" }', 'ASK { ?s ?p "a\\tb\'c" }'),
    ("string-separators", 'ASK { ?s ?p "a\u2028b\x85c" }', 'ASK { ?s ?p "a\\U00002028b\\U00000085c" }'),
    ("backslash-u", r'ASK { ?s ?p "\\\u00750041" }', r'ASK { ?s ?p "\\\U000000750041" }'),
    ("pn-local-escapes", r"ASK { ?s ex:a\#b\'c%20 ?o }", r"ASK { ?s ex:a\#b\'c%20 ?o }"),
    ("iri-with-hash", "ASK { ?s ?p <http://x/#a> }", "ASK { ?s ?p <http://x/#a> }"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CANONICAL], ids=[c[0] for c in CANONICAL])
def test_canonical_text(text: str, expected: str) -> None:
    assert canonical(text) == expected


def _no_ambiguity_left(text: str) -> None:
    """No line end but LF, no comment sign outside IRIs, strings and escaped names, no \\u escape."""
    assert not any(ch in LINE_ENDS.replace("\n", "") for ch in text)
    assert "\\u" not in text


SAVED = load_saved_queries(ROOT / "queries")


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_queries_are_canonical_once(name: str) -> None:
    """Canonical text is a fixed point, and for a saved query it differs from the file only by its comments."""
    once = canonical(SAVED[name].text)
    assert canonical(once) == once
    _no_ambiguity_left(once)
    assert "#+" not in once


STRINGS = [
    "plain",
    "Peña ü 中 😀",
    "a\nb\rc\td",
    "a\u2028b\u2029c\x85d\x0be\x0cf",
    "q'\"q",
    "back\\slash",
    "\\u0041",
    "\\U00000041",
    "\x00\x01\x7f",
]
SHAPES = ["short", "long"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("value", STRINGS)
def test_strings_keep_their_value_for_both_parsers(value: str, shape: str) -> None:
    """A string re-emitted in the canonical text reads back as the same value in Oxigraph and in rdflib."""
    from tipkg.sparql.text import string_text

    written = string_text(value, long=shape == "long")
    query = canonical(f"SELECT ?x WHERE {{ BIND({written} AS ?x) }}")
    _no_ambiguity_left(query)
    assert canonical(query) == query
    (solution,) = list(ox.Store().query(query))  # type: ignore[arg-type]
    assert solution["x"].value == value
    (row,) = list(Graph().query(query))
    assert str(row[0]) == value  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT *\r\nWHERE { ?s ?p ?o \xa0 }", "line 2, column 18"),
        ("SELECT *\rWHERE { ?s ?p 'o }", "line 2, column 15"),
    ],
)
def test_a_stray_character_is_reported_where_it_is(text: str, where: str) -> None:
    with pytest.raises(Refused, match=where):
        canonical(text)


def test_queries_are_read_from_many_threads_at_once() -> None:
    """rdflib's parser is not thread-safe (the service's pages run in a thread pool): the guard reads
    one text at a time."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [
        f"SELECT ?x{i} WHERE {{ ?x{i} ?p ?o FILTER(?o != {i} && REGEX(STR(?p), 'a{i}')) OPTIONAL {{ ?o ?q ?x{i} }} }}" for i in range(40)
    ]
    with ThreadPoolExecutor(8) as pool:
        kinds = list(pool.map(lambda t: check_query(t).kind, texts))
    assert kinds == ["SELECT"] * len(texts)


FORMS = {
    "select": "SELECT * WHERE {{ {} }}",
    "ask": "ASK {{ {} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {} }}",
    "describe": "DESCRIBE ?s WHERE {{ {} }}",
}
POSITIONS = {
    "top": "{}",
    "optional": "?s ?p ?o OPTIONAL {{ {} }}",
    "union": "{{ ?s ?p ?o }} UNION {{ {} }}",
    "minus": "?s ?p ?o MINUS {{ {} }}",
    "subselect": "{{ SELECT * WHERE {{ {} }} }}",
    "exists": "?s ?p ?o FILTER EXISTS {{ {} }}",
    "not-exists": "?s ?p ?o FILTER NOT EXISTS {{ {} }}",
    "graph": "GRAPH ?g {{ {} }}",
    "twice": "{} {}",
}


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("form", list(FORMS))
def test_an_allowed_service_passes_wherever_it_is(form: str, position: str) -> None:
    """The SERVICE patterns the parse shows are counted once each, wherever they are."""
    call = f"SERVICE <{ALLOWED}> {{ ?s ?p ?o }}"
    query = FORMS[form].format(POSITIONS[position].format(call, call))
    assert check_query(query, services=[ALLOWED]).services == {ALLOWED}
    with pytest.raises(Refused, match="not in the service allow-list"):
        check_query(query, services=["http://127.0.0.1:9/other"])


def test_refusals_quote_iris_on_one_visible_line() -> None:
    """A bidirectional override in an endpoint or a graph is escaped in the message, like any user text."""
    for query in ["SELECT * WHERE { SERVICE <http://x/\u202eevil> { ?s ?p ?o } }", "SELECT * FROM <http://x/\u202eg> { ?s ?p ?o }"]:
        with pytest.raises(Refused) as caught:
            check_query(query, graphs=[GRAPH])
        assert "\u202e" not in caught.value.message and "\\u202e" in caught.value.message
