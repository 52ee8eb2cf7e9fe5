"""Boundaries for the maps, read from the packages ``make`` installs from the npm registry into the
project's ``node_modules/`` (``package.json``; never committed), so that a page draws a map with
no request leaving the machine and no script:

- countries from ``world-atlas`` (Natural Earth's Admin 0, 1:110m, public domain): TopoJSON in
  degrees, each country by its ISO 3166-1 numeric id, which :mod:`pycountry` turns into the
  alpha-2 code the graph's ``tipkg:iso3166Code`` holds;
- Mexico's states from ``@svg-maps/mexico`` (MapSVG's map, CC BY 4.0): SVG paths already
  projected, each state by the second part of its ISO 3166-2 code (``chp`` for ``MX-CHP``).

TopoJSON is decoded here (delta-encoded quantized arcs, ``~i`` for an arc walked backwards) and
projected with the Natural Earth projection (the polynomials of Šavrič et al. 2011, as d3-geo's
``geoNaturalEarth1``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

Point = tuple[float, float]
Ring = list[Point]

WORLD = ("world-atlas", "countries-110m.json")
MEXICO = ("@svg-maps/mexico", "mexico.svg")
WIDTH = 760.0  # of the world map's frame, in SVG units
LEFT_OUT = {"010"}  # Antarctica: no place of the graph lies there, and it would take a sixth of the height
_PATH_DATA = re.compile(r"^[MmZzLlHhVvCcSsQqTtAa0-9eE.,\s+-]+$")  # SVG path data, nothing else
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Area:
    """One area of an atlas: its ISO 3166 code (``""`` where it has none), its name in the boundary
    data, and its outline as SVG path data in the atlas' frame."""

    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Atlas:
    """The areas of one map, and the package they come from (the attribution names it)."""

    key: str  # "world" or "mexico"
    areas: tuple[Area, ...]
    width: float
    height: float
    package: str  # the npm package and version they were installed from

    def covers(self, code: str) -> bool:
        return code in self.codes

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(a.code for a in self.areas if a.code)


# -- TopoJSON ---------------------------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """The topology's arcs as lists of (longitude, latitude), undoing quantization and delta encoding.

    >>> decode_arcs({"transform": {"scale": [0.5, 2.0], "translate": [10, 20]}, "arcs": [[[2, 1], [2, -1]]]})
    [[(11.0, 22.0), (12.0, 20.0)]]
    """
    transform = topology.get("transform")
    if not transform:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[Ring], indices: list[int]) -> Ring:
    """A closed ring from arc indices: ``~i`` is arc ``i`` backwards; an arc's first point repeats
    the previous one's last and is dropped.

    >>> ring([[(0, 0), (1, 0)], [(0, 1), (1, 0)]], [0, ~1, 0])[:3]
    [(0, 0), (1, 0), (0, 1)]
    """
    points: Ring = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: dict[str, Any], arcs: list[Ring]) -> list[list[Ring]]:
    """A Polygon's or MultiPolygon's rings, per polygon (other geometries have none)."""
    if geometry.get("type") == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry.get("type") == "MultiPolygon":
        return [[ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]]
    return []


def split_at_antimeridian(points: Ring) -> list[Ring]:
    """A ring as the parts either side of the 180th meridian (Fiji's and Russia's cross it), each
    within -180..180 degrees; a ring that does not cross it, unchanged.

    >>> split_at_antimeridian([(170, 0), (-170, 0), (-170, 10), (170, 10), (170, 0)])
    [[(170, 0), (180.0, 0.0), (180.0, 10.0), (170, 10), (170, 0)], [(-180.0, 0.0), (-170, 0), (-170, 10), (-180.0, 10.0)]]
    """
    unwrapped = points[:1]
    for lon, lat in points[1:]:  # longitudes made continuous: past 180 rather than back to -180
        unwrapped.append((lon + 360 * round((unwrapped[-1][0] - lon) / 360), lat))
    lons = [lon for lon, _ in unwrapped]
    if min(lons) >= -180 and max(lons) <= 180:
        return [points]
    edge = 180.0 if max(lons) > 180 else -180.0
    near, far = _clip(unwrapped, edge, edge > 0), _clip(unwrapped, edge, edge < 0)
    shift = -360 if edge > 0 else 360
    parts = [near, [(lon + shift, lat) for lon, lat in far]]
    return [part for part in parts if len(part) > 2]


def _clip(points: Ring, edge: float, west: bool) -> Ring:
    """Sutherland–Hodgman: the ring cut to the side of the meridian ``edge`` (west or east of it)."""
    out: Ring = []
    for a, b in zip(points, points[1:] + points[:1], strict=True):
        a_in, b_in = (a[0] <= edge, b[0] <= edge) if west else (a[0] >= edge, b[0] >= edge)
        if a_in:
            out.append(a)
        if a_in != b_in:
            t = (edge - a[0]) / (b[0] - a[0])
            out.append((edge, a[1] + t * (b[1] - a[1])))
    return out


def natural_earth(lon: float, lat: float) -> Point:
    """The Natural Earth projection of a point in degrees, in units of the earth's radius.

    >>> natural_earth(0, 0), tuple(round(v, 4) for v in natural_earth(180, 0))
    ((0.0, 0.0), (2.7354, 0.0))
    """
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


def path_data(rings: list[Ring]) -> str:
    """SVG path data of rings already in the frame, to a tenth of a unit, repeated points dropped
    (the closing point too: ``Z`` closes the ring).

    >>> path_data([[(0, 0), (10.04, 0), (10, 0.01), (10, 5)]])
    'M0,0L10,0 10,5Z'
    """
    parts = []
    for points in rings:
        kept: list[str] = []
        for x, y in points:
            text = f"{round(x, 1):g},{round(y, 1):g}"
            if not kept or kept[-1] != text:
                kept.append(text)
        if len(kept) > 1 and kept[-1] == kept[0]:
            kept.pop()
        if len(kept) > 2:
            parts.append("M" + kept[0] + "L" + " ".join(kept[1:]) + "Z")
    return "".join(parts)


def parse_world(topology: dict[str, Any], names: dict[str, str], width: float = WIDTH) -> tuple[list[Area], float]:
    """The countries of a world-atlas topology, projected into a frame ``width`` wide, and the
    frame's height; ``names`` turns an ISO 3166-1 numeric id into the alpha-2 code."""
    arcs = decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = str(geometry.get("id") or "")
        if numeric in LEFT_OUT:
            continue
        parts = [part for polygon in polygons(geometry, arcs) for r in polygon for part in split_at_antimeridian(r)]
        rings = [[natural_earth(lon, lat) for lon, lat in part] for part in parts]
        name = str((geometry.get("properties") or {}).get("name") or "")
        shapes.append((names.get(numeric, ""), name, rings))
    xs = [x for *_, rings in shapes for r in rings for x, _ in r]
    ys = [y for *_, rings in shapes for r in rings for _, y in r]
    left, top = min(xs), max(ys)
    scale = width / (max(xs) - left)
    areas = [
        Area(code, name, path_data([[((x - left) * scale, (top - y) * scale) for x, y in r] for r in rings]))
        for code, name, rings in shapes
    ]
    return areas, (top - min(ys)) * scale


