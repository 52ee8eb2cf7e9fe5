"""The build's VoID description on data made in memory: what it counts and how it says it."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from tipkg.build.description import Counts, describe
from tipkg.build.lines import profile
from tipkg.namespaces import Graphs

BASE = "https://example.org/kg/"
TYPE = ox.NamedNode(str(RDF.type))


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + name)


def test_profile_counts_distinct_subjects_and_instances_of_iri_classes() -> None:
    triples = [
        ox.Triple(node("a"), TYPE, node("C")),
        ox.Triple(node("a"), TYPE, node("D")),
        ox.Triple(node("b"), TYPE, node("C")),
        ox.Triple(node("b"), node("p"), ox.Literal("x")),
        ox.Triple(ox.BlankNode("x"), TYPE, node("C")),
        ox.Triple(node("c"), TYPE, ox.BlankNode("k")),  # not an IRI class
    ]
    lines = sorted({line + b"\n" for line in (ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES) or b"").splitlines()})
    assert profile(lines) == (6, 4, {(BASE + "C").encode(): 3, (BASE + "D").encode(): 1})


def described(classes: dict[URIRef, int]) -> Graph:
    counts = Counts(10, 4, classes, {BASE + "graph/s": 7, BASE + "graph/links": 3}, 2)
    g = Graph()
    for t in describe(counts, Graphs(BASE), {URIRef(BASE + "source/s"): [Literal("A report")], URIRef(BASE + "source/t"): []}):
        g.add(t)
    return g


def test_the_description_says_the_counts_it_is_given() -> None:
    g = described({URIRef(BASE + "C"): 3, URIRef(BASE + "D"): 1})
    ds = URIRef(BASE + "dataset")
    assert g.value(ds, VOID.triples) == Literal(10) and g.value(ds, VOID.distinctSubjects) == Literal(4)
    assert g.value(ds, VOID.classes) == Literal(2)
    assert {(g.value(p, VOID["class"]), g.value(p, VOID.entities)) for p in g.objects(ds, VOID.classPartition)} == {
        (URIRef(BASE + "C"), Literal(3)),
        (URIRef(BASE + "D"), Literal(1)),
    }
    assert {g.value(s, VOID.triples) for s in g.objects(ds, VOID.subset)} == {Literal(7), Literal(3), Literal(2)}
    assert set(g.objects(ds, DCTERMS.source)) == {URIRef(BASE + "source/s"), URIRef(BASE + "source/t")}
    assert g.value(URIRef(BASE + "source/s"), DCTERMS.title) == Literal("A report")
    assert {o.language for o in g.objects(ds, DCTERMS.title)} == {"en", "es"}  # type: ignore[attr-defined]
    assert (ds, RDF.type, VOID.Dataset) in g


def test_a_class_partition_keeps_its_blank_node_whatever_other_classes_there_are() -> None:
    """So that void.nq changes only where the counts change."""

    def label_of(g: Graph, cls: str) -> str:
        (part,) = g.subjects(VOID["class"], URIRef(BASE + cls))
        return str(part)

    one = described({URIRef(BASE + "C"): 3})
    two = described({URIRef(BASE + "B"): 5, URIRef(BASE + "C"): 3})
    assert label_of(one, "C") == label_of(two, "C") != label_of(two, "B")
