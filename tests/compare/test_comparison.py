"""How the build compares what sources say: precision is a refinement, not a conflict (pure, in memory)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from tipkg.compare.values import AGREES, DIFFERS, REFINES, Comparer, Outcome, Stated, combine, compare, interval
from tipkg.curation.schema import load_schema
from tipkg.curation.statements import Claim
from tipkg.namespaces import CONCEPT, DEFAULT_BASE, TIPKG

ONTOLOGY = str(Path(__file__).resolve().parents[2] / "ontology")


def year(text: str) -> Stated:
    return Stated(Literal(text, datatype=XSD.gYear))


def month(text: str) -> Stated:
    return Stated(Literal(text, datatype=XSD.gYearMonth))


def day(text: str) -> Stated:
    return Stated(Literal(text, datatype=XSD.date))


def count(n: str) -> Stated:
    return Stated(Literal(n, datatype=XSD.decimal))


def more_than(n: str) -> Stated:
    return Stated(Literal(n, datatype=XSD.decimal), bound=True)


def about(n: str) -> Stated:
    return Stated(Literal(n, datatype=XSD.decimal), approximate=True)


CASES = [
    # (first, second, verdict, which is more precise)
    ("year and a month in it", year("2007"), month("2007-11"), REFINES, 1),
    ("a month and its year", month("2007-11"), year("2007"), REFINES, 0),
    ("two months", month("2007-11"), month("2008-01"), DIFFERS, None),
    ("a month and another year", month("2007-11"), year("2008"), DIFFERS, None),
    ("a day in its month", day("2011-01-06"), month("2011-01"), REFINES, 0),
    ("a day and another month", day("2011-01-06"), month("2011-02"), DIFFERS, None),
    ("the same year", year("2010"), year("2010"), AGREES, None),
    ("a count above a lower bound", more_than("26"), count("28"), REFINES, 1),
    ("a count below a lower bound", more_than("26"), count("20"), DIFFERS, None),
    ("a count equal to a strict lower bound", more_than("26"), count("26"), DIFFERS, None),
    ("two lower bounds", more_than("26"), more_than("30"), REFINES, 1),
    ("the same lower bound", more_than("18000"), more_than("18000"), AGREES, None),
    ("two counts", count("48"), count("51"), DIFFERS, None),
    # "about 20,000": from 15,000 up to (not with) 25,000; "about 300": 250 up to 350; "about 47": 46.5 up to 47.5
    ("a count that rounds to an approximate one", about("20000"), count("19874"), REFINES, 1),
    ("the lowest count that rounds to it", count("15000"), about("20000"), REFINES, 0),
    ("a count that rounds to the next", about("20000"), count("25000"), DIFFERS, None),
    ("an approximate count and a far one", about("300"), count("420"), DIFFERS, None),
    ("an approximate count with its units", about("47"), count("47"), REFINES, 1),
    ("the same approximate count", about("300"), about("300"), AGREES, None),
    ("a rounder approximate count", about("300"), about("320"), REFINES, 1),
    ("two approximate counts apart", about("300"), about("400"), DIFFERS, None),
    ("a lower bound inside an approximate count", about("300"), more_than("320"), AGREES, None),
    ("a lower bound above an approximate count", about("300"), more_than("350"), DIFFERS, None),
    ("a lower bound below an approximate count", more_than("200"), about("300"), REFINES, 1),
    # below zero the interval mirrors: "about -20,000" admits -15,000, not -25,000
    ("a negative figure that rounds to it", about("-20000"), count("-15000"), REFINES, 1),
    ("a negative figure that rounds past it", about("-20000"), count("-25000"), DIFFERS, None),
    ("about 2.5 and 2.45", about("2.5"), count("2.45"), REFINES, 1),
    ("about 2.5 and 2.55", about("2.5"), count("2.55"), DIFFERS, None),
    ("one count written two ways", count("48"), Stated(Literal("48.0", datatype=XSD.decimal)), AGREES, None),
    ("two entities", Stated(URIRef(DEFAULT_BASE + "agency/pgr")), Stated(URIRef(DEFAULT_BASE + "agency/segob")), DIFFERS, None),
    ("one entity", Stated(URIRef(DEFAULT_BASE + "agency/pgr")), Stated(URIRef(DEFAULT_BASE + "agency/pgr")), AGREES, None),
]


@pytest.mark.parametrize(("first", "second", "verdict", "finer"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_values_compare_by_meaning(first: Stated, second: Stated, verdict: str, finer: int | None) -> None:
    assert compare(first, second) == Outcome(verdict, finer)


def test_a_date_is_the_interval_of_its_precision() -> None:
    assert interval(Literal("2008-02", datatype=XSD.gYearMonth)) == (date(2008, 2, 1), date(2008, 2, 29))
    assert interval(Literal("2008-13", datatype=XSD.gYearMonth)) is None


def test_structured_outcomes_combine() -> None:
    assert combine([]) is None
    assert combine([Outcome(AGREES), Outcome(REFINES, 0)]) == Outcome(REFINES, 0)
    assert combine([Outcome(REFINES, 0), Outcome(REFINES, 1)]) == Outcome(DIFFERS)
    assert combine([Outcome(AGREES), Outcome(DIFFERS)]) == Outcome(DIFFERS)


def iri(local: str) -> URIRef:
    return URIRef(DEFAULT_BASE + local)


def claim(source: str, s: str, p: URIRef, o: URIRef | Literal) -> Claim:
    return Claim(source, iri(s), p, o, iri(f"statement/{source}/{s}-{p.fragment}-{o}"), f"{source}.yaml:1")


def amount(source: str, owner: str, value: str, currency: str) -> list[Claim]:
    node = f"{owner}/{source}/amount"
    return [
        claim(source, owner, TIPKG.amount, iri(node)),
        claim(source, node, TIPKG.value, Literal(value, datatype=XSD.decimal)),
        claim(source, node, TIPKG.currency, Literal(currency)),
    ]


@pytest.fixture(scope="module")
def schema():  # type: ignore[no-untyped-def]
    return load_schema(ONTOLOGY)


def test_amounts_compare_within_one_currency(schema) -> None:  # type: ignore[no-untyped-def]
    same = Comparer([*amount("a", "allocation/x", "100", "MXN"), *amount("b", "allocation/x", "120", "MXN")], schema, DEFAULT_BASE)
    # the amounts differ, and the row shows their values (the leaves that decide it), not the nodes
    assert [(c.prop, c.outcome, c.first.p, str(c.first.o), str(c.second.o)) for c in same.same_property()] == [
        (TIPKG.amount, Outcome(DIFFERS), TIPKG.value, "100", "120")
    ]
    other = Comparer([*amount("a", "allocation/x", "100", "MXN"), *amount("b", "allocation/x", "8", "USD")], schema, DEFAULT_BASE)
    assert list(other.same_property()) == []


def test_curation_flags_are_not_compared(schema) -> None:  # type: ignore[no-untyped-def]
    claims = [*amount("a", "allocation/x", "100", "MXN"), *amount("b", "allocation/x", "100", "MXN")]
    claims.append(claim("a", "allocation/x/a/amount", TIPKG.currencyInferred, Literal("true", datatype=XSD.boolean)))
    assert list(Comparer(claims, schema, DEFAULT_BASE).same_property()) == []


def test_figures_of_one_measure_are_compared_whatever_their_ids(schema) -> None:  # type: ignore[no-untyped-def]
    claims = []
    for source, obs, value in (("a", "stat/a/x", "48"), ("b", "stat/b/x", "51"), ("c", "stat/c/x", "48")):
        claims += [
            claim(source, obs, RDF.type, TIPKG.Observation),
            claim(source, obs, TIPKG.indicator, CONCEPT["indicator-investigations"]),
            claim(source, obs, TIPKG.startDate, Literal("2010", datatype=XSD.gYear)),
            claim(source, obs, TIPKG.observedValue, Literal(value, datatype=XSD.decimal)),
        ]
    comparer = Comparer(claims, schema, DEFAULT_BASE)
    keys = comparer.measures()
    assert len({comparer.measure_iri(k) for k in keys.values()}) == 1
    found = sorted((c.first.source, c.second.source, c.outcome.verdict) for c in comparer.same_measure(keys))
    assert found == [("a", "b", DIFFERS), ("b", "c", DIFFERS)]  # a and c agree: nothing to say


def test_one_source_is_not_compared_with_itself(schema) -> None:  # type: ignore[no-untyped-def]
    claims = [
        claim("a", "law/x", TIPKG.legislationDate, Literal("2007", datatype=XSD.gYear)),
        claim("a", "law/y", TIPKG.legislationDate, Literal("2009", datatype=XSD.gYear)),
    ]
    assert list(Comparer(claims, schema, DEFAULT_BASE).same_property()) == []
