"""Pages of an answer (tipkg.sparql.paging): which queries state their order, windows of rows in a
stable order, where a page sits, and ``--offset``/``--limit`` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

import tipkg
from tipkg.cli import main
from tipkg.sparql.guard import check_query
from tipkg.sparql.paging import Page, Window, page_number


@pytest.mark.parametrize(
    ("text", "ordered"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", True),
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3 OFFSET 1", True),
        ("SELECT DISTINCT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ORDER BY DESC(?n)", True),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s", True),
        ("SELECT ?s WHERE { ?s ?p ?o }", False),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", False),
        ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s } }", False),  # a subquery's order is not the answer's
        ("# ORDER BY ?s\nSELECT ?s WHERE { ?s ?p ?o }", False),
        ("ASK { ?s ?p ?o }", False),
    ],
)
def test_a_query_states_its_order_only_with_its_own_order_by(text: str, ordered: bool) -> None:
    assert check_query(text).ordered is ordered


ROWS = [(Literal("b"), URIRef("urn:x")), (None, URIRef("urn:y")), (Literal("a"), None), (Literal(2), URIRef("urn:x"))]


def test_a_window_of_unordered_rows_sorts_them_first() -> None:
    everything = Window().cut(ROWS, ordered=False)
    assert everything == [ROWS[1], ROWS[3], ROWS[2], ROWS[0]]  # unbound first, then by N-Triples: "2"^^xsd:integer, "a", "b"
    assert Window(1, 2).cut(ROWS, ordered=False) == everything[1:3]
    assert Window(1, 2).cut(list(reversed(ROWS)), ordered=False) == everything[1:3]  # whatever order the engine gave
    assert Window(1, 2).cut(ROWS, ordered=True) == ROWS[1:3]
    assert Window(10, 5).cut(ROWS, ordered=True) == []
    assert Window.page(3, 10) == Window(20, 10)
    with pytest.raises(ValueError, match="negative"):
        Window(-1)


@pytest.mark.parametrize(
    ("page", "first", "last", "count", "previous", "following"),
    [
        (Page(1, 1000, 8918, 1000), 1, 1000, 9, None, 2),
        (Page(9, 1000, 8918, 918), 8001, 8918, 9, 8, None),
        (Page(2, 10, 20, 10), 11, 20, 2, 1, None),
        (Page(1, 10, 0, 0), 0, 0, 1, None, None),
    ],
)
def test_a_page_knows_its_rows_and_neighbours(
    page: Page, first: int, last: int, count: int, previous: int | None, following: int | None
) -> None:
    assert (page.first, page.last, page.count, page.previous, page.next) == (first, last, count, previous, following)


@pytest.mark.parametrize(("raw", "number"), [(None, 1), ("", 1), ("1", 1), ("12", 12)])
def test_a_page_parameter_is_a_whole_number_from_one(raw: str | None, number: int) -> None:
    assert page_number(raw) == number


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "x", "٣", "1e3"])
def test_other_page_parameters_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="whole number"):
        page_number(raw)


def test_the_api_keeps_and_labels_only_the_window(built_real: Path) -> None:
    kg = tipkg.open(built_real)
    whole = kg.query("places")
    part = kg.query("places", window=Window(5, 4))
    assert part.total == len(whole.rows) and part.offset == 5 and part.rows == whole.rows[5:9]  # places has ORDER BY
    shown = {t for row in part.rows for t in row if isinstance(t, URIRef)}
    assert part.labels and set(part.labels) <= shown  # the rows outside the window are not looked up


def test_offset_and_limit_on_the_command_line(built_real: Path) -> None:
    kg = tipkg.open(built_real)
    total = len(kg.query("places").rows)
    run = CliRunner().invoke(
        main, ["query", "run", "places", "--root", str(built_real), "--offset", "3", "--limit", "4", "--format", "csv"]
    )
    assert run.exit_code == 0, run.output
    assert run.output.splitlines()[1:] == kg.query("places").render("csv").splitlines()[4:8]
    table = CliRunner().invoke(main, ["query", "run", "places", "--root", str(built_real), "--offset", str(total - 2)])
    assert table.output.rstrip().endswith(f"(rows {total - 1}–{total} of {total})")
    text = "SELECT ?s WHERE { ?s a schema:GovernmentOrganization }"
    bodies = sorted(f"<{row[0]}>" for row in kg.query(text).rows)
    adhoc = CliRunner().invoke(main, ["sparql", text, "--root", str(built_real), "--limit", "3", "--format", "csv"])
    assert [f"<{line.split(',')[0]}>" for line in adhoc.output.splitlines()[1:]] == bodies[:3]
    refused = CliRunner().invoke(main, ["query", "run", "places", "--root", str(built_real), "--limit", "-1"])
    assert refused.exit_code == 2
