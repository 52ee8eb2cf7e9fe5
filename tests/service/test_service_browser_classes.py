"""A class page in Chromium (Playwright) against a running ``tipkg serve``: from the home page's
class counts to a facet value and back, every request recorded and none leaving 127.0.0.1. With
TIPKG_SCREENSHOTS=docs/img (``make screenshots``) the page is kept as service-class.png."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from facets_support import expected_counts
from service_support import Server

import tipkg
from tipkg.namespaces import TIPKG

ROOT = Path(__file__).resolve().parents[2]


def test_a_class_count_leads_to_its_members_and_a_facet_value_narrows_them(browser: Any, server: Server, built_real: Path) -> None:
    kg = tipkg.open(built_real)
    home_counts = {str(c).removeprefix(str(TIPKG)): int(str(n)) for c, n in kg.query("counts_by_class").rows}
    themes = {str(v): n for v, n in expected_counts(kg, "Campaign", "theme").items() if v}
    awareness = themes["https://w3id.org/tipkg/concept/theme-awareness-raising"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort())
    try:
        page = context.new_page()
        page.goto(server.url)
        page.locator('td.number a[href="/classes/Campaign"]').click()
        page.wait_for_url(re.compile(r"/classes/Campaign$"))
        rows = page.locator("section.members tbody tr")
        assert rows.count() == home_counts["Campaign"]
        value = page.locator('section[data-facet="theme"] a[data-key="awareness-raising"]')
        assert value.inner_text() == "awareness raising"
        assert int(value.locator("xpath=following-sibling::span[1]").inner_text()) == awareness
        value.click()
        page.wait_for_url(re.compile(r"theme=awareness-raising"))
        assert rows.count() == awareness < home_counts["Campaign"]
        assert page.locator('section[data-facet="theme"] li.chosen a').inner_text() == "awareness raising"
        if os.environ.get("TIPKG_SCREENSHOTS"):
            page.screenshot(path=str(ROOT / os.environ["TIPKG_SCREENSHOTS"] / "service-class.png"))
        page.locator("a.remove").click()
        page.wait_for_url(re.compile(r"/classes/Campaign$"))
        assert rows.count() == home_counts["Campaign"]
    finally:
        context.close()
    assert requested and all(url.startswith(server.url) and server.url.startswith("http://127.0.0.1:") for url in requested), requested
