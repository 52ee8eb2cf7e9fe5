"""The values one sentence of a report states: dates, periods, amounts and counts.

Pure functions on a sentence (English or Spanish). Each value is given at the precision and with the
bound the text gives ("in January 2008" is a month, "more than 26" a lower bound), and a bare "$"
is a currency only where the source's country is known. Numbers that are parts of dates, article
and law numbers, phone numbers, percentages, list items (see :mod:`.lists`) and codes are not counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tipkg.curation.drafting.numbers import LONE, NUMBER_WORDS, fold, parse_numeral, scale_of, scaled, words_value


@dataclass(frozen=True)
class Found:
    """A value found in a sentence, with its offsets in that sentence."""

    kind: str  # "date" | "period" | "amount" | "count"
    start: int
    end: int
    text: str  # sentence[start:end]
    value: str  # "2008-01", "2004/2009", "17926386.00", "26"
    precision: str = ""  # date/period: "year" | "month" | "day"
    currency: str = ""  # amount: ISO 4217 code, or "" when the text gives none
    currency_inferred: bool = False  # a bare "$" read as the country's currency
    bound: str = "exact"  # "exact" | "more-than" | "at-least" | "approximate" | "less-than"
    confidence: float = 0.5
    reason: str = ""


def language_of(language: str) -> str:
    """The pattern set for a language tag: Spanish for ``es`` and its regions, English otherwise."""
    return "es" if language.lower().startswith("es") else "en"


# ---------------------------------------------------------------- dates and periods

_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
}
_MONTH_NUMBER = {fold(m): n for names in _MONTHS.values() for n, m in enumerate(names, 1)} | {"setiembre": 9}
_YEAR = r"(?:19\d\d|20\d\d|2100)(?![\d]|[-–/]\d|[.,]\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_MONTH = {
    "en": "(?:" + "|".join(_MONTHS["en"]) + ")",  # capitalized: "may" is a verb
    "es": "(?i:" + "|".join(_MONTHS["es"] + ["setiembre"]) + ")",
}
# precise forms, most precise first; group names m, d, y
_FORMS = {
    "en": [
        ("day", rf"(?P<m>{_MONTH['en']})\s+(?P<d>{_DAY})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR})"),
        ("day", rf"(?P<d>{_DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH['en']}),?\s+(?P<y>{_YEAR})"),
        ("month", rf"(?P<m>{_MONTH['en']}),?\s+(?:of\s+)?(?P<y>{_YEAR})"),
        ("year", rf"(?P<y>{_YEAR})"),
    ],
    "es": [
        ("day", rf"(?P<d>{_DAY})(?:º|°|o\.?)?\s+de\s+(?P<m>{_MONTH['es']})\s+(?i:de|del)\s+(?P<y>{_YEAR})"),
        ("month", rf"(?P<m>{_MONTH['es']}),?\s+(?:(?i:de|del)\s+)?(?P<y>{_YEAR})"),
        ("year", rf"(?P<y>{_YEAR})"),
    ],
}
_PRECISE = {lang: [(p, re.compile(f)) for p, f in forms] for lang, forms in _FORMS.items()}
_ANY_DATE = {lang: "(?:" + "|".join(re.sub(r"\(\?P<\w+>", "(?:", f) for _, f in forms) + ")" for lang, forms in _FORMS.items()}
_DATED = {lang: "(?:" + "|".join(re.sub(r"\(\?P<\w+>", "(?:", f) for p, f in forms if p != "year") + ")" for lang, forms in _FORMS.items()}
# words after which a bare year is a date ("in 2009", "durante 2010")
_YEAR_WORDS = {
    "en": r"in|during|since|until|till|by|from|to|through|before|after|of|for|throughout|early|late|mid|year|fiscal\s+year|the\s+year",
    "es": r"en|durante|desde|hasta|de|del|a\s+partir\s+de|para|antes\s+de|después\s+de|el\s+año|año|"
    r"a\s+(?:finales|principios|mediados)\s+de",
}
_FROM = {"en": r"(?i:from|between)", "es": r"(?i:de|desde|entre|del)"}
_TO = {"en": r"\s+(?i:to|until|till|through|and)\s+|\s*[-–]\s*", "es": r"\s+(?i:a|al|hasta|y|e)\s+|\s*[-–]\s*"}
_TO_DATE = {"en": r"(?i:date|the\s+present|now|today)", "es": r"(?i:la\s+fecha|hoy|el\s+presente|la\s+actualidad)"}
_PRECISIONS = ("year", "month", "day")


def _pattern_period(lang: str) -> re.Pattern[str]:
    a, b = _ANY_DATE[lang], _ANY_DATE[lang]
    return re.compile(rf"(?<!\w)(?:(?P<from>{_FROM[lang]})\s+)?(?P<a>{a})(?:{_TO[lang]})(?:(?P<b>{b})|(?P<open>{_TO_DATE[lang]}))(?!\w)")


def _pattern_months(lang: str) -> re.Pattern[str]:
    month, link = _MONTH[lang], _TO[lang]
    year = rf",?\s+(?:of\s+)?(?P<y>{_YEAR})" if lang == "en" else rf"\s+(?i:de|del)\s+(?P<y>{_YEAR})"
    return re.compile(rf"(?<!\w)(?:{_FROM[lang]}\s+)?(?P<m1>{month})(?:{link})(?P<m2>{month}){year}")


_PERIOD = {lang: _pattern_period(lang) for lang in _FORMS}
_MONTH_PAIR = {lang: _pattern_months(lang) for lang in _FORMS}
_DATE = {lang: re.compile(rf"(?<![\w$])(?:{_DATED[lang]})") for lang in _FORMS}
_BARE_YEAR = {lang: re.compile(rf"(?<!\w)(?P<w>(?i:{_YEAR_WORDS[lang]}))\s+(?P<y>{_YEAR})|\((?P<p>{_YEAR})\)") for lang in _FORMS}


def parse_date(text: str, language: str = "en") -> tuple[str, str] | None:
    """``(value, precision)`` of one date expression, at the precision it is written, or None.

    >>> parse_date("October 7, 2009"), parse_date("7 de octubre de 2009", "es"), parse_date("February 30, 2009")
    (('2009-10-07', 'day'), ('2009-10-07', 'day'), None)
    """
    for precision, form in _PRECISE[language_of(language)]:
        m = form.fullmatch(text.strip())
        if not m:
            continue
        year = m["y"]
        if precision == "year":
            return year, precision
        month = _MONTH_NUMBER[fold(m["m"])]
        if precision == "month":
            return f"{year}-{month:02d}", precision
        try:
            return date(int(year), month, int(m["d"])).isoformat(), precision
        except ValueError:
            return None
    return None


def _dates(sentence: str, lang: str) -> list[Found]:
    """Every date and period candidate, overlapping ones included (the caller chooses)."""
    found: list[Found] = []
    for m in _PERIOD[lang].finditer(sentence):
        start = parse_date(m["a"], lang)
        if start is None or (not m["from"] and len(start[0]) == 4):
            continue  # "2004 to 2009" without "from" may be anything
        text, begin = m.group(), m.start()
        if m["open"]:
            reason = f"start of a period that runs to the time of the report: {text!r}"
            found.append(Found("date", begin, m.end(), text, start[0], start[1], confidence=0.7, reason=reason))
            continue
        end = parse_date(m["b"], lang)
        if end is None or end[0] < start[0]:
            continue
        precision = min(start[1], end[1], key=_PRECISIONS.index)
        value = f"{start[0]}/{end[0]}"
        found.append(Found("period", begin, m.end(), text, value, precision, confidence=0.85, reason=f"period: {text!r}"))
    for m in _MONTH_PAIR[lang].finditer(sentence):
        first, last = _MONTH_NUMBER[fold(m["m1"])], _MONTH_NUMBER[fold(m["m2"])]
        if first < last:
            value = f"{m['y']}-{first:02d}/{m['y']}-{last:02d}"
            found.append(
                Found("period", m.start(), m.end(), m.group(), value, "month", confidence=0.8, reason=f"months of one year: {m.group()!r}")
            )
    for m in _DATE[lang].finditer(sentence):
        parsed = parse_date(m.group(), lang)
        if parsed:
            what = "day, month and year" if parsed[1] == "day" else "month and year"
            found.append(Found("date", m.start(), m.end(), m.group(), *parsed, confidence=0.9, reason=f"{what}: {m.group()!r}"))
    for m in _BARE_YEAR[lang].finditer(sentence):
        group = "y" if m["y"] else "p"
        context = m.group().strip("()") if group == "p" else m.group()
        found.append(Found("date", m.start(group), m.end(group), m[group], m[group], "year", confidence=0.75, reason=f"year: {context!r}"))
    return found


# ---------------------------------------------------------------- amounts and counts

_NUMERAL = re.compile(r"(?<![\w.,/:\-–])\d+(?:[.,]\d+)*(?![\w%]|[.,]\d|[-–/:]\d)")
_SCALE = {
    "en": re.compile(r"\s+(million|billion|thousand)(?!\w)", re.IGNORECASE),
    "es": re.compile(r"\s+(mil\s+millones|millones|millón|millon|billones|billón|mil)(?!\w)", re.IGNORECASE),
}
_SYMBOL = re.compile(
    r"(?:(?<!\w)(?P<code>US|U\.S\.|USD|MX|MXN|CAN|CA|C|EUR)\s?)?(?P<sign>\$|€|£)\s?$|(?<!\w)(?P<iso>USD|MXN|EUR|GBP|CAD)\s?$"
)
_SYMBOL_CODES = {"US": "USD", "U.S.": "USD", "USD": "USD", "MX": "MXN", "MXN": "MXN", "CAN": "CAD", "CA": "CAD", "C": "CAD", "EUR": "EUR"}
_SIGN_CODES = {"€": "EUR", "£": "GBP"}
_CURRENCY_WORD = re.compile(
    r"^\s+(?:(?i:de)\s+)?(?P<word>(?i:pesos\s+mexicanos|U\.?S\.?\s+dollars|US\s+dollars|Canadian\s+dollars|dollars|"
    r"dólares\s+(?:estadounidenses|americanos|canadienses)|dólares|pesos|euros)|M\.N\.|MXN|USD|EUR)(?!\w)"
)
_PESO_CURRENCIES = {"MXN", "ARS", "CLP", "COP", "CUP", "DOP", "PHP", "UYU"}
_BOUNDS = {
    "en": {
        "more-than": ["more than", "over", "upwards of", "in excess of", "above", "greater than"],
        "at-least": ["at least", "no fewer than", "no less than", "not fewer than", "not less than", "a minimum of"],
        "approximate": [
            "about",
            "approximately",
            "approx.",
            "around",
            "nearly",
            "almost",
            "some",
            "roughly",
            "close to",
            "an estimated",
            "circa",
        ],
        "less-than": ["fewer than", "less than", "below"],
    },
    "es": {
        "more-than": ["más de", "mas de", "arriba de", "por encima de"],
        "at-least": ["al menos", "por lo menos", "como mínimo", "no menos de", "un mínimo de"],
        "approximate": ["alrededor de", "aproximadamente", "aprox.", "cerca de", "casi", "unos", "unas", "en torno a"],
        "less-than": ["menos de"],
    },
}
_BOUND_BEFORE = {
    lang: re.compile(
        r"(?<!\w)(?P<phrase>" + "|".join(re.escape(p) for ps in table.values() for p in sorted(ps, key=len, reverse=True)) + r")\s*$",
        re.IGNORECASE,
    )
    for lang, table in _BOUNDS.items()
}
_BOUND_OF = {fold(p): bound for table in _BOUNDS.values() for bound, phrases in table.items() for p in phrases}
# a number after these words names a thing (Article 5, Law 18, Tier 2), it counts nothing
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?<!\w)(?i:articles?|arts?\.?|sections?|chapters?|paragraphs?|para\.|clauses?|titles?|rules?|decrees?|laws?|acts?|no\.|nos\.|"
    r"numbers?|num\.|page|pages|pp?\.|annex|annexes|appendix|items?|resolutions?|res\.|tier|level|phase|step|grade|version|"
    r"telephone|phone|tel\.|fax|line|artículos?|fracción|fracciones|capítulos?|párrafos?|incisos?|numeral|títulos?|decretos?|"
    r"ley|leyes|reglas?|anexos?|páginas?|resolución|núm\.|número|nivel|fase|teléfono|línea)\s*$"
)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|(?i:percent|per\s+cent|por\s+ciento)(?!\w))")
_NUMBERING = re.compile(r"^\s*\d{1,3}[.)]?(?:\s|$)")  # "1." before a heading
_PHONE = re.compile(r"(?<![\w.,])\+?\(?\d+\)?(?:[ -]\d+){2,}(?![\w.,]\d)")
_LINK = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")


@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    value: str
    words: bool


def _numbers(sentence: str, lang: str) -> list[_Number]:
    """Numerals (with a scale word after them) and runs of number words, in order."""
    numbers: list[_Number] = []
    for m in _NUMERAL.finditer(sentence):
        value = parse_numeral(m.group(), lang)
        if value is None:
            continue
        end, scale = m.end(), _SCALE[lang].match(sentence, m.end())
        if scale and (factor := scale_of(scale[1], lang)):
            value, end = scaled(value, factor), scale.end()
        numbers.append(_Number(m.start(), end, value, words=False))
    for m in NUMBER_WORDS[lang].finditer(sentence):
        value_of = words_value(m.group(), lang)
        if value_of is not None:
            runs: list[tuple[int, int, int | None]] = [(m.start(), m.end(), value_of)]
        else:  # not one number ("two three"): each word on its own
            runs = [(m.start() + w.start(), m.start() + w.end(), words_value(w.group(), lang)) for w in re.finditer(r"\w+", m.group())]
        for start, end, n in runs:
            if n is not None and fold(sentence[start:end]) not in LONE:
                numbers.append(_Number(start, end, str(n), words=True))
    return sorted(numbers, key=lambda n: n.start)


def _figure(sentence: str, n: _Number, lang: str, country_currency: str) -> Found | None:
    """The amount or count a number states, or None where it is no figure."""
    start, end = n.start, n.end
    before = sentence[:start]
    currency, inferred, how = "", False, ""
    symbol = _SYMBOL.search(before)
    if symbol:
        start = symbol.start()
        if symbol["iso"]:
            currency, how = symbol["iso"], f"the code {symbol['iso']}"
        elif symbol["code"]:
            currency, how = _SYMBOL_CODES[symbol["code"]], f"the sign {symbol.group().strip()!r}"
        elif symbol["sign"] in _SIGN_CODES:
            currency, how = _SIGN_CODES[symbol["sign"]], f"the sign {symbol['sign']!r}"
    word = _CURRENCY_WORD.match(sentence[end:])
    if word:
        end += word.end()
        currency, how = _currency_of(word["word"], country_currency), f"the word {word['word']!r}"
    if symbol and symbol["sign"] == "$" and not currency and country_currency:
        currency, inferred, how = country_currency, True, f"a bare '$' in a source from a country whose currency is {country_currency}"
    is_amount = bool(symbol or word)
    if not is_amount and (_NOT_A_COUNT_BEFORE.search(before) or _PERCENT_AFTER.match(sentence[end:])):
        return None
    bound, phrase = "exact", _BOUND_BEFORE[lang].search(sentence[:start])
    if phrase:
        bound, start = _BOUND_OF[fold(phrase["phrase"])], phrase.start()
    text = sentence[start:end]
    if is_amount:
        confidence = 0.9 if currency and not inferred else 0.7 if inferred else 0.4
        reason = f"amount in {currency} ({how}): {text!r}" if currency else f"amount with no currency the text gives: {text!r}"
        return Found(
            "amount",
            start,
            end,
            text,
            n.value,
            currency=currency,
            currency_inferred=inferred,
            bound=bound,
            confidence=confidence,
            reason=reason,
        )
    year_like = not n.words and re.fullmatch(r"19\d\d|20\d\d|2100", n.value) is not None
    confidence = 0.3 if year_like else 0.6 if n.words else 0.7
    reason = ("number words" if n.words else "count") + ("" if bound == "exact" else f", {bound}") + f": {text!r}"
    if year_like:
        reason += " (could be a year)"
    return Found("count", start, end, text, n.value, bound=bound, confidence=confidence, reason=reason)


def _currency_of(word: str, country_currency: str) -> str:
    w = fold(" ".join(word.split()))
    if w.startswith("pesos") or w == "m.n.":
        return country_currency if country_currency in _PESO_CURRENCIES and w != "pesos mexicanos" else "MXN"
    if "canad" in w:
        return "CAD"
    if "dollar" in w or "dolares" in w:
        return "USD"
    return "EUR" if w.startswith("euro") else w.upper()


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


def find_values(sentence: str, language: str = "en", country_currency: str = "") -> list[Found]:
    """The dates, periods, amounts and counts a sentence states, in the order of the text.

    >>> [(f.kind, f.value, f.precision or f.bound) for f in find_values("From 2004 to 2009, more than 26 bodies took part.")]
    [('period', '2004/2009', 'year'), ('count', '26', 'more-than')]
    """
    from tipkg.curation.drafting.lists import list_spans

    lang = language_of(language)
    taken = [m.span() for m in _LINK.finditer(sentence)] + [m.span() for m in _PHONE.finditer(sentence)]
    taken += list_spans(sentence, lang) + [m.span() for m in _NUMBERING.finditer(sentence)]
    found: list[Found] = []
    # longest first, so that a period wins over the dates inside it and a day over its month
    for f in sorted(_dates(sentence, lang), key=lambda f: (f.start - f.end, f.start)):
        if not _overlaps((f.start, f.end), taken):
            found.append(f)
            taken.append((f.start, f.end))
    for n in _numbers(sentence, lang):
        if _overlaps((n.start, n.end), taken):
            continue
        figure = _figure(sentence, n, lang, country_currency)
        if figure is not None and not _overlaps((figure.start, figure.end), [(f.start, f.end) for f in found]):
            found.append(figure)
    return sorted(found, key=lambda f: f.start)


def find_list_items(sentence: str, language: str = "en") -> list[tuple[str, Found]]:
    """The items of a list with a figure each ("Guatemalan (123); Honduran (10)"): see :mod:`.lists`."""
    from tipkg.curation.drafting.lists import find_list_items as items

    return items(sentence, language)
