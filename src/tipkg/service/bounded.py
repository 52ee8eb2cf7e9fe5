"""Which queries the planner bounds, and so may run in the server process, where nothing can stop them.

A query is *bounded* when the store's own counts cap the work of any evaluation of it:

- it is a SELECT, ASK or CONSTRUCT (what a DESCRIBE returns is the engine's choice);
- it calls no ``SERVICE`` and holds no property path (a path's closure is bounded by nothing but
  the store's size);
- every operator and function in it is one of :data:`OPERATORS`: none makes a value longer than
  its inputs by more than a constant (no ``CONCAT``, ``REPLACE``, ``GROUP_CONCAT``,
  ``ENCODE_FOR_URI``...), so no value grows with the work, and a regular expression runs in
  linear time (Rust's ``regex``);
- the product, over its triple patterns (of every group, ``OPTIONAL``, ``UNION``, ``MINUS``,
  ``EXISTS`` and sub-select alike) and ``VALUES`` blocks, of *n* + 1 is at most :data:`CAP`,
  where *n* is how many quads of the store match the pattern's IRIs (variables, blank nodes and
  literals count as wildcards, so *n* is never too small), or the block's rows.

Why that is safe without a kill switch: whatever join order and algorithm the engine picks, each
pattern it evaluates, with some of its variables bound by earlier ones, reads a subset of the quads
its IRIs alone match; so no sequence of intermediate solutions is longer than the product of the
patterns' counts (a ``UNION`` adds, an ``OPTIONAL`` or ``MINUS`` keeps its left side: the product
of *n* + 1 bounds those too), each solution costs at most the query's own size in operators over
values no longer than the store's, and the answer holds at most :data:`CAP` rows. The counts are
read once per text (the store is read-only while the service runs), and reading them stops at the
cap: at most a few ``CAP``-long index scans, as the product passes the cap after some 14 patterns
that match anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from tipkg.sparql.guard import CheckedQuery, walk

CAP = 2_000  # the largest product of (matches + 1) a bounded query may have
Counter = Callable[[str | None, str | None, str | None, int], int]  # (s, p, o IRI or None, limit) -> matches, at most limit + 1
XSD = "http://www.w3.org/2001/XMLSchema#"  # its casts (xsd:integer(?x)) are the only functions called by IRI allowed here
# the algebra's operators, and the forms of an EXISTS pattern (left as parsed by rdflib)
FORMS = (
    "SelectQuery",
    "AskQuery",
    "ConstructQuery",
    "Project",
    "Distinct",
    "Reduced",
    "Slice",
    "OrderBy",
    "OrderCondition",
    "Filter",
    "TrueFilter",
    "BGP",
    "Join",
    "LeftJoin",
    "Union",
    "Minus",
    "Graph",
    "Extend",
    "Group",
    "AggregateJoin",
    "ToMultiSet",
    "values",
    "GroupGraphPatternSub",
    "TriplesBlock",
)
# expressions that make no value longer than a constant times its inputs
EXPRESSIONS = (
    "RelationalExpression",
    "ConditionalAndExpression",
    "ConditionalOrExpression",
    "AdditiveExpression",
    "MultiplicativeExpression",
    "UnaryNot",
    "UnaryMinus",
    "UnaryPlus",
    "Function",
    "Aggregate_Count",
    "Aggregate_Sum",
    "Aggregate_Min",
    "Aggregate_Max",
    "Aggregate_Avg",
    "Aggregate_Sample",
    "Builtin_BOUND",
    "Builtin_COALESCE",
    "Builtin_IF",
    "Builtin_STR",
    "Builtin_LANG",
    "Builtin_LANGMATCHES",
    "Builtin_DATATYPE",
    "Builtin_IRI",
    "Builtin_isIRI",
    "Builtin_isBLANK",
    "Builtin_isLITERAL",
    "Builtin_isNUMERIC",
    "Builtin_sameTerm",
    "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
    "Builtin_CONTAINS",
    "Builtin_STRSTARTS",
    "Builtin_STRENDS",
    "Builtin_STRLEN",
    "Builtin_LCASE",
    "Builtin_UCASE",
    "Builtin_SUBSTR",
    "Builtin_STRBEFORE",
    "Builtin_STRAFTER",
    "Builtin_REGEX",
    "Builtin_YEAR",
    "Builtin_MONTH",
    "Builtin_DAY",
    "Builtin_ABS",
    "Builtin_ROUND",
    "Builtin_CEIL",
    "Builtin_FLOOR",
)
OPERATORS = frozenset(FORMS + EXPRESSIONS)


def work_bound(checked: CheckedQuery, count: Counter, cap: int = CAP) -> int | None:
    """The product of (matches + 1) over ``checked``'s patterns, counted by ``count``; None when the
    query is not bounded (a form, operator or path outside the rules above, or a product past ``cap``)."""
    from rdflib import URIRef

    if checked.algebra is None or checked.services:
        return None
    blocks: list[int] = []
    iris: list[tuple[str | None, str | None, str | None]] = []
    for found in _patterns(checked.algebra):
        if found is None:
            return None
        if isinstance(found, int):
            blocks.append(found)
        else:
            s, p, o = (str(t) if isinstance(t, URIRef) else None for t in found)
            iris.append((s, p, o))
    product = 1
    for rows in blocks:
        product *= rows + 1
    # the patterns with most IRIs first: what is left of the cap then limits the longer scans
    for s, p, o in sorted(iris, key=lambda t: sum(x is None for x in t)):
        if product > cap:
            return None
        product *= count(s, p, o, cap // product - 1) + 1  # more matches than the limit: past the cap
    return product if product <= cap else None


def _patterns(algebra: Any) -> Iterator[tuple[Any, Any, Any] | int | None]:
    """Each triple pattern of ``algebra``, the row count of each VALUES block, and None for anything
    that is not bounded (then the caller stops)."""
    from rdflib.paths import Path
    from rdflib.plugins.sparql.parserutils import CompValue

    for node in walk(algebra):
        if isinstance(node, Path):
            yield None
        if not isinstance(node, CompValue):  # terms, lists, and a VALUES block's rows (plain dicts)
            continue
        name = getattr(node, "name", None)
        if name not in OPERATORS or (name == "Function" and not str(dict.get(node, "iri", "")).startswith(XSD)):
            yield None
        elif name == "BGP":
            yield from (tuple(t) for t in dict.get(node, "triples") or [])
        elif name == "TriplesBlock":  # an EXISTS pattern as parsed: lists of s p o s p o ...
            for terms in dict.get(node, "triples") or []:
                if len(terms) % 3:
                    yield None
                yield from (tuple(terms[i : i + 3]) for i in range(0, len(terms), 3))
        elif name == "values":
            yield len(dict.get(node, "res") or [])


def store_counter(store: Any) -> Counter:
    """How many quads of the pyoxigraph ``store`` (every graph) match IRIs, read up to ``limit`` + 1."""
    from tipkg.engines.oxigraph import count_quads

    return functools.partial(count_quads, store)
