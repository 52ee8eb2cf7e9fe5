"""Browsing a class by facets (tipkg.sparql.facets) on the real build: every count equals a COUNT
query written apart (tests/facets_support.py), filters keep exactly the members with their value and
combine with AND, "none" keeps those without one, pages follow one stable order."""

from __future__ import annotations

from typing import Any

import pytest
from facets_support import CLASSES, REFERENCE, expected_counts, expected_members
from rdflib import URIRef

from tipkg.kg import KnowledgeGraph
from tipkg.namespaces import CONCEPT
from tipkg.sparql import facets as fc
from tipkg.sparql.codepoints import fold
from tipkg.sparql.saved import QueryError


@pytest.fixture(scope="module")
def unfiltered(kg: KnowledgeGraph) -> dict[str, fc.Browsed]:
    return {name: fc.browse(kg, name, [], "en") for name in CLASSES}


def counted(browsed: fc.Browsed, facet: str) -> dict[str | None, int]:
    return {None if v.term is None else str(v.term): v.count for v in browsed.facets[facet]}


def test_the_facets_are_those_checked() -> None:
    assert [f.name for f in fc.FACETS] == list(REFERENCE)


@pytest.mark.parametrize("name", CLASSES)
def test_the_total_is_the_home_pages_count(kg: KnowledgeGraph, unfiltered: dict[str, fc.Browsed], name: str) -> None:
    home = {str(c): int(str(n)) for c, n in kg.query("counts_by_class").rows}
    assert unfiltered[name].total == home[str(fc.class_iri(name))] == len(unfiltered[name].members)


@pytest.mark.parametrize("facet", list(REFERENCE))
@pytest.mark.parametrize("name", CLASSES)
def test_facet_counts_equal_count_queries(kg: KnowledgeGraph, unfiltered: dict[str, fc.Browsed], name: str, facet: str) -> None:
    assert counted(unfiltered[name], facet) == expected_counts(kg, name, facet)


@pytest.mark.parametrize("facet", list(REFERENCE))
def test_every_facet_has_values_in_the_classes_checked(unfiltered: dict[str, fc.Browsed], facet: str) -> None:
    assert any(v.term is not None for b in unfiltered.values() for v in b.facets[facet]), f"no {facet} value: the count test proves little"


@pytest.mark.parametrize("facet", list(REFERENCE))
@pytest.mark.parametrize("name", ["Campaign", "Observation", "Law"])
def test_a_filter_keeps_exactly_the_members_with_its_value(
    kg: KnowledgeGraph, unfiltered: dict[str, fc.Browsed], name: str, facet: str
) -> None:
    for value in unfiltered[name].facets[facet]:
        browsed = fc.browse(kg, name, [fc.Filter(facet, value.key)], "en")
        wanted = expected_members(kg, name, {facet: None if value.term is None else str(value.term)})
        assert {m.iri for m in browsed.members} == wanted
        assert browsed.total == value.count == len(wanted)
        assert counted(browsed, facet).get(None if value.term is None else str(value.term)) == value.count


def test_filters_combine_with_and(kg: KnowledgeGraph) -> None:
    theme = fc.browse(kg, "Campaign", [fc.Filter("theme", "awareness-raising")], "en")
    place = fc.browse(kg, "Campaign", [fc.Filter("area", "mexico")], "en")
    both = fc.browse(kg, "Campaign", fc.parse_filters([("area", "mexico"), ("theme", "awareness-raising")]), "en")
    got = {m.iri for m in both.members}
    assert got == {m.iri for m in theme.members} & {m.iri for m in place.members}
    assert got == expected_members(kg, "Campaign", {"theme": f"{CONCEPT}theme-awareness-raising", "area": f"{kg.base}place/mexico"})
    assert 0 < len(got) < min(theme.total, place.total), "the data should make AND differ from each filter alone"


