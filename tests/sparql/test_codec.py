"""The SPARQL JSON codec (tipkg.sparql.codec): round trips, and the cases its four former copies read
or wrote differently (language tag case, ``xsd:string``, ``typed-literal``, triple terms)."""

from __future__ import annotations

import doctest

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from tipkg.engines.oxigraph import term_json as ox_term_json
from tipkg.sparql import codec
from tipkg.sparql.codec import ResultsError, json_result, json_term, term_json

XSD_ = "http://www.w3.org/2001/XMLSchema#"
STRING = XSD_ + "string"
INTEGER = URIRef(XSD_ + "integer")
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

ROUND_TRIPS = {
    "iri": URIRef("https://w3id.org/tipkg/id/agency/fevimtra"),
    "blank node": BNode("b0"),
    "simple literal": Literal("Fiscalía"),
    "language": Literal("Ley general", lang="es"),
    "language with region": Literal("law", lang="en-gb"),
    "integer": Literal("42", datatype=INTEGER),
    "year": Literal("2012", datatype=URIRef(XSD_ + "gYear")),
    "empty string": Literal(""),
}


@pytest.mark.parametrize("term", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_a_term_reads_back_as_written(term: object) -> None:
    assert json_term(term_json(term)) == term  # type: ignore[arg-type]


# (binding as a store may write it, the term it means)
READS = {
    "language tag in upper case": ({"type": "literal", "value": "x", "xml:lang": "EN-US"}, Literal("x", lang="en-us")),
    "xsd:string written out": ({"type": "literal", "value": "x", "datatype": STRING}, Literal("x")),
    "typed-literal (Virtuoso)": (
        {"type": "typed-literal", "value": "3", "datatype": str(INTEGER)},
        Literal("3", datatype=INTEGER),
    ),
    "typed-literal xsd:string": ({"type": "typed-literal", "value": "x", "datatype": STRING}, Literal("x")),
    "unbound": (None, None),
    "triple term": (
        {
            "type": "triple",
            "value": {
                "subject": {"type": "uri", "value": "http://e/s"},
                "predicate": {"type": "uri", "value": "http://e/p"},
                "object": {"type": "literal", "value": "o", "xml:lang": "ES"},
            },
        },
        Literal('<<( <http://e/s> <http://e/p> "o"@es )>>'),
    ),
}


@pytest.mark.parametrize(("binding", "term"), READS.values(), ids=READS.keys())
def test_a_binding_reads_as_the_rdf_term_it_means(binding: dict[str, object] | None, term: object) -> None:
    assert json_term(binding) == term


# (term, binding written for it)
WRITES = {
    "language tag in upper case": (Literal("x", lang="ES"), {"type": "literal", "value": "x", "xml:lang": "es"}),
    "xsd:string is a simple literal": (Literal("x", datatype=URIRef(STRING)), {"type": "literal", "value": "x"}),
}


@pytest.mark.parametrize(("term", "binding"), WRITES.values(), ids=WRITES.keys())
def test_a_term_is_written_in_its_one_form(term: Literal, binding: dict[str, str]) -> None:
    assert term_json(term) == binding


@pytest.mark.parametrize(
    "binding",
    [{"type": "variable", "value": "x"}, {"type": "uri"}, {"type": "literal", "value": 3}],
    ids=["unknown type", "no value", "value not text"],
)
def test_a_malformed_binding_is_refused(binding: dict[str, object]) -> None:
    with pytest.raises(ResultsError):
        json_term(binding)


OX_TERMS = {
    "iri": ox.NamedNode("https://w3id.org/tipkg/id/agency/fevimtra"),
    "blank node": ox.BlankNode("b0"),
    "simple literal": ox.Literal("x"),
    "xsd:string": ox.Literal("x", datatype=ox.NamedNode(STRING)),
    "language": ox.Literal("x", language="es-MX"),
    "integer": ox.Literal("1", datatype=ox.NamedNode(str(INTEGER))),
}


@pytest.mark.parametrize("term", OX_TERMS.values(), ids=OX_TERMS.keys())
def test_the_service_writes_oxigraph_terms_as_the_codec_writes_rdflib_terms(term: object) -> None:
    from tipkg.engines.oxigraph import from_ox

    written = ox_term_json(term)
    assert written == term_json(from_ox(term))  # type: ignore[arg-type]
    assert written.get("datatype") not in (STRING, LANG_STRING)


def test_a_triple_term_is_written_with_its_parts() -> None:
    triple = ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"))
    assert ox_term_json(triple) == {
        "type": "triple",
        "value": {
            "subject": {"type": "uri", "value": "http://e/s"},
            "predicate": {"type": "uri", "value": "http://e/p"},
            "object": {"type": "literal", "value": "o"},
        },
    }


def test_a_results_document_reads_as_a_result() -> None:
    data = {
        "head": {"vars": ["s", "names"]},
        "results": {"bindings": [{"s": {"type": "uri", "value": "http://e/s"}, "names": {"type": "literal", "value": "b | a"}}, {}]},
    }
    assert json_result(data).rows == [(URIRef("http://e/s"), Literal("b | a")), (None, None)]
    # normalized as the engines give it: a concatenated list's parts sorted
    assert json_result(data, normalized=True).rows[0][1] == Literal("a | b")
    assert json_result({"head": {}, "boolean": True}).boolean is True


def test_the_examples_in_the_docstring_hold() -> None:
    assert doctest.testmod(codec).failed == 0
