"""SHACL validation: one test per kind of defect, each on a broken copy of a small project.

Each test asserts the exit code of ``tipkg check`` and that one line of its report names the
entity, the rule and the curated ``file:line``; the defects are checked through the library with
lint and SHACL alone (no JVM), and the whole ``tipkg check`` runs on the conforming projects.
Defects the loader already refuses (a dangling reference, a quote not in its source, a malformed
value) stop ``tipkg check`` with the loader's message (exit code 2); the shapes' rules for those
are tested on a dataset changed after loading.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from check_support import (  # noqa: F401 (isolated_tmp is a fixture)
    ROOT,
    Defect,
    assert_found,
    assert_tampered_data_found,
    check_without_owl,
    iri,
    isolated_tmp,
    line_of,
    lines_with,
    lit,
    make_project,
    replace_object,
    run_check,
    tamper_after_loading,
)
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from tipkg.errors import DataError
from tipkg.namespaces import OA, TIPKG

pytestmark = pytest.mark.usefixtures("isolated_tmp")

FUNDING = "funding/dif-2010"

DEFECTS = [
    Defect(
        "missing-required-property",
        "facts.yaml",
        '    amount: {value: "7100000", currency: MXN, currencyInferred: true}\n',
        "",
        1,
        f"- id: {FUNDING}",
        (iri(FUNDING), "tipkgsh:FundingAllocation tipkg:amount minCount", "has an amount"),
    ),
    Defect(
        "missing-membership-role",
        "actors.yaml",
        "    member: agency/segob\n    role: coordinator\n",
        "    member: agency/segob\n",
        1,
        "- id: membership/cipspt-segob",
        (iri("membership/cipspt-segob"), "tipkgsh:Membership tipkg:role minCount"),
    ),
    Defect(
        "actor-without-english-name",
        "actors.yaml",
        "    label: {en: Coalition to Abolish Slavery and Trafficking}\n",
        "    label: {es: Coalición para Abolir la Esclavitud y la Trata}\n",
        1,
        "- id: ngo/cast",
        (iri("ngo/cast"), "tipkgsh:Actor skos:prefLabel qualifiedMinCount", "English preferred name"),
    ),
    Defect(
        "funding-without-funder-or-channel",
        "facts.yaml",
        "    funder: gov/mexico\n",
        "",
        1,
        f"- id: {FUNDING}",
        (iri(FUNDING), "tipkgsh:FundingAllocation or", "who gives the money"),
    ),
    Defect(
        "reference-of-the-wrong-class",
        "facts.yaml",
        "    funder: gov/mexico\n",
        "    funder: place/guatemala\n",
        1,
        f"- id: {FUNDING}",
        (iri(FUNDING), "tipkgsh:funder tipkg:funder class", "tipkg:Actor", iri("place/guatemala")),
    ),
    Defect(
        "unit-of-a-place",
        "actors.yaml",
        "    unitOf: agency/pgr\n",
        "    unitOf: place/mexico\n",
        1,
        "- id: agency/fevimtra",
        (iri("agency/fevimtra"), "tipkgsh:unitOf tipkg:unitOf class", "tipkg:Organization"),
    ),
    Defect(
        "currency-not-an-iso-code",
        "facts.yaml",
        'amount: {value: "17926386.00", currency: MXN}',
        'amount: {value: "17926386.00", currency: pesos}',
        1,
        'amount: {value: "17926386.00", currency: pesos}',
        (iri("funding/pcs-2004-2009/amount"), "tipkgsh:MonetaryAmount tipkg:currency pattern", "ISO 4217"),
    ),
    Defect(
        "federal-entity-code-not-iso-3166-2",
        "actors.yaml",
        "    iso3166Code: MX-CHP\n",
        "    iso3166Code: CHP\n",
        1,
        "- id: place/chiapas",
        (iri("place/chiapas"), "tipkgsh:FederalEntity tipkg:iso3166Code pattern", "ISO 3166-2"),
    ),
    Defect(
        "period-ends-before-it-starts",
        "facts.yaml",
        "    startDate: 2004\n    endDate: 2009\n",
        "    startDate: 2004-06\n    endDate: 2004-05\n",
        1,
        "- id: funding/pcs-2004-2009",
        (iri("funding/pcs-2004-2009"), "tipkgsh:Period SPARQL", "ends (2004-05) before it starts (2004-06)"),
    ),
    Defect(
        "exact-value-and-lower-bound",
        "facts.yaml",
        "    observedValue: 147\n",
        "    observedValue: 147\n    observedMoreThan: 100\n",
        1,
        "- id: observation/victims-identified-2010\n",
        (iri("observation/victims-identified-2010"), "tipkgsh:OneValueOrBound or", "in one source"),
    ),
    Defect(
        "exact-and-approximate-value",
        "facts.yaml",
        "    observedValue: 147\n",
        "    observedValue: 147\n    observedAbout: 150\n",
        1,
        "- id: observation/victims-identified-2010\n",
        (iri("observation/victims-identified-2010"), "tipkgsh:OneValueOrBound or", "not two of them"),
    ),
    # refused by the loader: exit code 2 with its file:line: field: message
    Defect(
        # one source gives a second value (another report may: tests/compare/test_many_sources.py)
        "functional-property-with-two-values",
        "facts.yaml",
        "records:\n",
        "records:\n  - about: agency/fevimtra\n    unitOf: agency/segob\n"
        '    evidence: "under the coordination of the Secretariat of the Interior"\n',
        2,
        "    unitOf: agency/segob",
        (
            "unitOf: takes a single value per source",
            "source mx-2011 already gives https://w3id.org/tipkg/id/agency/pgr at graph_data/mx-2011/actors.yaml:",
        ),
    ),
    Defect(
        "functional-datatype-property-with-two-values",
        "facts.yaml",
        "records:\n",
        "records:\n  - about: group/public-sector-entities\n    memberCountMoreThan: 27\n"
        '    evidence: "a body which is composed of more than 26 public-sector entities"\n',
        2,
        "    memberCountMoreThan: 27",
        ("memberCountMoreThan: takes a single value per source", "already gives 26 at graph_data/mx-2011/actors.yaml:"),
    ),
    Defect(
        "dangling-reference",
        "facts.yaml",
        "    funder: gov/mexico\n",
        "    funder: agency/nowhere\n",
        2,
        "    funder: agency/nowhere",
        ("funder: unknown reference 'agency/nowhere'",),
    ),
    Defect(
        "quote-not-in-source",
        "facts.yaml",
        'evidence: "In 2010, 147 victims were identified"',
        'evidence: "In 2010, 148 victims were identified"',
        2,
        "148 victims",
        ("evidence: quote not found in source mx-2011",),
    ),
    Defect(
        "malformed-decimal",
        "facts.yaml",
        'value: "7100000"',
        'value: "7,100,000"',
        2,
        'value: "7,100,000"',
        ("value:", "expected a decimal number without separators"),
    ),
    Defect(
        "malformed-date",
        "actors.yaml",
        "    foundingDate: 2009-07\n",
        "    foundingDate: July 2009\n",
        2,
        "foundingDate: July 2009",
        ("foundingDate:", "expected a date at the report's precision"),
    ),
]


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.id for d in DEFECTS])
def test_defect_in_curated_data(defect: Defect, tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    where = defect.apply(root)
    says = tuple(str(s) for s in defect.says)
    if defect.code == 2:  # the loader's error, which the command prints as one line, exit code 2
        with pytest.raises(DataError) as error:
            check_without_owl(root)
        assert lines_with(str(error.value), where, *says), str(error.value)
        return
    report = check_without_owl(root)
    assert report.exit_code == defect.code, report.findings
    assert_found(report, where, says)


def test_check_of_data_the_loader_refuses_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The command's side of the loader's errors above: ``tipkg check`` prints the one line, exit 2."""
    defect = next(d for d in DEFECTS if d.code == 2)
    root = make_project(tmp_path / "project")
    where = defect.apply(root)
    result = run_check(root)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("tipkg: error: "), result.output
    assert lines_with(result.output, where, *(str(s) for s in defect.says)), result.output


