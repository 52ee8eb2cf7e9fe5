"""A source as a draft reads it: its sentences, each with a unique quote that holds it, and the
country (and so the currency of a bare "$") its metadata names."""

from __future__ import annotations

from dataclasses import dataclass

from tipkg.curation.drafting.places import country_code
from tipkg.curation.sources import Source, locate

# Where a source's "$" is the country's currency: the country by its ISO code or its gov/ id.
CURRENCIES = {
    "mx": "MXN",
    "mexico": "MXN",
    "us": "USD",
    "united-states": "USD",
    "gt": "GTQ",
    "guatemala": "GTQ",
    "co": "COP",
    "colombia": "COP",
}


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    quote: str | None  # a unique quote of the source holding the sentence, or None if there is none


def sentences(source: Source) -> list[Sentence]:
    """The source's sentences, each with the shortest unique quote that holds it."""
    from tipkg.curation.sentences import split

    spans = split(source.text, source.language)
    out = []
    for i, (start, end) in enumerate(spans):
        quote = None
        for last in range(i, min(i + 3, len(spans))):
            candidate = " ".join(source.text[start : spans[last][1]].split())
            if len(locate(source.text, candidate)) == 1:
                quote = candidate
                break
        out.append(Sentence(start, end, source.text[start:end], quote))
    return out


def country_currency(source: Source) -> str | None:
    """The currency a bare "$" stands for: that of the country the metadata names (``country``,
    or a ``gov/<country>`` creator or author), else None."""
    for field in ("country", "creator", "author"):
        value = source.meta.items.get(field)
        text = getattr(value, "text", None) or ""
        name = text.removeprefix("gov/").lower() if field == "country" or text.startswith("gov/") else ""
        if name in CURRENCIES:
            return CURRENCIES[name]
    return None


def source_country(source: Source) -> str | None:
    """The alpha-2 code of the country the metadata names (``country``, or a ``gov/<country>``
    creator or author): the country whose states the report's state names are taken to be."""
    for field in ("country", "creator", "author"):
        text = getattr(source.meta.items.get(field), "text", None) or ""
        if field == "country" or text.startswith("gov/"):
            code = country_code(text)
            if code:
                return code
    return None
