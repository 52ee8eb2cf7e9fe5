"""Lint: one test per kind of ontology or shapes defect, and terms the data uses undeclared."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from check_support import (  # noqa: F401 (isolated_tmp is a fixture)
    ROOT,
    assert_found,
    assert_tampered_data_found,
    check_without_owl,
    edit,
    iri,
    isolated_tmp,
    line_of,
    lit,
    make_project,
    tamper_after_loading,
)
from rdflib import Dataset, Graph, URIRef

from tipkg.namespaces import CONCEPT, TIPKG

pytestmark = pytest.mark.usefixtures("isolated_tmp")

T = str(TIPKG)


@dataclass(frozen=True)
class OntologyDefect:
    id: str
    file: str  # in ontology/
    old: str
    new: str
    at: str  # text of the line the finding points to
    says: tuple[str, ...]


NEW_CLASS = 'tipkg:Report a owl:Class ; rdfs:subClassOf schema:Report ; rdfs:label "report"@en ; rdfs:comment "A report."@en .\n'
NEW_PROPERTY = (
    "tipkg:sponsor a owl:ObjectProperty ; rdfs:subPropertyOf schema:sponsor ; rdfs:range tipkg:Actor ;\n"
    '    rdfs:label "sponsor"@en ; rdfs:comment "Who sponsors it."@en .\n'
)

DEFECTS = [
    OntologyDefect(
        "class-without-comment",
        "tipkg.ttl",
        '    rdfs:label "company"@en , "empresa"@es ;\n    rdfs:comment "A private company."@en .\n',
        '    rdfs:label "company"@en , "empresa"@es .\n',
        "tipkg:Company a owl:Class",
        (T + "Company", "[lint comment]", "no rdfs:comment"),
    ),
    OntologyDefect(
        "property-without-english-label",
        "tipkg.ttl",
        'rdfs:label "number of members"@en , "número de integrantes"@es ;',
        'rdfs:label "número de integrantes"@es ;',
        "tipkg:memberCount a owl:DatatypeProperty",
        (T + "memberCount", "[lint label]", "no English rdfs:label"),
    ),
    OntologyDefect(
        "property-without-alignment",
        "tipkg.ttl",
        "The exact number of organizations in the group, when the report gives it. No standard term.",
        "The exact number of organizations in the group, when the report gives it.",
        "tipkg:memberCount a owl:DatatypeProperty",
        (T + "memberCount", "[lint alignment]", "aligned to no standard vocabulary"),
    ),
    OntologyDefect(
        "range-not-declared",
        "tipkg.ttl",
        "    rdfs:range tipkg:Medium ;\n",
        "    rdfs:range tipkg:Medum ;\n",
        "tipkg:medium a owl:ObjectProperty",
        (T + "medium", "[lint rdfs:range]", "tipkg:Medum is not declared"),
    ),
    OntologyDefect(
        "class-outside-the-evidence-shape",
        "tipkg.ttl",
        "#################################################################\n# Actors\n",
        NEW_CLASS + "#################################################################\n# Actors\n",
        "tipkg:Report a owl:Class",
        (T + "Report", "[lint tipkgsh:Cited]", "cite evidence"),
    ),
    OntologyDefect(
        "property-without-value-shape",
        "tipkg.ttl",
        "#################################################################\n# Actors\n",
        NEW_PROPERTY + "#################################################################\n# Actors\n",
        "tipkg:sponsor a owl:ObjectProperty",
        (T + "sponsor", "[lint value shape]", "tipkg:Actor (its rdfs:range)"),
    ),
    OntologyDefect(
        "functional-property-without-max-count",
        "shapes.ttl",
        "sh:path tipkg:status ; sh:maxCount 1 ]",
        "sh:path tipkg:status ]",
        "tipkg:status a owl:ObjectProperty",
        (T + "status", "[lint value shape]", "sh:maxCount 1"),
    ),
    OntologyDefect(
        "shape-with-an-undeclared-term",
        "shapes.ttl",
        "sh:path tipkg:funder ; sh:class tipkg:Actor ]",
        "sh:path tipkg:funder ; sh:class tipkg:Actr ]",
        "tipkgsh:funder a sh:NodeShape",
        ("https://w3id.org/tipkg/shapes#funder", "[lint undeclared term]", "tipkg:Actr"),
    ),
]


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.id for d in DEFECTS])
def test_ontology_defect(defect: OntologyDefect, tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    edit(root / "ontology" / defect.file, defect.old, defect.new)
    where = defect.at
    # the finding points to the line that declares the term
    target = root / "ontology" / ("tipkg.ttl" if defect.at.startswith("tipkg:") else defect.file)
    location = f"ontology/{target.name}:{line_of(target, where)}"
    report = check_without_owl(root)
    assert report.exit_code == 1, report.findings
    assert_found(report, location, defect.says)


def _undeclared_property(dataset: Dataset) -> None:
    undeclared = URIRef(f"{TIPKG}population")  # not in the vocabulary (TIPKG.population raises)
    dataset.graph(URIRef("https://w3id.org/tipkg/id/graph/mx-2011")).add((iri("place/mexico"), undeclared, lit("112336538")))


def _undeclared_concept(dataset: Dataset) -> None:
    dataset.graph(URIRef("https://w3id.org/tipkg/id/graph/mx-2011")).add((iri("program/pcs"), TIPKG.area, CONCEPT["area-nowhere"]))


@pytest.mark.parametrize(
    ("change", "record", "says"),
    [
        (_undeclared_property, ("actors.yaml", "- id: place/mexico"), (iri("place/mexico"), "[lint undeclared term]", "tipkg:population")),
        (_undeclared_concept, ("facts.yaml", "- id: program/pcs"), (iri("program/pcs"), "[lint undeclared term]", "concept:area-nowhere")),
    ],
    ids=["undeclared-tipkg-term", "undeclared-concept"],
)
def test_data_uses_undeclared_terms(change, record, says, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert_tampered_data_found(tmp_path, monkeypatch, change, record, says)


def test_the_ontology_and_shapes_are_clean() -> None:
    from tipkg.check.findings import ontology_locations
    from tipkg.check.lint import lint_ontology, lint_shapes
    from tipkg.curation.schema import read_ontology

    ontology = read_ontology(ROOT / "ontology")
    where = ontology_locations(ROOT / "ontology", ROOT)
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    assert [str(f) for f in lint_ontology(ontology, where) + lint_shapes(shapes, ontology, where)] == []
