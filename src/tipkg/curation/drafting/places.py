"""Countries and first-level subdivisions a sentence names, from ISO 3166 (pycountry, whose data and
Spanish names are Debian's iso-codes): a real code for each, so ``tipkg draft`` never invents one.

Names match as :meth:`tipkg.curation.names.NameIndex.mentions` matches curated names (whole words,
accents and case aside, longest first), and only where the text writes them capitalized: places
are proper nouns, and "chile" or "para" in running text are not places. An English demonym
("Guatemalan (123)", "Honduran nationals") names its country too, where it is a nationality (not a
language, "in Spanish", nor part of a name, "Inter-American"), from countryinfo's demonyms (MIT; its
data drawn mostly from Wikipedia), where one country bears it or one is twenty times as populous as
the others ("Chinese", not "Congolese"); cities are in
:mod:`.cities`. Pure: works on a sentence's text; :mod:`tipkg.curation.drafting.draft` decides what
is new.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

import pycountry

from tipkg.curation.names import NameEntry, NameIndex, key

COUNTRY, SUBDIVISION = "Country", "FederalEntity"
_DEMONYM = "demonym"
# Confidence of a place by how its name was resolved.
CONFIDENCE_COUNTRY = 0.7
CONFIDENCE_DEMONYM = 0.5  # a country named only by its people's adjective
CONFIDENCE_OWN = 0.6  # a subdivision of the country the draft knows (the source's)
CONFIDENCE_OTHER = 0.35  # the one subdivision of that name, of a country the draft does not know

# Names ISO 3166 does not give (or no longer gives) that reports use: name -> (code, former code).
ALIASES: dict[str, tuple[str, str | None]] = {
    "Mexico City": ("MX-CMX", None),  # the English name; ISO gives only "Ciudad de México"
    "Federal District": ("MX-CMX", "MX-DIF"),  # Mexico City's name until 2016, when its code was MX-DIF
    "Distrito Federal": ("MX-CMX", "MX-DIF"),  # likewise, in Spanish (also Brazil's BR-DF: resolved by country)
    "State of Mexico": ("MX-MEX", None),  # ISO's "México" is also the country's name, which wins
    "Estado de México": ("MX-MEX", None),  # likewise, in Spanish
    "Veracruz": ("MX-VER", None),  # the short form of ISO's "Veracruz de Ignacio de la Llave"
    "Michoacán": ("MX-MIC", None),  # of "Michoacán de Ocampo"
    "Coahuila": ("MX-COA", None),  # of "Coahuila de Zaragoza"
}
# English demonyms countryinfo spells otherwise ("Ecuadorean") or leaves out.
DEMONYM_ALIASES = {"Ecuadorian": "EC", "Salvadorean": "SV", "Argentinian": "AR", "Filipino": "PH", "Emirati": "AE"}
# First-level units too small or too many to be a report's "state" (Slovenia's 200 municipalities ...).
_SKIPPED_TYPES = frozenset({"Municipality", "Local council", "Commune", "Quarter", "Parish"})
# Words that make a subdivision's name ("Central", "Northern", "Centre", "Nord") an ordinary word.
_GENERIC = frozenset(
    {
        "central",
        "centre",
        "center",
        "centro",
        "capital",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "nord",
        "sud",
        "est",
        "ouest",
        "norte",
        "sur",
        "este",
        "oeste",
        "upper",
        "lower",
        "coast",
        "islands",
        "region",
        "province",
        "district",
        "federal",
        "national",
    }
)


@dataclass(frozen=True)
class Place:
    code: str  # ISO 3166-1 alpha-2 (a country) or ISO 3166-2 (a subdivision)
    cls: str  # COUNTRY or SUBDIVISION
    name: str  # a country's short English name (for its id); a subdivision's ISO name
    former: str | None = None  # a former ISO 3166-2 code, where the name is the former one
    by_demonym: bool = False  # named by its people's adjective ("Guatemalan"), not by its name

    @property
    def country(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class PlaceMention:
    start: int  # offsets in the sentence
    end: int
    text: str  # the name as the text writes it (white space made single spaces)
    places: tuple[Place, ...]  # what the name may be: countries first, then subdivisions by code


def _country_name(country: object) -> str:
    """ "Bolivia" for "Bolivia, Plurinational State of": the common name, else the name before a comma."""
    return str(getattr(country, "common_name", None) or country.name).split(",")[0]  # type: ignore[attr-defined]


def _translations(domain: str, language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


@dataclass(frozen=True)
class Gazetteer:
    """The places of ISO 3166 and their names in one language, matched as curated names are."""

    places: dict[str, Place]  # the place's key: its code, former code and _DEMONYM where so named, "|"-joined
    index: NameIndex  # entries: id = the place's key, name = one of its names

    def names(self, code: str) -> list[str]:
        """Every name of the place with that code (its former names included)."""
        return [e.name for e in self.index.entries if e.id.partition("|")[0] == code and not e.id.endswith(_DEMONYM)]

    def mentions(self, text: str) -> list[PlaceMention]:
        spans: dict[tuple[int, int], list[Place]] = {}
        for m in self.index.mentions(text):
            if not text[m.start].isupper():
                continue
            place = self.places[m.id]
            if place.by_demonym and not _nationality(text, m.start, m.end):
                continue
            spans.setdefault((m.start, m.end), []).append(place)
        out = []
        for (start, end), places in sorted(spans.items()):
            ordered = tuple(sorted(set(places), key=lambda p: (p.cls != COUNTRY, p.code)))
            out.append(PlaceMention(start, end, " ".join(text[start:end].split()), ordered))
        return out


# Where an adjective of a people is a nationality ("Guatemalan (123)", "Honduran nationals", "of
# Salvadoran nationality"), not a language ("in Spanish"), a region ("Latin American") or part of a
# name ("Inter-American Commission").
_NATIONALITY_AFTER = re.compile(
    r"\s*\(\s*\d|\s+(?:nationals?|citizens?|victims?|migrants?|women|men|children|girls|boys|minors|workers|"
    r"persons|people|nationality|origin|descent)\b",
    re.IGNORECASE,
)
_NOT_A_PEOPLE_BEFORE = re.compile(r"(?:-|\b(?:Latin|North|South|Central|Inter|Pan)\s*)$")


def _nationality(text: str, start: int, end: int) -> bool:
    return _NATIONALITY_AFTER.match(text, end) is not None and not _NOT_A_PEOPLE_BEFORE.search(text, 0, start)


@cache
def gazetteer(language: str) -> Gazetteer:
    """Every country's and first-level subdivision's names in English (ISO's own names: a
    subdivision's are in its country's language) and, for another language, its translations."""
    names1, names2 = _translations("iso3166-1", language), _translations("iso3166-2", language)
    places: dict[str, Place] = {}
    entries: list[NameEntry] = []

    def add(place: Place, names: set[str]) -> None:
        local = "|".join([place.code, place.former or ""] + ([_DEMONYM] if place.by_demonym else []))
        places[local] = place
        entries.extend(NameEntry(local, place.cls, n) for n in sorted(names) if n)

    for c in pycountry.countries:
        own = {c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")} - {""}
        add(Place(c.alpha_2, COUNTRY, _country_name(c)), own | {names1.gettext(n) for n in own})
    for s in pycountry.subdivisions:
        if s.parent_code is None and s.type not in _SKIPPED_TYPES and not set(key(s.name).split()) <= _GENERIC:
            add(Place(s.code, SUBDIVISION, s.name), {s.name, names2.gettext(s.name)})
    for alias, (code, former) in ALIASES.items():
        iso = pycountry.subdivisions.get(code=code)
        add(Place(code, SUBDIVISION, iso.name if iso else alias, former), {alias})
    if language == "en":  # Spanish writes demonyms in lower case ("guatemaltecos"): common words, not names
        for demonym, code in {**demonyms(), **DEMONYM_ALIASES}.items():
            country = pycountry.countries.get(alpha_2=code)
            if country is not None:
                add(Place(code, COUNTRY, _country_name(country), by_demonym=True), {demonym})
    return Gazetteer(places, NameIndex(entries))


@cache
def _languages() -> dict[str, tuple[str, ...]]:
    from countryinfo import CountryInfo

    out = {}
    for info in CountryInfo.all().values():
        code = info.get("ISO", {}).get("alpha2")
        if code:
            out[code] = tuple(str(lang) for lang in info.get("languages") or ())
    return out


def other_language(country: str | None, language: str) -> str | None:
    """The one language of ``country`` (ISO 3166-1 alpha-2) other than ``language``, the language a
    name a ``language`` source translates is likely in (Mexico, an English report: "es"); None
    where the country has none or several."""
    found = [lang for lang in _languages().get(country or "", ()) if lang != language]
    return found[0] if len(found) == 1 else None


@cache
def demonyms() -> dict[str, str]:
    """English demonym -> the alpha-2 code of the one country it names (see the module's docstring)."""
    from countryinfo import CountryInfo

    bearers: dict[str, list[tuple[int, str]]] = {}
    for info in CountryInfo.all().values():
        demonym, code = info.get("demonym"), info.get("ISO", {}).get("alpha2")
        if demonym and code:
            bearers.setdefault(demonym, []).append((int(info.get("population") or 0), code))
    out = {}
    for demonym, found in bearers.items():
        found.sort(reverse=True)
        if len(found) == 1 or found[0][0] >= 20 * found[1][0]:
            out[demonym] = found[0][1]
    return out


def place_mentions(sentence: str, language: str) -> list[PlaceMention]:
    """The countries and subdivisions ``sentence`` names (capitalized, whole words, longest first),
    in the order of the text."""
    return gazetteer(language).mentions(sentence)


def country_code(name: str) -> str | None:
    """The alpha-2 code of a country given by its code ("mx"), name or id ("gov/mexico"), else None."""
    text = name.rsplit("/", 1)[-1].replace("-", " ")
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()):
        return text.upper()
    found = {p.code for p in gazetteer("en").places.values() if p.cls == COUNTRY and key(p.name) == key(text)}
    return found.pop() if len(found) == 1 else None


def resolve(mention: PlaceMention, country: str | None) -> tuple[Place, float] | None:
    """The place a name stands for, with a confidence: a country, where one bears the name; else a
    subdivision of ``country`` (the draft's); else the only subdivision of that name. None where
    subdivisions of several other countries share it (no code is guessed)."""
    countries = [p for p in mention.places if p.cls == COUNTRY]
    if countries:
        return countries[0], CONFIDENCE_DEMONYM if countries[0].by_demonym else CONFIDENCE_COUNTRY
    own = [p for p in mention.places if p.country == country]
    if own:
        return own[0], CONFIDENCE_OWN
    if len({p.code for p in mention.places}) == 1:
        return mention.places[0], CONFIDENCE_OTHER
    return None
