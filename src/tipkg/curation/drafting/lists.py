"""Lists with a figure per item: "Guatemalan (123); Honduran (10)" or "Guatemala: 123, Honduras: 10".

Each item becomes one count, labelled with its words, so that a draft proposes one observation per
item. Two items at least make a list: a lone "Chinese (1)" may be anything.
"""

from __future__ import annotations

import re

from tipkg.curation.drafting.numbers import parse_numeral
from tipkg.curation.drafting.values import Found, language_of

_WORD = r"[^\W\d_][^\W\d_'’-]*"
_CAPITAL = r"[^\W\d_a-zà-ÿ][^\W\d_'’-]*"
_LABEL = rf"(?:{_CAPITAL}(?:(?:\s+(?:of|the|de|del|la|las|los|el))?\s+{_CAPITAL})*|{_WORD})"
_NUMBER = r"\d+(?:[.,]\d+)*"
_ITEM = {
    "paren": rf"(?P<label>{_LABEL})\s*\((?P<number>{_NUMBER})\)",
    "colon": rf"(?P<label>{_LABEL})\s*:\s*(?P<number>{_NUMBER})(?![\w.,:]?\d|\w)",
}
_JOIN = {"en": r"\s*[;,]\s*(?:and\s+)?|\s*,?\s+and\s+", "es": r"\s*[;,]\s*(?:[ye]\s+)?|\s*,?\s+[ye]\s+"}
_FIRST = {form: re.compile(rf"(?<!\w){item}") for form, item in _ITEM.items()}
_NEXT = {(form, lang): re.compile(rf"(?:{join}){item}") for form, item in _ITEM.items() for lang, join in _JOIN.items()}


def find_list_items(sentence: str, language: str = "en") -> list[tuple[str, Found]]:
    """``(label, count)`` for each item of the lists in a sentence; each count spans its whole item.

    >>> [(label, f.value, f.text) for label, f in find_list_items("Victims: Guatemalan (123); Honduran (10).")]
    [('Guatemalan', '123', 'Guatemalan (123)'), ('Honduran', '10', 'Honduran (10)')]
    """
    lang = language_of(language)
    items: list[tuple[str, Found]] = []
    for form, first in _FIRST.items():
        position = 0
        while (m := first.search(sentence, position)) is not None:
            chain = [m]
            while (following := _NEXT[form, lang].match(sentence, chain[-1].end())) is not None:
                chain.append(following)
            position = chain[-1].end()
            parsed = [(c, parse_numeral(c["number"], lang)) for c in chain]
            if len(chain) < 2 or any(value is None for _, value in parsed):
                position = m.end()
                continue
            for c, value in parsed:
                start, end = c.start("label"), c.end()
                text = sentence[start:end]
                found = Found("count", start, end, text, str(value), confidence=0.8, reason=f"item {len(items) + 1} of a list: {text!r}")
                items.append((c["label"], found))
    return sorted(items, key=lambda item: item[1].start)


def list_spans(sentence: str, language: str = "en") -> list[tuple[int, int]]:
    """Where the list items of a sentence are, so that their figures are not counted twice."""
    return [(f.start, f.end) for _, f in find_list_items(sentence, language)]