def parse_svg_map(text: str, prefix: str) -> tuple[list[Area], float, float]:
    """The areas of an svg-maps SVG (``<path id aria-label d>``), each coded ``prefix`` + its id in
    capitals, and the width and height of its view box."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(text)
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    areas = []
    for element in root.iter(f"{_SVG}path"):
        data = element.attrib.get("d", "")
        if not _PATH_DATA.match(data):
            raise ValueError(f"path {element.attrib.get('id')!r}: not SVG path data")
        areas.append(Area(prefix + element.attrib["id"].upper(), element.attrib.get("aria-label", ""), " ".join(data.split())))
    return areas, width, height


# -- the installed packages -------------------------------------------------------------------------


def _package(node_modules: Path, name: str) -> str:
    meta = json.loads((node_modules / name / "package.json").read_text(encoding="utf-8"))
    return f"{name} {meta['version']}"


def _alpha2_by_numeric() -> dict[str, str]:
    import pycountry

    return {c.numeric: c.alpha_2 for c in pycountry.countries}


@cache
def load_atlases(node_modules: Path) -> tuple[Atlas, ...]:
    """The atlases whose package is installed under ``node_modules`` (none: ``make`` was not run)."""
    found = []
    world = node_modules / WORLD[0] / WORLD[1]
    if world.is_file():
        areas, height = parse_world(json.loads(world.read_text(encoding="utf-8")), _alpha2_by_numeric())
        found.append(Atlas("world", tuple(areas), WIDTH, height, _package(node_modules, WORLD[0])))
    mexico = node_modules / MEXICO[0] / MEXICO[1]
    if mexico.is_file():
        areas, width, height = parse_svg_map(mexico.read_text(encoding="utf-8"), "MX-")
        found.append(Atlas("mexico", tuple(areas), width, height, _package(node_modules, MEXICO[0])))
    return tuple(found)


def atlas_for(atlases: tuple[Atlas, ...], code: str) -> Atlas | None:
    """The atlas that draws the area of ISO 3166 code ``code``: a state's map before the world's."""
    return next((a for a in sorted(atlases, key=lambda a: a.key == "world") if a.covers(code)), None)
