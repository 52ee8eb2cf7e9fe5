"""Charts of query results as plain inline SVG, written on the server: no script, no network.

:func:`bar_charts` draws one horizontal bar chart per numeric column of a result (a lower bound
column ``moreThan`` and an approximate one ``about`` join the first measure's chart as "more than N" and
"about N" bars, as does a figure flagged by a true ``moreThan`` or ``about``); :func:`timeline` draws the
rows on a time axis, a point per date or a bar from ``start`` to ``end``. Every text reaches the
SVG escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from rdflib import Literal
from rdflib.namespace import XSD

from tipkg.service import numbers
from tipkg.sparql.results import Result

DATES = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.dateTime}
NOT_MEASURES = ("start", "end")  # offsets and periods: not what a bar measures
LOWER_BOUND = "moreThan"
APPROXIMATE = "about"
_QUALIFIED = {LOWER_BOUND: "more than ", APPROXIMATE: "about "}
QUALIFIER_MESSAGES = {LOWER_BOUND: "site.chart.more_than", APPROXIMATE: "site.chart.about"}  # their words, by page language


def flagged(term: object) -> bool:
    """Whether a qualifier column's cell says its row's figure is of that kind (``true``)."""
    return isinstance(term, Literal) and term.datatype == XSD.boolean and term.toPython() is True


MAX_ROWS = 60
WIDTH = 760
LABEL_WIDTH = 300
ROW = 22
COLORS = ("#3b6ea8", "#b5651d", "#4f8a4f")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    lower_bound: bool = False
    approximate: bool = False


def _year(term: object) -> float | None:
    """A date as a fractional year: 2010, 2010-04 (2010.25), 2010-04-16."""
    if not isinstance(term, Literal) or term.datatype not in DATES:
        return None
    text = str(term).lstrip("-")
    parts = text[:10].split("-")
    try:
        year = float(parts[0])
        month = float(parts[1]) if len(parts) > 1 else 1.0
        day = float(parts[2][:2]) if len(parts) > 2 else 1.0
    except (ValueError, IndexError):
        return None
    return year + (month - 1) / 12 + (day - 1) / 365


def _until(term: object) -> float | None:
    """Where a date ends, as a fractional year: 2010 at 2011, 2010-04 at 2010-05, a day the next day."""
    start = _year(term)
    if start is None or not isinstance(term, Literal):
        return None
    return start + {XSD.gYear: 1.0, XSD.gYearMonth: 1 / 12}.get(term.datatype, 1 / 365)  # type: ignore[arg-type]


def numeric_columns(result: Result, skip: set[str]) -> list[str]:
    """Columns whose values are all typed as numbers, at least one finite (:mod:`tipkg.service.numbers`),
    parameters and evidence aside."""
    out = []
    for i, v in enumerate(result.variables):
        values = [row[i] for row in result.rows if row[i] is not None]
        if v not in skip and values and all(numbers.is_number(x) for x in values) and any(numbers.value(x) is not None for x in values):
            out.append(v)
    return out


def can_chart(result: Result, params: set[str] | None = None) -> bool:
    """Whether :func:`bar_charts` draws a chart: a column of numbers, and one of what they count."""
    skip = set(params or ()) | {"evidence"}
    numeric = numeric_columns(result, skip)
    return any(c not in NOT_MEASURES for c in numeric) and any(v not in skip and v not in numeric for v in result.variables)


def has_dates(result: Result, params: set[str] | None = None) -> bool:
    """Whether :func:`timeline` has a date to place."""
    skip = set(params or ())
    return any(_year(term) is not None for row in result.rows for v, term in zip(result.variables, row, strict=True) if v not in skip)


def _labels(result: Result, skip: set[str]) -> list[str]:
    """A name for each row: its first describing column, with the second where names repeat."""
    numeric = set(numeric_columns(result, skip))
    describing = [v for v in result.variables if v not in skip and v not in numeric and v != "evidence"]
    index = {v: i for i, v in enumerate(result.variables)}

    def text(row: tuple[object, ...], column: str) -> str:
        value = row[index[column]]
        return result.label(value) if value is not None else ""  # type: ignore[arg-type]

    first = [text(r, describing[0]) if describing else str(n + 1) for n, r in enumerate(result.rows)]
    if len(set(first)) < len(first) and len(describing) > 1:
        return [" · ".join(x for x in (a, text(r, describing[1])) if x) for a, r in zip(first, result.rows, strict=True)]
    return first


def bar_charts(result: Result, params: set[str] | None = None, words: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(column, SVG) of a bar chart for each numeric column of ``result``; at most three. A row's
    figure is qualified by a true ``moreThan`` or ``about`` beside it, whatever the figure's column
    is called; a ``moreThan`` or ``about`` column of numbers fills the first measure's empty cells,
    or is the measure itself where there is no other. ``words``: the qualifiers' words
    (``{"moreThan": "more than ", "about": "about "}``, the page's language)."""
    skip = set(params or ()) | {"evidence"}
    numeric = [c for c in numeric_columns(result, skip) if c not in NOT_MEASURES]
    measures = [c for c in numeric if c not in _QUALIFIED] or numeric
    labels = _labels(result, skip)
    index = {v: i for i, v in enumerate(result.variables)}
    charts: list[tuple[str, str]] = []
    for n, column in enumerate(measures):
        bars = []
        for label, row in zip(labels, result.rows, strict=True):
            value = numbers.value(row[index[column]])
            how = column if column in _QUALIFIED else ""
            for qualifier in (q for q in _QUALIFIED if q in index and q != column):
                cell = row[index[qualifier]]
                if value is None and n == 0 and numbers.value(cell) is not None:
                    value, how = numbers.value(cell), qualifier
                elif flagged(cell):
                    how = qualifier  # the figure is in its own column, this one says what kind
            if value is not None:
                bars.append(Bar(label, value, how == LOWER_BOUND, how == APPROXIMATE))
        if bars:
            charts.append((column, bar_svg(bars, column, COLORS[len(charts) % len(COLORS)], words)))
    return charts[:3]


