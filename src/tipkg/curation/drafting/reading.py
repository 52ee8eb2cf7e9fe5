"""A source as a draft reads it: its sentences, each with a unique quote that holds it, and the
country (and so the currency of a bare "$") its metadata names."""

from __future__ import annotations

from dataclasses import dataclass

from tipkg.curation.drafting.places import country_code
from tipkg.curation.sources import Source, locate

# Where a source's "$" is the country's currency: the country by its ISO 3166 alpha-2 code.
CURRENCIES = {"MX": "MXN", "US": "USD", "GT": "GTQ", "CO": "COP"}


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
    """The currency a bare "$" stands for: that of the country the metadata names (see
    :func:`source_country`), else None."""
    return CURRENCIES.get(source_country(source) or "")


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
