"""Numbers as reports write them: numerals with thousands separators, and number words (English, Spanish).

Pure functions on text. A numeral whose separators could mean two things, or a code with a leading
zero (``01800``), is no number: a draft must never hold a value the text does not.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

_UNITS_EN = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
)
_TENS_EN = "twenty thirty forty fifty sixty seventy eighty ninety"
_UNITS_ES = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro "
    "veinticinco veintiséis veintisiete veintiocho veintinueve"
)
_TENS_ES = "treinta cuarenta cincuenta sesenta setenta ochenta noventa"
_HUNDREDS_ES = "ciento doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos novecientos"


def fold(word: str) -> str:
    """Lower case without accents, so that "veintiseis" reads as "veintiséis"."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


def _table() -> dict[str, dict[str, int]]:
    en = {w: n for n, w in enumerate(_UNITS_EN.split())}
    en |= {w: 20 + 10 * n for n, w in enumerate(_TENS_EN.split())}
    es = {w: n for n, w in enumerate(_UNITS_ES.split())}
    es |= {w: 30 + 10 * n for n, w in enumerate(_TENS_ES.split())}
    es |= {w: 100 * (n + 1) for n, w in enumerate(_HUNDREDS_ES.split())}
    es |= {w.replace("ientos", "ientas"): 100 * (n + 2) for n, w in enumerate(_HUNDREDS_ES.split()[1:])}
    es |= {"un": 1, "una": 1, "veintiún": 21, "veintiuna": 21, "cien": 100, "quinientas": 500}
    return {"en": en, "es": {fold(w): n for w, n in es.items()}}


WORDS = _table()
# scale words: a hundred multiplies what precedes it, the others close a group
SCALES = {
    "en": {"hundred": 100, "thousand": 1000, "million": 10**6, "millions": 10**6, "billion": 10**9},
    "es": {"mil": 1000, "millon": 10**6, "millones": 10**6, "billon": 10**12, "billones": 10**12},
}
_CONNECTOR = {"en": "and", "es": "y"}
LONE = {"one", "un", "una", "uno"}  # an article or a pronoun more often than a count


def _alternation(words: list[str]) -> str:
    forms = {f for w in words for f in (w, fold(w))}
    return "|".join(sorted(forms, key=len, reverse=True))


def _words_pattern(language: str) -> re.Pattern[str]:
    raw = (_UNITS_EN + " " + _TENS_EN).split() if language == "en" else (_UNITS_ES + " " + _TENS_ES + " " + _HUNDREDS_ES).split()
    raw += list(WORDS[language]) + list(SCALES[language]) + (["millón", "billón"] if language == "es" else [])
    word = rf"(?:{_alternation(raw)})"
    joint = r"(?:\s+|-)" if language == "en" else r"\s+"
    return re.compile(rf"(?<!\w){word}(?:{joint}(?:{_CONNECTOR[language]}\s+)?{word})*(?!\w)", re.IGNORECASE)


NUMBER_WORDS = {lang: _words_pattern(lang) for lang in ("en", "es")}


def words_value(text: str, language: str = "en") -> int | None:
    """The number that number words write, or None where they do not write one number.

    >>> words_value("twenty-six"), words_value("veintiséis", "es"), words_value("dos mil quinientos", "es")
    (26, 26, 2500)
    >>> words_value("three hundred and five"), words_value("mil millones", "es"), words_value("two three")
    (305, 1000000000, None)
    """
    table, scales = WORDS[language], SCALES[language]
    tokens = [fold(t) for t in re.split(r"[\s-]+", text.strip()) if t]
    total = current = 0
    last = ""  # what came before: "unit", "tens", "hundreds", "scale", "and"
    for token in tokens:
        if token == _CONNECTOR[language]:
            if last not in (("tens",) if language == "es" else ("hundreds", "scale")):
                return None
            last = "and"
        elif token in table:
            n = table[token]
            kind = "tens" if (n % 10 == 0 and 20 <= n < 100) else "hundreds" if n >= 100 else "unit"
            if last == "unit" or (last == "tens" and kind != "unit") or (last == "hundreds" and kind == "hundreds"):
                return None
            if last == "tens" and language == "es":
                return None  # Spanish joins tens and units with "y"
            current += n
            last = kind
        elif token in scales:
            scale = scales[token]
            if scale == 100:
                current, last = (current or 1) * 100, "hundreds"
            elif current == 0 and total:
                total, last = total * scale, "scale"  # "mil millones"
            else:
                total, current, last = total + (current or 1) * scale, 0, "scale"
        else:
            return None
    return None if last == "and" else total + current


def parse_numeral(text: str, language: str = "en") -> str | None:
    """The decimal text of a numeral without separators, or None where its separators are ambiguous.

    English groups with "," and marks decimals with "."; Spanish texts write both ways ("17,926,386.00"
    in Mexico, "17.926.386,00" in Spain), so a Spanish numeral is read only where one reading fits.

    >>> parse_numeral("17,926,386.00"), parse_numeral("17.926.386,00", "es"), parse_numeral("18,000", "es")
    ('17926386.00', '17926386.00', '18000')
    >>> parse_numeral("1,5"), parse_numeral("1,5", "es"), parse_numeral("01800"), parse_numeral("1,50,000")
    (None, '1.5', None, None)
    """
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", text) or re.match(r"0\d", text):
        return None
    seps = re.findall(r"[.,]", text)
    groups = re.split(r"[.,]", text)
    if not seps:
        return text
    decimal_sep = ""
    if len(set(seps)) == 2:
        decimal_sep = seps[-1]
        if seps.count(decimal_sep) != 1:
            return None
    elif len(seps) == 1 and len(groups[1]) != 3:
        if language == "en" and seps[0] == ",":
            return None
        decimal_sep = seps[0]
    elif len(seps) == 1 and language == "en" and seps[0] == ".":
        decimal_sep = "."
    whole = groups[:-1] if decimal_sep else groups
    if len(whole) > 1 and (len(whole[0]) > 3 or any(len(g) != 3 for g in whole[1:])):
        return None
    digits = "".join(whole)
    return f"{digits}.{groups[-1]}" if decimal_sep else digits


def scaled(value: str, factor: int) -> str:
    """``value`` times ``factor`` as decimal text, without a fraction where none is left.

    >>> scaled("2.5", 10**6), scaled("5", 1000), scaled("1.25", 1)
    ('2500000', '5000', '1.25')
    """
    if factor == 1:
        return value
    number = Decimal(value) * factor
    return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")


def scale_of(word: str, language: str) -> int | None:
    """The factor a scale word after a numeral gives ("5 million", "2 mil millones")."""
    tokens = fold(word).split()
    factor = 1
    for token in tokens:
        scale = SCALES[language].get(token)
        if scale is None:
            return None
        factor *= scale
    return factor