def bar_svg(bars: list[Bar], title: str, color: str = COLORS[0], words: dict[str, str] | None = None) -> str:
    """A horizontal bar chart; bars for lower bounds are hatched and read "more than N", approximate
    ones are outlined and read "about N"."""
    shown = bars[:MAX_ROWS]
    top = max((b.value for b in shown), default=0.0) or 1.0
    area = WIDTH - LABEL_WIDTH - 110
    height = ROW * len(shown) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
        '<defs><pattern id="bound" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="3" height="6" fill="{color}"/></pattern></defs>',
    ]
    for i, bar in enumerate(shown):
        y = 24 + i * ROW
        width = max(1.0, area * max(bar.value, 0.0) / top)
        label = bar.label if len(bar.label) <= 44 else bar.label[:43] + "…"
        said = words or _QUALIFIED
        qualifier = said[LOWER_BOUND] if bar.lower_bound else said[APPROXIMATE] if bar.approximate else ""
        number = qualifier + numbers.written(bar.value)
        fill = "url(#bound)" if bar.lower_bound else "none" if bar.approximate else color
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(number)}</title>"
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" font-size="12" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" fill="{fill}" stroke="{color}"/>'
            f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + 14}" font-size="12">{escape(number)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Event:
    label: str
    start: float
    end: float | None
    text: str  # the dates as the report gives them
    detail: str = ""  # what the date is (created, published ...)


