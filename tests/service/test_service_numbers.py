"""Cells no view can draw (TestClient against the real app): ``INF``, ``-INF``, ``NaN`` and text in
an answer's column of counts. The bar chart and the map answer, leave the cell out, draw the
finite counts; the table still shows every cell as the answer writes it."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from tipkg.viz.maps import NO_COUNT

QUERY = """#defaultView:{view}
PREFIX place: <https://w3id.org/tipkg/id/place/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?c ?n WHERE {{ VALUES (?c ?n) {{ (place:guatemala 123) (place:el-salvador 7) (place:honduras {cell}) }} }}"""
CELLS = {  # the cell as the query writes it -> as the table shows it (in any case)
    '"INF"^^xsd:double': "INF",
    '"-INF"^^xsd:double': "-INF",
    '"NaN"^^xsd:double': "NaN",
    '"abc"^^xsd:string': "abc",
    '"abc"': "abc",
}
TEXTUAL = {'"abc"^^xsd:string', '"abc"'}  # no column of numbers at all: no chart, a marked map
_SVG = re.compile(r"<svg .*?</svg>", re.S)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def page(client: Any, view: str, cell: str) -> str:
    r = client.get("/sparql", params={"query": QUERY.format(view=view, cell=cell)})
    assert r.status_code == 200, r.text[:300]
    shown = [unescape(re.sub(r"<[^>]+>", "", c)).strip().lower() for c in _CELL.findall(r.text)]
    assert CELLS[cell].lower() in shown  # the table shows it
    return str(r.text)


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_the_bar_chart_leaves_out_what_is_not_a_finite_number(client: Any, cell: str) -> None:
    svgs = [s for s in _SVG.findall(page(client, "BarChart", cell)) if 'class="chart"' in s]
    if cell in TEXTUAL:
        assert svgs == []
        return
    (svg,) = svgs
    titles = re.findall(r"<title>(.*?)</title>", svg)
    assert sorted(titles) == ["El Salvador: 7", "Guatemala: 123"]


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_the_map_leaves_out_what_is_not_a_finite_number(client: Any, cell: str) -> None:
    (svg,) = [s for s in _SVG.findall(page(client, "Map", cell)) if 'class="map"' in s]
    areas = dict(re.findall(r'<path class="area shaded" data-code="([A-Z]+)"([^>]*)>', svg))
    assert sorted(areas) == ["GT", "HN", "SV"]
    values = {code: re.findall(r'data-value="([^"]*)"', attrs) for code, attrs in areas.items()}
    if cell in TEXTUAL:
        assert values == {"GT": [], "HN": [], "SV": []}  # no column of numbers: every area marked
    else:
        assert values == {"GT": ["123"], "HN": [], "SV": ["7"]}
        assert f'fill="{NO_COUNT}"' in areas["HN"]
