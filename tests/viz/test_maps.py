"""Maps drawn as SVG: shaded areas carry their values and titles, the others stay grey, the legend
follows the scale, every text is escaped, the attribution names the data; in both languages."""

from __future__ import annotations

import re
from functools import partial
from itertools import pairwise
from xml.etree import ElementTree

import pytest

from tipkg.messages import text
from tipkg.viz.atlas import Area, Atlas
from tipkg.viz.maps import BLUES, EMPTY, MARKED, NO_COUNT, Shade, classes, draw

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & Co'
ATLAS = Atlas(
    "world",
    (
        Area("GT", "Guatemala", "M0,0L10,0 10,10Z"),
        Area("HN", HOSTILE, "M10,0L20,0 20,10Z"),
        Area("SV", "El Salvador", "M20,0L30,0 30,10Z"),
        Area("", "No code", "M30,0L40,0 40,10Z"),
    ),
    40,
    10,
    "world-atlas 9.9.9",
)


def _paths(svg: str) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(svg).iter(f"{SVG}path"))


def _title(path: ElementTree.Element) -> str:
    return path.findtext(f"{SVG}title") or ""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_counted_areas_carry_their_value_and_title_and_the_others_stay_grey(lang: str) -> None:
    shades = {"GT": Shade("GT", 123, ("Guatemala: 123 (report A)",)), "HN": Shade("HN", 10, (f"{HOSTILE}: 10",))}
    svg = draw(ATLAS, shades, "victims", partial(text, lang=lang))
    paths = _paths(svg)  # parses: the hostile name is escaped
    shaded = {p.get("data-code"): p for p in paths if "shaded" in (p.get("class") or "")}
    assert set(shaded) == {"GT", "HN"}
    assert {code: p.get("data-value") for code, p in shaded.items()} == {"GT": "123", "HN": "10"}
    assert _title(shaded["GT"]) == "Guatemala: 123 (report A)" and _title(shaded["HN"]) == f"{HOSTILE}: 10"
    assert shaded["GT"].get("fill") == BLUES[-1] and shaded["HN"].get("fill") == BLUES[0]  # two classes: light and dark
    grey = [p for p in paths if p not in shaded.values()]
    assert [p.get("fill") for p in grey] == [EMPTY, EMPTY] and [_title(p) for p in grey] == ["El Salvador", "No code"]
    assert all(p.get("data-value") is None for p in grey)
    assert "<script>" not in svg
    legend = [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]
    assert legend[:3] == [f"{text('site.map.count', lang)} ", "10", "123"]
    (column,) = ElementTree.fromstring(svg).iter(f"{SVG}tspan")  # the answer's column, beside the catalogue's word
    assert column.text == "?victims"
    assert legend[-1] == text("site.map.attribution_world", lang, package="world-atlas 9.9.9")
    assert "Natural Earth" in legend[-1]


def test_marked_areas_share_one_colour_and_the_legend_says_named_or_not() -> None:
    shades = {"SV": Shade("SV", None, ("El Salvador: a law (report A)", "El Salvador: another law (report B)"))}
    svg = draw(ATLAS, shades, None, partial(text, lang="es"))
    (sv,) = [p for p in _paths(svg) if p.get("data-code")]
    assert sv.get("fill") == MARKED and sv.get("data-value") is None
    assert _title(sv).split("\n") == list(shades["SV"].lines)
    legend = [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]
    assert legend[:2] == [text("site.map.named", "es"), text("site.map.not_named", "es")]


def test_many_values_fall_into_five_classes_each_coloured_from_light_to_dark() -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]
    bins = classes(values)
    assert len(bins) == len(BLUES) and bins[0][0] == 1 and bins[-1][1] == 1000
    assert all(high < next_low for (_, high), (next_low, _) in pairwise(bins))
    atlas = Atlas("mexico", tuple(Area(f"MX-{i}", str(i), f"M{i},0L{i},1 {i + 1},1Z") for i in values), 1001, 2, "x 1")
    shades = {f"MX-{v}": Shade(f"MX-{v}", v, (str(v),)) for v in values}
    svg = draw(atlas, shades, "facts", partial(text, lang="en"))
    fills = [p.get("fill") for p in _paths(svg)]
    assert fills[0] == BLUES[0] and fills[-1] == BLUES[-1]
    assert sorted(set(fills), key=BLUES.index) == list(BLUES)
    assert re.search(r">1–2<", svg) and "MapSVG" in svg


@pytest.mark.parametrize("lang", ["en", "es"])
def test_on_a_counted_map_an_area_named_without_a_count_is_outside_the_scale_with_its_own_legend(lang: str) -> None:
    shades = {
        "GT": Shade("GT", 123, ("Guatemala: 123",)),
        "HN": Shade("HN", 10, ("Honduras: 10",)),
        "SV": Shade("SV", None, ("El Salvador: named",)),
    }
    svg = draw(ATLAS, shades, "victims", partial(text, lang=lang))
    fills = {p.get("data-code"): p.get("fill") for p in _paths(svg) if p.get("data-code")}
    assert fills["SV"] == NO_COUNT and NO_COUNT not in (*BLUES, EMPTY, MARKED)
    assert fills["GT"] in BLUES and fills["HN"] in BLUES
    root = ElementTree.fromstring(svg)
    swatches = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    legend = [t.text for t in root.iter(f"{SVG}text")][1:-1]  # past the heading, before the attribution
    assert list(zip(swatches, legend, strict=True))[-1] == (NO_COUNT, text("site.map.no_count", lang))
    assert swatches.count(NO_COUNT) == 1 and len(set(swatches)) == len(swatches)  # every legend colour tells one thing
