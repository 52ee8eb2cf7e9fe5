"""A value found in a sentence (:mod:`.values`, :mod:`.dates`), and the pattern set of a language."""

from __future__ import annotations

from dataclasses import dataclass


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
    currency_inferred: bool = False  # a bare "$", "pesos" or "dollars" read as the country's currency
    bound: str = "exact"  # "exact" | "more-than" | "at-least" | "approximate" | "less-than"
    confidence: float = 0.5
    reason: str = ""
    relation: str = ""  # date: "until" | "before" | "after" | "since" where such a word governs it, else ""


def language_of(language: str) -> str:
    """The pattern set for a language tag: Spanish for ``es`` and its regions, English otherwise."""
    return "es" if language.lower().startswith("es") else "en"
