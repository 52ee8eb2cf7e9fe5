"""``tipkg.vocab`` is generated from the ontology: it lists every term, and a typo raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import OWL, RDF, RDFS

import tipkg.vocab
from tipkg.curation.schema import read_turtle
from tipkg.curation.vocabgen import generate, main
from tipkg.namespaces import TIPKG

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = read_turtle(ROOT / "ontology" / "tipkg.ttl")


def test_the_module_is_what_the_generator_makes_of_the_ontology() -> None:
    """Fails on drift: run ``python -m tipkg.curation.vocabgen`` after changing ontology/tipkg.ttl."""
    assert Path(tipkg.vocab.__file__).read_text(encoding="utf-8") == generate(ONTOLOGY)


def test_the_generator_checks_without_writing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(ROOT)]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Datatype])
def test_every_declared_term_is_a_name(kind: object) -> None:
    declared = [t for t in ONTOLOGY.subjects(RDF.type, kind) if str(t).startswith(str(TIPKG))]
    assert declared
    assert all(getattr(TIPKG, str(t)[len(str(TIPKG)) :]) == t for t in declared)


def test_an_unknown_term_raises() -> None:
    assert TIPKG.FundingAllocation == TIPKG["FundingAllocation"]
    with pytest.raises(AttributeError, match="Fundingallocation"):
        TIPKG.Fundingallocation  # noqa: B018
    with pytest.raises(AttributeError):
        TIPKG["fundingAllocation"]
