"""Many reports in one graph: every claim in its source's voice, disagreements in plain sight.

The project here is the real one with a second report added as data only: a short, fictional
report by another author on the same country and year (tests/fixtures/second-report, marked
fictional in its text and files). It names the same bodies by other names, dates the 2007 law to the
year only, gives other figures for four of the first report's measures, a count that refines a
lower bound, an approximate figure ("about 60,000") that the first report's exact one refines, another
amount for one of the first report's allocations, and restates one fact the first report states.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, copy_project
from query_support import NAMES, distinct_runs, engine_rows, expected
from rdflib import Literal, URIRef

import tipkg
from tipkg.build.pipeline import build
from tipkg.kg import KnowledgeGraph
from tipkg.namespaces import DEFAULT_BASE
from tipkg.project import Project
from tipkg.sparql.results import SEPARATOR

SECOND = Path(__file__).resolve().parents[1] / "fixtures" / "second-report" / "graph_data"
FIRST, OTHER = DEFAULT_BASE + "source/mx-2011", DEFAULT_BASE + "source/fot-2011"


def iri(local: str) -> URIRef:
    return URIRef(DEFAULT_BASE + local)


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project plus the fictional report: its text, metadata and records, under graph_data/ only."""
    root = copy_project(tmp_path_factory.mktemp("two-sources") / "project")
    before = {p.relative_to(root) for p in root.rglob("*") if p.is_file()}
    shutil.copytree(SECOND, root / "graph_data", dirs_exist_ok=True)
    added = {p.relative_to(root) for p in root.rglob("*") if p.is_file()} - before
    assert added and all(p.parts[0] == "graph_data" for p in added)
    build(Project(root))
    return root


@pytest.fixture(scope="module")
def graphs(two_sources: Path) -> dict[str, KnowledgeGraph]:
    return {name: tipkg.open(two_sources, engine=name) for name in ("oxigraph", "rdflib")}


@pytest.fixture(scope="module")
def texts(two_sources: Path) -> dict[str, str]:
    """Each source's IRI -> its text, white space folded."""
    out = {}
    for meta in (two_sources / "graph_data" / "sources").glob("*.yaml"):
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        text = (meta.parent / data["file"]).read_bytes().decode("utf-8")
        out[DEFAULT_BASE + "source/" + data["id"]] = " ".join(text.split())
    return out


def params_of(name: str) -> dict[str, Any]:
    return expected(name).get("params") or {}


@pytest.mark.parametrize("name", NAMES)
def test_engines_agree_on_two_sources(name: str, graphs: dict[str, KnowledgeGraph]) -> None:
    for params in distinct_runs(name, ({}, params_of(name))):
        a = graphs["oxigraph"].query(name, **params)
        b = graphs["rdflib"].query(name, **params)
        assert a.variables == b.variables
        assert engine_rows(a) == engine_rows(b), f"engines differ with parameters {params}"


@pytest.mark.parametrize("name", NAMES)
def test_every_quote_is_the_text_of_its_rows_source(name: str, graphs: dict[str, KnowledgeGraph], texts: dict[str, str]) -> None:
    """A query that returns quotes names, in each row, the one source they are all from."""
    result = graphs["oxigraph"].query(name, **params_of(name))
    quoted = [c for c in result.variables if c == "quote" or c.startswith("evidence")]
    for column in quoted:
        source_column = "source" + column.removeprefix("evidence").removeprefix("quote")
        assert source_column in result.variables, f"{name}: column {column} without the {source_column} it is from"
        q, s = result.variables.index(column), result.variables.index(source_column)
        for row in result.rows:
            assert isinstance(row[s], URIRef) and str(row[s]) in texts, f"{name}: a row without its source: {row}"
            for quote in str(row[q]).split(SEPARATOR):
                assert " ".join(quote.split()) in texts[str(row[s])], f"{name}: not the text of {row[s]}: {quote!r}"


