"""The map view of the saved queries about places, in-process (Starlette's TestClient): every shaded
area shows its rows' counts and reports as the answer gives them, an area no row names is grey,
what no map draws is named, the attribution is on the page; in English and Spanish."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from map_support import MAP_QUERIES, expected_areas
from service_support import client_for

from tipkg.messages import text
from tipkg.service.placemaps import MAX_LINES, Placed, shades

SVG = "{http://www.w3.org/2000/svg}"
_MAP = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" class="map".*?</svg>', re.S)


def maps_of(html: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(svg) for svg in _MAP.findall(html)]


def shaded(svg: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {p.get("data-code", ""): p for p in svg.iter(f"{SVG}path") if "shaded" in (p.get("class") or "")}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", sorted(MAP_QUERIES))
def test_every_shaded_area_shows_what_the_answer_says_of_it(client: Any, name: str, lang: str) -> None:
    rows = client.get(f"/queries/{name}.json?lang={lang}").json()
    expected, _ = expected_areas(name, rows)
    assert expected, "the answer names no place with a code"
    page = client.get(f"/queries/{name}?lang={lang}")
    assert page.status_code == 200
    maps = maps_of(page.text)
    found = {code: (svg.get("data-atlas"), path) for svg in maps for code, path in shaded(svg).items()}
    assert sorted(found) == sorted(expected)  # one shaded area per code the answer names, and no other
    for code, (atlas, path) in found.items():
        assert atlas == ("mexico" if code.startswith("MX-") else "world")
        assert path.get("data-value") == expected[code].value
        lines = (path.findtext(f"{SVG}title") or "").split("\n")
        assert lines == [text("site.map.line_source", lang, name=n, value=said, source=source) for n, said, source in expected[code].rows]
    for svg in maps:  # the areas no row names: grey, no value
        grey = [p for p in svg.iter(f"{SVG}path") if p.get("data-code") is None]
        assert grey and all(p.get("data-value") is None and p.get("fill") == "#e3e7eb" for p in grey)


@pytest.mark.parametrize("name", sorted(MAP_QUERIES))
def test_the_page_names_what_no_map_draws_and_the_boundaries_it_uses(client: Any, name: str) -> None:
    rows = client.get(f"/queries/{name}.json").json()
    expected, left_out = expected_areas(name, rows)
    html = client.get(f"/queries/{name}").text
    atlases = {svg.get("data-atlas") for svg in maps_of(html)}
    html = unescape(html)
    if left_out:
        assert text("site.map.left_out", names=", ".join(left_out)) in html
    else:
        assert text("site.map.left_out", names="").split(":")[0] not in html
    assert atlases == {"mexico" if code.startswith("MX-") else "world" for code in expected}
    for key, package in (("world", "world-atlas 2.0.2"), ("mexico", "@svg-maps/mexico 2.0.0")):
        attribution = text(f"site.map.attribution_{key}", package=package)
        assert (attribution in html) == (key in atlases)
        assert (f"<figcaption>{text(f'site.map.{key}')}</figcaption>" in html) == (key in atlases)


def test_the_map_reads_the_count_as_the_language_asks_and_says_so_in_spanish(client: Any) -> None:
    html = client.get("/queries/victims_by_nationality?lang=es").text
    assert "<h2>Mapa</h2>" in html
    assert "Fronteras: Natural Earth (dominio público), del paquete npm world-atlas 2.0.2" in html
    assert ", según " in html and ", according to " not in html
    headings = re.findall(r'<text class="legend-heading"[^>]*>([^<]*)<tspan[^>]*>([^<]*)</tspan>', html)
    assert headings and set(headings) == {(f"{text('site.map.count', 'es')} ", "?victims")}  # the word in Spanish, the column as named


def test_a_place_whose_code_no_map_draws_is_named_under_the_maps(built_network: Path) -> None:
    """The network fixture: Mexico (MX) on the world map; Ruritania (XR, a user-assigned code) and
    the cities on none."""
    for client in client_for(built_network):
        html = client.get("/queries/places").text
        (world,) = maps_of(html)
        assert world.get("data-atlas") == "world" and list(shaded(world)) == ["MX"]
        assert text("site.map.left_out", names="Ciudad Peña, Los Ángeles, Ruritania") in unescape(html)


def test_without_the_boundaries_the_page_says_how_to_install_them(built_real: Path, tmp_path: Path) -> None:
    """A project whose node_modules is missing (make not run): the answer, and no map but a line."""
    for part in ("build", "queries", "ontology", "graph_data"):
        (tmp_path / part).symlink_to(built_real / part)
    for client in client_for(tmp_path):
        page = client.get("/queries/substantive_state_laws")
        assert page.status_code == 200 and maps_of(page.text) == []
        assert text("site.map.not_installed") in page.text
        assert "/id/place/chiapas" in page.text  # the answer is there, as a table


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_area_many_rows_name_takes_their_largest_count_and_counts_the_rows_past_its_title(lang: str) -> None:
    rows = [Placed("GT", "Guatemala", float(n), f"Guatemala: {n}") for n in range(MAX_LINES + 3)]
    rows += [Placed("", "Los Angeles", 1.0, "Los Angeles: 1"), Placed("SV", "El Salvador", None, "El Salvador: a law")]
    found = shades(rows, lambda key, **fields: text(key, lang, **fields))
    assert sorted(found) == ["GT", "SV"]
    assert found["GT"].value == MAX_LINES + 2 and found["SV"].value is None
    assert found["GT"].lines == (*[r.line for r in rows[:MAX_LINES]], text("site.map.more_rows", lang, n=3))


MIXED = """#defaultView:Map
PREFIX place: <https://w3id.org/tipkg/id/place/>
SELECT ?c ?n WHERE { VALUES (?c ?n) { (place:guatemala 123) (place:honduras 10) (place:el-salvador UNDEF) (place:chiapas UNDEF) } }"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_counted_map_draws_the_rows_without_a_count_outside_the_scale(client: Any, lang: str) -> None:
    from tipkg.viz.maps import BLUES, NO_COUNT

    page = client.get("/sparql", params={"query": MIXED, "lang": lang})
    assert page.status_code == 200
    fills = {code: p.get("fill") for svg in maps_of(page.text) for code, p in shaded(svg).items()}
    assert fills["SV"] == fills["MX-CHP"] == NO_COUNT
    assert fills["GT"] in BLUES and fills["HN"] in BLUES and NO_COUNT not in BLUES
    legends = [[t.text for t in svg.iter(f"{SVG}text")] for svg in maps_of(page.text)]
    assert all(text("site.map.no_count", lang) in legend for legend in legends)
