"""The values one sentence of a report states: dates, periods, amounts and counts.

Pure functions on a sentence (English or Spanish). Each value is given at the precision and with the
bound the text gives ("in January 2008" is a month, "more than 26" a lower bound, "until 2010" an
end), and a bare "$", "pesos" or "dollars" is a currency only where the source's country is known
and its currency has that name. Numbers that are parts of dates, article
and law numbers, phone numbers, percentages, list items (see :mod:`.lists`) and codes are not counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tipkg.curation.drafting.dates import dates_in, parse_date
from tipkg.curation.drafting.found import Found, language_of
from tipkg.curation.drafting.numbers import LONE, NUMBER_WORDS, parse_numeral, scale_of, scaled, words_value
from tipkg.curation.names import fold

__all__ = ["Found", "find_list_items", "find_values", "language_of", "parse_date"]


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
_NATIONAL = r"M\.\s?N\.|(?i:moneda\s+nacional)"  # "moneda nacional": the currency of the source's country
_CURRENCY_WORD = re.compile(
    r"^\s+(?:(?i:de)\s+)?(?P<word>(?i:(?:U\.?S\.?|American|Canadian)\s+dollars|(?:Mexican|Colombian|Argentine|Chilean)\s+pesos|"
    r"dólares(?:\s+(?:estadounidenses|americanos|canadienses))?|dollars|pesos(?:\s+(?:mexicanos|colombianos|argentinos|chilenos))?|"
    rf"euros)(?:,?\s+(?:{_NATIONAL}))?|{_NATIONAL}|MXN|USD|EUR|CAD|GBP)(?!\w)"
)
# names that say which currency (keys folded, without dots)
_NAMED = {
    "us dollars": "USD",
    "american dollars": "USD",
    "dolares estadounidenses": "USD",
    "dolares americanos": "USD",
    "canadian dollars": "CAD",
    "dolares canadienses": "CAD",
    "mexican pesos": "MXN",
    "pesos mexicanos": "MXN",
    "colombian pesos": "COP",
    "pesos colombianos": "COP",
    "argentine pesos": "ARS",
    "pesos argentinos": "ARS",
    "chilean pesos": "CLP",
    "pesos chilenos": "CLP",
    "euros": "EUR",
} | {code.lower(): code for code in ("MXN", "USD", "EUR", "CAD", "GBP")}
_PESO_CURRENCIES = {"MXN", "ARS", "CLP", "COP", "CUP", "DOP", "PHP", "UYU"}
_DOLLAR_CURRENCIES = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "JMD", "BSD", "BBD", "BZD", "TTD", "XCD", "GYD", "LRD", "NAD", "FJD"}
# names that fit several currencies: the country's, where it is one of them
_BARE = {
    "pesos": _PESO_CURRENCIES,
    "dollars": _DOLLAR_CURRENCIES,
    "dolares": _DOLLAR_CURRENCIES,
    "$": _PESO_CURRENCIES | _DOLLAR_CURRENCIES,
}
_BOUNDS = {
    "en": {
        "more-than": ["more than", "over", "upwards of", "in excess of", "above", "greater than"],
        "at-least": ["at least", "no fewer than", "no less than", "not fewer than", "not less than", "a minimum of"],
        "approximate": ["about", "approximately", "approx.", "around", "some", "roughly", "close to", "an estimated", "circa"],
        "nearly": ["nearly", "almost", "just under"],  # below it, by little: no value of the ontology says so
        "less-than": ["fewer than", "less than", "below"],
    },
    "es": {
        "more-than": ["más de", "mas de", "arriba de", "por encima de"],
        "at-least": ["al menos", "por lo menos", "como mínimo", "no menos de", "un mínimo de"],
        "approximate": ["alrededor de", "aproximadamente", "aprox.", "cerca de", "unos", "unas", "en torno a"],
        "nearly": ["casi", "poco menos de"],
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
    unread: list[tuple[int, int]] = []  # the scale word after an ambiguous numeral ("1.234 million") is no number
    for m in _NUMERAL.finditer(sentence):
        value = parse_numeral(m.group(), lang)
        end, scale = m.end(), _SCALE[lang].match(sentence, m.end())
        if value is None:
            unread.append((m.start(), scale.end() if scale else end))
            continue
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
            if n is not None and fold(sentence[start:end]) not in LONE and not _overlaps((start, end), unread):
                numbers.append(_Number(start, end, str(n), words=True))
    return sorted(numbers, key=lambda n: n.start)


def _figure(sentence: str, n: _Number, lang: str, country_currency: str) -> Found | None:
    """The amount or count a number states, or None where it is no figure."""
    start, end = n.start, n.end
    before = sentence[:start]
    symbol = _SYMBOL.search(before)
    word = _CURRENCY_WORD.match(sentence[end:])
    if symbol:
        start = symbol.start()
    if word:
        end += word.end()
    currency, inferred, how = _currency(symbol, word["word"] if word else "", country_currency)
    is_amount = bool(symbol or word)
    if not is_amount and (_NOT_A_COUNT_BEFORE.search(before) or _PERCENT_AFTER.match(sentence[end:])):
        return None
    bound, phrase = "exact", _BOUND_BEFORE[lang].search(sentence[:start])
    if phrase:
        bound, start = _BOUND_OF[fold(phrase["phrase"])], phrase.start()
    text = sentence[start:end]
    if is_amount:
        confidence = 0.9 if currency and not inferred else 0.7 if inferred else 0.4
        reason = f"amount in {currency} ({how}): {text!r}" if currency else f"amount with no currency the text gives ({how}): {text!r}"
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


def _currency(symbol: re.Match[str] | None, word: str, country_currency: str) -> tuple[str, bool, str]:
    """``(currency, inferred, how it is known)`` of an amount, from the sign before it and the word after.

    A code or a name ("US$", "MXN", "pesos mexicanos") says the currency; "M.N." says it is the
    country's; a bare "$", "pesos" or "dollars" may be the country's currency, where it has that name.
    """
    named: list[tuple[str, str]] = []  # (code, how) as the text states them
    bare: list[tuple[str, str]] = []  # (name, how) of names that fit several currencies
    national = ""
    if symbol and symbol["iso"]:
        named.append((symbol["iso"], f"the code {symbol['iso']}"))
    elif symbol and symbol["code"]:
        named.append((_SYMBOL_CODES[symbol["code"]], f"the sign {symbol.group().strip()!r}"))
    elif symbol and symbol["sign"] in _SIGN_CODES:
        named.append((_SIGN_CODES[symbol["sign"]], f"the sign {symbol['sign']!r}"))
    elif symbol:
        bare.append(("$", "a bare '$'"))
    if word:
        words = re.split(rf",?\s*(?={_NATIONAL})", word, maxsplit=1)
        national = words[1] if len(words) > 1 else ""
        key = " ".join(fold(words[0]).replace(".", "").split())
        if key in _NAMED:
            named.append((_NAMED[key], f"the code {words[0]}" if words[0].isupper() else f"the words {words[0]!r}"))
        elif key in _BARE:
            bare.append((key, f"the word {words[0]!r}"))
    codes = sorted({code for code, _ in named})
    if len(codes) > 1:
        return "", False, "the text names two currencies: " + " and ".join(how for _, how in named)
    if codes:
        return codes[0], False, " and ".join(how for _, how in named)
    country = f"a source from a country whose currency is {country_currency}" if country_currency else "a source whose country is not known"
    if national:
        return country_currency, False, f"{national!r}, the national currency, in {country}"
    hows = " and ".join(how for _, how in bare)
    if bare and country_currency and all(country_currency in _BARE[name] for name, _ in bare):
        return country_currency, True, f"{hows} in {country}"
    return "", False, f"{hows}, which may name several currencies, in {country}"


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
    for f in sorted(dates_in(sentence, lang), key=lambda f: (f.start - f.end, f.start)):
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
