"""The home page's search in-process: words in any order, accents and case aside, best first."""

from __future__ import annotations

import re
from typing import Any

import pytest


@pytest.mark.parametrize(
    ("query", "lang", "first"),
    [
        ("FEVIMTRA unit", "en", "/id/agency/fevimtra"),
        ("coinversion", "es", "/id/program/pcs"),
        ("migration national", "es", "/id/agency/inm"),
    ],
)
def test_the_first_hit_is_the_entity_named(client: Any, query: str, lang: str, first: str) -> None:
    found = client.get("/", params={"q": query, "lang": lang}).text.split('id="search-results"', 1)[1]
    assert re.findall(r'<li><a href="([^"]+)"', found)[0] == first
