"""The query layer around the saved queries: parameters that cannot inject, clear one-line errors (exit code 2
in the CLI), the `tipkg query` and `tipkg sparql` commands, standard vocabularies through the inferred closure,
and the Python API."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import tipkg
from tipkg.cli import main
from tipkg.engines import SparqlError
from tipkg.errors import NotBuiltError
from tipkg.kg import KnowledgeGraph
from tipkg.sparql.saved import QueryError, load_saved_queries

ROOT = Path(__file__).resolve().parents[2]
ENGINES = ("oxigraph", "rdflib")
INJECTIONS = ('x" || true || "', r"x\u0022 || true || \u0022", "x\u0022 || true || \u0022", "http://ex/a> ?p ?o } #")
SAVED = load_saved_queries(ROOT / "queries")
FEVIMTRA = "Special Prosecution Unit for the Crimes of Violence against Women and Trafficking in Persons"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    """Exit code 2, nothing on stdout, one line on stderr that says what is wrong."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("tipkg: error: ") and "\n" not in message, message
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in message, message


def params_of_type(*types: str) -> list[tuple[str, str]]:
    return [(q.name, p.name) for q in SAVED.values() for p in q.params if p.type in types]


# -- injection --------------------------------------------------------------------------------------


def test_there_are_string_and_iri_parameters_to_attack() -> None:
    assert params_of_type("string") and params_of_type("iri") and params_of_type("year") and params_of_type("number")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize(("query", "param"), params_of_type("string"))
def test_string_parameters_cannot_inject(kgs: dict[str, KnowledgeGraph], engine: str, value: str, query: str, param: str) -> None:
    assert kgs[engine].query(query, **{param: value}).rows == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("query", "param", "value"), [("search_entities", "text", "leon"), ("actors_by_area", "area", "protection")])
def test_the_attacked_string_parameters_do_find_rows(
    kgs: dict[str, KnowledgeGraph], engine: str, query: str, param: str, value: str
) -> None:
    assert kgs[engine].query(query, **{param: value}).rows


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize(("query", "param"), params_of_type("iri", "year", "number"))
def test_typed_parameters_refuse_injections(kgs: dict[str, KnowledgeGraph], engine: str, value: str, query: str, param: str) -> None:
    with pytest.raises(QueryError, match=f"parameter '{param}'"):
        kgs[engine].query(query, **{param: value})


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", INJECTIONS)
def test_ad_hoc_parameters_cannot_inject(kgs: dict[str, KnowledgeGraph], engine: str, value: str) -> None:
    query = "SELECT ?s WHERE { ?s skos:prefLabel ?label FILTER(STR(?label) = $name) }"
    assert kgs[engine].query(query, name="Mexico").rows  # the query itself works
    assert kgs[engine].query(query, name=value).rows == []


def test_injection_through_the_cli_finds_nothing(built_real: Path) -> None:
    result = cli("query", "run", "search_entities", "--root", str(built_real), "-p", 'text=x" || true || "', "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    result = cli("query", "run", "entity_facts", "--root", str(built_real), "-p", "entity=http://ex/a> ?p ?o } #")
    assert_one_line_error(result, "parameter 'entity'")


# -- bad parameters, bad queries, no graph -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "params", "says"),
    [
        ("funding_in_year", {"yr": "2010"}, "has no parameter 'yr' (its parameters: year)"),
        ("timeline", {"year": "2010"}, "has no parameter 'year' (its parameters: none)"),
        ("funding_in_year", {"year": "twenty ten"}, "parameter 'year': expected a year like 2010"),
        ("figures_in_year", {"year": "10"}, "parameter 'year': expected a year like 2010"),
        ("figures_at_least", {"minimum": "a lot"}, "parameter 'minimum': expected a number"),
        ("figures_at_least", {"minimum": "1e3"}, "parameter 'minimum': expected a number like 42 or 3.5"),
        ("entity_facts", {"entity": "agency fevimtra"}, "parameter 'entity': expected an IRI or an entity id"),
        ("entity_facts", {"entity": ""}, "parameter 'entity': expected an IRI or an entity id"),
    ],
)
def test_bad_parameters_are_one_clear_error(
    kgs: dict[str, KnowledgeGraph], built_real: Path, query: str, params: dict[str, str], says: str
) -> None:
    with pytest.raises(QueryError) as error:
        kgs["oxigraph"].query(query, **params)
    assert says in str(error.value) and "\n" not in str(error.value)
    args = ["query", "run", query, "--root", str(built_real)]
    for key, value in params.items():
        args += ["-p", f"{key}={value}"]
    assert_one_line_error(cli(*args), says)


