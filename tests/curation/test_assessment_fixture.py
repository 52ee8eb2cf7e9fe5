"""The fictional assessment fixture (issue 15): a report that exercises every assessment term.

tests/fixtures/assessment holds a short, FICTIONAL assessment of Mexico's response in 2010 by an
invented NGO (source id fma-2011): its text, its metadata and its records. It is built together
with the real project, whose entities (gov/mexico, agency/inm, place/chiapas ...) it refers to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ASSESSMENT as FIXTURE

import tipkg
from tipkg.check.report import check_project
from tipkg.namespaces import DEFAULT_BASE
from tipkg.project import Project

SOURCE = "fma-2011"
GRAPH = f"{DEFAULT_BASE}graph/{SOURCE}"
TIPKG = "https://w3id.org/tipkg/ontology#"
CONCEPT = "https://w3id.org/tipkg/concept/"

# Issue 15's classes and properties: the fixture's records use each of them.
CLASSES = ("Assessment", "CountryRole", "TraffickingFlow", "Recommendation", "Allegation", "QuantitativeValue")
PROPERTIES = (
    "assessor",
    "assessedActor",
    "rating",
    "judgement",
    "traffickingRole",
    "roleCountry",
    "exploitationForm",
    "sector",
    "victimGroup",
    "vulnerableGroup",
    "sentenceLength",
    "minValue",
    "maxValue",
    "unitCode",
    "recommendedBy",
    "recommendedAction",
    "prioritized",
    "allegedActor",
    "allegedBy",
    "allegationKind",
    "allegationStatus",
    "allegedConduct",
    "origin",
    "destination",
    "transitPlace",
)
SCHEMES = ("tip-tier", "minimum-standards", "trafficking-role", "exploitation", "sector", "allegation-kind", "allegation-status")
NEW_INDICATORS = ("prosecutions", "convictions", "sentences", "acquittals")


SOURCES = ("fma-2011", "fvw-2011")  # the assessment, and a second report that disagrees with it


def metadata(source: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURE / "sources" / f"{source}.yaml").read_text(encoding="utf-8"))


def keys(node: Any) -> Iterator[str]:
    """Every mapping key anywhere in a parsed YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from keys(item)


def test_the_fixture_holds_the_two_reports_and_nothing_else() -> None:
    assert sorted(p.stem for p in (FIXTURE / "sources").glob("*.yaml")) == list(SOURCES)
    assert sorted(p.name for p in FIXTURE.iterdir()) == sorted([*SOURCES, "sources"])


@pytest.mark.parametrize("source", SOURCES)
def test_text_is_marked_fictional_and_metadata_hash_matches(source: str) -> None:
    meta = metadata(source)
    data = (FIXTURE / "sources" / meta["file"]).read_bytes()
    assert data.decode("utf-8").splitlines()[0].startswith("FICTIONAL TEST FIXTURE")
    assert meta["id"] == source
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert (FIXTURE / "sources" / f"{source}.yaml").read_text(encoding="utf-8").startswith("# FICTIONAL:")


@pytest.mark.parametrize("source", SOURCES)
def test_no_record_uses_reported_claim(source: str) -> None:
    files = sorted((FIXTURE / source).glob("*.yaml"))
    assert files
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["source"] == source, path.name
        assert doc["records"], path.name
        assert "reportedClaim" not in set(keys(doc)), path.name


def test_built_graph_uses_every_assessment_term(built_assessment: Path) -> None:
    kg = tipkg.open(built_assessment)
    types = {str(row[0]) for row in kg.query(f"SELECT DISTINCT ?t WHERE {{ GRAPH <{GRAPH}> {{ ?s a ?t }} }}").rows}
    preds = {str(row[0]) for row in kg.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}").rows}
    assert not {c for c in CLASSES if TIPKG + c not in types}, "classes not used"
    assert not {p for p in PROPERTIES if TIPKG + p not in preds}, "properties not used"
    assert TIPKG + "reportedClaim" not in preds

    concepts = kg.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        f"SELECT DISTINCT ?scheme ?c WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?c }} ?c skos:inScheme ?scheme }}"
    ).rows
    used: dict[str, set[str]] = {}
    for scheme, concept in concepts:
        used.setdefault(str(scheme).removeprefix(CONCEPT), set()).add(str(concept).removeprefix(CONCEPT))
    assert not {s for s in SCHEMES if not used.get(s)}, f"schemes without a concept in use: {used}"
    assert {f"indicator-{i}" for i in NEW_INDICATORS} <= used["indicator"]
    assert {"target-men", "target-unaccompanied-children", "target-lgbti-persons"} <= used["target"]
    assert "actor-kind-public-officials" in used["actor-kind"]


def test_sentence_length_is_a_range_in_years(built_assessment: Path) -> None:
    kg = tipkg.open(built_assessment)
    rows = kg.query(
        f"PREFIX tipkg: <{TIPKG}> SELECT ?min ?max ?unit WHERE {{ GRAPH <{GRAPH}> {{ "
        f"<{DEFAULT_BASE}stat/fma-2011/sentences-2010> tipkg:sentenceLength ?q . "
        "?q tipkg:minValue ?min ; tipkg:maxValue ?max ; tipkg:unitCode ?unit } }"
    ).rows
    assert [(int(a.toPython()), int(b.toPython()), str(u)) for a, b, u in rows] == [(4, 22, "ANN")]


def test_check_finds_no_violation_nor_warning(built_assessment: Path) -> None:
    """`tipkg check` as a whole: lint, SHACL and the OWL reasoner (HermiT), which proves the fixture
    consistent with the ontology's disjointness and functional axioms."""
    report = check_project(Project(built_assessment))
    assert not report.errors
    assert [str(f) for f in report.findings] == []
    assert report.exit_code == 0