def test_one_node_per_shared_entity(graphs: dict[str, KnowledgeGraph]) -> None:
    """Each name the second report uses for a body of the first is a name of that one node."""
    kg = graphs["oxigraph"]
    for name, local in [
        ("FEVIMTRA", "agency/fevimtra"),
        ("Special Prosecutor's Office for Violence against Women and Trafficking in Persons", "agency/fevimtra"),
        ("INM", "agency/inm"),
        ("National System for Integral Family Development", "agency/dif"),
        ("Inter-Secretarial Commission to Prevent and Punish Trafficking in Persons", "committee/cipspt"),
        ("Law to Prevent and Punish Trafficking in Persons", "law/lpspt"),
    ]:
        rows = kg.query("SELECT DISTINCT ?x WHERE { ?x skos:prefLabel|skos:altLabel ?label . FILTER(STR(?label) = $name) }", name=name).rows
        assert [r[0] for r in rows] == [iri(local)], name


def test_a_fact_both_state_is_one_triple_of_the_default_graph(graphs: dict[str, KnowledgeGraph]) -> None:
    """The default graph is the RDF merge of the reports' graphs: a triple two reports state matches
    once, on both engines (Oxigraph's own union of named graphs would match it once per graph)."""
    for kg in graphs.values():
        rows = kg.query("SELECT ?date WHERE { $s tipkg:foundingDate ?date }", s=iri("agency/fevimtra")).rows
        assert [str(d) for (d,) in rows] == ["2008-01"]
        (count,) = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s tipkg:unitOf ?o }").rows[0]
        assert int(str(count)) == 2  # FEVIMTRA's, stated by both reports, and one other


def test_a_fact_both_state_has_a_statement_per_source(graphs: dict[str, KnowledgeGraph], texts: dict[str, str]) -> None:
    rows = (
        graphs["oxigraph"]
        .query(
            "SELECT ?source ?quote WHERE { ?st rdf:subject $s ; rdf:predicate tipkg:foundingDate ; rdf:object ?date ; "
            "dcterms:source ?source ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote }",
            s=iri("agency/fevimtra"),
        )
        .rows
    )
    assert {str(s) for s, _q in rows} == {FIRST, OTHER}
    for source, quote in rows:
        assert " ".join(str(quote).split()) in texts[str(source)]


def test_no_quote_of_one_report_supports_what_only_the_other_states(graphs: dict[str, KnowledgeGraph]) -> None:
    kg = graphs["oxigraph"]
    only_second = kg.query(
        "SELECT ?ev WHERE { ?st rdf:subject $s ; rdf:predicate tipkg:memberCount ; prov:wasDerivedFrom ?ev }",
        s=iri("group/public-sector-entities-cipspt"),
    ).rows
    assert only_second and all(str(ev).startswith(DEFAULT_BASE + "evidence/fot-2011/") for (ev,) in only_second)
    crossed = kg.query(
        "SELECT ?st WHERE { ?st dcterms:source ?source ; prov:wasDerivedFrom ?ev . ?ev oa:hasSource ?other FILTER(?other != ?source) }"
    ).rows
    assert crossed == []


