"""The maps in a real browser (Debian's Chromium, driven by Playwright) against a running ``tipkg
serve``: every request the page makes is recorded, and one that leaves 127.0.0.1 fails the test;
the map renders with one coloured area per place of the answer. With TIPKG_SCREENSHOTS=docs/img
(``make screenshots``) the picture of a map is kept there as service-map.png for the README."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from map_support import MAP_QUERIES, expected_areas
from service_support import Server

ROOT = Path(__file__).resolve().parents[2]
EMPTY = "rgb(227, 231, 235)"  # the grey of an area no row names (#e3e7eb)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("name", sorted(MAP_QUERIES))
def test_the_map_renders_its_coloured_areas_with_no_request_leaving_the_machine(
    browser: Any, server: Server, name: str, javascript: bool
) -> None:
    expected, _ = expected_areas(name, server.get(f"/queries/{name}.json").json())
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, java_script_enabled=javascript)
    requests: list[str] = []
    outside: list[str] = []

    def route(r: Any) -> None:
        requests.append(r.request.url)
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url.rstrip("/") + f"/queries/{name}")
        page.wait_for_load_state("networkidle")
        shaded = page.locator("svg.map path.area.shaded")
        assert shaded.count() == len(expected)
        fills = shaded.evaluate_all("(ps) => ps.map((p) => getComputedStyle(p).fill)")
        assert EMPTY not in fills and len(fills) == len(expected)
        grey = page.locator("svg.map path.area:not(.shaded)").evaluate_all("(ps) => ps.map((p) => getComputedStyle(p).fill)")
        assert grey and set(grey) == {EMPTY}
        box = page.locator("svg.map").first.bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 300  # drawn, not an empty box
        assert requests and outside == [] and errors == []
        if javascript and name == "substantive_state_laws" and os.environ.get("TIPKG_SCREENSHOTS"):
            shots = ROOT / os.environ["TIPKG_SCREENSHOTS"]
            shots.mkdir(parents=True, exist_ok=True)
            page.locator("figure.map").first.screenshot(path=str(shots / "service-map.png"))
    finally:
        context.close()
