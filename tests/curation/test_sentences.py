"""The sentence splitter (pysbd, lines first) in English and Spanish, on FICTIONAL sentences."""

from __future__ import annotations

import itertools

import pytest

from tipkg.curation.sentences import split

# (language, text, its sentences): all texts FICTIONAL
CASES = [
    ("en", "One. Two.", ["One.", "Two."]),
    ("en", "Heading\nBody one. Body two.\n", ["Heading", "Body one.", "Body two."]),
    (
        "en",
        "Women’s Transitional Living Center, Inc. (WTLC) in Santa Ana.",
        ["Women’s Transitional Living Center, Inc. (WTLC) in Santa Ana."],
    ),
    ("en", "It said “stop.” Then it left.", ["It said “stop.”", "Then it left."]),
    ("en", "  \n\n", []),
    ("en", "Sr. Ramos and Dr. Vela met on Monday. They agreed.", ["Sr. Ramos and Dr. Vela met on Monday.", "They agreed."]),
    ("en", "See shelter No. 4, e.g. the one in Villa Sol. It closed.", ["See shelter No. 4, e.g. the one in Villa Sol.", "It closed."]),
    ("en", "The fund paid $17,926,386.00 pesos in 2010. It grew.", ["The fund paid $17,926,386.00 pesos in 2010.", "It grew."]),
    (
        "en",
        "1. Prevention\nThe Office trained 40 officers\n\n- first item\n- second item",
        ["1. Prevention", "The Office trained 40 officers", "- first item", "- second item"],
    ),
    ("en", "One.    Two.\r\nThree", ["One.", "Two.", "Three"]),
    (
        "es",
        "El Sr. Ramos y la Dra. Vela llegaron el lunes. Firmaron el acuerdo.",
        ["El Sr. Ramos y la Dra. Vela llegaron el lunes.", "Firmaron el acuerdo."],
    ),
    (
        "es",
        "El albergue No. 4 recibió $17,926,386.00 pesos. Cerró en 2010.",
        ["El albergue No. 4 recibió $17,926,386.00 pesos.", "Cerró en 2010."],
    ),
    ("es", "Lic. Pérez llegó. Ing. Soto no.", ["Lic. Pérez llegó.", "Ing. Soto no."]),
    # abbreviations written with spaces: no sentence ends in a lone small letter
    ("es", "Hay servicios, p. ej. albergues y asesoría. Cerraron dos.", ["Hay servicios, p. ej. albergues y asesoría.", "Cerraron dos."]),
    ("es", "Otros medios, v. gr. la radio, ayudaron. Fin.", ["Otros medios, v. gr. la radio, ayudaron.", "Fin."]),
    ("en", "Services, e. g. shelters, were given. It ended.", ["Services, e. g. shelters, were given.", "It ended."]),
    ("en", "See item b. The law was passed.", ["See item b.", "The law was passed."]),
    (
        "es",
        "Capítulo 2\nLa Secretaría capacitó a 40 agentes. ¿Cuántos faltan? Nadie lo sabe.",
        ["Capítulo 2", "La Secretaría capacitó a 40 agentes.", "¿Cuántos faltan?", "Nadie lo sabe."],
    ),
    # a language without its own rules is split as English
    ("pt", "Sr. Ramos chegou. Dr. Vela saiu.", ["Sr. Ramos chegou.", "Dr. Vela saiu."]),
]


@pytest.mark.parametrize(("language", "text", "sentences"), CASES)
def test_split(language, text, sentences):
    assert [text[a:b] for a, b in split(text, language)] == sentences


# texts pysbd cuts oddly ("A.." gives "A." and ".") still lose nothing
ODD = [("en", "A.. B... C?! D"), ("es", "¡¡Basta!! ... y luego. . fin")]


@pytest.mark.parametrize(("language", "text"), [(c[0], c[1]) for c in CASES] + ODD)
def test_every_character_but_white_space_is_in_one_sentence(language, text):
    spans = split(text, language)
    assert all(b <= c for (_a, b), (c, _d) in itertools.pairwise(spans)), spans
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)
    assert "".join("".join(text[a:b] for a, b in spans).split()) == "".join(text.split())
