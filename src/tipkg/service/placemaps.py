"""The map view of an answer: where its rows lie, what they count, and the SVG maps that show it.

A row lies where its ISO 3166 code says: the ``iso3166Code`` column where the answer has one,
else the code the graph gives (``tipkg:iso3166Code``) to the first column of places. It is counted
by the answer's first column of numbers (as the bar charts read them: :mod:`tipkg.service.numbers`),
else marked. An area several rows name takes the largest of their counts, and its title gives every
row's, each with the report that states it (the ``source`` column). The countries go on the world
map and Mexico's states on Mexico's (:mod:`tipkg.viz.atlas`); what no map draws (cities, a place
without a code) is named under the maps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from starlette.concurrency import run_in_threadpool

from tipkg.service import numbers
from tipkg.service.charts import NOT_MEASURES, QUALIFIER_MESSAGES, flagged, numeric_columns
from tipkg.service.context import Context
from tipkg.sparql.results import Result
from tipkg.viz.maps import WORDS, Shade, Words, draw

CODE_COLUMN = "iso3166Code"  # the ontology property's name, as the saved queries name the column
SOURCE_COLUMN = "source"
MAX_LINES = 12  # of an area's title: the rows past them are counted
Q_CODES = "PREFIX tipkg: <https://w3id.org/tipkg/ontology#> SELECT ?place ?code WHERE { ?place tipkg:iso3166Code ?code }"


@dataclass
class Maps:
    """What the page shows: the SVG maps with their captions, the names no map draws, and whether
    the boundaries are installed."""

    figures: list[tuple[str, str]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    installed: bool = True


@dataclass(frozen=True)
class Placed:
    """One row of the answer, on the map: its area's code (``""``: none), its name, its count, its line."""

    code: str
    name: str
    value: float | None
    line: str


def place_codes(ctx: Context) -> dict[URIRef, str]:
    """Every place of the graph that has an ISO 3166 code, with its code (read once)."""

    def read() -> dict[URIRef, str]:
        result = ctx.kg.query(Q_CODES)
        return {place: str(code) for place, code in result.rows if isinstance(place, URIRef) and code is not None}

    return ctx.memo("place-codes", read)


def placed_rows(result: Result, codes: dict[URIRef, str], skip: set[str], t: Words) -> tuple[list[Placed], str | None]:
    """Each row of ``result`` with where it lies and what it counts, and the name of the counted column."""
    index = {v: i for i, v in enumerate(result.variables)}
    iris = [v for v in result.iri_columns() if v not in skip and v != SOURCE_COLUMN]
    place = next((v for v in iris if any(r[index[v]] in codes for r in result.rows)), None)
    named = place if place else (iris[0] if iris else None)
    measures = [c for c in numeric_columns(result, skip) if c not in NOT_MEASURES]
    measure = measures[0] if measures else None
    other = next((v for v in iris if v not in (named, "class")), None)  # what a marked row says of its place
    placed = []
    for row in result.rows:
        if CODE_COLUMN in index:
            code = str(row[index[CODE_COLUMN]]) if isinstance(row[index[CODE_COLUMN]], Literal) else ""
        else:
            term = row[index[place]] if place else None
            code = codes.get(term, "") if isinstance(term, URIRef) else ""
        name = result.label(row[index[named]]) if named else code
        value = numbers.value(row[index[measure]]) if measure else None
        said = numbers.written(value) if value is not None else (result.label(row[index[other]]) if other else t("site.map.named"))
        if value is not None:  # "more than 26", "about 300": a true flag beside the figure says what kind
            flags = [q for q in QUALIFIER_MESSAGES if q in index and flagged(row[index[q]])]
            said = t(QUALIFIER_MESSAGES[flags[0]]) + said if flags else said
        source = row[index[SOURCE_COLUMN]] if SOURCE_COLUMN in index else None
        line = t("site.map.line_source", name=name, value=said, source=result.label(source)) if source else f"{name}: {said}"
        placed.append(Placed(code, name, value, line))
    return placed, measure


def shades(placed: list[Placed], t: Words) -> dict[str, Shade]:
    """One shade per code: the largest count of its rows, and the lines of its first rows
    (:data:`MAX_LINES`; a title is read on hovering, not scrolled)."""
    lines: dict[str, list[str]] = {}
    values: dict[str, list[float]] = {}
    for p in placed:
        if p.code:
            lines.setdefault(p.code, []).append(p.line)
            values.setdefault(p.code, []).extend([p.value] if p.value is not None else [])
    out = {}
    for code, said in lines.items():
        more = [t("site.map.more_rows", n=len(said) - MAX_LINES)] if len(said) > MAX_LINES else []
        out[code] = Shade(code, max(values[code]) if values[code] else None, tuple(said[:MAX_LINES] + more))
    return out


def query_maps(ctx: Context, result: Result, skip: set[str], t: Words) -> Maps:
    """The maps of ``result`` (``skip``: the query's parameters, which place no row)."""
    from tipkg.viz.atlas import atlas_for, load_atlases

    atlases = load_atlases((ctx.root / "node_modules").resolve())
    if not atlases:
        return Maps(installed=False)
    placed, measure = placed_rows(result, place_codes(ctx), skip | {"evidence"}, t)
    drawn = [p for p in placed if atlas_for(atlases, p.code)]
    left_out = list(dict.fromkeys(p.name for p in placed if not atlas_for(atlases, p.code)))
    by_code = shades(drawn, t)
    figures = []
    for atlas in atlases:
        mine = {code: shade for code, shade in by_code.items() if atlas_for(atlases, code) is atlas}
        if mine:
            figures.append((t(WORDS[atlas.key][0]), draw(atlas, mine, measure, t)))
    return Maps(figures, left_out)


async def maps_page(ctx: Context, result: Result, skip: set[str], t: Words) -> Maps:
    """:func:`query_maps` off the event loop (the codes may be read, the boundaries loaded)."""
    return await run_in_threadpool(query_maps, ctx, result, skip, t)
