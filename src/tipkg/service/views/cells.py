"""What a person reads for a term of a result: a label linked to its page, a quote linked to its
source; and a whole result as a table of such cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from starlette.concurrency import run_in_threadpool

from tipkg.namespaces import WD
from tipkg.service.context import Context
from tipkg.sparql.results import SEPARATOR, Result

QUOTE_COLUMNS = ("evidence", "quote")


@dataclass
class Cell:
    text: str
    href: str | None = None
    external: bool = False
    title: str | None = None
    quotes: list[tuple[str, str | None]] = field(default_factory=list)
    number: bool = False


def cell(ctx: Context, result: Result, term: Any, column: str = "") -> Cell:
    """What a person reads for a term: a label linked to its page, a quote linked to its source."""
    if term is None:
        return Cell("")
    if isinstance(term, URIRef):
        iri = str(term)
        text = result.label(term)
        path = ctx.entity_path(iri)
        if path:
            return Cell(text, href=path, title=iri)
        if iri.startswith(str(WD)):
            qid = iri[len(str(WD)) :]
            return Cell(text if text != qid else f"Wikidata {qid}", href=iri, external=True)
        return Cell(text, title=iri)
    if isinstance(term, Literal):
        text = str(term)
        if column in QUOTE_COLUMNS:
            parts = [p for p in text.split(SEPARATOR) if p.strip()]
            return Cell(text, quotes=[(p, ctx.quote_href(p)) for p in parts])
        number = term.datatype is not None and str(term.datatype).endswith(("#integer", "#decimal", "#double", "#float", "#int"))
        return Cell(text, number=number, title=f"{text} ({term.language})" if term.language else None)
    return Cell(str(term))


def source_cell(ctx: Context, result: Result, term: Any) -> Cell:
    """A source by its title, linked to its page."""
    if not isinstance(term, URIRef):
        return Cell("")
    sid = ctx.source_id(str(term))
    return Cell(result.label(term), href=f"/sources/{sid}", title=sid)


def table(ctx: Context, result: Result) -> dict[str, Any]:
    """A result for the results macro: columns, rows of cells, the boolean of an ASK, truncation
    (and ``page``, the pager's line and links, which the page adds)."""
    if result.boolean is not None:
        return {"boolean": result.boolean, "columns": [], "rows": [], "truncated": None, "page": None}
    rows = [[cell(ctx, result, term, column) for column, term in zip(result.variables, row, strict=True)] for row in result.rows]
    cap = ctx.settings["row_cap"] if result.truncated else None
    return {"boolean": None, "columns": list(result.variables), "rows": rows, "truncated": cap, "page": None}


async def labelled(ctx: Context, result: Result, lang: str) -> Result:
    await run_in_threadpool(ctx.kg.add_labels, result, lang)
    return result
