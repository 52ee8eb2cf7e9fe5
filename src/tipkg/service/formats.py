"""The formats the service answers in, and content negotiation (``Accept``, or ``?format=``).

Query results (SELECT, ASK) come as SPARQL JSON, XML, CSV or TSV; graphs (CONSTRUCT, DESCRIBE,
an entity, the dataset description) as Turtle, N-Triples, JSON-LD or RDF/XML; pages as HTML.
When the client states no preference, the first format of a list is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Format:
    name: str
    media_types: tuple[str, ...]  # the first is the Content-Type of the answer
    extension: str
    text: bool = False  # a text/* type, answered with charset=utf-8

    @property
    def content_type(self) -> str:
        return f"{self.media_types[0]}; charset=utf-8" if self.text else self.media_types[0]


JSON = Format("json", ("application/sparql-results+json", "application/json"), "srj")
XML = Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), "srx")
CSV = Format("csv", ("text/csv",), "csv", text=True)
TSV = Format("tsv", ("text/tab-separated-values",), "tsv", text=True)
TURTLE = Format("turtle", ("text/turtle", "application/x-turtle", "application/turtle"), "ttl", text=True)
NTRIPLES = Format("ntriples", ("application/n-triples", "text/plain"), "nt")
JSONLD = Format("jsonld", ("application/ld+json", "application/json"), "jsonld")
RDFXML = Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), "rdf")
HTML = Format("html", ("text/html", "application/xhtml+xml"), "html", text=True)

RESULTS: tuple[Format, ...] = (JSON, XML, CSV, TSV)
GRAPHS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML)
BY_NAME = {f.name: f for f in (*RESULTS, *GRAPHS, HTML)}
# ?format= names: the results format and the graph format each one stands for
FORMAT_PARAM: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"),
    "html": ("html", "html"),
}


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, quality) pairs; ranges with a malformed quality count as q=0."""
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media, q))
    return out


def quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The quality the most specific matching range gives ``media_type`` (0 when none matches)."""
    kind = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media, q in ranges:
        if media == media_type:
            rank = 2
        elif media == f"{kind}/*":
            rank = 1
        elif media == "*/*":
            rank = 0
        else:
            continue
        if rank > best[0]:
            best = (rank, q)
    return best[1]


def negotiate(accept: str | None, offers: Sequence[Format]) -> Format | None:
    """The offer the client prefers (ties: the earlier offer); ``None`` if it accepts none of them."""
    return _negotiate(accept, tuple(offers))


@lru_cache(maxsize=256)  # a client sends the same Accept with every request
def _negotiate(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best, chosen = 0.0, None
    for offer in offers:
        q = max(quality(mt, ranges) for mt in offer.media_types)
        if q > best:
            best, chosen = q, offer
    return chosen


def choose(accept: str | None, format_param: str | None, offers: Sequence[Format]) -> Format | None:
    """Negotiate among ``offers``; a ``?format=`` name or media type overrides ``Accept``."""
    if format_param:
        wanted = format_param.strip().lower()
        if "/" in wanted:
            return negotiate(wanted, offers)
        names = FORMAT_PARAM.get(wanted, (None, None))
        return next((o for o in offers if o.name in names), None)
    return negotiate(accept, offers)
