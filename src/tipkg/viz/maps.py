"""Maps of query answers as plain SVG, drawn on the server from the boundaries of
:mod:`tipkg.viz.atlas`: no script, no tile, no request.

An answer's rows become :class:`Shade` s, one per area: the areas are coloured by a count (a
sequential scale of at most five classes, with a legend) or, where the answer has no number,
marked; on a counted map, an area named without a number is drawn in a colour outside the scale,
with a legend entry of its own. Each shaded area's ``<title>`` says what the rows say of it, each
row with the report that states it; an area no row names stays grey, with its name only. Every
text reaches the SVG escaped; the attribution line names the boundary data, its licence and its package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from tipkg.service.numbers import written
from tipkg.viz.atlas import Atlas

Words = Callable[..., str]  # a message id and its fields -> the text, in the page's language

# ColorBrewer's sequential "Blues" (Cynthia Brewer, Pennsylvania State University; Apache-2.0), light to dark
BLUES = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
MARKED = "#3182bd"
NO_COUNT = "#fdae6b"  # a named area without a number, on a counted map: orange, outside the blue scale
EMPTY = "#e3e7eb"
WIDTH = 760
# each atlas' name and attribution line (the data, its licence, the package), by the atlas' key
WORDS = {"world": ("site.map.world", "site.map.attribution_world"), "mexico": ("site.map.mexico", "site.map.attribution_mexico")}
LEGEND = 22  # the height of a legend row


@dataclass(frozen=True)
class Shade:
    """What an answer says of one area: its number (``None``: named without one) and one line per
    row, for its title."""

    code: str
    value: float | None
    lines: tuple[str, ...]


def classes(values: list[float], most: int = len(BLUES)) -> list[tuple[float, float]]:
    """The (lowest, highest) of each class: one per value where there are few, else ``most``
    classes holding as many distinct values each (quantiles, so that one large value does not
    leave every other area in the first class).

    >>> classes([1, 10, 2, 10])
    [(1, 1), (2, 2), (10, 10)]
    >>> classes([1, 2, 3, 4, 5, 6, 7, 100], most=4)
    [(1, 2), (3, 4), (5, 6), (7, 100)]
    """
    distinct = sorted(set(values))
    if len(distinct) <= most:
        return [(v, v) for v in distinct]
    n = len(distinct)
    return [(distinct[k * n // most], distinct[(k + 1) * n // most - 1]) for k in range(most)]


def colours(count: int) -> tuple[str, ...]:
    """``count`` colours of the scale, spread from light to dark.

    >>> colours(2), colours(1)
    (('#c6dbef', '#08519c'), ('#3182bd',))
    """
    if count == 1:
        return (MARKED,)
    return tuple(BLUES[round(k * (len(BLUES) - 1) / (count - 1))] for k in range(count))


def draw(atlas: Atlas, shades: dict[str, Shade], measure: str | None, t: Words) -> str:
    """The SVG map of ``atlas`` with ``shades`` (by ISO 3166 code), a legend (of ``measure``, the
    counted column, or of the marks) and the attribution line."""
    values = [s.value for s in shades.values() if s.value is not None]
    bins = classes(values) if measure and values else []  # a counted map (``measure``) may count none of its areas
    fills = colours(len(bins)) if bins else ()

    def fill(shade: Shade) -> str:
        if shade.value is None:
            return NO_COUNT if measure else MARKED
        return next(f for (low, high), f in zip(bins, fills, strict=True) if shade.value <= high)

    scale = WIDTH / atlas.width
    height = atlas.height * scale
    legend = [(MARKED, t("site.map.named")), (EMPTY, t("site.map.not_named"))]
    if measure:
        ranges = [written(low) if low == high else t("site.map.range", low=written(low), high=written(high)) for low, high in bins]
        legend = list(zip(fills, ranges, strict=True))
        if any(s.value is None for s in shades.values()):
            legend.append((NO_COUNT, t("site.map.no_count")))
    top = height + 16 + (LEGEND if measure else 0)
    total = top + LEGEND * len(legend) + 22
    name, attribution = (t(key, package=atlas.package) for key in WORDS[atlas.key])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" data-atlas="{atlas.key}" width="{WIDTH}" height="{total:.0f}"'
        f' viewBox="0 0 {WIDTH} {total:.0f}" role="img" aria-label="{escape(name)}">',
        f'<g transform="scale({scale:.5f})" stroke="#ffffff" stroke-width="{0.6 / scale:.3f}" stroke-linejoin="round">',
    ]
    for area in atlas.areas:
        shade = shades.get(area.code) if area.code else None
        if shade is None:
            parts.append(f'<path class="area" d="{escape(area.path)}" fill="{EMPTY}"><title>{escape(area.name)}</title></path>')
            continue
        value = "" if shade.value is None else f' data-value="{escape(written(shade.value))}"'
        parts.append(
            f'<path class="area shaded" data-code="{escape(area.code)}"{value} d="{escape(area.path)}" fill="{fill(shade)}">'
            f"<title>{escape(chr(10).join(shade.lines))}</title></path>"
        )
    parts.append("</g>")
    if measure:
        parts.append(  # the word in the page's language; the answer's column, as the query names it, beside it
            f'<text class="legend-heading" x="0" y="{height + 28:.0f}" font-size="12" font-weight="bold">{escape(t("site.map.count"))}'
            f' <tspan font-weight="normal" fill="#555">?{escape(measure)}</tspan></text>'
        )
    for i, (colour, text) in enumerate(legend):
        y = top + i * LEGEND
        parts.append(
            f'<rect x="0" y="{y:.0f}" width="18" height="14" fill="{colour}" stroke="#999"/>'
            f'<text x="24" y="{y + 12:.0f}" font-size="12">{escape(text)}</text>'
        )
    parts.append(f'<text class="attribution" x="0" y="{total - 6:.0f}" font-size="11" fill="#555">{escape(attribution)}</text>')
    parts.append("</svg>")
    return "".join(parts)
