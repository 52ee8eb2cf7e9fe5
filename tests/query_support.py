"""What the saved-query tests share: the queries, their expected answers, and values compared by meaning."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef

from tipkg.sparql.results import Result

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
EXPECTED = Path(__file__).resolve().parent / "expected"
SOURCE = ROOT / "graph_data" / "sources" / "000_d7b107364416c09b.txt"
NAMES = sorted(p.stem for p in QUERIES.glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t
    for t in (
        "decimal",
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "double",
        "float",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
    )
}


def expected(name: str) -> dict[str, Any]:
    path = EXPECTED / f"{name}.yaml"
    assert path.exists(), f"no expected answer for query {name}: write tests/expected/{name}.yaml from the report"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# -- comparing values -----------------------------------------------------------------------------


def number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text[:-2] if text.endswith(".0") else text


def canonical_expected(value: Any) -> str | None:
    """A value of an expected file as text: numbers by value, booleans and dates as in RDF."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return number_text(Decimal(str(value)))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) and "\n" in value else str(value)


def canonical_term(term: Any) -> str | None:
    """A result value as text: numeric literals by value, everything else as its lexical form."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in NUMERIC:
        return number_text(Decimal(str(term)))
    return str(term)


def cells(result: Result, columns: list[str]) -> list[tuple[str | None, ...]]:
    """The rows of ``result`` restricted to ``columns``; ``<var>Label`` is the label of ``<var>``'s value."""
    index = {v: i for i, v in enumerate(result.variables)}
    for c in columns:
        assert c in index or (c.endswith("Label") and c[: -len("Label")] in index), f"no column {c!r} in {result.variables}"
    out = []
    for row in result.rows:
        values: list[str | None] = []
        for c in columns:
            if c in index:
                values.append(canonical_term(row[index[c]]))
            else:
                term = row[index[c[: -len("Label")]]]
                values.append(None if term is None else result.label(term))
        out.append(tuple(values))
    return out


def engine_rows(result: Result) -> Counter[tuple[Any, ...]]:
    """Rows as comparable values: numbers by value, literals with language and datatype, IRIs as text."""

    def norm(term: Any) -> Any:
        if term is None:
            return None
        if isinstance(term, Literal):
            if term.datatype is not None and str(term.datatype) in NUMERIC:
                return ("number", Decimal(str(term)).normalize())
            return ("literal", str(term), term.language, str(term.datatype or XSD + "string"))
        if isinstance(term, URIRef):
            return ("iri", str(term))
        return ("other", str(term))

    return Counter(tuple(norm(t) for t in row) for row in result.rows)


@cache
def _params(name: str) -> tuple[tuple[str, str | None], ...]:
    from tipkg.sparql.saved import load_saved_queries

    return tuple((p.name, p.default) for p in load_saved_queries(QUERIES)[name].params)


def distinct_runs(name: str, cases: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``cases`` of a saved query's parameters, less those that run the same query as an earlier one
    (a parameter left out takes its default): the engines are compared once per distinct query."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for case in cases:
        effective = tuple(str(case.get(param, default)) for param, default in _params(name))
        if effective not in seen:
            seen.add(effective)
            out.append(case)
    return out


def assert_answer(result: Result, spec: dict[str, Any], where: str) -> None:
    """``result`` is the answer ``spec`` (an expected-answer file, read from a report) gives: its
    `rows` in its `columns`, as a multiset or in order (`ordered: true`). The rows of `data_issues`
    are curated facts that disagree with the report, where the graph's row is expected until fixed."""
    columns = spec["columns"]

    def rows(values: list[list[Any]]) -> list[tuple[str | None, ...]]:
        out = [tuple(canonical_expected(v) for v in row) for row in values]
        assert all(len(row) == len(columns) for row in out), "each expected row needs one value per column"
        return out

    report = rows(spec["rows"])
    issues = spec.get("data_issues") or []
    now = Counter(report)
    for issue in issues:
        assert issue.get("issue"), "each data issue says what is wrong"
        if issue.get("report") is not None:
            (row,) = rows([issue["report"]])
            assert now[row] > 0, f"data issue row not among the expected rows: {row}"
            now[row] -= 1
        if issue.get("graph") is not None:
            now.update(rows([issue["graph"]]))
    got = cells(result, columns)
    if spec.get("ordered"):
        assert not issues, "ordered answers take no data issues"
        assert got == report, f"\ngot:      {got}\nexpected: {report}"
        return
    missing = now - Counter(got)
    extra = Counter(got) - now
    fixed = [i["issue"] for i in issues if i.get("report") is not None and Counter(got)[rows([i["report"]])[0]] > 0]
    assert not fixed, f"the curated data now agrees with the report: remove these data_issues from {where}: {fixed}"
    assert not missing and not extra, f"\nmissing: {sorted(missing, key=str)}\nunexpected: {sorted(extra, key=str)}"