def timeline(result: Result, params: set[str] | None = None) -> str | None:
    """The rows on a time axis, or ``None`` when the result has no dates."""
    skip = set(params or ())
    index = {v: i for i, v in enumerate(result.variables)}
    dated = [v for v in result.variables if v not in skip and any(_year(r[index[v]]) is not None for r in result.rows)]
    if not dated:
        return None
    start_col = "start" if "start" in dated else dated[0]
    end_col = "end" if "end" in dated and start_col == "start" else None
    entity = _entity_column(result, skip)
    events = []
    rows = result.rows
    if "event" in index and entity:
        spans, rows = _periods(result, index, entity, start_col)
        events += spans
    for row in rows:
        start = _year(row[index[start_col]])
        last = row[index[end_col]] if end_col else None
        end = _until(last)
        if start is None and end is not None:
            start, end = _year(last), None
        if start is None:
            continue
        label = result.label(row[index[entity]]) if entity and row[index[entity]] is not None else ""  # type: ignore[arg-type]
        detail = result.label(row[index["event"]]) if "event" in index and row[index["event"]] is not None else ""  # type: ignore[arg-type]
        dates = "–".join(str(row[index[c]]) for c in (start_col, end_col) if c and row[index[c]] is not None)
        events.append(Event(label, start, end, dates, detail))
    if not events:
        return None
    return timeline_svg(sorted(events, key=lambda e: (e.start, e.label)))


def _periods(result: Result, index: dict[str, int], entity: str, date: str) -> tuple[list[Event], list[Any]]:
    """Rows that give one entity's start and end (``event`` startDate and endDate, of one source
    where the result names sources) as one span; the other rows as they are."""
    ends: dict[tuple[Any, Any], dict[str, Any]] = {}
    for row in result.rows:
        kind = str(row[index["event"]] or "").rsplit("#", 1)[-1]
        if kind in _PERIOD:
            key = (row[index[entity]], row[index["source"]] if "source" in index else None)
            ends.setdefault(key, {})[kind] = row
    paired = {id(r) for both in ends.values() if len(both) == 2 for r in both.values()}
    spans = []
    for (subject, _source), both in ends.items():
        if len(both) == 2:
            first, last = both["startDate"][index[date]], both["endDate"][index[date]]
            start, end = _year(first), _until(last)
            if start is not None and end is not None:
                label = result.label(subject) if subject is not None else ""  # type: ignore[arg-type]
                spans.append(Event(label, start, end, f"{first}–{last}", "period"))
    return spans, [r for r in result.rows if id(r) not in paired]


_PERIOD = ("startDate", "endDate")


def _entity_column(result: Result, skip: set[str]) -> str | None:
    iri_columns = [v for v in result.iri_columns() if v not in skip and v not in ("class", "event", "area")]
    return iri_columns[0] if iri_columns else None


def timeline_svg(events: list[Event]) -> str:
    shown = events[:MAX_ROWS]
    first = int(min(e.start for e in shown))
    last = math.ceil(max(max(e.start, e.end or e.start) for e in shown)) + 1
    span = max(1, last - first)
    area = WIDTH - LABEL_WIDTH - 20
    height = ROW * len(shown) + 40

    def x(year: float) -> float:
        return LABEL_WIDTH + area * (year - first) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"'
        ' role="img" aria-label="timeline">'
    ]
    step = 1 if span <= 12 else 5
    for year in range(first, last + 1, step):
        parts.append(
            f'<line x1="{x(year):.1f}" y1="18" x2="{x(year):.1f}" y2="{height - 4}" stroke="#d5dbe1"/>'
            f'<text x="{x(year):.1f}" y="12" font-size="11" text-anchor="middle">{year}</text>'
        )
    for i, event in enumerate(shown):
        y = 24 + i * ROW
        label = event.label if len(event.label) <= 44 else event.label[:43] + "…"
        parts.append(f"<g><title>{escape(event.label)}: {escape(event.text)}</title>")
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 14}" font-size="12" text-anchor="end">{escape(label)}</text>')
        if event.end is not None and event.end > event.start:
            width = max(4.0, x(event.end) - x(event.start))
            parts.append(f'<rect x="{x(event.start):.1f}" y="{y + 4}" width="{width:.1f}" height="{ROW - 8}" rx="3" fill="{COLORS[0]}"/>')
        else:
            parts.append(f'<circle cx="{x(event.start):.1f}" cy="{y + 10}" r="5" fill="{COLORS[1]}"/>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
