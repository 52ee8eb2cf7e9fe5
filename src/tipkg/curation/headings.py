"""Headings: the short lines that title a report's sections, told one way for intake, the loader and coverage.

A heading is a line: the words of a heading that also occur inside a sentence do not make it occur
twice, so where a heading occurs is counted in whole lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import yaml

_NOT_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_WORD = re.compile(r"[^\W\d_]+")
_MAX_WORDS, _SHORT_WORDS = 8, 3
_ENDS_SENTENCE = (".", ";", ",", "!", "?")


def is_link(line: str) -> bool:
    """A web address (an annex's link)."""
    return line.startswith(("http://", "https://"))


def is_heading(line: str) -> bool:
    """A section title: at most 8 words, starting with a capital or a number, that no sentence ends.

    A line of at most 3 words may end with a colon ("Prevention:"), or with a full stop when each of
    its words is capitalized ("Report.", "FICTIONAL TEST FIXTURE.") — a title, not a sentence.

    >>> [is_heading(s) for s in ("2. Prosecution", "Prevention:", "Report.", "It ends.", "and so on")]
    [True, True, True, False, False]
    """
    words = _WORD.findall(line)
    if not words or len(words) > _MAX_WORDS or is_link(line) or _NOT_PRINTABLE.search(line):
        return False
    if not (line[0].isdigit() or words[0][0].isupper()):
        return False
    if len(words) > _SHORT_WORDS:
        return not line.endswith((*_ENDS_SENTENCE, ":"))
    return not line.endswith(_ENDS_SENTENCE) or all(word[0].isupper() for word in words)


def states_nothing(line: str) -> bool:
    """A line no fact can be read from: a heading, a link, or a number or mark alone ("1.", "/")."""
    return is_heading(line) or is_link(line) or not _WORD.search(line)


def line_counts(text: str) -> Counter[str]:
    """How many times each line of ``text`` occurs, its white space single (as :func:`line_spans` compares)."""
    return Counter(" ".join(line.split()) for line in text.split("\n"))


def line_spans(text: str, heading: str) -> list[tuple[int, int]]:
    """Where ``heading`` (NFC) is a whole line of ``text``: the span of its words, any white space between them."""
    words = unicodedata.normalize("NFC", heading).split()
    if not words:
        return []
    body = r"[^\S\n]+".join(re.escape(word) for word in words)
    pattern = re.compile(rf"^[^\S\n]*({body})[^\S\n]*$", re.MULTILINE)
    return [match.span(1) for match in pattern.finditer(text)]
