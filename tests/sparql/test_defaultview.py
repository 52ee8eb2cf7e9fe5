"""``#defaultView:`` comments (tipkg.sparql.defaultview): read from the query's comments only, in
WDQS's names, which become tipkg's views."""

from __future__ import annotations

import pytest

from tipkg.sparql.defaultview import DefaultView, default_view
from tipkg.sparql.guard import canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#defaultView:BarChart\nSELECT * WHERE { ?s ?p ?o }", DefaultView("BarChart", "bar")),
        ("#defaultView:Table\nSELECT * WHERE { ?s ?p ?o }", DefaultView("Table", "table")),
        ("# defaultView: graph\nSELECT * WHERE { ?s ?p ?o }", DefaultView("graph", "graph")),
        ("PREFIX x: <urn:x#>\n#defaultView:Timeline\nSELECT * WHERE { ?s ?p ?o }", DefaultView("Timeline", "timeline")),
        ('#defaultView:Map{"hide":"?coord"}\nSELECT * WHERE { ?s ?p ?o }', DefaultView("Map", "map")),
        ("#defaultView:ImageGrid\nSELECT * WHERE { ?s ?p ?o }", DefaultView("ImageGrid", None)),
        ("#defaultView:Map\n#defaultView:Table\nSELECT * WHERE { ?s ?p ?o }", DefaultView("Map", "map")),
        ('SELECT * WHERE { ?s ?p "#defaultView:Map" }', None),  # in a string: words, not a comment
        ("SELECT * WHERE { ?s ?p <urn:x#defaultView:Map> }", None),
        ("# the default view is a table\nSELECT * WHERE { ?s ?p ?o }", None),
    ],
)
def test_the_default_view_is_read_from_a_comment(text: str, expected: DefaultView | None) -> None:
    assert default_view(text) == expected


def test_the_comment_never_reaches_the_engine() -> None:
    assert "defaultView" not in canonical("#defaultView:BarChart\nSELECT * WHERE { ?s ?p ?o }")