def test_fixture_conforms(tmp_path: Path) -> None:
    """The whole ``tipkg check`` (HermiT included) on the fixture the defects break: nothing to say."""
    result = run_check(make_project(tmp_path / "project"))
    assert result.exit_code == 0, result.output
    assert "0 violations, 0 warnings" in result.output
    assert "[owl " not in result.output


def test_real_data_conforms() -> None:
    result = run_check(ROOT)
    assert result.exit_code == 0, result.output


def test_an_approximate_value_alone_conforms(tmp_path: Path) -> None:
    """ "about 150" (observedAbout) is an observation's figure, as an exact value or a lower bound is."""
    root = make_project(tmp_path / "project")
    facts = root / "graph_data" / "mx-2011" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert text.count("    observedValue: 147\n") == 1
    facts.write_text(text.replace("    observedValue: 147\n", "    observedAbout: 150\n"), encoding="utf-8")
    report = check_without_owl(root)
    assert report.exit_code == 0, report.findings
    facts.write_text(text.replace("    observedValue: 147\n", ""), encoding="utf-8")  # and without any figure, a violation
    assert check_without_owl(root).exit_code == 1


def test_uppercase_language_tag_in_yaml_is_lowercased_by_the_loader(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (root / "graph_data" / "mx-2011" / "actors.yaml").write_text(
        (root / "graph_data" / "mx-2011" / "actors.yaml")
        .read_text(encoding="utf-8")
        .replace("label: {en: Guatemala}", "label: {EN: Guatemala}"),
        encoding="utf-8",
    )
    report = check_without_owl(root)
    assert report.exit_code == 0, report.findings


# -- defects the loader cannot produce: the dataset is changed after loading ----------------------

QUOTE = "evidence/mx-2011"


def _tamper_quote(dataset: Dataset) -> None:
    selector = next(s for s, _p, o, _g in dataset.quads((None, OA.exact, None, None)) if str(o) == "In 2010, 147 victims were identified")
    replace_object(dataset, selector, OA.exact, lit("In 2010, 148 victims were identified"))


def _uppercase_tag(dataset: Dataset) -> None:
    replace_object(dataset, iri("place/mexico"), SKOS.prefLabel, lit("Mexico", lang="EN"), old=lit("Mexico", lang="en"))


def _decomposed_text(dataset: Dataset) -> None:
    decomposed = unicodedata.normalize("NFD", "México")
    replace_object(dataset, iri("place/mexico"), RDFS.label, lit(decomposed, lang="es"), old=lit("México", lang="es"))


def _string_amount(dataset: Dataset) -> None:
    amount = iri("funding/pcs-2004-2009/amount")
    replace_object(dataset, amount, TIPKG.value, lit("17926386.00"))


def _no_evidence(dataset: Dataset) -> None:
    from rdflib.namespace import RDF

    for st, _p, _o, _g in list(dataset.quads((None, RDF.subject, iri("place/chiapas"), None))):
        for s, p, o, g in list(dataset.quads((st, PROV.wasDerivedFrom, None, None))):
            dataset.graph(g).remove((s, p, o))


def _ill_typed_date(dataset: Dataset) -> None:
    from rdflib.namespace import XSD

    replace_object(dataset, iri("agency/fevimtra"), TIPKG.foundingDate, lit("2008-13", datatype=XSD.gYearMonth))


def _not_a_date(dataset: Dataset) -> None:
    from rdflib.namespace import XSD

    replace_object(dataset, iri("agency/fevimtra"), TIPKG.foundingDate, lit("2008-01-01T00:00:00", datatype=XSD.dateTime))


TAMPERED = [
    # (id, change, record whose line the finding names, texts the line must contain)
    (
        "quote-not-in-source",
        _tamper_quote,
        ("facts.yaml", "- id: observation/victims-identified-2010\n"),
        (QUOTE, "tipkgsh:QuoteInSource SPARQL", "148 victims"),
    ),
    (
        "uppercase-language-tag",
        _uppercase_tag,
        ("actors.yaml", "- id: place/mexico"),
        (iri("place/mexico"), "tipkgsh:LanguageTag SPARQL", "write it en"),
    ),
    ("text-not-nfc", _decomposed_text, ("actors.yaml", "- id: place/mexico"), (iri("place/mexico"), "tipkgsh:NormalizedText SPARQL")),
    ("wrong-datatype", _string_amount, ("facts.yaml", 'amount: {value: "17926386.00"'), ("/amount", "tipkgsh:value tipkg:value datatype")),
    (
        "ill-typed-date",
        _ill_typed_date,
        ("actors.yaml", "- id: agency/fevimtra"),
        (iri("agency/fevimtra"), "tipkgsh:foundingDate tipkg:foundingDate node"),
    ),
    (
        "date-of-the-wrong-datatype",
        _not_a_date,
        ("actors.yaml", "- id: agency/fevimtra"),
        (iri("agency/fevimtra"), "tipkgsh:foundingDate tipkg:foundingDate node"),
    ),
    (
        "record-without-evidence",
        _no_evidence,
        ("actors.yaml", "- id: place/chiapas"),
        (iri("place/chiapas"), "tipkgsh:Cited qualifiedMinCount", "cites at least one quote"),
    ),
]


@pytest.mark.parametrize(("change", "record", "says"), [t[1:] for t in TAMPERED], ids=[t[0] for t in TAMPERED])
def test_defect_after_loading(
    change, record: tuple[str, str], says: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert_tampered_data_found(tmp_path, monkeypatch, change, record, says)


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2004", "2009", True),
        ("2010-07", "2010", True),  # an end of 2010 is the whole of 2010
        ("2010", "2010-03", True),
        ("2010-07-15", "2010-07", True),
        ("2010-07", "2010-06-30", False),
        ("2011", "2010-12", False),
        ("2009-10-07", "2009-10-06", False),
    ],
)
def test_period_rule_compares_dates_of_any_precision(start: str, end: str, ok: bool, tmp_path: Path) -> None:
    from tipkg.check.findings import Locator
    from tipkg.check.shacl import read_shapes, validate
    from tipkg.curation.values import parse_temporal

    graph = Graph()
    node = iri("funding/x")
    graph.add((node, RDF.type, URIRef("urn:x:Thing")))
    for prop, text in ((TIPKG.startDate, start), (TIPKG.endDate, end)):
        value = parse_temporal(text)
        assert value is not None
        graph.add((node, prop, value))
    findings = [f for f in validate(graph, read_shapes(ROOT / "ontology"), Locator(graph, {})) if "Period" in f.rule]
    assert (findings == []) == ok, findings


def test_build_integration_stops_on_violations(tmp_path: Path) -> None:
    """What ``tipkg build`` runs before writing: ``check_dataset``, then ``require_conformance``."""
    from tipkg.build.pipeline import assemble
    from tipkg.check.shacl import ShapeViolations, check_dataset, require_conformance
    from tipkg.project import Project

    root = make_project(tmp_path / "project")
    edit_at = DEFECTS[0].apply(root)  # a funding allocation without amount
    project = Project(root)
    dataset, loaded = assemble(project)
    with pytest.raises(ShapeViolations) as error:
        require_conformance(check_dataset(dataset, loaded.locations, project.root, project.base))
    assert f"{edit_at}: {iri(FUNDING)}" in str(error.value)
