"""The two embedded engines over one small dataset: the same answers, the union default graph holding
each triple once, parameters bound as terms, and their errors as one line. The data is made up here."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from tipkg.engines import SparqlError
from tipkg.engines.oxigraph import OxigraphEngine, has_union, open_store, term_json, write_store
from tipkg.engines.rdflib import RdflibEngine
from tipkg.errors import NotBuiltError
from tipkg.sparql.paging import Window

EX = "https://example.org/"
# the same fact stated in two named graphs (two reports), and one fact in each alone
NQUADS = f"""<{EX}a> <{EX}funds> <{EX}b> <{EX}report-1> .
<{EX}a> <{EX}funds> <{EX}b> <{EX}report-2> .
<{EX}a> <{EX}name> "Agencia"@ES <{EX}report-1> .
<{EX}b> <{EX}amount> "7.5"^^<http://www.w3.org/2001/XMLSchema#decimal> <{EX}report-2> .
"""
NTRIPLES = f"""<{EX}a> <{EX}funds> <{EX}b> .
<{EX}a> <{EX}name> "Agencia"@ES .
<{EX}b> <{EX}amount> "7.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
"""

# (query, bindings, expected rows): each engine must give exactly these rows
CASES = {
    "a fact stated twice is one row": (f"SELECT ?s ?o WHERE {{ ?s <{EX}funds> ?o }}", {}, [(URIRef(EX + "a"), URIRef(EX + "b"))]),
    "count over the union": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}, [(Literal(3),)]),
    "each report's own graph": (
        f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}funds> ?o }} }} ORDER BY ?g",
        {},
        [(URIRef(EX + "report-1"),), (URIRef(EX + "report-2"),)],
    ),
    "an IRI parameter": (f"SELECT ?o ?s WHERE {{ ?s <{EX}funds> ?o }}", {"s": URIRef(EX + "a")}, [(URIRef(EX + "b"), URIRef(EX + "a"))]),
    "a parameter the SELECT does not name": (f"SELECT ?o WHERE {{ ?s <{EX}funds> ?o }}", {"s": URIRef(EX + "b")}, []),
    "a language tag in lower case": (f"SELECT ?n WHERE {{ <{EX}a> <{EX}name> ?n }}", {}, [(Literal("Agencia", lang="es"),)]),
    "a typed literal": (
        f"SELECT ?v WHERE {{ <{EX}b> <{EX}amount> ?v }}",
        {},
        [(Literal("7.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),)],
    ),
}


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, OxigraphEngine | RdflibEngine]:
    folder = tmp_path_factory.mktemp("engines")
    (folder / "graph.nq").write_text(NQUADS, encoding="utf-8")
    (folder / "graph.nt").write_text(NTRIPLES, encoding="utf-8")
    write_store(folder / "store", folder / "graph.nq", folder / "graph.nt")
    return {"oxigraph": OxigraphEngine(open_store(folder)), "rdflib": RdflibEngine(folder / "graph.nq")}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("case", CASES)
def test_both_engines_give_the_expected_rows(engines: dict[str, OxigraphEngine | RdflibEngine], engine: str, case: str) -> None:
    query, bindings, expected = CASES[case]
    assert engines[engine].run(query, bindings).rows == expected


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ask_and_construct(engines: dict[str, OxigraphEngine | RdflibEngine], engine: str) -> None:
    run = engines[engine].run
    assert run(f"ASK {{ <{EX}a> <{EX}funds> <{EX}b> }}", {}).boolean is True
    assert run(f"ASK {{ <{EX}b> <{EX}funds> <{EX}a> }}", {}).boolean is False
    built = run(f"CONSTRUCT {{ ?o <{EX}fundedBy> ?s }} WHERE {{ ?s <{EX}funds> ?o }}", {}).triples
    assert built is not None and set(built) == {(URIRef(EX + "b"), URIRef(EX + "fundedBy"), URIRef(EX + "a"))}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_syntax_error_is_one_line_with_its_place(engines: dict[str, OxigraphEngine | RdflibEngine], engine: str) -> None:
    with pytest.raises(SparqlError, match=r"^SPARQL syntax error at line 2, column \d+: [^\n]*$"):
        engines[engine].run("SELECT ?s\nWHERE { ?s ?p }", {})


def test_a_store_is_opened_only_when_built(tmp_path: Path) -> None:
    with pytest.raises(NotBuiltError, match="run 'tipkg build' first"):
        open_store(tmp_path)


def test_a_store_without_its_union_is_refused(tmp_path: Path) -> None:
    (tmp_path / "graph.nq").write_text(NQUADS, encoding="utf-8")
    (tmp_path / "graph.nt").write_text("", encoding="utf-8")
    write_store(tmp_path / "store", tmp_path / "graph.nq", tmp_path / "graph.nt")
    with pytest.raises(NotBuiltError, match="no union default graph"):
        open_store(tmp_path)


def test_the_union_is_there_in_a_built_store(engines: dict[str, OxigraphEngine | RdflibEngine]) -> None:
    engine = engines["oxigraph"]
    assert isinstance(engine, OxigraphEngine) and has_union(engine.store)


def test_oxigraph_terms_are_written_as_sparql_json(engines: dict[str, OxigraphEngine | RdflibEngine]) -> None:
    engine = engines["oxigraph"]
    assert isinstance(engine, OxigraphEngine)
    (row,) = engine.store.query(f"SELECT ?s ?n ?v WHERE {{ ?s <{EX}name> ?n . ?b <{EX}amount> ?v }}")
    assert [term_json(t) for t in row] == [
        {"type": "uri", "value": EX + "a"},
        {"type": "literal", "value": "Agencia", "xml:lang": "es"},
        {"type": "literal", "value": "7.5", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"},
    ]


def test_a_window_of_ordered_rows_makes_terms_of_its_rows_only(
    engines: dict[str, OxigraphEngine | RdflibEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tipkg.engines.oxigraph as oxigraph

    engine = engines["oxigraph"]
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    whole = engine.run(text, {})
    table = oxigraph._Terms({None: None})
    monkeypatch.setattr(oxigraph, "_terms", table)
    part = engine.run(text, {}, window=Window(1, 1), ordered=True)
    assert part.rows == whole.rows[1:2] and part.total == 3 and part.offset == 1
    assert len(table) == 1 + 3  # unbound, and the three terms of the one row shown


@pytest.mark.parametrize("case", CASES)
def test_the_table_of_converted_terms_empties_when_full(
    engines: dict[str, OxigraphEngine | RdflibEngine], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    import tipkg.engines.oxigraph as oxigraph

    monkeypatch.setattr(oxigraph, "TERMS_KEPT", 2)
    monkeypatch.setattr(oxigraph, "_terms", oxigraph._Terms({None: None}))
    query, bindings, expected = CASES[case]
    for _ in range(2):
        assert sorted(engines["oxigraph"].run(query, bindings).rows) == sorted(expected)
        assert len(oxigraph._terms) <= 2
