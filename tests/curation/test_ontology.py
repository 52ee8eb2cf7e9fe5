"""The ontology is data: every term labelled, commented and aligned; it loads as OWL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from tipkg.curation.schema import read_ontology
from tipkg.namespaces import TIPKG

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
GRAPH = read_ontology(ONTOLOGY)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype)
TERMS = sorted({s for k in KINDS for s in GRAPH.subjects(RDF.type, k) if isinstance(s, URIRef) and str(s).startswith(str(TIPKG))})
STANDARD = ("http://schema.org/", "http://www.w3.org/ns/", "http://data.europa.eu/", "http://purl.org/", "http://www.w3.org/2004/02/skos/")


def _local(term: URIRef) -> str:
    return str(term)[len(str(TIPKG)) :]


def _aligned(term: URIRef, seen: set[URIRef] | None = None) -> bool:
    """Reaches a standard vocabulary term through sub-class/sub-property/equivalence links."""
    seen = seen or set()
    for rel in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty):
        for sup in GRAPH.objects(term, rel):
            if isinstance(sup, URIRef) and str(sup).startswith(STANDARD):
                return True
            if isinstance(sup, URIRef) and sup not in seen:
                seen.add(sup)
                if _aligned(sup, seen):
                    return True
    return False


def test_the_ontology_defines_the_report_s_world():
    for name in ("GovernmentBody", "GovernmentUnit", "InterAgencyCommittee", "NGO", "IntergovernmentalOrganization",
                 "Consulate", "Company", "Law", "Regulation", "InternationalInstrument", "NationalProgram",
                 "LineOfAction", "Campaign", "FundingAllocation", "Training", "Award", "Shelter", "Hotline",
                 "ProtectionService", "Observation", "Membership", "Place", "SourceDocument", "Evidence"):  # fmt: skip
        assert (TIPKG[name], RDF.type, OWL.Class) in GRAPH, name


@pytest.mark.parametrize("term", TERMS, ids=_local)
def test_term_has_english_label_and_comment(term):
    assert any(isinstance(lab, Literal) and lab.language == "en" for lab in GRAPH.objects(term, RDFS.label))
    assert any(isinstance(c, Literal) and c.language == "en" for c in GRAPH.objects(term, RDFS.comment))


@pytest.mark.parametrize("term", [t for t in TERMS if (t, RDF.type, RDFS.Datatype) not in GRAPH], ids=_local)
def test_term_is_aligned_to_a_standard_vocabulary_or_says_why_not(term):
    comment = " ".join(str(c) for c in GRAPH.objects(term, RDFS.comment))
    typed = any(str(t).startswith(STANDARD) for t in GRAPH.objects(term, RDF.type))  # e.g. a qb:DimensionProperty
    assert _aligned(term) or typed or "No standard" in comment


@pytest.mark.parametrize("term", [t for t in TERMS if (t, RDF.type, OWL.ObjectProperty) in GRAPH], ids=_local)
def test_domains_and_ranges_are_defined(term):
    for rel in (RDFS.domain, RDFS.range):
        for cls in GRAPH.objects(term, rel):
            assert (cls, RDF.type, OWL.Class) in GRAPH, f"{term} {rel} {cls} is not a class of the ontology"


def test_government_bodies_and_ngos_are_disjoint():
    q = """ASK { ?d a owl:AllDisjointClasses ; owl:members ?l .
                 ?l rdf:rest*/rdf:first tipkg:GovernmentBody . ?l rdf:rest*/rdf:first tipkg:CivilSocietyOrganization }"""
    assert GRAPH.query(q, initNs={"owl": OWL, "rdf": RDF, "tipkg": TIPKG}).askAnswer
    assert (TIPKG.NGO, RDFS.subClassOf, TIPKG.CivilSocietyOrganization) in GRAPH


def test_parses_as_owl_in_owlready2(tmp_path):
    import owlready2

    nt = tmp_path / "tipkg.nt"
    Graph().parse(ONTOLOGY / "tipkg.ttl").serialize(nt, format="nt")
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
    names = {c.name for c in onto.classes()}
    assert {"GovernmentBody", "NGO", "FundingAllocation", "Observation"} <= names
    assert world["https://w3id.org/tipkg/ontology#unitOf"] in set(onto.object_properties())
