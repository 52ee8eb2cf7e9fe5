"""Places in drafts: the countries and first-level subdivisions FICTIONAL sentences name, found by
their ISO 3166 names (pycountry), resolved to one code, and proposed once per draft."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pycountry
import pytest

from tipkg.curation.drafting.draft import Drafter
from tipkg.curation.drafting.places import CONFIDENCE_COUNTRY, CONFIDENCE_DEMONYM, CONFIDENCE_OTHER, CONFIDENCE_OWN, place_mentions, resolve
from tipkg.curation.names import NameEntry, NameIndex
from tipkg.curation.sources import parse_source

ROOT = Path(__file__).resolve().parents[2]

# FICTIONAL sentences: (sentence, language, [(the name as written, the codes it may stand for)])
MENTIONS = [
    (
        "Victims were found in Guatemala, Honduras and the United States of America.",
        "en",
        [("Guatemala", ["GT", "GT-01"]), ("Honduras", ["HN"]), ("United States of America", ["US"])],
    ),
    ("Se abrieron oficinas en Estados Unidos y en China.", "es", [("Estados Unidos", ["US"]), ("China", ["CN"])]),
    # Nuevo León, not Nicaragua's León; accents and case aside
    ("Workshops were held in Nuevo León and in NUEVO LEON.", "en", [("Nuevo León", ["MX-NLE"]), ("NUEVO LEON", ["MX-NLE"])]),
    ("Los talleres en Nuevo Leon y en San Luis Potosí.", "es", [("Nuevo Leon", ["MX-NLE"]), ("San Luis Potosí", ["MX-SLP"])]),
    # the longest name wins: Mexico City, not Mexico; the country, and its state ISO calls "México"
    ("Offices in Mexico City and elsewhere in Mexico.", "en", [("Mexico City", ["MX-CMX"]), ("Mexico", ["MX", "MX-MEX"])]),
    ("The State of Mexico and the Federal District signed.", "en", [("State of Mexico", ["MX-MEX"]), ("Federal District", ["MX-CMX"])]),
    ("El Distrito Federal y Veracruz firmaron.", "es", [("Distrito Federal", ["BR-DF", "MX-CMX"]), ("Veracruz", ["MX-VER"])]),
    # English demonyms name their country; Spanish ones are lower case, common words; "Congolese" is two countries'
    ("Of the victims, Guatemalan (12) and Honduran (3) nationals.", "en", [("Guatemalan", ["GT"]), ("Honduran", ["HN"])]),
    ("De las víctimas, guatemaltecas (12) y hondureñas (3).", "es", []),
    ("Congolese (2) and Ecuadorian (1) victims.", "en", [("Ecuadorian", ["EC"])]),
    ("Two Honduran nationals and a woman of Salvadoran origin.", "en", [("Honduran", ["HN"]), ("Salvadoran", ["SV"])]),
    # a language, a region, part of a name: no nationality
    ("Training was held in Spanish for the Inter-American Commission of Women.", "en", []),
    ("Latin American victims (12) and American citizens (3).", "en", [("American", ["US"])]),
    ("The Chiapaneco delegation met in Oaxacaland.", "en", []),  # a name inside a longer word
    ("They ate chile and travelled para el norte.", "es", []),  # lower case: no proper noun
    ("Work in the Central and Northern regions of Central America.", "en", []),  # generic words, not names
]


@pytest.mark.parametrize(("sentence", "language", "expected"), MENTIONS, ids=[s[:30] for s, _, _ in MENTIONS])
def test_place_mentions(sentence: str, language: str, expected: list[tuple[str, list[str]]]) -> None:
    found = place_mentions(sentence, language)
    assert [(m.text, [p.code for p in m.places]) for m in found] == expected
    for m in found:
        assert sentence[m.start : m.end] == m.text


# FICTIONAL: (sentence, language, the draft's country, (code, former code, confidence) or None)
RESOLVED = [
    ("Offices in Guatemala.", "en", "MX", ("GT", None, CONFIDENCE_COUNTRY)),  # the country, not its department
    ("Georgia signed.", "en", None, ("GE", None, CONFIDENCE_COUNTRY)),  # the country, not the US state
    ("En el Distrito Federal.", "es", "MX", ("MX-CMX", "MX-DIF", CONFIDENCE_OWN)),  # the source's country decides
    ("En el Distrito Federal.", "es", "BR", ("BR-DF", None, CONFIDENCE_OWN)),
    ("En el Distrito Federal.", "es", None, None),  # two countries have one: no code is guessed
    ("Workshops in Nuevo León.", "en", "MX", ("MX-NLE", None, CONFIDENCE_OWN)),
    ("Workshops in Nuevo León.", "en", None, ("MX-NLE", None, CONFIDENCE_OTHER)),  # the only one so named
    ("Workshops in Santa Cruz.", "en", "BO", ("BO-S", None, CONFIDENCE_OWN)),
    ("Workshops in Santa Cruz.", "en", "MX", None),  # Argentina's or Bolivia's
    ("Chinese (1) victims.", "en", "MX", ("CN", None, CONFIDENCE_DEMONYM)),  # also Taiwan's word, for 1/60 of the people
]


@pytest.mark.parametrize(("sentence", "language", "country", "expected"), RESOLVED, ids=[f"{s[:20]}-{c}" for s, _, c, _ in RESOLVED])
def test_resolve(sentence: str, language: str, country: str | None, expected: tuple[str, str | None, float] | None) -> None:
    (mention,) = place_mentions(sentence, language)
    found = resolve(mention, country)
    assert (found and (found[0].code, found[0].former, found[1])) == expected


# FICTIONAL report of the Mexican government (its "creator" names the country whose states it means).
REPORT = (
    "FICTIONAL: The government opened offices in the United States of America in 2019.\n\n"
    "FICTIONAL: Workshops were held in Nuevo León, Chiapas and the Distrito Federal.\n\n"
    "FICTIONAL: A second workshop in Nuevo León trained Guatemalan (40) officials.\n\n"
    "FICTIONAL: Victims from Honduras were assisted in Chiapas.\n"
)


def _drafter_records(text: str, meta: str, graph: list[NameEntry]) -> list[dict]:
    from tipkg.curation.drafting.indicators import indicator_labels

    digest = hashlib.sha256(text.encode()).hexdigest()
    source = parse_source(f"id: fx\nfile: fx.txt\nsha256: {digest}\nlanguage: en\n{meta}", "fx.yaml", text, "fx.txt")
    proposals = Drafter(source, NameIndex(graph), indicator_labels(ROOT / "ontology")).run()
    assert all(p.kind == "places" for p in proposals if p.record.get("type") in ("Country", "FederalEntity"))
    return [p.record | {"_confidence": p.confidence} for p in proposals]


def test_places_become_proposals_once_and_the_graph_places_about_records() -> None:
    graph = [NameEntry("place/united-states", "Country", "United States"), NameEntry("place/mexico", "Country", "Mexico")]
    records = _drafter_records(REPORT, "creator: gov/mexico\n", graph)
    places = {r["id"]: r for r in records if r.get("type") in ("Country", "FederalEntity")}
    assert sorted(places) == ["place/chiapas", "place/distrito-federal", "place/guatemala", "place/honduras", "place/nuevo-leon"]
    assert {"about": "place/united-states"}.items() <= next(r for r in records if r.get("about") == "place/united-states").items()
    assert places["place/nuevo-leon"] | {"evidence": ""} == {
        "id": "place/nuevo-leon",
        "type": "FederalEntity",
        "label": {"en": "Nuevo León"},
        "evidence": "",
        "iso3166Code": "MX-NLE",
        "country": "place/mexico",  # the graph's id of the country
        "_confidence": CONFIDENCE_OWN,
    }
    assert places["place/distrito-federal"]["iso3166Code"] == "MX-CMX"
    assert places["place/distrito-federal"]["formerIso3166Code"] == "MX-DIF"
    assert places["place/honduras"]["iso3166Code"] == "HN" and places["place/honduras"]["label"] == {"en": "Honduras"}
    # "Guatemalan (40)": the country by its name, less sure than a country named
    assert places["place/guatemala"] | {"evidence": ""} == {
        "id": "place/guatemala",
        "type": "Country",
        "label": {"en": "Guatemala"},  # no name the text does not give (ISO's "Republic of Guatemala" is in the reason)
        "evidence": "",
        "iso3166Code": "GT",
        "_confidence": CONFIDENCE_DEMONYM,
    }
    for r in places.values():  # a real code, in the shape the ontology asks of each class
        code = r["iso3166Code"]
        assert pycountry.countries.get(alpha_2=code) if r["type"] == "Country" else pycountry.subdivisions.get(code=code)


def test_a_state_the_draft_cannot_place_is_proposed_with_a_lower_confidence() -> None:
    text = "FICTIONAL: Workshops were held in Nuevo León and in the Distrito Federal.\n"
    records = _drafter_records(text, "", [])  # no country in the metadata, no Mexico in the graph or the text
    (state,) = [r for r in records if r.get("type") == "FederalEntity"]  # the Distrito Federal is Brazil's or Mexico's
    assert state["iso3166Code"] == "MX-NLE" and state["_confidence"] == CONFIDENCE_OTHER and "country" not in state


def test_a_state_takes_the_country_this_draft_proposed() -> None:
    text = "FICTIONAL: Officials of Mexico met in Nuevo León.\n"
    records = _drafter_records(text, "creator: gov/mexico\n", [])
    by_id = {r["id"]: r for r in records if "id" in r}
    assert by_id["place/mexico"]["iso3166Code"] == "MX" and by_id["place/nuevo-leon"]["country"] == "place/mexico"


def test_a_demonym_of_a_place_the_graph_holds_is_no_mention_of_it() -> None:
    text = "FICTIONAL: Mexican consulates in Honduras helped.\n"
    records = _drafter_records(text, "creator: gov/mexico\n", [NameEntry("place/mexico", "Country", "Mexico")])
    assert not any(r.get("about") == "place/mexico" for r in records)  # consulates of Mexico are not about Mexico
    assert [r["id"] for r in records if "id" in r] == ["place/honduras"]
