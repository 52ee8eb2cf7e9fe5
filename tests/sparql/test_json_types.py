"""The ``.json`` of a query types numbers and booleans (tipkg.sparql.codec.plain_value); the SPARQL
JSON results stay as the standard says: every value a string, with its datatype."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from tipkg.sparql.codec import Number, plain_value, rows_json

if TYPE_CHECKING:
    from tipkg.kg import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[2]
XSD_NS = str(XSD)
CELLS = """SELECT ?integer ?decimal ?precise ?double ?boolean ?string ?iri ?date ?unbound WHERE {
  VALUES (?integer ?decimal ?precise ?double ?boolean ?string ?iri ?date ?unbound) {
    (60000 "17926386.25"^^xsd:decimal "12345678901234567890.123456789"^^xsd:decimal "1.5E2"^^xsd:double
     false "60000" <https://w3id.org/tipkg/id/agency/fevimtra> "2010-04-01"^^xsd:date UNDEF)
  }
}"""
# what each cell is in the .json (numbers read exactly, as Decimal) and in SPARQL JSON (text and datatype)
EXPECTED: dict[str, tuple[Any, dict[str, str] | None]] = {
    "integer": (60000, {"type": "literal", "value": "60000", "datatype": XSD_NS + "integer"}),
    "decimal": (Decimal("17926386.25"), {"type": "literal", "value": "17926386.25", "datatype": XSD_NS + "decimal"}),
    "precise": (Decimal("12345678901234567890.123456789"), None),
    "double": (Decimal("150.0"), None),
    "boolean": (False, {"type": "literal", "value": "false", "datatype": XSD_NS + "boolean"}),
    "string": ("60000", {"type": "literal", "value": "60000"}),
    "iri": ("https://w3id.org/tipkg/id/agency/fevimtra", {"type": "uri", "value": "https://w3id.org/tipkg/id/agency/fevimtra"}),
    "date": ("2010-04-01", {"type": "literal", "value": "2010-04-01", "datatype": XSD_NS + "date"}),
    "unbound": (None, None),
}


@pytest.fixture(params=["oxigraph", "rdflib"])
def cells(request: pytest.FixtureRequest, kgs: dict[str, KnowledgeGraph]) -> Any:
    return kgs[request.param].query(CELLS)


@pytest.mark.parametrize("column", sorted(EXPECTED))
def test_each_kind_of_cell_in_the_json(cells: Any, column: str) -> None:
    (row,) = json.loads(cells.render("json"), parse_float=Decimal)
    expected = EXPECTED[column][0]
    assert row[column] == expected and type(row[column]) is type(expected), (column, row[column])


@pytest.mark.parametrize("column", [c for c, (_v, binding) in sorted(EXPECTED.items()) if binding is not None])
def test_sparql_json_keeps_every_value_a_string(cells: Any, column: str) -> None:
    (binding,) = json.loads(cells.render("sparql-json"))["results"]["bindings"]
    assert binding[column] == EXPECTED[column][1]


def test_unbound_is_null_in_json_and_absent_in_sparql_json(cells: Any) -> None:
    (row,) = json.loads(cells.render("json"))
    (binding,) = json.loads(cells.render("sparql-json"))["results"]["bindings"]
    assert row["unbound"] is None and "unbound" not in binding


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (Literal("+0017", datatype=XSD.integer), 17),
        (Literal(".5", datatype=XSD.decimal), Number("0.5")),
        (Literal("7100000.00", datatype=XSD.decimal), Number("7100000.00")),
        (Literal("1", datatype=XSD.boolean), True),
        (Literal("INF", datatype=XSD.double), "INF"),  # JSON has no infinity
        (Literal("NaN", datatype=XSD.float), "NaN"),
        (Literal("-INF", datatype=XSD.float), "-INF"),
        (Literal("many", datatype=XSD.integer), "many"),  # ill-formed: kept as its text
        (Literal("2010", datatype=XSD.gYear), "2010"),
        (Literal("60000", lang="en"), "60000"),
        (URIRef("https://example.org/x"), "https://example.org/x"),
        (None, None),
    ],
)
def test_plain_value(term: Any, expected: Any) -> None:
    assert plain_value(term) == expected


@pytest.mark.parametrize("rows", [[], [{}], [{"a": 1, "b": "x"}, {"a": None, "b": 'ñ "q"'}]])
def test_rows_json_is_laid_out_as_json_dumps(rows: list[dict[str, Any]]) -> None:
    assert rows_json(rows) == json.dumps(rows, ensure_ascii=False, indent=1)


def test_a_saved_query_gives_its_figures_as_numbers_in_the_cli(built_real: Path) -> None:
    """figures_at_least over 1,000: 60,000 people trained and more than 18,000 reached (graph_data/mx-2011/statistics.yaml)."""
    from tipkg.cli import main

    records = yaml.safe_load((ROOT / "graph_data" / "mx-2011" / "statistics.yaml").read_text(encoding="utf-8"))["records"]
    stated = {r["id"]: r for r in records if "id" in r}
    done = CliRunner().invoke(
        main, ["query", "run", "figures_at_least", "-p", "minimum=1000", "--format", "json", "--root", str(built_real)]
    )
    assert done.exit_code == 0, done.output
    rows = {r["observation"].rsplit("/id/", 1)[1]: r for r in json.loads(done.output)}
    assert rows["stat/people-trained"]["value"] == stated["stat/people-trained"]["observedValue"] == 60000
    assert rows["stat/blue-heart-people-reached"]["moreThan"] == stated["stat/blue-heart-people-reached"]["observedMoreThan"]
    assert rows["stat/blue-heart-people-reached"]["value"] is None and rows["stat/people-trained"]["minimum"] == 1000
