"""Entity parameters (``entity: true`` in a saved query's header) that name nothing are an error that
suggests the closest entities, in the API (both local engines), the CLI and the site; every entity
of the graph passes, and the check is one small lookup."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import URIRef

from tipkg.cli import main
from tipkg.kg import KnowledgeGraph
from tipkg.namespaces import DEFAULT_BASE, Graphs
from tipkg.sparql.entities import check_entities
from tipkg.sparql.saved import QueryError, load_saved_queries, parse_saved_query

ROOT = Path(__file__).resolve().parents[2]
SAVED = load_saved_queries(ROOT / "queries")
ENTITY_PARAMS = [(q.name, p.name) for q in SAVED.values() for p in q.params if p.entity]
ENGINES = ("oxigraph", "rdflib")
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# a value that names no entity, and an id the suggestions must hold ("": there are none; None: either)
NAMES_NOTHING: list[tuple[str, str | None]] = [
    ("agency/fevimtr", "agency/fevimtra"),  # a typo
    ("FEVIMTRA", "agency/fevimtra"),  # a name, in capitals, where an id is wanted
    ("fevimtra", "agency/fevimtra"),  # the id's last part
    ("\uff46\uff45\uff56\uff49\uff4d\uff54\uff52\uff41", "agency/fevimtra"),  # full-width look-alikes
    ("agency/fevimtra-x", "agency/fevimtra"),
    ("leon", "place/nuevo-leon"),  # a name, accents aside
    ("graph/mx-2011", "source/mx-2011"),  # a named graph: under the base, but no entity
    ("https://example.org/id/agency/fevimtra", "agency/fevimtra"),  # another base
    ("https://w3id.org/tipkg/ontology#GovernmentBody", None),  # an ontology term
    ("https://w3id.org/tipkg/concept/theme-labour-exploitation", None),  # a concept code
    ("zzzzzzzz", ""),
]


def test_the_saved_queries_declare_entity_parameters() -> None:
    assert ("entity_facts", "entity") in ENTITY_PARAMS and ("fact_evidence", "entity") in ENTITY_PARAMS


@pytest.mark.parametrize(("query", "param"), ENTITY_PARAMS)
def test_the_example_and_default_of_each_entity_parameter_name_entities(request: pytest.FixtureRequest, query: str, param: str) -> None:
    """Each has an example (and a default, unless left out means "every entity") that names an entity
    with rows: on the shipped graph, or for an assessment query on the fictional assessment, since the
    shipped self-report holds no assessment."""
    kgs = request.getfixturevalue("assessment_kgs" if "assessment" in SAVED[query].tags else "kgs")
    p = SAVED[query].param(param)
    assert p is not None and p.example is not None
    for value in (p.example, p.default):
        if value is not None:
            assert kgs["oxigraph"].query(query, **{param: value}).rows
    if p.default is None:
        assert len(kgs["oxigraph"].query(query).rows) > len(kgs["oxigraph"].query(query, **{param: p.example}).rows)


# -- what names an entity ---------------------------------------------------------------------------


def typed(built_real: Path) -> tuple[set[str], set[str]]:
    """IRIs typed in a graph of the data, and those typed only in the ontology graph, read from the store
    (the dataset's description, in its own graph, is neither)."""
    store = ox.Store.read_only(str(built_real / "build" / "store"))
    ontology = Graphs(DEFAULT_BASE).ontology
    not_void = f"FILTER(isIRI(?s) && ?g != <{Graphs(DEFAULT_BASE).void}>)"
    rows = store.query(f"SELECT DISTINCT ?s ?g WHERE {{ GRAPH ?g {{ ?s a ?c }} {not_void} }}")
    data = {r["s"].value for r in rows if r["g"].value != ontology}  # type: ignore[index, union-attr]
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?c }} {not_void} }}")
    return data, {r["s"].value for r in rows} - data  # type: ignore[index, union-attr]


def test_every_iri_typed_in_the_data_names_an_entity_and_no_ontology_term_does(kgs: dict[str, KnowledgeGraph], built_real: Path) -> None:
    """The definition (under the base IRI, with a type) agrees with "typed outside the ontology graph"."""
    data, ontology_only = typed(built_real)
    assert len(data) > 1000 and len(ontology_only) > 200
    kg = kgs["oxigraph"]
    query = SAVED["entity_facts"]
    for iri in sorted(data):
        check_entities(kg.engine, query, {"entity": URIRef(iri)}, kg.base)
    for iri in sorted(ontology_only):
        with pytest.raises(QueryError, match="names no entity of the graph"):
            check_entities(kg.engine, query, {"entity": URIRef(iri)}, kg.base)