def test_pages_follow_the_labels_then_the_iris(kg: KnowledgeGraph, unfiltered: dict[str, fc.Browsed]) -> None:
    whole = unfiltered["Observation"].members
    names = kg.labels_of([(URIRef(m.iri),) for m in whole], "en")
    assert [m.label for m in whole] == [names.get(URIRef(m.iri)) or m.iri.removeprefix(kg.base) for m in whole]
    assert [(fold(m.label), m.label, m.iri) for m in whole] == sorted((fold(m.label), m.label, m.iri) for m in whole)
    count = -(-len(whole) // 7)
    pages = [fc.browse(kg, "Observation", [], "en", page=p, per_page=7) for p in range(1, count + 1)]
    assert count > 2 and {b.pages for b in pages} == {count}
    assert [len(b.members) for b in pages] == [7] * (count - 1) + [len(whole) - 7 * (count - 1)]
    assert [m for b in pages for m in b.members] == whole
    assert fc.browse(kg, "Observation", [], "en", page=99, per_page=7).members == pages[-1].members
    assert fc.browse(kg, "Observation", [], "en", per_page=10**6).per_page == fc.PER_PAGE == 1000


@pytest.mark.parametrize(("facet", "key", "term"), [
    ("source", "mx-2011", "{base}source/mx-2011"),
    ("area", "jalisco", "{base}place/jalisco"),
    ("theme", "prevention", "https://w3id.org/tipkg/concept/theme-prevention"),
    ("action", "prevention", "https://w3id.org/tipkg/concept/area-prevention"),
    ("year", "2010", "2010"),
    ("area", "https://example.org/x", "https://example.org/x"),
])  # fmt: skip
def test_keys_name_values_and_back(kg: KnowledgeGraph, facet: str, key: str, term: str) -> None:
    made = fc.to_term(fc.BY_NAME[facet], key, kg.base)
    assert str(made) == term.format(base=kg.base)
    assert fc.to_key(fc.BY_NAME[facet], made, kg.base) == key


@pytest.mark.parametrize("key", ["a b", "<x>", "x\ny"])
def test_a_key_that_makes_no_iri_is_refused(kg: KnowledgeGraph, key: str) -> None:
    with pytest.raises(QueryError, match="is no value of the facet theme"):
        fc.browse(kg, "Campaign", [fc.Filter("theme", key)], "en")


def test_only_tipkg_classes_are_browsed(kg: KnowledgeGraph) -> None:
    assert fc.is_class(kg, "Campaign")
    assert not fc.is_class(kg, "Nothing") and not fc.is_class(kg, "a b") and not fc.is_class(kg, "")


def test_a_member_without_a_label_is_named_by_the_callers_function(kg: KnowledgeGraph) -> None:
    """The build names every node (graph/labels); a store without those labels (an older build, another
    engine) leaves members unnamed: the caller's function names them, and they sort by that name."""

    class WithoutLabels:
        def __getattr__(self, name: str) -> Any:
            return getattr(kg, name)

        def labels_of(self, rows: Any, lang: str) -> dict[Any, str]:
            return {}

    named = fc.browse(kg, "Membership", [], "en").members
    made = fc.browse(WithoutLabels(), "Membership", [], "en", unnamed=lambda iri: f"~ {iri[-12:]}").members  # type: ignore[arg-type]
    assert named and all(not m.label.startswith("~") for m in named)  # the build's labels
    assert {m.iri: m.label for m in made} == {m.iri: f"~ {m.iri[-12:]}" for m in named}
    assert [(fold(m.label), m.label, m.iri) for m in made] == sorted((fold(m.label), m.label, m.iri) for m in made)


class CountingLabels:
    """The real graph, recording the IRIs each labels lookup is asked for."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg, self.asked = kg, list[set[str]]()

    def __getattr__(self, name: str) -> object:
        return getattr(self.kg, name)

    def labels_of(self, rows: list[tuple[object, ...]], lang: str) -> dict[URIRef, str]:
        self.asked.append({str(v) for row in rows for v in row})
        return self.kg.labels_of(rows, lang)  # type: ignore[arg-type]


def test_once_the_order_is_memoised_a_page_looks_up_the_labels_of_its_own_members_only(kg: KnowledgeGraph) -> None:
    counting, memo = CountingLabels(kg), dict[object, object]()

    def remember(key: object, compute: Any) -> Any:
        return memo[key] if key in memo else memo.setdefault(key, compute())

    whole = fc.browse(kg, "Observation", [], "en").members
    first = fc.browse(counting, "Observation", [], "en", page=1, per_page=7, memo=remember)  # type: ignore[arg-type]
    assert first.members == whole[:7] and len(memo) == 1
    everyone = {m.iri for m in whole}
    for page in (2, 3, 1):
        counting.asked.clear()
        browsed = fc.browse(counting, "Observation", [], "en", page=page, per_page=7, memo=remember)  # type: ignore[arg-type]
        assert browsed.members == whole[(page - 1) * 7 : page * 7]
        assert browsed.facets == first.facets and len(memo) == 1
        members_asked = [asked & everyone for asked in counting.asked]
        assert members_asked == [{m.iri for m in browsed.members}]  # one lookup, of the page's 7 members
    filtered = fc.browse(counting, "Observation", [fc.Filter("year", fc.NONE)], "en", memo=remember)  # type: ignore[arg-type]
    assert len(memo) == 2 and filtered.members == fc.browse(kg, "Observation", [fc.Filter("year", fc.NONE)], "en").members
