"""The dates and periods one sentence states, at the precision the text gives ("in January 2008" is a
month, "From 2004 to 2009" a period), with the word that governs a date ("until 2010" is an end)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from tipkg.curation.drafting.found import Found, language_of
from tipkg.curation.names import fold

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
    r"a\s+(?:finales|principios|mediados)\s+de|a\s+m[aá]s\s+tardar(?:\s+en)?",
}
_FROM = {"en": r"(?P<from>(?i:from|between))", "es": r"(?P<from>(?i:de|desde|entre|del))"}
_TO = {
    "en": r"\s+(?P<link>(?i:to|until|till|through|and))\s+|\s*[-–]\s*",
    "es": r"\s+(?P<link>(?i:a|al|hasta|y|e))\s+|\s*[-–]\s*",
}
# "and" joins the ends of a period only after "between" ("between 2008 and 2010"), else two dates
_AND, _BETWEEN = {"and", "y", "e"}, {"between", "entre"}
# a word that makes a date an end, a start or a bound rather than the date of the fact
_RELATIONS = {
    "en": {"until": "until", "till": "until", "by": "until", "through": "until", "before": "before", "after": "after", "since": "since"},
    "es": {"hasta": "until", "a mas tardar": "until", "antes": "before", "despues": "after", "desde": "since"},
}
_RELATION_BEFORE = {
    "en": re.compile(
        r"(?<!\w)(?P<w>until|till|by|through|before|after|since)\s+(?:the\s+)?(?:(?:end|beginning|start|middle)\s+of\s+(?:the\s+)?)?"
        r"(?:(?:early|late|mid)[-\s]+)?(?:(?:fiscal\s+)?year\s+)?$",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"(?<!\w)(?P<w>hasta|a\s+m[aá]s\s+tardar|antes|despu[eé]s|desde)(?:\s+(?:de|del|el|en|la|a))*\s+"
        r"(?:(?:finales|principios|mediados|fines)\s+(?:de|del)\s+(?:el\s+)?)?(?:año\s+)?$",
        re.IGNORECASE,
    ),
}
_SAYS = {
    "until": "an end, not a start",
    "before": "a date the fact came before, not its date",
    "after": "a date the fact came after, not its date",
    "since": "a start",
}
_TO_DATE = {"en": r"(?i:date|the\s+present|now|today)", "es": r"(?i:la\s+fecha|hoy|el\s+presente|la\s+actualidad)"}
_PRECISIONS = ("year", "month", "day")


def _pattern_period(lang: str) -> re.Pattern[str]:
    a, b = _ANY_DATE[lang], _ANY_DATE[lang]
    return re.compile(rf"(?<!\w)(?:{_FROM[lang]}\s+)?(?P<a>{a})(?:{_TO[lang]})(?:(?P<b>{b})|(?P<open>{_TO_DATE[lang]}))(?!\w)")


def _pattern_months(lang: str) -> re.Pattern[str]:
    month, link = _MONTH[lang], _TO[lang]
    year = rf",?\s+(?:of\s+)?(?P<y>{_YEAR})" if lang == "en" else rf"\s+(?i:de|del)\s+(?P<y>{_YEAR})"
    return re.compile(rf"(?<!\w)(?:{_FROM[lang]}\s+)?(?P<m1>{month})(?:{link})(?P<m2>{month}){year}")


def _joins_a_period(m: re.Match[str]) -> bool:
    """Whether the word between two dates makes them a period: "and"/"y" does only after "between"."""
    return fold(m["link"] or "") not in _AND or fold(m["from"] or "") in _BETWEEN


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


def dates_in(sentence: str, lang: str) -> list[Found]:
    """Every date and period candidate, overlapping ones included (the caller chooses)."""
    found: list[Found] = []
    for m in _PERIOD[lang].finditer(sentence):
        start = parse_date(m["a"], lang)
        if start is None or (not m["from"] and len(start[0]) == 4):
            continue  # "2004 to 2009" without "from" may be anything
        text, begin = m.group(), m.start()
        if m["open"]:
            reason = f"start of a period that runs to the time of the report: {text!r}"
            found.append(Found("date", begin, m.end(), text, start[0], start[1], confidence=0.7, reason=reason, relation="since"))
            continue
        if not _joins_a_period(m):
            continue  # "January 2008 and March 2009": two dates
        end = parse_date(m["b"], lang)
        if end is None or end[0] < start[0]:
            continue
        precision = min(start[1], end[1], key=_PRECISIONS.index)
        value = f"{start[0]}/{end[0]}"
        found.append(Found("period", begin, m.end(), text, value, precision, confidence=0.85, reason=f"period: {text!r}"))
    for m in _MONTH_PAIR[lang].finditer(sentence):
        first, last = _MONTH_NUMBER[fold(m["m1"])], _MONTH_NUMBER[fold(m["m2"])]
        if first < last and not _joins_a_period(m):  # "in January and March 2009": two months of one year
            reason = f"month whose year is that of the next date: {m.group()!r}"
            value = f"{m['y']}-{first:02d}"
            found.append(Found("date", m.start("m1"), m.end("m1"), m["m1"], value, "month", confidence=0.7, reason=reason))
        elif first < last:
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
    return [_related(f, sentence, lang) for f in found]


def _related(f: Found, sentence: str, lang: str) -> Found:
    """A date with the relation the word before it gives ("until 2010" is an end, not a start)."""
    m = _RELATION_BEFORE[lang].search(sentence, 0, f.start) if f.kind == "date" and not f.relation else None
    if m is None:
        return f
    relation = _RELATIONS[lang][fold(" ".join(m["w"].split()))]
    reason = f"{_SAYS[relation]} ({relation}): {sentence[m.start() : f.end]!r}"
    return replace(f, relation=relation, reason=reason)