def test_a_parameter_without_a_value_is_refused(built_real: Path) -> None:
    assert_one_line_error(cli("query", "run", "funding_in_year", "--root", str(built_real), "-p", "2010"), "expected KEY=VALUE")


@pytest.mark.parametrize("engine", ENGINES)
def test_sparql_syntax_error_says_line_and_column(kgs: dict[str, KnowledgeGraph], built_real: Path, engine: str) -> None:
    text = "SELECT ?x WHERE {\n  ?x ?p }"
    with pytest.raises(SparqlError, match=r"SPARQL syntax error at line 2, column \d+"):
        kgs[engine].query(text)
    assert_one_line_error(cli("sparql", text, "--root", str(built_real), "--engine", engine), "SPARQL syntax error at line 2, column ")


def test_long_engine_messages_stay_on_one_line(built_real: Path) -> None:
    result = cli("sparql", "SELECT ?x WHERE { ?x ?p ?o } GROUP BY", "--root", str(built_real))
    assert_one_line_error(result, "SPARQL syntax error at line 1, column ")
    assert len(result.stderr) < 300


def test_an_error_while_rows_are_read_is_one_clear_error(kgs: dict[str, KnowledgeGraph], built_real: Path) -> None:
    """rdflib evaluates lazily: an evaluation error surfaces while the rows are read, and is reported like any other."""
    text = (
        "SELECT ?theme (GROUP_CONCAT(DISTINCT ?code) AS ?areas)"
        " WHERE { ?x tipkg:theme ?theme OPTIONAL { ?x tipkg:area/skos:notation ?code } } GROUP BY ?theme"
    )
    with pytest.raises(SparqlError, match="query failed: Variable code is not bound"):
        kgs["rdflib"].query(text)
    assert_one_line_error(cli("sparql", text, "--root", str(built_real), "--engine", "rdflib"), "query failed")


@pytest.mark.parametrize("command", ["run", "show"])
def test_unknown_query_suggests_the_closest_names(built_real: Path, command: str) -> None:
    result = cli("query", command, "victims_by_nationalty", "--root", str(built_real))
    assert_one_line_error(result, "unknown query 'victims_by_nationalty'; did you mean victims_by_nationality")


def test_unknown_query_in_python(kgs: dict[str, KnowledgeGraph]) -> None:
    with pytest.raises(QueryError, match="did you mean funding_flows"):
        kgs["oxigraph"].query("funding_flow")


@pytest.mark.parametrize("args", [["query", "run", "timeline"], ["sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"]])
def test_without_a_built_graph_the_message_says_to_build(tmp_path: Path, args: list[str]) -> None:
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    assert_one_line_error(cli(*args, "--root", str(tmp_path)), "run 'tipkg build'")
    with pytest.raises(NotBuiltError, match="run 'tipkg build'"):
        tipkg.open(tmp_path)


def test_sparql_needs_a_query(built_real: Path) -> None:
    assert_one_line_error(cli("sparql", "--root", str(built_real)), "give the query")


# -- tipkg query list | show | run, tipkg sparql --------------------------------------------------------


def test_query_list_shows_every_saved_query_with_its_title(built_real: Path) -> None:
    result = cli("query", "list", "--root", str(built_real))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(SAVED)
    for q in SAVED.values():
        assert any(line.split()[0] == q.name and q.title in line for line in lines), q.name
    assert "entity=<iri>" in next(line for line in lines if line.startswith("entity_facts "))


def test_query_list_by_tag(built_real: Path) -> None:
    result = cli("query", "list", "--root", str(built_real), "--tag", "funding")
    names = {line.split()[0] for line in result.stdout.splitlines()}
    assert names == {q.name for q in SAVED.values() if "funding" in q.tags}
    assert "funding_flows" in names and "timeline" not in names


