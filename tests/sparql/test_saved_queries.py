"""The saved queries of queries/: well-formed, answered as the report says, the same on both engines.

One case per query (parametrized over queries/*.rq). The expected answers in tests/expected/<query>.yaml
were written from the source report, graph_data/sources/000_d7b107364416c09b.txt, each with the
sentences it comes from; `columns` lists the columns compared (``<var>Label`` for an IRI, the label in
English), `rows` the rows, compared as a multiset (in order where `ordered: true`).
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from query_support import (
    EXPECTED,
    NAMES,
    QUERIES,
    SOURCE,
    assert_answer,
    distinct_runs,
    engine_rows,
    expected,
)

from tipkg.kg import KnowledgeGraph
from tipkg.sparql.results import SEPARATOR
from tipkg.sparql.saved import PARAM_TYPES, VIEWS, SavedQuery, parameter_names, parse_saved_query

HEADER_KEYS = {"title", "description", "params", "view", "tags", "needs"}
PARAM_KEYS = {"name", "type", "example", "default", "description"}
OPTIONAL_PARAM_KEYS = {"entity"}


def saved(name: str) -> SavedQuery:
    path = QUERIES / f"{name}.rq"
    return parse_saved_query(path.read_text(encoding="utf-8"), name, str(path))


def header(name: str) -> dict[str, Any]:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    head = [line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines() if line.startswith("#+")]
    meta = yaml.safe_load("\n".join(head))
    assert isinstance(meta, dict)
    return meta


# -- the cases ------------------------------------------------------------------------------------


def test_there_are_at_least_30_saved_queries() -> None:
    assert len(NAMES) >= 30


def test_every_query_has_an_expected_answer_and_every_answer_a_query() -> None:
    answers = sorted(p.stem for p in EXPECTED.glob("*.yaml"))
    assert answers == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_header_parses(name: str) -> None:
    q = saved(name)
    meta = header(name)
    assert set(meta) <= HEADER_KEYS, f"unknown header keys {set(meta) - HEADER_KEYS}"
    assert {"title", "description", "view", "tags"} <= set(meta)
    assert q.title and q.description and len(q.title) <= 100
    assert q.view in VIEWS
    assert q.tags and all(re.fullmatch(r"[a-z][a-z0-9-]*", t) for t in q.tags)
    for spec in meta.get("params") or []:
        assert set(spec) - OPTIONAL_PARAM_KEYS == PARAM_KEYS, f"param {spec.get('name')!r} needs exactly {sorted(PARAM_KEYS)}"
        assert spec["type"] in PARAM_TYPES
        assert str(spec["description"]).strip()
    for p in q.params:
        assert p.example is not None


@pytest.mark.parametrize("name", NAMES)
def test_declared_params_are_the_query_variables(name: str) -> None:
    q = saved(name)
    assert {p.name for p in q.params} == parameter_names(q.text)


@pytest.mark.parametrize("name", NAMES)
def test_query_is_standalone_sparql(name: str) -> None:
    """Each file runs as it is, with its own PREFIX lines, on an empty store with no prefixes given."""
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    result = ox.Store().query(text)
    assert isinstance(result, ox.QuerySolutions)


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_in_the_select_clause(name: str) -> None:
    """Oxigraph binds a SELECT query's parameters only where the SELECT clause (and GROUP BY) names them."""
    q = saved(name)
    select = re.search(r"^SELECT\b(.*?)\bWHERE\b", q.text, flags=re.M | re.S)
    assert select is not None
    for p in q.params:
        assert f"${p.name}" in select.group(1), f"${p.name} is not in the SELECT clause"
        if re.search(r"^GROUP BY", q.text, flags=re.M):
            assert re.search(rf"^GROUP BY .*\${p.name}\b", q.text, flags=re.M), f"${p.name} is not in GROUP BY"


def enclosing_groups(text: str) -> dict[int, list[str]]:
    """For each ``$param`` position of a query, the keywords opening the groups around it, innermost last."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: " " * len(m.group()), body)  # strings
    body = re.sub(r"<[^<>\s]*>", lambda m: " " * len(m.group()), body)  # IRIs
    stack: list[str] = []
    found: dict[int, list[str]] = {}
    for m in re.finditer(r"\{|\}|\$[A-Za-z_]\w*|\bBOUND\s*\(\s*\$", body):
        token = m.group()
        if token == "{":
            before = re.search(r"([A-Za-z]+)\s*$", body[: m.start()])
            stack.append(before.group(1).upper() if before else "")
        elif token == "}":
            stack.pop()
        elif token.startswith("BOUND"):
            found[m.start()] = [*stack, "BOUND"]
        else:
            found[m.start()] = list(stack)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_bound_alike_by_both_engines(name: str) -> None:
    """rdflib pre-binds a parameter everywhere, Oxigraph only outside sub-queries: keep parameters out of
    OPTIONAL, MINUS, sub-queries and BOUND(), where the two would answer differently."""
    for where, groups in enclosing_groups(saved(name).text).items():
        assert "BOUND" not in groups, f"a parameter tested with BOUND() at {where}"
        assert "OPTIONAL" not in groups and "MINUS" not in groups, f"a parameter inside {groups} at {where}"
        assert groups.count("WHERE") <= 1, f"a parameter inside a sub-query at {where}"


@pytest.mark.parametrize("name", NAMES)
def test_answer_is_the_report(name: str, kgs: dict[str, KnowledgeGraph]) -> None:
    """The rows are the report's answer, except the rows of ``data_issues``: curated facts that disagree
    with the report (reported to the curators), where the graph's row is expected until they are fixed."""
    spec = expected(name)
    assert_answer(kgs["oxigraph"].query(name, **(spec.get("params") or {})), spec, f"tests/expected/{name}.yaml")


@pytest.mark.parametrize("name", NAMES)
def test_engines_agree(name: str, kgs: dict[str, KnowledgeGraph]) -> None:
    q = saved(name)
    cases: list[dict[str, str]] = [{}, expected(name).get("params") or {}]
    cases += [{p.name: str(p.example)} for p in q.params]
    for params in distinct_runs(name, cases):
        a = kgs["oxigraph"].query(name, **params)
        b = kgs["rdflib"].query(name, **params)
        assert a.variables == b.variables
        assert engine_rows(a) == engine_rows(b), f"engines differ with parameters {params}"


@pytest.mark.parametrize("name", NAMES)
def test_evidence_is_verbatim_report_text(name: str, kgs: dict[str, KnowledgeGraph]) -> None:
    """Every row that states a fact carries quotes, and each quote is the report's text."""
    result = kgs["oxigraph"].query(name, **(expected(name).get("params") or {}))
    text = " ".join(SOURCE.read_bytes().decode("utf-8").split())
    for column in ("evidence", "quote"):
        if column not in result.variables:
            continue
        i = result.variables.index(column)
        for row in result.rows:
            assert row[i] is not None and str(row[i]).strip(), f"a row without {column}: {row}"
            for quote in str(row[i]).split(SEPARATOR):
                assert " ".join(quote.split()) in text, f"not in the report: {quote!r}"
