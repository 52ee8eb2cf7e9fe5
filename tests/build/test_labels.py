"""The labels the build makes for nodes without a name (tipkg.build.labels): on in-memory graphs, and
on the real build and the build with the fictional assessment, where each expected label is read
off the curated records (graph_data/mx-2011/*.yaml, tests/fixtures/assessment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from tipkg.build.labels import computed_labels, number, unnamed
from tipkg.namespaces import DEFAULT_BASE, PREFIXES

if TYPE_CHECKING:
    from tipkg.kg import KnowledgeGraph

LABELS_GRAPH = f"{DEFAULT_BASE}graph/labels"
TURTLE_PREFIXES = "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items()) + f"@prefix : <{DEFAULT_BASE}> .\n"
VOCABULARY = """
tipkg:observedMoreThan tipkg:lowerBoundOf tipkg:observedValue ; rdfs:label "more than"@en , "más de"@es .
tipkg:startDate tipkg:periodPart "start" . tipkg:endDate tipkg:periodPart "end" .
tipkg:asOf tipkg:periodPart "date" ; rdfs:label "as of"@en , "al"@es .
concept:arrests skos:prefLabel "arrests"@en , "detenciones"@es .
"""


def labels_of(data: str) -> dict[tuple[str, str], str]:
    graph, vocabulary = Graph(), Graph()
    graph.parse(data=TURTLE_PREFIXES + data, format="turtle")
    vocabulary.parse(data=TURTLE_PREFIXES + VOCABULARY, format="turtle")
    return {(str(s)[len(DEFAULT_BASE) :], o.language): str(o) for s, _p, o in computed_labels(graph, vocabulary)}


@pytest.mark.parametrize(
    ("data", "node", "lang", "expected"),
    [
        # an exact value, the subject by its acronym, a period of one year
        (
            ':o a tipkg:Observation ; tipkg:concerns :u ; tipkg:indicator concept:arrests ; tipkg:observedValue "1200"^^xsd:decimal ;'
            ' tipkg:startDate "2010"^^xsd:gYear ; tipkg:endDate "2010"^^xsd:gYear .'
            ' :u skos:prefLabel "Special Unit"@en ; skos:altLabel "SU" , "The Unit of Specials" .',
            "o",
            "es",
            "SU: 1\u00a0200 detenciones, 2010",
        ),
        # the acronym of the label's language first
        (
            ':o a tipkg:Observation ; tipkg:concerns :n ; tipkg:indicator concept:arrests ; tipkg:observedValue "3"^^xsd:decimal .'
            ' :n skos:prefLabel "Network"@en ; skos:altLabel "NGO"@en , "ONGX"@es .',
            "o",
            "es",
            "ONGX: 3 detenciones",
        ),
        # a bound is never lost; without a subject, the area; from a start to the date a count holds
        (
            ':o a tipkg:Observation ; tipkg:refArea :p ; tipkg:indicator concept:arrests ; tipkg:observedMoreThan "26"^^xsd:decimal ;'
            ' tipkg:startDate "2010-04"^^xsd:gYearMonth ; tipkg:asOf "2011"^^xsd:gYear . :p skos:prefLabel "Ruritania"@en .',
            "o",
            "en",
            "Ruritania: more than 26 arrests, 2010-04–2011",
        ),
        # a count that holds at a date says so: not one made that year
        (
            ':o a tipkg:Observation ; tipkg:refArea :p ; tipkg:indicator concept:arrests ; tipkg:observedValue "332"^^xsd:decimal ;'
            ' tipkg:asOf "2011"^^xsd:gYear . :p skos:prefLabel "Ruritania"@en .',
            "o",
            "es",
            "Ruritania: 332 detenciones, al 2011",
        ),
        # sources that differ: every value, in order, none chosen
        (
            ':o a tipkg:Observation ; tipkg:indicator concept:arrests ; tipkg:observedValue "51"^^xsd:decimal , "48"^^xsd:decimal ;'
            ' tipkg:observedMoreThan "26"^^xsd:decimal ; tipkg:startDate "2008"^^xsd:gYear , "2006"^^xsd:gYear ; tipkg:endDate "2010"^^xsd:gYear .',
            "o",
            "en",
            "48 / 51 / more than 26 arrests, (2006 / 2008)–2010",
        ),
        # an amount keeps every digit it was given, and says when its currency was inferred
        (
            ':a a tipkg:MonetaryAmount ; tipkg:value "17926386.00"^^xsd:decimal ; tipkg:currency "MXN" ; tipkg:currencyInferred true .',
            "a",
            "es",
            "17\u00a0926\u00a0386.00 MXN (moneda inferida)",
        ),
        (
            ':q a tipkg:QuantitativeValue ; tipkg:minValue "3"^^xsd:decimal ; tipkg:maxValue "16"^^xsd:decimal ; tipkg:unitCode "ANN" .',
            "q",
            "es",
            "3–16 años",
        ),
        (
            ':q a tipkg:QuantitativeValue ; tipkg:minValue "5"^^xsd:decimal ; tipkg:maxValue "5"^^xsd:decimal ; tipkg:unitCode "XYZ" .',
            "q",
            "en",
            "5 XYZ",
        ),
        # a node named after another unnamed one takes that one's label; a cycle falls back to the id
        (
            ':f a tipkg:FundingAllocation ; tipkg:fundingChannel :fund ; tipkg:amount :f-amount . :fund skos:prefLabel "Fondo"@es , "Fund"@en .'
            ' :f-amount a tipkg:MonetaryAmount ; tipkg:value "500"^^xsd:decimal ; tipkg:currency "MXN" .',
            "f",
            "es",
            "Fondo: 500 MXN",
        ),
        (":c a tipkg:Comparison ; tipkg:comparedSubject :c ; tipkg:comparedProperty tipkg:value .", "c", "en", "c, value"),
        # any other node: its class
        (":x a tipkg:Thing .", "x", "en", "Thing"),
    ],
)
def test_a_label_made_from_what_the_node_holds(data: str, node: str, lang: str, expected: str) -> None:
    assert labels_of(data)[(node, lang)] == expected


def test_named_nodes_and_provenance_get_no_label() -> None:
    made = labels_of(
        ':o a tipkg:Observation ; rdfs:label "curated"@en . :p a tipkg:Place ; skos:prefLabel "P"@en .'
        " :st a rdf:Statement . :ev a tipkg:Evidence . :q a oa:TextQuoteSelector . _:b a tipkg:Observation ."
    )
    assert made == {}


@pytest.mark.parametrize(
    ("term", "lang", "expected"),
    [
        ("60000", "en", "60,000"),
        ("7.25", "es", "7.25"),
        ("-1234.5", "en", "-1,234.5"),
        ("12345678901234567890.123456789", "en", "12,345,678,901,234,567,890.123456789"),
    ],
)
def test_numbers_keep_every_digit(term: str, lang: str, expected: str) -> None:
    assert number(Literal(term, datatype=XSD.decimal), lang) == expected


# -- in the builds ----------------------------------------------------------------------------

REAL = [
    # graph_data/mx-2011/statistics.yaml: concerns agency/fevimtra (altLabel FEVIMTRA), indicator investigations, 48, 2010
    ("stat/fevimtra-investigations-2010", "en", "FEVIMTRA: 48 investigations, 2010"),
    ("stat/fevimtra-investigations-2010", "es", "FEVIMTRA: 48 averiguaciones previas, 2010"),
    ("stat/blue-heart-people-reached", "en", "Blue Heart Campaign, Mexico: more than 18,000 people reached, 2010-04–2011"),
    ("stat/people-trained", "en", "specialized courses for public officials: 60,000 people trained, as of 2011"),
    ("stat/victims-identified-2010-guatemala", "en", "Mexico: 123 victims identified (Guatemala), 2010"),
    # "Colombian (1)": one victim; the indicator's label is a plural, so the figure follows it
    ("stat/victims-identified-2010-colombia", "en", "Mexico: victims identified (Colombia): 1, 2010"),
    ("stat/victims-identified-2010-colombia", "es", "Mexico: víctimas identificadas (Colombia): 1, 2010"),
    # graph_data/mx-2011/funding.yaml: DIF gives "$7,100,000" in 2010 (currency inferred)
    ("allocation/dif-2010", "en", "DIF: 7,100,000 MXN (currency inferred), 2010"),
    ("allocation/dif-2010/amount", "es", "7\u00a0100\u00a0000 MXN (moneda inferida)"),
    (
        "membership/cipspt-segob",
        "es",
        "Secretariat of the Interior — coordinador — Intersecretariat Committee for Prevention and Punishment of Trafficking in Persons",
    ),
    ("service/community-contact/contactPoint-2", "en", "casosdetrata@inami.gob.mx"),
]
ASSESSMENT = [
    ("stat/fma-2011/investigations-2010", "es", "Mexico: más de 120 averiguaciones previas, 2010"),
    ("stat/fma-2011/sentences-2009/sentenceLength", "en", "3–16 years"),
    ("role/fma-2011/transit", "es", "Mexico: país de tránsito (actividades delictivas forzadas)"),
    ("flow/fma-2011/mexican-men-to-us-agriculture", "en", "Mexico → United States (forced labour or services)"),
    ("allegation/fma-2011/bribes-for-licences", "en", "corruption: some local officials"),
]
Q_LABEL = f"SELECT ?label WHERE {{ GRAPH <{LABELS_GRAPH}> {{ $node rdfs:label ?label }} }}"


def made(kg: KnowledgeGraph, node: str, lang: str) -> list[str]:
    return [str(r[0]) for r in kg.query(Q_LABEL, node=URIRef(DEFAULT_BASE + node)).rows if r[0].language == lang]


@pytest.mark.parametrize(("node", "lang", "expected"), REAL)
def test_the_real_build_labels_its_unnamed_nodes(kgs: dict[str, KnowledgeGraph], node: str, lang: str, expected: str) -> None:
    assert made(kgs["oxigraph"], node, lang) == [expected]


@pytest.mark.parametrize(("node", "lang", "expected"), ASSESSMENT)
def test_the_assessment_build_labels_roles_flows_and_quantities(
    assessment_kgs: dict[str, KnowledgeGraph], node: str, lang: str, expected: str
) -> None:
    assert made(assessment_kgs["oxigraph"], node, lang) == [expected]


def test_every_typed_node_has_a_name_and_computed_ones_only_where_none_was_curated(assessment_kgs: dict[str, KnowledgeGraph]) -> None:
    kg = assessment_kgs["oxigraph"]
    nameless = kg.query(
        "SELECT DISTINCT ?s WHERE { ?s a ?c . FILTER(isIRI(?s))"
        " FILTER(?c NOT IN (rdf:Statement, tipkg:Evidence, oa:SpecificResource, oa:TextQuoteSelector, oa:TextPositionSelector))"
        " FILTER NOT EXISTS { ?s rdf:type/rdfs:subClassOf* ?k FILTER(?k IN (tipkg:Evidence, rdf:Statement)) }"
        " FILTER NOT EXISTS { ?s skos:prefLabel|rdfs:label ?l } }"
    ).rows
    assert [str(r[0]) for r in nameless if str(r[0]).startswith(DEFAULT_BASE)] == []
    both = kg.query(
        f"SELECT ?s WHERE {{ GRAPH <{LABELS_GRAPH}> {{ ?s rdfs:label ?l }} GRAPH ?g {{ ?s skos:prefLabel|rdfs:label ?m }} FILTER(?g != <{LABELS_GRAPH}>) }}"
    ).rows
    assert both == []
    langs = kg.query(
        f"SELECT ?s (COUNT(DISTINCT LANG(?l)) AS ?n) WHERE {{ GRAPH <{LABELS_GRAPH}> {{ ?s rdfs:label ?l }} }} GROUP BY ?s"
    ).rows
    assert len(langs) > 60 and {int(n) for _s, n in langs} == {2}  # English and Spanish, each node


def test_unnamed_skips_blank_nodes_and_named_nodes() -> None:
    graph = Graph()
    graph.parse(
        data=TURTLE_PREFIXES + ':a a tipkg:Observation . :b a tipkg:Observation ; rdfs:label "b" . _:c a tipkg:Observation .',
        format="turtle",
    )
    assert list(unnamed(graph)) == [URIRef(DEFAULT_BASE + "a")]
    assert RDFS.label not in set(graph.predicates(URIRef(DEFAULT_BASE + "a")))