# What the two texts say (the fixture's figures are invented; the first report's are its own):
#   mx-2011: "FEVIMTRA reported 48 investigations and eight indictments" (2010)
#   fot-2011: "FEVIMTRA opened 51 investigations and obtained six indictments in 2010"
#   mx-2011: "In 2010, 147 victims were identified" / fot-2011: "identified 152 victims of trafficking in Mexico during 2010"
#   mx-2011: "From April 2010 to date ... more than 18,000 people" / fot-2011: "From its launch in April 2010 ... reached 15,000 people"
#   mx-2011: "(DIF) allocated $7,100,000 in 2010" (pesos inferred) / fot-2011: "the DIF allocated 7.5 million pesos in 2010"
DIFFERS = {
    ("investigations", "48", "51"),
    ("indictments", "8", "6"),
    ("victims identified", "147", "152"),
    ("people reached", "18000", "15000"),
    ("DIF", "7100000", "7500000"),  # allocation/dif-2010, labelled by its funder's acronym (tipkg.build.labels)
}
#   mx-2011: "Law to Prevent and Punish Trafficking in Persons (November 2007)" / fot-2011: "... in 2007."
#   mx-2011: "composed of more than 26 public-sector entities" / fot-2011: "brings together 28 public-sector entities"
#   mx-2011: "To date, 60,000 public employees have been trained" / fot-2011: "about 60,000 public employees had been trained"
REFINES = {
    ("Law to Prevent and Punish Trafficking in Persons", "2007-11", "2007"),
    ("public-sector entities composing the Intersecretariat Committee", "26", "28"),
    ("people trained", "60000", "60000"),
}


def _by_source(result: Any) -> set[tuple[str, str, str]]:
    """(what, the first report's value, the second's) of each row of ``disagreements``."""
    out = set()
    for row in result.to_dicts():
        values = {str(row["sourceA"]): str(row["valueA"]), str(row["sourceB"]): str(row["valueB"])}
        assert set(values) == {FIRST, OTHER}
        what = row["subjectLabel"].split(":")[0]
        out.add((what, values[FIRST], values[OTHER]))
    return out


def test_every_disagreement_is_listed_with_both_sources(graphs: dict[str, KnowledgeGraph], texts: dict[str, str]) -> None:
    for kg in graphs.values():
        result = kg.query("disagreements")
        assert _by_source(result) == DIFFERS
        for row in result.to_dicts():
            for side in "AB":
                assert all(" ".join(q.split()) in texts[str(row["source" + side])] for q in str(row["evidence" + side]).split(SEPARATOR))


def test_refinements_are_not_conflicts(graphs: dict[str, KnowledgeGraph]) -> None:
    for kg in graphs.values():
        assert _by_source(kg.query("disagreements", verdict="refines")) == REFINES
        listed = {what for what, _a, _b in _by_source(kg.query("disagreements"))}
        assert not listed & {what for what, _a, _b in REFINES}


def test_figures_of_one_measure_are_linked_whatever_their_ids(graphs: dict[str, KnowledgeGraph]) -> None:
    rows = (
        graphs["oxigraph"]
        .query(
            "SELECT ?obs WHERE { $first tipkg:measure ?m . ?obs tipkg:measure ?m } ORDER BY ?obs",
            first=iri("stat/fevimtra-investigations-2010"),
        )
        .rows
    )
    assert [r[0] for r in rows] == [iri("stat/fevimtra-investigations-2010"), iri("stat/fot-2011/fevimtra-investigations-2010")]


def test_each_source_keeps_its_own_value(graphs: dict[str, KnowledgeGraph]) -> None:
    """Values that differ coexist: the law has both dates, each in its source's voice."""
    rows = (
        graphs["rdflib"]
        .query(
            "SELECT ?date ?source WHERE { ?st rdf:subject $law ; rdf:predicate tipkg:legislationDate ; rdf:object ?date ; dcterms:source ?source }",
            law=iri("law/lpspt"),
        )
        .rows
    )
    assert Counter((str(d), str(s)) for d, s in rows) == Counter({("2007-11", FIRST): 1, ("2007", OTHER): 1})
    assert {d.datatype for d, _s in rows if isinstance(d, Literal)} == {
        URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth"),
        URIRef("http://www.w3.org/2001/XMLSchema#gYear"),
    }


def test_check_passes(two_sources: Path) -> None:
    from click.testing import CliRunner

    from tipkg.cli import main

    result = CliRunner().invoke(main, ["check", "--root", str(two_sources)])
    assert result.exit_code == 0, result.output


