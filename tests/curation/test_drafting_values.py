"""Values a sentence states (dates, periods, amounts, counts, lists) and the indicator a figure measures.

Sentences marked FICTIONAL were written for these tests; those marked REPORT are quoted from the
project's own source text, graph_data/sources/000_d7b107364416c09b.txt, with the values read there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tipkg.curation.drafting.indicators import attach_indicator, indicator_labels
from tipkg.curation.drafting.numbers import parse_numeral, words_value
from tipkg.curation.drafting.values import Found, find_list_items, find_values

ROOT = Path(__file__).resolve().parents[2]
REPORT = (ROOT / "graph_data/sources/000_d7b107364416c09b.txt").read_text(encoding="utf-8")


def brief(f: Found) -> tuple[str, ...]:
    """What a case checks of a found value: kind, value, then precision (and a date's relation, if any),
    currency (+ "*" if inferred) or bound."""
    if f.kind in ("date", "period"):
        return (f.kind, f.value, f.precision) + ((f.relation,) if f.relation else ())
    if f.kind == "amount":
        return (f.kind, f.value, f.currency + ("*" if f.currency_inferred else ""), f.bound)
    return (f.kind, f.value, f.bound)


# (sentence, language, country currency, expected values in the order of the text)
CASES = [
    # FICTIONAL, English
    ("The office opened in January 2008 in the capital.", "en", "", [("date", "2008-01", "month")]),
    ("The rules were issued on October 7, 2009, by the ministry.", "en", "", [("date", "2009-10-07", "day")]),
    ("The board met on 7 October 2009.", "en", "", [("date", "2009-10-07", "day")]),
    ("The fund was set up in 2009.", "en", "", [("date", "2009", "year")]),
    ("From 2004 to 2009 the fund grew.", "en", "", [("period", "2004/2009", "year")]),
    ("Between 2008 and 2010 the fund grew.", "en", "", [("period", "2008/2010", "year")]),
    ("Between July and August 2010 a campaign ran.", "en", "", [("period", "2010-07/2010-08", "month")]),
    ("From March 2010 to date, nine fairs were held.", "en", "", [("date", "2010-03", "month", "since"), ("count", "9", "exact")]),
    ("It granted $17,926,386.00 pesos to the shelters.", "en", "", [("amount", "17926386.00", "", "exact")]),
    ("It granted 5 million pesos to the shelters.", "en", "", [("amount", "5000000", "", "exact")]),
    ("It granted US$2 million to the shelters.", "en", "", [("amount", "2000000", "USD", "exact")]),
    ("It granted 2 million dollars to the shelters.", "en", "", [("amount", "2000000", "", "exact")]),
    ("It granted $1,500 to each shelter.", "en", "MXN", [("amount", "1500", "MXN*", "exact")]),
    ("It granted $1,500 to each shelter.", "en", "", [("amount", "1500", "", "exact")]),
    ("It granted more than $2.5 million to the shelters.", "en", "", [("amount", "2500000", "", "more-than")]),
    ("The unit identified 147 victims.", "en", "", [("count", "147", "exact")]),
    ("Some 18,000 people attended.", "en", "", [("count", "18000", "approximate")]),
    ("About 20,000 people attended.", "en", "", [("count", "20000", "approximate")]),
    ("More than 26 agencies take part.", "en", "", [("count", "26", "more-than")]),
    ("At least three shelters opened.", "en", "", [("count", "3", "at-least")]),
    ("Fewer than 40 cases reached a court.", "en", "", [("count", "40", "less-than")]),
    ("Seven inspectors and twenty-six officers were trained.", "en", "", [("count", "7", "exact"), ("count", "26", "exact")]),
    ("Two hundred and five leaflets were printed.", "en", "", [("count", "205", "exact")]),
    # FICTIONAL, English, nothing to find (no value invented)
    ("It was the first law of its kind.", "en", "", []),
    ("Article 5 defines the offence.", "en", "", []),
    ("Decree 2009-17 sets the rules.", "en", "", []),
    ("Call 01 800 5533 000 for help.", "en", "", []),
    ("Call the line 01800 HELP for help.", "en", "", []),
    ("One of the shelters is in the north.", "en", "", []),
    ("Nearly 40% of the cases were closed.", "en", "", []),
    ("Details are at https://example.org/2011/report-3.pdf today.", "en", "", []),
    ("The 2nd and 3rd meetings were held.", "en", "", []),
    ("It issued Law 18 on the matter.", "en", "", []),
    # FICTIONAL, Spanish (the Spanish path)
    ("La fiscalía se creó en enero de 2008.", "es", "", [("date", "2008-01", "month")]),
    ("Las reglas se publicaron el 7 de octubre de 2009.", "es", "", [("date", "2009-10-07", "day")]),
    ("El fondo se creó en 2009.", "es", "", [("date", "2009", "year")]),
    ("De 2004 a 2009 el fondo creció.", "es", "", [("period", "2004/2009", "year")]),
    ("Entre 2008 y 2010 el fondo creció.", "es", "", [("period", "2008/2010", "year")]),
    (
        "Desde abril de 2010 a la fecha se realizaron siete talleres.",
        "es",
        "",
        [("date", "2010-04", "month", "since"), ("count", "7", "exact")],
    ),
    ("Se otorgaron 5 millones de pesos a los refugios.", "es", "", [("amount", "5000000", "", "exact")]),
    ("Se otorgaron $17.926.386,00 pesos a los refugios.", "es", "", [("amount", "17926386.00", "", "exact")]),
    ("Se otorgaron $1,500 a cada refugio.", "es", "MXN", [("amount", "1500", "MXN*", "exact")]),
    ("Participan más de 26 dependencias.", "es", "", [("count", "26", "more-than")]),
    ("Se atendió a alrededor de 20,000 personas.", "es", "", [("count", "20000", "approximate")]),
    (
        "Se capacitó a cerca de 300 agentes y a aproximadamente 40 jueces.",
        "es",
        "",
        [("count", "300", "approximate"), ("count", "40", "approximate")],
    ),
    ("Se atendieron menos de 40 casos.", "es", "", [("count", "40", "less-than")]),
    # "unos"/"unas" (some) is an approximation, never the number 1
    ("Se atendió a unas 300 víctimas.", "es", "", [("count", "300", "approximate")]),
    ("Se atendió a unas veinte víctimas.", "es", "", [("count", "20", "approximate")]),
    ("Se capacitó a unos pocos agentes.", "es", "", []),
    # "nearly"/"casi" is below the figure: no value says so, kept apart from "about"
    ("Se atendió a casi 300 víctimas.", "es", "", [("count", "300", "nearly")]),
    ("Nearly 300 victims were assisted.", "en", "", [("count", "300", "nearly")]),
    ("Se abrieron veintiséis oficinas y tres refugios.", "es", "", [("count", "26", "exact"), ("count", "3", "exact")]),
    ("Se imprimieron treinta y dos mil carteles.", "es", "", [("count", "32000", "exact")]),
    ("El artículo 5 define el delito.", "es", "", []),
    ("Una de las oficinas es la primera del país.", "es", "", []),
    # FICTIONAL, number words read by text2num (issue 16)
    ("Two hundred and fifty officers were trained.", "en", "", [("count", "250", "exact")]),
    (
        "Se imprimieron mil quinientos carteles y doscientos cincuenta folletos.",
        "es",
        "",
        [("count", "1500", "exact"), ("count", "250", "exact")],
    ),
    ("Se abrieron veintiún oficinas.", "es", "", [("count", "21", "exact")]),
    ("Se otorgaron 2 billones de pesos.", "es", "MXN", [("amount", "2000000000000", "MXN*", "exact")]),
    # FICTIONAL, a plural scale word on its own names no number
    ("Millions of leaflets and tens of thousands of posters were printed.", "en", "", []),
    ("Se recibieron miles de denuncias y cientos de llamadas.", "es", "", []),
    ("Millions of people and hundreds of thousands of families were reached.", "en", "", []),
    ("Se atendió a miles de personas y a cientos de miles de familias.", "es", "", []),
    ("Se destinaron millones de pesos a los refugios.", "es", "MXN", []),
    # FICTIONAL, issue 16: the currency is the one the text names, else the country's where the word fits it
    ("It granted 5 million pesos to the shelters.", "en", "MXN", [("amount", "5000000", "MXN*", "exact")]),
    ("It granted 5 million pesos to the shelters.", "en", "COP", [("amount", "5000000", "COP*", "exact")]),
    ("It granted 5 million pesos to the shelters.", "en", "USD", [("amount", "5000000", "", "exact")]),
    ("It granted 2 million dollars to the shelters.", "en", "USD", [("amount", "2000000", "USD*", "exact")]),
    ("It granted 2 million dollars to the shelters.", "en", "MXN", [("amount", "2000000", "", "exact")]),
    ("It granted 2 million U.S. dollars to the shelters.", "en", "MXN", [("amount", "2000000", "USD", "exact")]),
    ("It granted 5 million Mexican pesos to the shelters.", "en", "", [("amount", "5000000", "MXN", "exact")]),
    ("It granted MXN 5 million to the shelters.", "en", "", [("amount", "5000000", "MXN", "exact")]),
    ("It granted US$5 million pesos to the shelters.", "en", "", [("amount", "5000000", "USD", "exact")]),
    ("It granted $5 million to the shelters.", "en", "GTQ", [("amount", "5000000", "", "exact")]),  # the quetzal is no "$"
    ("Se otorgaron 5 millones de pesos mexicanos.", "es", "", [("amount", "5000000", "MXN", "exact")]),
    ("Se otorgaron 5 millones de pesos colombianos.", "es", "MXN", [("amount", "5000000", "COP", "exact")]),
    ("Se otorgaron 5 millones de dólares estadounidenses.", "es", "MXN", [("amount", "5000000", "USD", "exact")]),
    ("Se otorgaron 5 millones de dólares.", "es", "MXN", [("amount", "5000000", "", "exact")]),
    ("Se otorgaron $1,500.00 pesos M.N. a cada refugio.", "es", "MXN", [("amount", "1500.00", "MXN", "exact")]),
    ("Se otorgaron $1,500.00 pesos M.N. a cada refugio.", "es", "", [("amount", "1500.00", "", "exact")]),
    ("Se otorgaron 1,500 pesos moneda nacional a cada refugio.", "es", "MXN", [("amount", "1500", "MXN", "exact")]),
    # FICTIONAL, issue 16: "and" makes a period only after "between"
    ("July and August 2010 saw a campaign.", "en", "", [("date", "2010-07", "month"), ("date", "2010-08", "month")]),
    ("In January and March 2009 the board met.", "en", "", [("date", "2009-01", "month"), ("date", "2009-03", "month")]),
    ("In January 2008 and March 2009 the board met.", "en", "", [("date", "2008-01", "month"), ("date", "2009-03", "month")]),
    ("Between January 2008 and March 2009 the board met.", "en", "", [("period", "2008-01/2009-03", "month")]),
    ("La junta sesionó en enero y marzo de 2009.", "es", "", [("date", "2009-01", "month"), ("date", "2009-03", "month")]),
    ("Entre enero y marzo de 2009 la junta sesionó.", "es", "", [("period", "2009-01/2009-03", "month")]),
    ("De enero a marzo de 2009 la junta sesionó.", "es", "", [("period", "2009-01/2009-03", "month")]),
    # FICTIONAL, issue 16: a date after "until", "before", "after" or "since" is no start date
    ("The plan runs until 2012.", "en", "", [("date", "2012", "year", "until")]),
    ("States must report by 2012.", "en", "", [("date", "2012", "year", "until")]),
    ("The plan runs through the end of 2012.", "en", "", [("date", "2012", "year", "until")]),
    ("The rules applied until October 7, 2009.", "en", "", [("date", "2009-10-07", "day", "until")]),
    ("No shelter existed before 2005.", "en", "", [("date", "2005", "year", "before")]),
    ("After 2006 the unit grew.", "en", "", [("date", "2006", "year", "after")]),
    ("Since 2009 the unit has grown.", "en", "", [("date", "2009", "year", "since")]),
    ("El plan dura hasta 2012.", "es", "", [("date", "2012", "year", "until")]),
    ("Los estados informarán a más tardar en 2012.", "es", "", [("date", "2012", "year", "until")]),
    ("Las reglas rigieron hasta el 7 de octubre de 2009.", "es", "", [("date", "2009-10-07", "day", "until")]),
    ("No había refugios antes de 2005.", "es", "", [("date", "2005", "year", "before")]),
    ("Después de 2006 la unidad creció.", "es", "", [("date", "2006", "year", "after")]),
    ("Desde 2009 la unidad creció.", "es", "", [("date", "2009", "year", "since")]),
    # FICTIONAL, issue 16: an English "1.234" may be a thousands dot of a translation: no value
    ("The unit opened 1.234 cases.", "en", "", []),
    ("It granted US$2.125 million to the shelters.", "en", "", []),
    ("The share was 0.125 of the total.", "en", "", [("count", "0.125", "exact")]),
    ("La unidad abrió 1.234 casos.", "es", "", [("count", "1234", "exact")]),
    # REPORT
    (
        "Insofar as the institutional framework is concerned, in January 2008 Mexico created the Special Prosecution Unit",
        "en",
        "MXN",
        [("date", "2008-01", "month")],
    ),
    (
        "From 2004 to 2009, the PCS has allocated $17,926,386.00 pesos to finance 38 projects in different Mexican states",
        "en",
        "MXN",
        [("period", "2004/2009", "year"), ("amount", "17926386.00", "MXN*", "exact"), ("count", "38", "exact")],
    ),
    (
        "In 2010, $539,600 pesos were provided to fund two projects on trafficking in persons.",
        "en",
        "MXN",
        [("date", "2010", "year"), ("amount", "539600", "MXN*", "exact"), ("count", "2", "exact")],
    ),
    (
        "The Sistema Integral para la Atención de la Familia (Comprehensive Family Assistance Program) (DIF) allocated $7,100,000 in 2010",
        "en",
        "MXN",
        [("amount", "7100000", "MXN*", "exact"), ("date", "2010", "year")],
    ),
    (
        "In 2009, the Program to Protect and Assist Victims of Trafficking in Persons earmarked 5 million pesos",
        "en",
        "MXN",
        [("date", "2009", "year"), ("amount", "5000000", "MXN*", "exact")],
    ),
    (
        "From April 2010 to date, 60 important activities have been carried out under the campaign",
        "en",
        "MXN",
        [("date", "2010-04", "month", "since"), ("count", "60", "exact")],
    ),
    (
        "all of which has impacted on more than 18,000 people throughout the country.",
        "en",
        "MXN",
        [("count", "18000", "more-than")],
    ),
    (
        "In 2010, there was a sizeable increase in the number of complaints related to trafficking, and FEVIMTRA reported 48 investigations and eight indictments.",
        "en",
        "MXN",
        [("date", "2010", "year"), ("count", "48", "exact"), ("count", "8", "exact")],
    ),
    (
        "With a view to strengthening and guaranteeing access to justice on the part of victims of the crime who were not identified before entering the immigration station, on October 7, 2009, New Rules for the Operation of Migratory Stations were issued.",
        "en",
        "MXN",
        [("date", "2009-10-07", "day")],
    ),
    (
        "The Law to Prevent and Punish Trafficking in Persons criminalizes this offense under Article 3 of the Palermo Protocol.",
        "en",
        "MXN",
        [],
    ),
    (
        "Mexico has a Law to Prevent and Punish Trafficking in Persons (November 2007), the Implementing Regulations thereof (February 2009), and a National Program on the issue, which was published on January 6, 2011(see annex).",
        "en",
        "MXN",
        [("date", "2007-11", "month"), ("date", "2009-02", "month"), ("date", "2011-01-06", "day")],
    ),
]


@pytest.mark.parametrize(("sentence", "language", "currency", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_find_values(sentence, language, currency, expected):
    found = find_values(sentence, language, currency)
    assert [brief(f) for f in found] == expected
    for f in found:
        assert f.text == sentence[f.start : f.end]
        assert f.reason and 0 < f.confidence <= 1


def test_the_report_quotes_are_verbatim():
    for sentence, *_ in CASES[-11:]:
        assert sentence in REPORT, sentence


def test_a_bound_is_part_of_the_quoted_text():
    [f] = find_values("More than 26 agencies take part.")
    assert f.text == "More than 26"


LISTS = [
    # REPORT
    (
        "In 2010, 147 victims were identified with the following nationalities:  Guatemalan (123); Honduran (10); Salvadoran (10); Ecuadorian (2); Colombian (1), and Chinese (1).",
        "en",
        [("Guatemalan", "123"), ("Honduran", "10"), ("Salvadoran", "10"), ("Ecuadorian", "2"), ("Colombian", "1"), ("Chinese", "1")],
    ),
    # FICTIONAL
    (
        "Victims came from Guatemala: 123, Honduras: 10 and El Salvador: 4.",
        "en",
        [("Guatemala", "123"), ("Honduras", "10"), ("El Salvador", "4")],
    ),
    (
        "Víctimas por país: Guatemala (12); Costa Rica (3) y Honduras (1).",
        "es",
        [("Guatemala", "12"), ("Costa Rica", "3"), ("Honduras", "1")],
    ),
    ("One shelter took in Chinese (1) victims.", "en", []),  # one item is no list
    ("The meeting ran from 10:30 to 12:00.", "en", []),
]


@pytest.mark.parametrize(("sentence", "language", "expected"), LISTS, ids=[c[0][:40] for c in LISTS])
def test_find_list_items(sentence, language, expected):
    items = find_list_items(sentence, language)
    assert [(label, f.value) for label, f in items] == expected
    for _, f in items:
        assert f.kind == "count" and f.text == sentence[f.start : f.end]


def test_list_figures_are_not_counted_twice():
    sentence = LISTS[0][0]
    assert [f.value for f in find_values(sentence) if f.kind == "count"] == ["147"]


@pytest.fixture(scope="module")
def labels():
    return indicator_labels(ROOT / "ontology")


def test_indicator_labels_come_from_the_ontology(labels):
    assert "víctimas identificadas" in labels["victims-identified"]
    assert "victims identified" in labels["victims-identified"]
    assert "investigations" in labels


INDICATORS = [
    # REPORT
    ("FEVIMTRA reported 48 investigations and eight indictments.", ["investigations", "indictments"]),
    ("During 2010, Mexican offices in the United States alone handled 169 cases related to trafficking in persons.", ["cases-handled"]),
    ("From 2005 to 2010, the National Migration Institute cared for 273 trafficking victims.", ["victims-assisted"]),
    ("To date, 60,000 public employees have been trained at federal, state, and municipal levels.", ["people-trained"]),
    ("At present there are 332 OPIs across the country.", [None]),
    # FICTIONAL
    ("The unit identified 147 victims.", ["victims-identified"]),
    ("La fiscalía identificó a 20 víctimas en 2010 y atendió 12 casos.", ["victims-identified", "cases-handled"]),
    ("La fiscalía identificó a 20 víctimas y atendió 12 casos.", [None, "cases-handled"]),  # two labels as near: no guess
    ("The fund paid for 38 projects in several states.", [None]),
]


@pytest.mark.parametrize(("sentence", "expected"), INDICATORS, ids=[c[0][:40] for c in INDICATORS])
def test_attach_indicator(labels, sentence, expected):
    language = "es" if "fiscalía" in sentence else "en"
    figures = [f for f in find_values(sentence, language) if f.kind == "count"]
    assert [attach_indicator(sentence, f, labels) for f in figures] == expected


def test_list_items_share_the_lists_indicator(labels):
    sentence = LISTS[0][0]
    assert {attach_indicator(sentence, f, labels) for _, f in find_list_items(sentence)} == {"victims-identified"}


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("17,926,386.00", "en", "17926386.00"),
        ("17.926.386,00", "es", "17926386.00"),
        ("1.500", "es", "1500"),
        ("1,5", "en", None),
        ("1.234", "en", None),  # a decimal, or a translation's thousands dot
        ("12.500", "en", None),
        ("0.125", "en", "0.125"),
        ("2.5", "en", "2.5"),
        ("1.234.567", "en", "1234567"),
        ("0800", "en", None),
    ],
)
def test_parse_numeral(text, language, value):
    assert parse_numeral(text, language) == value


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("seven", "en", 7),
        ("twenty six", "en", 26),
        ("siete", "es", 7),
        ("veintiseis", "es", 26),
        ("ciento veinte", "es", 120),
        ("treinta dos", "es", None),  # text2num reads 32; a written Spanish number joins tens and units with "y"
        ("two hundred and fifty", "en", 250),
        ("doscientos cincuenta", "es", 250),
        ("mil quinientos", "es", 1500),
        ("cincuenta y un mil", "es", 51000),
        ("veintiún", "es", 21),
        ("dos billones", "es", 2 * 10**12),  # the long scale, which text2num does not read, on top of its value
        ("twenty and five", "en", None),
        ("thousand thousand", "en", None),
        ("mil mil", "es", None),
        ("millions", "en", None),
        ("o", "en", None),  # a letter, though text2num reads it as zero
    ],
)
def test_words_value(text, language, value):
    assert words_value(text, language) == value
