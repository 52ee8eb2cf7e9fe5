"""Sentences of a source's text, by pysbd's rule-based segmenter (no model, nothing downloaded).

Lines come first: a report's heading or list line is a sentence of its own even without a final
stop. Within a line pysbd finds the sentence ends, with its abbreviations, decimals and quotes.
pysbd's lists miss courtesy titles before a name ("Sr. García", "Lic. Pérez"), so they are added
to the abbreviations it keeps with the next word; and it ends a sentence inside an abbreviation
written with spaces ("p. ej."), so a piece ending in a lone small letter joins the next when that
one starts in lower case.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pysbd

LANGUAGES = ("en", "es")
# A lone lower-case letter and its stop, the end of a piece: an abbreviation written with spaces ("p. ej.").
_LONE_LETTER = re.compile(r"(?:^|[\s(])[^\W\d_A-ZÁÉÍÓÚÑ]\.\s*$")

# Titles written before a name, missing from pysbd's prepositive abbreviations (lower case, no stop).
_TITLES = ("sr", "sra", "sres", "srta", "dr", "dra", "lic", "licda", "ing", "mtro", "mtra", "prof")


@cache
def _rules(language: str) -> type:
    """pysbd's rules of a language, its prepositive abbreviations completed with ``_TITLES``."""
    from pysbd.languages import LANGUAGE_CODES

    base = LANGUAGE_CODES[language]
    listed = base.Abbreviation
    abbreviation = type(
        "Abbreviation",
        (listed,),
        {"PREPOSITIVE_ABBREVIATIONS": [*listed.PREPOSITIVE_ABBREVIATIONS, *_TITLES], "ABBREVIATIONS": [*listed.ABBREVIATIONS, *_TITLES]},
    )
    return type(base.__name__, (base,), {"Abbreviation": abbreviation})


def _segmenter(language: str) -> pysbd.Segmenter:
    """A segmenter per call: pysbd's keeps the text it works on, so one shared by threads would mix them."""
    import pysbd

    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
    segmenter.language_module = _rules(language)
    return segmenter


def split(text: str, language: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of ``text``, trimmed of white space; an unknown language is split as English.

    Every character but white space is in one sentence: text pysbd leaves out of its sentences
    (it drops what it cannot find back verbatim) is a sentence of its own, never lost.
    """
    segmenter = _segmenter(language if language in LANGUAGES else "en")
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        if line.group().isspace():
            continue
        pieces: list[list[int]] = []
        for piece in segmenter.segment(line.group()):
            if pieces and piece.start < pieces[-1][1]:
                continue
            lower = line.group()[piece.start : piece.start + 1].islower()  # "inciso a. La ley": two sentences
            if pieces and lower and _LONE_LETTER.search(line.group(), 0, pieces[-1][1]):
                pieces[-1][1] = piece.end  # "p. ej. albergues", "e. g. shelters": an abbreviation, not an end
            else:
                pieces.append([piece.start, piece.end])
        cuts = [0, *itertools.chain.from_iterable(pieces)]
        cuts.append(len(line.group()))
        for a, b in itertools.pairwise(cuts):
            span = _trimmed(text, line.start() + a, line.start() + b)
            if span:
                spans.append(span)
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
