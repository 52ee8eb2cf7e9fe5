"""The maps' boundaries: TopoJSON decoded and projected on small topologies made here, and the
atlases read from what ``make`` installed from npm, checked against ISO 3166 (pycountry) and the
places of the curated data."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pycountry
import pytest
import yaml

from tipkg.viz.atlas import Atlas, atlas_for, load_atlases, natural_earth, parse_svg_map, parse_world, split_at_antimeridian

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
PLACES = yaml.safe_load((ROOT / "graph_data" / "mx-2011" / "places.yaml").read_text(encoding="utf-8"))["records"]
CODES = sorted(r["iso3166Code"] for r in PLACES if "iso3166Code" in r)
_POINT = re.compile(r"(-?[\d.]+),(-?[\d.]+)")


@pytest.fixture(scope="module")
def atlases() -> dict[str, Atlas]:
    found = load_atlases(NODE_MODULES.resolve())
    assert found, f"no boundaries under {NODE_MODULES}: run make (npm ci)"
    return {a.key: a for a in found}


def _points(path: str) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y in _POINT.findall(sub)] for sub in path.split("M")[1:]]


# -- on topologies made here ------------------------------------------------------------------------

SQUARES = {
    "type": "Topology",
    "transform": {"scale": [1.0, 1.0], "translate": [-10, -10]},
    # arc 0: a square's outline from (-10,-10), delta-encoded; arc 1: a second square, east of 0
    "arcs": [[[0, 0], [5, 0], [0, 5], [-5, 0], [0, -5]], [[12, 0], [5, 0], [0, 5], [-5, 0], [0, -5]]],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "320", "properties": {"name": "West"}, "arcs": [[0]]},
                {"type": "MultiPolygon", "id": "-99", "properties": {"name": "No code"}, "arcs": [[[~1]]]},
                {"type": "Polygon", "id": "010", "properties": {"name": "Antarctica"}, "arcs": [[1]]},
            ],
        }
    },
}


def test_a_topology_becomes_areas_coded_alpha_2_in_a_frame_of_the_given_width() -> None:
    areas, height = parse_world(SQUARES, {"320": "GT"}, width=100)
    assert [(a.code, a.name) for a in areas] == [("GT", "West"), ("", "No code")]  # Antarctica left out
    points = [p for a in areas for ring in _points(a.path) for p in ring]
    assert min(x for x, _ in points) == 0 and max(x for x, _ in points) == 100
    assert min(y for _, y in points) == 0 and max(y for _, y in points) == pytest.approx(height, abs=0.1)
    west = _points(areas[0].path)[0]
    assert len(west) == 4  # the closing point repeats the first and is dropped; Z closes the ring


def test_the_projection_keeps_the_equator_and_the_prime_meridian_and_mirrors() -> None:
    assert natural_earth(0, 0) == (0.0, 0.0)
    x, y = natural_earth(30, 40)
    assert natural_earth(-30, -40) == pytest.approx((-x, -y))
    assert x > 0 and y > 0


@pytest.mark.parametrize(
    ("ring", "parts"),
    [
        ([(10, 0), (20, 0), (20, 5), (10, 0)], 1),
        ([(175, 60), (-175, 60), (-175, 65), (175, 65), (175, 60)], 2),  # crosses eastwards
        ([(-175, 60), (175, 60), (175, 65), (-175, 65), (-175, 60)], 2),  # crosses westwards
    ],
)
def test_a_ring_is_cut_at_the_antimeridian_into_parts_within_the_map(ring: list[tuple[float, float]], parts: int) -> None:
    cut = split_at_antimeridian(ring)
    assert len(cut) == parts
    assert all(-180 <= lon <= 180 for part in cut for lon, _ in part)
    assert all(max(lon for lon, _ in part) - min(lon for lon, _ in part) <= 10 for part in cut)


def test_an_svg_map_with_something_else_than_path_data_is_refused() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path id="x" d="M0 0 L1 1&quot;/&gt;"/></svg>'
    with pytest.raises(ValueError, match="not SVG path data"):
        parse_svg_map(svg, "MX-")


# -- the installed boundaries -----------------------------------------------------------------------


def test_every_country_code_of_the_world_atlas_is_an_iso_3166_alpha_2_code(atlases: dict[str, Atlas]) -> None:
    world = atlases["world"]
    coded = [a.code for a in world.areas if a.code]
    assert len(coded) == len(set(coded)) > 150
    assert all(pycountry.countries.get(alpha_2=code) is not None for code in coded)


def test_the_mexico_atlas_has_each_of_the_32_federal_entities_by_its_iso_3166_2_code(atlases: dict[str, Atlas]) -> None:
    expected = {s.code for s in pycountry.subdivisions.get(country_code="MX") if s.type in ("State", "Federal entity")}
    assert len(expected) == 32
    assert atlases["mexico"].codes == expected


@pytest.mark.parametrize("code", CODES)
def test_every_place_of_the_data_with_a_code_has_an_area(atlases: dict[str, Atlas], code: str) -> None:
    atlas = atlas_for(tuple(atlases.values()), code)
    assert atlas is not None and atlas.key == ("mexico" if code.startswith("MX-") else "world")


def test_no_outline_of_the_world_map_runs_across_it(atlases: dict[str, Atlas]) -> None:
    """Rings that cross the 180th meridian (Fiji, Russia) are cut: no edge spans half the map."""
    world = atlases["world"]
    long_edges = [
        a.name for a in world.areas for ring in _points(a.path) if any(abs(p[0] - q[0]) > world.width / 2 for p, q in pairwise(ring))
    ]
    assert long_edges == []


def test_the_atlases_name_their_packages(atlases: dict[str, Atlas]) -> None:
    assert atlases["world"].package.startswith("world-atlas ")
    assert atlases["mexico"].package.startswith("@svg-maps/mexico ")