def test_the_shipped_project_is_unchanged_by_the_fixture() -> None:
    """The fixture lives under tests/: the shipped graph_data/ holds one report."""
    assert sorted(p.name for p in (ROOT / "graph_data" / "sources").glob("*.yaml")) == ["mx-2011.yaml"]


SECOND_VALUE = [
    # (what, the record appended to the second report's file, the field named)
    ("a date", '  - about: law/lpspt\n    legislationDate: 2008\n    evidence: "Mexico adopted its Law"\n', "legislationDate"),
    (
        "a preferred name",
        '  - about: agency/fevimtra\n    label: {en: FEVIMTRA office}\n    evidence: "The Special Prosecutor\'s Office"\n',
        "label",
    ),
    (
        "a figure",
        '  - about: stat/fot-2011/fevimtra-investigations-2010\n    observedValue: 52\n    evidence: "opened 51 investigations"\n',
        "observedValue",
    ),
]


@pytest.mark.parametrize(("record", "field"), [c[1:] for c in SECOND_VALUE], ids=[c[0] for c in SECOND_VALUE])
def test_a_second_value_in_one_source_is_refused_at_its_record(tmp_path: Path, record: str, field: str) -> None:
    """One report gives one value of a single-valued property: a second, in another record of the
    same report, is refused at that record (not at the first report's, which may differ freely)."""
    from tipkg.build.pipeline import load_project
    from tipkg.errors import DataError

    root = copy_project(tmp_path / "project")
    shutil.copytree(SECOND, root / "graph_data", dirs_exist_ok=True)
    target = root / "graph_data" / "fot-2011" / ("statistics.yaml" if field == "observedValue" else "actors.yaml")
    lines = target.read_text(encoding="utf-8").count("\n")
    target.write_text(target.read_text(encoding="utf-8") + record, encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_project(Project(root))
    message = str(raised.value)
    where = f"graph_data/fot-2011/{target.name}:{lines + 2}: {field}: "
    assert message.startswith(where), message
    assert "source fot-2011" in message and f"graph_data/fot-2011/{target.name}:" in message.removeprefix(where)


# -- where an analyst sees it: the CLI and the site ---------------------------------------------------------


def test_compare_lists_what_both_state_and_where_they_differ(two_sources: Path) -> None:
    from click.testing import CliRunner

    from tipkg.cli import main

    result = CliRunner().invoke(main, ["compare", "mx-2011", "fot-2011", "--root", str(two_sources)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Both state (4):" in text and "They differ (5):" in text and "They agree, one more precisely (3):" in text
    differ = text.split("They differ (5):")[1].split("\n\n")[0].splitlines()[1:]
    assert len(differ) == 5
    investigations = next(line for line in differ if line.strip().startswith("investigations:"))
    assert "mx-2011 value 48" in investigations and "fot-2011 value 51" in investigations
    assert "“FEVIMTRA reported 48 investigations and eight indictments" in investigations
    assert "“FEVIMTRA opened 51 investigations and obtained six indictments in 2010”" in investigations
    created = next(line for line in text.split("Both state (4):")[1].splitlines() if "· created ·" in line)
    assert "mx-2011 “in January 2008 Mexico created the Special Prosecution Unit”" in created
    assert "fot-2011 “(FEVIMTRA) was set up in January 2008”" in created
    assert "(mx-2011 refines fot-2011)" in text and "(fot-2011 refines mx-2011)" in text


def test_compare_refuses_an_unknown_source(two_sources: Path) -> None:
    from click.testing import CliRunner

    from tipkg.cli import main

    result = CliRunner().invoke(main, ["compare", "mx-2011", "nope", "--root", str(two_sources)])
    assert result.exit_code == 2
    assert result.output.strip() == "tipkg: error: unknown source 'nope': the graph holds fot-2011, mx-2011"


@pytest.fixture(scope="module")
def site(two_sources: Path) -> Any:
    from service_support import client_for

    yield from client_for(two_sources)


def test_sources_index_lists_every_report(site: Any) -> None:
    page = site.get("/sources/")
    assert page.status_code == 200
    html = page.text
    for text in (
        "Fictional Observatory on Trafficking: a shadow assessment",
        "Mexico: activities against trafficking in persons",
        "<td>2011</td>",
        'href="/sources/mx-2011/compare/fot-2011"',
        "4 stated alike, 3 more or less precise, 5 differ",
        "https://example.org/fictional-observatory/2011",
    ):
        assert text in html, text
    assert site.get("/sources").status_code == 200


def test_a_source_page_links_to_where_it_agrees_and_differs(site: Any) -> None:
    html = site.get("/sources/fot-2011").text
    assert 'href="/sources/fot-2011/compare/mx-2011#differ">5 differ</a>' in html
    compared = site.get("/sources/fot-2011/compare/mx-2011").text
    assert "They differ (5)" in compared and "Both state (4)" in compared
    assert "FEVIMTRA opened 51 investigations" in compared and "FEVIMTRA reported 48 investigations" in compared
    assert site.get("/sources/fot-2011/compare/nope").status_code == 404


def test_an_entity_page_shows_each_fact_with_its_sources_and_where_they_differ(site: Any) -> None:
    html = site.get("/id/agency/fevimtra").text
    differ = html.split('id="sources-differ"')[1].split("</table>")[0]
    assert "51" in differ and "48" in differ and "FEVIMTRA opened 51 investigations" in differ
    facts = html.split("<h2>Facts</h2>")[1].split("</table>")[0]
    created = next(row for row in facts.split("<tr>") if ">created<" in row)
    assert "/sources/mx-2011" in created and "/sources/fot-2011" in created
    assert "(FEVIMTRA) was set up in January 2008" in created and "in January 2008 Mexico created the Special Prosecution Unit" in created
    law = site.get("/id/law/lpspt").text.split('id="sources-differ"')[1].split("</table>")[0]
    assert "2007-11" in law and "agree; one is more precise" in law


def test_a_quote_of_another_source_is_a_violation(two_sources: Path) -> None:
    """The shape that keeps one report's quote from standing as evidence for another's can fail."""
    from rdflib.namespace import DCTERMS

    from tipkg.build.pipeline import assemble
    from tipkg.check.shacl import check_dataset

    dataset, loaded = assemble(Project(two_sources))
    claim = next(
        c for c in loaded.claims.values() if c.source == "fot-2011" and c.p == URIRef("https://w3id.org/tipkg/ontology#memberCount")
    )
    graph = dataset.graph(URIRef(DEFAULT_BASE + "graph/fot-2011"))
    graph.remove((claim.statement, DCTERMS.source, URIRef(OTHER)))
    graph.add((claim.statement, DCTERMS.source, URIRef(FIRST)))
    findings = check_dataset(dataset, loaded.locations, two_sources, DEFAULT_BASE, loaded.source_locations)
    own = [f for f in findings if f.rule.startswith("tipkgsh:OwnQuotes")]
    assert len(own) == 1 and own[0].focus == str(claim.statement)
    assert own[0].location == claim.where


def test_network_views_name_the_source_of_each_quote(two_sources: Path) -> None:
    """Where the graph holds several reports, a quote shown in a network view says which it is from."""
    from tipkg.network.reading import load_network

    g = load_network(two_sources / "build")
    node = g.nodes[str(iri("agency/fevimtra"))]
    assert "The Special Prosecutor's Office for Violence against Women and Trafficking in Persons (FEVIMTRA) (fot-2011)" in node["evidence"]
    assert all(q.endswith(("(mx-2011)", "(fot-2011)")) for q in node["evidence"])
    founded = next(f for f in node["facts"] if f.prop == "foundingDate")
    assert sorted(founded.evidence) == [
        "(FEVIMTRA) was set up in January 2008 (fot-2011)",
        "in January 2008 Mexico created the Special Prosecution Unit (mx-2011)",
    ]