def test_query_show_prints_the_sparql(built_real: Path) -> None:
    result = cli("query", "show", "entity_facts", "--root", str(built_real))
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "queries" / "entity_facts.rq").read_text(encoding="utf-8").rstrip() + "\n"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md", "sparql-json"])
def test_query_run_in_every_format(built_real: Path, engine: str, fmt: str) -> None:
    result = cli("query", "run", "victims_by_nationality", "--root", str(built_real), "--format", fmt, "--engine", engine)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "table":
        assert out.splitlines()[0].split()[:3] == ["nationality", "victims", "moreThan"]
        assert "Guatemala" in out and out.rstrip().endswith("(6 rows)")
    elif fmt in ("csv", "tsv"):
        rows = list(csv.DictReader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        assert (rows[0]["nationalityLabel"], rows[0]["victims"]) == ("Guatemala", "123")
        assert len(rows) == 6 and rows[0]["nationality"] == "https://w3id.org/tipkg/id/place/guatemala"
    elif fmt == "json":
        rows = json.loads(out)
        assert (
            len(rows) == 6 and rows[0]["nationalityLabel"] == "Guatemala" and rows[0]["total"] == 147 and rows[0]["victims"] == 123
        )  # numbers, not text
    elif fmt == "md":
        lines = out.rstrip("\n").splitlines()
        assert lines[0].startswith("| nationality | victims |") and lines[1].startswith("|---|")
        assert "| Guatemala | 123 | false | false | 147 |" in lines[2] and len(lines) == 8
    else:
        data = json.loads(out)
        assert "nationalityLabel" in data["head"]["vars"]
        first = data["results"]["bindings"][0]
        assert first["nationality"] == {"type": "uri", "value": "https://w3id.org/tipkg/id/place/guatemala"}
        assert first["nationalityLabel"]["value"] == "Guatemala"
        assert first["victims"]["datatype"].endswith(("#decimal", "#integer"))


def test_query_run_with_parameters(built_real: Path) -> None:
    result = cli("query", "run", "funding_in_year", "--root", str(built_real), "-p", "year=2009", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(r["channelLabel"] for r in json.loads(result.stdout)) == [
        "Program to Protect and Assist Victims of Trafficking in Persons",
        "Social Joint Venture Program",
    ]


def test_query_run_in_spanish(built_real: Path) -> None:
    result = cli("query", "run", "funding_flows", "--root", str(built_real), "--lang", "es", "--format", "json")
    labels = {r["funderLabel"] for r in json.loads(result.stdout)}
    assert "Sistema Integral para la Atención de la Familia" in labels  # the DIF's Spanish name
    assert "Programa de Coinversión Social" in {r["channelLabel"] for r in json.loads(result.stdout)}
    english = cli("query", "run", "funding_flows", "--root", str(built_real), "--format", "json")
    assert "System for Integral Development of the Family" in {r["funderLabel"] for r in json.loads(english.stdout)}


@pytest.mark.parametrize("engine", ENGINES)
def test_sparql_text_file_and_parameters(built_real: Path, tmp_path: Path, engine: str) -> None:
    text = "SELECT ?unit WHERE { ?unit tipkg:unitOf $parent }"
    result = cli("sparql", text, "--root", str(built_real), "-p", "parent=agency/pgr", "--format", "json", "--engine", engine)
    assert result.exit_code == 0, result.output
    assert [r["unitLabel"] for r in json.loads(result.stdout)] == [FEVIMTRA]
    path = tmp_path / "q.rq"
    path.write_text("PREFIX schema: <http://schema.org/>\nSELECT ?country WHERE { ?country a schema:Country }\n", encoding="utf-8")
    result = cli("sparql", "-f", str(path), "--root", str(built_real), "--format", "csv", "--engine", engine)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.rstrip("\n").splitlines()) == 1 + 8


# -- standard vocabularies through the inferred closure ------------------------------------------------

STANDARD = """
PREFIX schema: <http://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def standard(kg: KnowledgeGraph, query: str) -> list[dict[str, str | None]]:
    text = STANDARD + query
    assert "tipkg" not in text
    return kg.query(text).to_dicts()


@pytest.mark.parametrize("engine", ENGINES)
def test_standard_terms_find_the_agencies_partnerships_laws_and_observations(kgs: dict[str, KnowledgeGraph], engine: str) -> None:
    kg = kgs[engine]
    organizations = {r["oLabel"] for r in standard(kg, "SELECT DISTINCT ?o WHERE { ?o a schema:Organization }")}
    assert (
        len(organizations) == 19
        and {"Coalition to Abolish Slavery and Trafficking", "International Organization for Migration"} <= organizations
    )
    agencies = {r["aLabel"] for r in standard(kg, "SELECT DISTINCT ?a WHERE { ?a a schema:GovernmentOrganization }")}
    assert len(agencies) == 13 and {FEVIMTRA, "Secretariat of the Interior", "Government of Mexico"} <= agencies
    links = {(r["aLabel"], r["bLabel"]) for r in standard(kg, "SELECT ?a ?b WHERE { ?a org:linkedTo ?b }")}
    for partner in ("Coalition to Abolish Slavery and Trafficking", "Office of Refugee Resettlement"):
        assert (partner, "network of Mexican consulates abroad") in links  # asserted as tipkg:cooperatesWith
        assert ("network of Mexican consulates abroad", partner) in links  # its symmetric closure
    assert ("International Organization for Migration", "shelters or residences operated by civil society organizations") in links
    laws = {r["lLabel"] for r in standard(kg, "SELECT DISTINCT ?l WHERE { ?l a eli:LegalResource }")}
    assert len(laws) == 16 and "Law to Prevent and Punish Trafficking in Persons" in laws
    based = standard(kg, "SELECT ?a ?b WHERE { ?a eli:based_on ?b }")
    assert {(r["aLabel"], r["bLabel"]) for r in based} == {
        ("Implementing Regulations", "Law to Prevent and Punish Trafficking in Persons"),
        ("trust for forfeited funds", "Forfeiture Law"),
    }
    observations = standard(
        kg, "SELECT ?obs ?v ?area WHERE { ?obs a qb:Observation ; sdmx-measure:obsValue ?v ; sdmx-dimension:refArea ?area }"
    )
    assert len({r["obs"] for r in observations}) == 18  # 20 observations, 2 of them lower bounds ("more than"), not values
    assert {(r["v"], r["areaLabel"]) for r in observations} >= {("123", "Mexico"), ("169", "United States"), ("60000", "Mexico")}
    grants = standard(kg, "SELECT ?g ?v ?c WHERE { ?g a schema:MonetaryGrant ; schema:amount [ schema:value ?v ; schema:currency ?c ] }")
    assert sorted(float(r["v"]) for r in grants) == [539600, 5000000, 7100000, 17926386]
    funders = {r["fLabel"] for r in standard(kg, "SELECT ?f WHERE { ?g a schema:MonetaryGrant ; schema:funder ?f }")}
    assert funders == {"Government of Mexico", "System for Integral Development of the Family"}


# -- the Python API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_iterate_as_dicts_of_terms(kgs: dict[str, KnowledgeGraph], engine: str) -> None:
    result = kgs[engine].query("victims_by_nationality")
    rows = list(result)
    assert len(rows) == len(result) == 6
    assert set(rows[0]) == set(result.variables)
    assert result.label(rows[0]["nationality"]) == "Guatemala" and int(rows[0]["victims"]) == 123  # type: ignore[arg-type]
    dicts = result.to_dicts()
    assert dicts[0]["nationalityLabel"] == "Guatemala" and dicts[0]["nationality"].endswith("/place/guatemala")
    assert all(set(d) == set(result.columns()) for d in dicts)


@pytest.mark.parametrize("engine", ENGINES)
def test_labels_are_looked_up_when_first_read(kgs: dict[str, KnowledgeGraph], engine: str) -> None:
    import pickle

    kg = kgs[engine]
    eager = kg.query("victims_by_nationality", lang="es")
    expected = kg.labels_of(eager.rows, "es")
    assert "_pending_labels" in vars(eager)  # not looked up yet
    assert eager.labels == expected and "_pending_labels" not in vars(eager)
    lazy = kg.query("victims_by_nationality", lang="es")
    copy = pickle.loads(pickle.dumps(lazy))  # pickling looks them up first
    assert copy.labels == expected and copy == lazy
    replaced = kg.query("victims_by_nationality")
    replaced.labels = {}
    assert replaced.labels == {}  # set by hand: the pending lookup is dropped


def test_readme_example(kgs: dict[str, KnowledgeGraph]) -> None:
    for kg in kgs.values():
        rows = kg.query("SELECT ?x WHERE { ?x tipkg:unitOf $parent }", parent="agency/pgr").to_dicts()
        assert [r["xLabel"] for r in rows] == [FEVIMTRA]
        assert kg.query("victims_by_nationality", lang="es").to_dicts()[0]["nationalityLabel"] == "Guatemala"


def test_a_parameter_oxigraph_cannot_bind_is_a_clear_error(kgs: dict[str, KnowledgeGraph]) -> None:
    text = "SELECT ?x (COUNT(*) AS ?n) WHERE { ?x tipkg:unitOf $parent } GROUP BY ?x"
    assert len(kgs["rdflib"].query(text, parent="agency/pgr")) == 1
    with pytest.raises(SparqlError, match=r"name the parameters \?parent in the SELECT clause"):
        kgs["oxigraph"].query(text, parent="agency/pgr")


def test_to_dataframe(kgs: dict[str, KnowledgeGraph]) -> None:
    pytest.importorskip("pandas")
    frame = kgs["oxigraph"].query("victims_by_nationality").to_dataframe()
    assert list(frame.columns) == kgs["oxigraph"].query("victims_by_nationality").columns()
    assert frame.loc[0, "nationalityLabel"] == "Guatemala" and len(frame) == 6


def test_repr_html_escapes(kgs: dict[str, KnowledgeGraph]) -> None:
    result = kgs["oxigraph"].query(
        """SELECT ?x ?name WHERE { BIND("<script>alert('x')</script> & co" AS ?name) BIND(<https://w3id.org/tipkg/id/agency/pgr> AS ?x) }"""
    )
    html = result._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html
    assert "<td>Office of the Prosecutor General</td>" in html and html.endswith("<p>1 rows</p>")


# -- documentation ------------------------------------------------------------------------------------


def test_every_saved_query_is_documented() -> None:
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z0-9_]+)` \| ([^|]+?) \|", doc, flags=re.M)}
    assert set(rows) == set(SAVED), f"missing: {sorted(set(SAVED) - set(rows))}, unknown: {sorted(set(rows) - set(SAVED))}"
    for q in SAVED.values():
        assert rows[q.name] == q.title.replace("|", "\\|"), q.name
        line = next(line for line in doc.splitlines() if line.startswith(f"| `{q.name}` |"))
        assert f"| {q.view} |" in line
        for p in q.params:
            assert f"`{p.name}`" in line and p.type in line


def test_the_query_list_is_made_from_the_headers() -> None:
    """docs/queries.md lists the queries as their headers say: regenerate with python -m tipkg.sparql.docs."""
    from tipkg.sparql.docs import updated

    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert updated(doc, SAVED) == doc, "docs/queries.md differs from the query headers: run python -m tipkg.sparql.docs"


def test_the_readme_links_the_query_list() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/queries.md)" in readme


def test_graph_displays_as_html_in_jupyter(built_real: Path) -> None:
    import tipkg

    html = tipkg.open(built_real)._repr_html_()
    assert "<table>" in html and "<td>law</td><td>11</td>" in html  # 2 national instruments + 9 state laws


@pytest.mark.parametrize("needs", ["Assessment", "[1]", "[Assessment, not a term]", "{a: b}"])
def test_needs_is_a_list_of_ontology_terms(needs: str) -> None:
    from tipkg.sparql.saved import parse_saved_query

    text = f'#+ title: "t"\n#+ description: "d"\n#+ needs: {needs}\nSELECT * WHERE {{ ?s ?p ?o }}\n'
    with pytest.raises(QueryError, match="'needs' is a list of ontology classes or properties"):
        parse_saved_query(text, "q", "queries/q.rq")
    ok = parse_saved_query(text.replace(needs, "[Assessment, exploitationForm]"), "q")
    assert ok.needs == ("Assessment", "exploitationForm")


def test_cli_says_why_an_answer_is_empty_on_stderr(built_real: Path) -> None:
    """The answer on stdout stays the table (or csv, json ...) the engine gave; the note goes to stderr."""
    empty = cli("query", "run", "flows", "--root", str(built_real), "--format", "csv")
    assert empty.exit_code == 0
    assert empty.stdout.splitlines() == [empty.stdout.splitlines()[0]]  # the header, no rows
    assert empty.stderr.startswith("No rows: none of the graph's sources (mx-2011) states any trafficking flow;")
    full = cli("query", "run", "law_enforcement_figures", "--root", str(built_real), "--format", "csv")
    assert full.exit_code == 0 and full.stderr == "" and len(full.stdout.splitlines()) == 3


def test_a_query_prepared_once_is_kept_by_its_parameters(built_real: Path) -> None:
    kg = tipkg.open(built_real)
    fevimtra = kg.query("entity_facts", entity="agency/fevimtra").rows
    pgr = kg.query("entity_facts", entity="agency/pgr").rows
    assert fevimtra and pgr and fevimtra != pgr
    assert kg.query("entity_facts", entity="agency/fevimtra").rows == fevimtra
    assert kg.query("entity_facts").rows == fevimtra  # the default, prepared under its own key
    for _ in range(2):  # a refusal is not kept: it is raised each time
        with pytest.raises(QueryError, match="names no entity"):
            kg.query("entity_facts", entity="agency/fevimtr")


def test_a_query_is_checked_again_when_the_allowed_services_change(built_real: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from tipkg.sparql.guard import Refused

    with socket.socket() as free:  # a loopback port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    kg = tipkg.open(built_real)
    text = "SELECT ?s WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } } LIMIT 1"
    monkeypatch.setenv("TIPKG_SERVICES", f"https://query.wikidata.org/sparql=http://127.0.0.1:{port}/sparql")
    with pytest.raises(Exception) as called:  # allowed, and kept: the engine calls the port, which does not answer
        kg.query(text)
    assert not isinstance(called.value, Refused)
    monkeypatch.delenv("TIPKG_SERVICES")
    with pytest.raises(Refused):
        kg.query(text)
