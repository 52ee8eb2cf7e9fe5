"""The service's pure parts: content negotiation and settings (the query guard is tests/sparql/test_guard.py)."""

from __future__ import annotations

import pytest

from tipkg.service.formats import GRAPHS, HTML, RESULTS, choose, negotiate
from tipkg.service.settings import SETTINGS, SettingError, resolve

NEGOTIATION = [
    # (Accept, ?format=, offers, expected format name or None)
    (None, None, RESULTS, "json"),
    ("*/*", None, RESULTS, "json"),
    ("application/sparql-results+json", None, RESULTS, "json"),
    ("application/sparql-results+xml", None, RESULTS, "xml"),
    ("application/xml", None, RESULTS, "xml"),
    ("text/csv", None, RESULTS, "csv"),
    ("text/tab-separated-values", None, RESULTS, "tsv"),
    ("text/csv;q=0.5, text/tab-separated-values", None, RESULTS, "tsv"),
    ("image/png", None, RESULTS, None),
    ("text/turtle", None, GRAPHS, "turtle"),
    ("application/n-triples", None, GRAPHS, "ntriples"),
    ("application/ld+json", None, GRAPHS, "jsonld"),
    ("application/rdf+xml", None, GRAPHS, "rdfxml"),
    ("application/json", None, GRAPHS, "jsonld"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, (*RESULTS, HTML), "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, GRAPHS, "rdfxml"),
    ("text/html", "csv", (*RESULTS, HTML), "csv"),
    (None, "turtle", GRAPHS, "turtle"),
    (None, "csv", GRAPHS, None),
    (None, "application/sparql-results+xml", RESULTS, "xml"),
]


@pytest.mark.parametrize(("accept", "param", "offers", "expected"), NEGOTIATION)
def test_negotiation(accept: str | None, param: str | None, offers: tuple, expected: str | None) -> None:
    chosen = choose(accept, param, offers)
    assert (chosen.name if chosen else None) == expected


def test_ties_go_to_the_first_offer() -> None:
    assert negotiate("text/*", RESULTS).name == "xml"  # type: ignore[union-attr]


def test_settings_defaults_and_overrides() -> None:
    values = resolve({"query_time_limit": "2.5", "row_cap": "5"})
    assert values["query_time_limit"] == 2.5 and values["row_cap"] == 5 and values["workers"] == 2
    assert all(s.help for s in SETTINGS)
    with pytest.raises(SettingError, match="unknown setting"):
        resolve({"sql_time_limit": "1"})
    with pytest.raises(SettingError, match="expected int"):
        resolve({"row_cap": "many"})
    with pytest.raises(SettingError, match="positive"):
        resolve({"workers": "0"})
