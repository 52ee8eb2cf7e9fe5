"""Numbers as reports write them: numerals with thousands separators, and number words (English, Spanish).

Pure functions on text. A numeral whose separators could mean two things, or a code with a leading
zero (``01800``), is no number: a draft must never hold a value the text does not. The value of
number words comes from text2num; this module only finds where they are in a sentence and refuses
the runs a written report would not mean as one number ("treinta dos", "millions of").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from text_to_num import text2num

from tipkg.curation.names import fold

LONE = {"one", "un", "una", "uno"}  # an article or a pronoun more often than a count
_ARTICLES = {"unos", "unas"}  # "some": never a number ("unas 300" is about 300), though text2num reads 1
_CONNECTOR = {"en": "and", "es": "y"}
_JOINT = {"en": re.compile(r"\s+|-"), "es": re.compile(r"\s+")}
# what text2num 3.1 does not read: correct spellings it misses, and the Spanish long-scale billón
_RESPELL = {"es": {"veintiun": "veintiuno", "veintidos": "veintidós", "veintitres": "veintitrés"}, "en": {}}
_BEYOND = {"es": {"billon": 10**12, "billones": 10**12}, "en": {}}


@lru_cache(maxsize=4096)
def _library_value(text: str, language: str) -> int | None:
    try:
        return int(text2num(text, language))
    except ValueError:
        return None


def _word_value(word: str, language: str) -> int | None:
    """The value of one number word, or None: a single letter ("o" is zero to text2num) is none."""
    folded = fold(word)
    if len(folded) < 2 or folded in _ARTICLES:
        return None
    if folded in _BEYOND[language]:
        return _BEYOND[language][folded]
    return _library_value(_RESPELL[language].get(folded, word.lower()), language)


def _vague(word: str, language: str) -> bool:
    """A plural scale word that names no number on its own: "millions of", "cientos de", "tens of"."""
    n = _word_value(word, language)
    return n is not None and n >= 10 and str(n).strip("0") == "1" and fold(word).endswith("s")


def _tens(n: int | None) -> bool:
    return n is not None and 20 <= n < 100 and n % 10 == 0


def _joins(previous: int | None, language: str) -> bool:
    """Whether a connector may follow a word of this value: "hundred and five", "treinta y dos"."""
    if previous is None:
        return False
    return previous >= 100 if language == "en" else _tens(previous)


def words_value(text: str, language: str = "en") -> int | None:
    """The number that number words write, or None where they do not write one number.

    >>> words_value("twenty-six"), words_value("veintiséis", "es"), words_value("dos mil quinientos", "es")
    (26, 26, 2500)
    >>> words_value("three hundred and five"), words_value("mil millones", "es"), words_value("two three")
    (305, 1000000000, None)
    >>> words_value("treinta dos", "es"), words_value("millions"), words_value("dos billones", "es")
    (None, None, 2000000000000)
    """
    tokens = [t for t in re.split(r"[\s-]+", text.strip()) if t]
    if not tokens or _vague(tokens[0], language):
        return None
    connector = _CONNECTOR[language]
    values = [None if fold(t) == connector else _word_value(t, language) for t in tokens]
    for i, (token, n) in enumerate(zip(tokens, values, strict=True)):
        if n is None and (fold(token) != connector or i in (0, len(tokens) - 1) or not _joins(values[i - 1], language)):
            return None
        if language == "es" and i and _tens(values[i - 1]) and n is not None and n < 10:
            return None  # Spanish joins tens and units with "y"
    beyond = [i for i, t in enumerate(tokens) if fold(t) in _BEYOND[language]]
    if beyond:  # "dos billones trescientos mil": the library's value on each side of the scale
        i = beyond[-1]
        high = words_value(" ".join(tokens[:i]), language) if i else 1
        low = words_value(" ".join(tokens[i + 1 :]), language) if i + 1 < len(tokens) else 0
        if high is None or low is None or low >= _BEYOND[language][fold(tokens[i])]:
            return None
        return high * _BEYOND[language][fold(tokens[i])] + low
    words = [_RESPELL[language].get(fold(t), t.lower()) for t in tokens]
    return _library_value(" ".join(words), language)


def number_word_spans(sentence: str, language: str = "en") -> list[tuple[int, int]]:
    """Where runs of number words are in a sentence: words text2num reads, joined by spaces (and
    hyphens in English) or by a connector where one may stand. A run may not start with a plural
    scale word ("millions of people"). Whether a run writes one number is for :func:`words_value`.

    >>> s = "Seven inspectors and twenty-six officers, millions of leaflets, two hundred and five."
    >>> [s[a:b] for a, b in number_word_spans(s)]
    ['Seven', 'twenty-six', 'two hundred and five']
    """
    spans: list[tuple[int, int]] = []
    run: list[tuple[re.Match[str], int | None]] = []  # words of the current run, with their values

    def close() -> None:
        while run and run[-1][1] is None:  # a connector does not end a run
            run.pop()
        if run:
            spans.append((run[0][0].start(), run[-1][0].end()))
        run.clear()

    for word in re.finditer(r"\w+", sentence):
        joined = bool(run) and _JOINT[language].fullmatch(sentence, run[-1][0].end(), word.start()) is not None
        n = _word_value(word.group(), language)
        if joined and n is None and fold(word.group()) == _CONNECTOR[language] and _joins(run[-1][1], language):
            run.append((word, None))
            continue
        if not (joined and n is not None):
            close()
        if n is not None and (run or not _vague(word.group(), language)):
            run.append((word, n))
    close()
    return spans


class _NumberWords:
    """Runs of number words in one language, found like a compiled pattern's matches."""

    _SPAN = re.compile(r".+", re.DOTALL)

    def __init__(self, language: str) -> None:
        self.language = language

    def finditer(self, sentence: str) -> Iterator[re.Match[str]]:
        for start, end in number_word_spans(sentence, self.language):
            match = self._SPAN.fullmatch(sentence, start, end)
            if match is not None:
                yield match


NUMBER_WORDS = {lang: _NumberWords(lang) for lang in ("en", "es")}


def parse_numeral(text: str, language: str = "en") -> str | None:
    """The decimal text of a numeral without separators, or None where its separators are ambiguous.

    English groups with "," and marks decimals with "."; Spanish texts write both ways ("17,926,386.00"
    in Mexico, "17.926.386,00" in Spain), so a Spanish numeral is read only where one reading fits.
    An English "1.234" is no number: a report translated from Spanish may keep its thousands dot.

    >>> parse_numeral("17,926,386.00"), parse_numeral("17.926.386,00", "es"), parse_numeral("18,000", "es")
    ('17926386.00', '17926386.00', '18000')
    >>> parse_numeral("1,5"), parse_numeral("1,5", "es"), parse_numeral("01800"), parse_numeral("1,50,000")
    (None, '1.5', None, None)
    >>> parse_numeral("1.234"), parse_numeral("1.234", "es"), parse_numeral("0.125"), parse_numeral("2.5")
    (None, '1234', '0.125', '2.5')
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
        if groups[0] != "0":
            return None  # "1.234": a decimal, or a translated report's thousands separator
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
    """The factor a scale word after a numeral gives ("5 million", "2 mil millones").

    >>> scale_of("million", "en"), scale_of("mil millones", "es"), scale_of("billones", "es"), scale_of("seven", "en")
    (1000000, 1000000000, 1000000000000, None)
    """
    factor = 1
    for token in word.split():
        n = _word_value(token, language)
        if n is None or n < 100 or str(n).strip("0") != "1":
            return None
        factor *= n
    return factor
