"""Evidence: the quotes a record cites, found once in their source's text, and their annotations.

A quote must occur exactly once in its source, or be a span ``"first words … last words"`` that
resolves to exactly one passage; it becomes a Web Annotation ``oa:SpecificResource``
with a quote selector (the exact text and some context) and a position selector (its offsets).
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping as AnyMapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from tipkg.curation.records import CuratedFile, Mapping, Scalar, Value
from tipkg.curation.sources import Source, locate_span, span_parts
from tipkg.curation.values import as_list, short, suggest, text_of
from tipkg.errors import DataError
from tipkg.namespaces import OA, TIPKG

_CONTEXT = 32  # characters of prefix/suffix kept with a quote


@dataclass(frozen=True)
class EvidenceRef:
    """One quote: where it is in its source's text."""

    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Cited:
    """A quote as a record gives it, before it is looked for in its source."""

    source: str
    quote: str
    line: int


def parse_evidence(value: Value, f: CuratedFile, key: str, sources: AnyMapping[str, Source]) -> Iterator[Cited]:
    """The quotes of an evidence field: texts of the file's source, or ``{source: ID, quote: ...}``.

    A generator, so that each quote is looked for before the next is read (errors come in file order).
    """
    given = False
    for item in as_list(value):
        source_id = f.source
        if isinstance(item, Mapping):
            if "quote" not in item.items:
                raise DataError(f.path, item.line, key, "expected {source: ID, quote: ...}")
            if "source" in item.items:
                source_id = text_of(item.items["source"], f.path, f"{key}.source")
            quote = text_of(item.items["quote"], f.path, f"{key}.quote")
        else:
            quote = text_of(item, f.path, key)
        if source_id is None:
            raise DataError(f.path, item.line, key, "no source: give 'source:' at the top of the file or in the evidence")
        if source_id not in sources:
            raise DataError(f.path, item.line, key, f"unknown source {source_id!r}{suggest(source_id, sources)}")
        given = True
        yield Cited(source_id, quote, item.line)
    if not given:
        raise DataError(f.path, value.line, key, "expected at least one quote")


def find_quote(source: Source, cited: Cited, path: str, key: str) -> EvidenceRef:
    """The one place of a quote in its source's text: the quote itself, or else the span it gives.

    A span ``"first words … last words"`` stands for the passage from its start to the first
    occurrence of its end after it; a text that itself contains the ellipsis is still quoted literally.
    """
    spans = source.locate(cited.quote)
    where = f"source {cited.source} ({source.text_file})"
    if not spans and len(parts := span_parts(cited.quote)) > 1:
        match = locate_span(source.text, parts)
        if not match.spans:
            why = "; ".join(match.failures[:3]) + (f"; and {len(match.failures) - 3} more" if len(match.failures) > 3 else "")
            raise DataError(path, cited.line, key, f"quote span not found in {where}: {why}: {short(cited.quote)!r}")
        if len(match.spans) > 1:
            starts = ", ".join(str(a) for a, _ in match.spans)
            raise DataError(
                path,
                cited.line,
                key,
                f"quote span occurs {len(match.spans)} times in source {cited.source}, starting at offsets {starts}: "
                f"lengthen its start to one place: {short(cited.quote)!r}",
            )
        spans = match.spans
    if not spans:
        raise DataError(path, cited.line, key, f"quote not found in {where}: {short(cited.quote)!r}")
    if len(spans) > 1:
        raise DataError(
            path,
            cited.line,
            key,
            f"quote occurs {len(spans)} times in source {cited.source}: lengthen it to one place: {short(cited.quote)!r}",
        )
    return EvidenceRef(cited.source, *spans[0])


def evidence_triples(g: Graph, ev: URIRef, ref: EvidenceRef, source: Source, source_iri: URIRef) -> None:
    """The annotation ``ev`` of a quote: its source, its selectors, and the section it is in."""
    text = source.text
    quote, pos = URIRef(f"{ev}/quote"), URIRef(f"{ev}/position")
    g.add((ev, RDF.type, TIPKG.Evidence))
    g.add((ev, RDF.type, OA.SpecificResource))
    g.add((ev, OA.hasSource, source_iri))
    g.add((ev, OA.hasSelector, quote))
    g.add((ev, OA.hasSelector, pos))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(text[ref.start : ref.end])))
    g.add((quote, OA.prefix, Literal(text[max(0, ref.start - _CONTEXT) : ref.start])))
    g.add((quote, OA.suffix, Literal(text[ref.end : ref.end + _CONTEXT])))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(ref.start, datatype=XSD.nonNegativeInteger)))
    g.add((pos, OA.end, Literal(ref.end, datatype=XSD.nonNegativeInteger)))
    for i, section in enumerate(source.sections, 1):
        if section.start <= ref.start < section.end:
            g.add((ev, TIPKG.section, URIRef(f"{source_iri}/section/{i}")))


def first_source(record: Mapping, default: str | None) -> str | None:
    """The source of a record's first quote (``{source: ID, quote: ...}`` or the file's source)."""
    evidence = record.items.get("evidence")
    if evidence is None:
        return default
    first = as_list(evidence)[0] if as_list(evidence) else None
    if isinstance(first, Mapping) and isinstance(first.items.get("source"), Scalar):
        source = first.items["source"]
        assert isinstance(source, Scalar)
        return source.text or default
    return default