class Counting:
    """The real engine, counting the queries it runs."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.texts: list[str] = []

    def run(self, text: str, bindings: dict[str, Any]) -> Any:
        self.texts.append(text)
        return self.engine.run(text, bindings)


def test_the_check_of_a_valid_entity_is_one_ask(kgs: dict[str, KnowledgeGraph]) -> None:
    kg = kgs["oxigraph"]
    engine = Counting(kg.engine)
    check_entities(engine, SAVED["entity_facts"], {"entity": URIRef(kg.base + "agency/fevimtra")}, kg.base)
    assert len(engine.texts) == 1 and engine.texts[0].lstrip().startswith("ASK")
    check_entities(engine, SAVED["figures_in_year"], {}, kg.base)  # no entity parameter: no query
    assert len(engine.texts) == 1


# -- the API, both engines ------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("value", "suggested"), NAMES_NOTHING)
@pytest.mark.parametrize(("query", "param"), ENTITY_PARAMS)
def test_an_entity_that_names_nothing_is_an_error_with_suggestions(
    kgs: dict[str, KnowledgeGraph], engine: str, value: str, suggested: str | None, query: str, param: str
) -> None:
    with pytest.raises(QueryError) as error:
        kgs[engine].query(query, **{param: value})
    message = str(error.value)
    assert message.startswith(f"parameter {param!r}: ") and "names no entity of the graph" in message and "\n" not in message
    if suggested:
        assert "; did you mean " in message and suggested in message.split("; did you mean ", 1)[1], message
    elif suggested == "":
        assert "did you mean" not in message and "search_entities" in message, message


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_entities_answer_as_before(kgs: dict[str, KnowledgeGraph], engine: str) -> None:
    """The same rows as the query run as plain SPARQL text, which no entity check guards."""
    kg = kgs[engine]
    for value in ("agency/fevimtra", "place/nuevo-leon", kg.base + "agency/pgr"):
        checked = kg.query("entity_facts", entity=value)
        unchecked = kg.query(SAVED["entity_facts"].text, entity=URIRef(value if ":" in value else kg.base + value))
        assert checked.rows and sorted(checked.rows, key=str) == sorted(unchecked.rows, key=str)


# -- the header ---------------------------------------------------------------------------------------

HEADER = "#+ title: t\n#+ description: d\n#+ params:\n#+   - name: x\n{}\nSELECT $x WHERE {{}}\n"


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ("#+     type: string\n#+     entity: true", "'entity: true' is for a param of type iri"),
        ("#+     type: iri\n#+     entity: yes please", "'entity: true' is for a param of type iri"),
        ("#+     type: iri\n#+     entitiy: true", "has the key 'entitiy', not one of"),
    ],
)
def test_a_malformed_entity_declaration_is_refused(lines: str, says: str) -> None:
    with pytest.raises(QueryError, match=says):
        parse_saved_query(HEADER.format(lines), "q")


def test_an_entity_declaration_is_read() -> None:
    query = parse_saved_query(HEADER.format("#+     type: iri\n#+     entity: true"), "q")
    assert query.params[0].entity
    assert not parse_saved_query(HEADER.format("#+     type: iri"), "q").params[0].entity


# -- the CLI ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_the_cli_says_it_in_one_line_with_exit_code_2(built_real: Path, engine: str) -> None:
    result = CliRunner().invoke(
        main, ["query", "run", "entity_facts", "--root", str(built_real), "--engine", engine, "-p", "entity=agency/nope"]
    )
    assert result.exit_code == 2 and result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("tipkg: error: parameter 'entity': agency/nope names no entity of the graph; did you mean ")
    assert "\n" not in message


def test_the_examples_in_the_docs_are_what_the_cli_says(built_real: Path) -> None:
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    section = doc.split("## Entity parameters", 1)[1].split("\n## ", 1)[0]
    lines = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    examples = [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]
    assert len(examples) == 2
    for command, said in examples:
        args = command.removeprefix("$ tipkg ").split()
        result = CliRunner().invoke(main, [*args, "--root", str(built_real)])
        assert result.exit_code == 2 and result.stderr.strip() == said


# -- the site (in-process, with its worker processes) ------------------------------------------------------


@pytest.fixture(scope="module")
def client(built_real: Path) -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's notice about httpx
        from starlette.testclient import TestClient

    from tipkg.service.app import create_app

    with TestClient(create_app(built_real), headers={"accept": HTML_ACCEPT}) as test_client:
        yield test_client


@pytest.mark.parametrize(("query", "param"), ENTITY_PARAMS)
def test_the_query_page_says_it_with_400_and_keeps_the_form(client: Any, query: str, param: str) -> None:
    response = client.get(f"/queries/{query}", params={param: "agency/fevimtr", "lang": "es"})
    assert response.status_code == 400
    html = unescape(response.text)
    assert f"parameter '{param}': agency/fevimtr names no entity of the graph; did you mean agency/fevimtra" in html
    assert f'name="{param}" value="agency/fevimtr"' in html  # the form, as it was sent
    assert '<option value="es" selected>' in html


@pytest.mark.parametrize("suffix", [".json", ".csv", ".tsv"])
def test_the_data_downloads_say_it_in_one_line(client: Any, suffix: str) -> None:
    response = client.get(f"/queries/entity_facts{suffix}", params={"entity": "agency/nope"})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("parameter 'entity': agency/nope names no entity of the graph; did you mean ")
    assert response.text.count("\n") == 1


def test_the_graph_view_says_it_with_400(client: Any) -> None:
    response = client.get("/queries/entity_facts/graph", params={"entity": "agency/nope"})
    assert response.status_code == 400 and "names no entity of the graph" in unescape(response.text)


def test_valid_entities_still_answer_on_the_site(client: Any) -> None:
    assert client.get("/queries/entity_facts.json", params={"entity": "agency/pgr"}).json()


def test_entity_pages_of_things_that_are_no_entity_still_show(client: Any) -> None:
    """An entity page shows whatever the graph names: a named graph has one, with its facts."""
    assert client.get("/id/graph/mx-2011").status_code == 200
    assert client.get("/id/agency/fevimtra").status_code == 200
