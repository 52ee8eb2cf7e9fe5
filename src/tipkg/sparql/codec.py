"""SPARQL 1.1 Query Results JSON: RDF terms to JSON and back, the one place that decides how.

The rules, from the JSON results format and RDF 1.1:

- a language tag is case-insensitive (BCP 47): it is written and read in lower case, as Oxigraph
  keeps it, so answers from every engine and store compare equal
- an ``xsd:string`` literal is a simple literal in RDF 1.1: written without a datatype, and read
  the same whether a store writes the datatype or not; ``rdf:langString`` is never written
- ``typed-literal`` (the SPARQL 1.0 form that Virtuoso still writes) is read as ``literal``
- a triple term (RDF 1.2, ``"type": "triple"``) has no rdflib term: it is read as a literal of its
  N-Triples text, which is what a page can show

>>> term_json(Literal("Ley", lang="ES"))
{'type': 'literal', 'value': 'Ley', 'xml:lang': 'es'}
>>> json_term({"type": "literal", "value": "x", "datatype": "http://www.w3.org/2001/XMLSchema#string"}) == Literal("x")
True
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from tipkg.errors import TipkgError

if TYPE_CHECKING:
    from tipkg.sparql.results import Result

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = frozenset(
    _XSD + t
    for t in (
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
        "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
)  # fmt: skip
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")


class ResultsError(TipkgError):
    """A SPARQL JSON document that does not hold what the format says it holds."""


def literal_json(value: str, language: str | None = None, datatype: str | None = None) -> dict[str, str]:
    """A literal's binding, from its lexical form, language tag and datatype IRI."""
    out = {"type": "literal", "value": value}
    if language:
        out["xml:lang"] = language.lower()
    elif datatype and datatype not in (XSD_STRING, RDF_LANG_STRING):
        out["datatype"] = datatype
    return out


def term_json(term: Node) -> dict[str, str]:
    """An rdflib term's binding."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        return literal_json(str(term), term.language, None if term.datatype is None else str(term.datatype))
    raise TypeError(f"not an RDF term: {term!r}")


def triple_json(subject: dict[str, Any], predicate: dict[str, Any], object_: dict[str, Any]) -> dict[str, Any]:
    """A triple term's binding, from its parts' bindings."""
    return {"type": "triple", "value": {"subject": subject, "predicate": predicate, "object": object_}}


def json_term(value: dict[str, Any] | None) -> Node | None:
    """The rdflib term of a binding (None for an unbound variable)."""
    if value is None:
        return None
    kind, text = value.get("type"), value.get("value")
    if kind == "triple" and isinstance(text, dict):
        parts = [json_term(text.get(k)) for k in ("subject", "predicate", "object")]
        return Literal("<<( " + " ".join(p.n3() if p is not None else "?" for p in parts) + " )>>")
    if not isinstance(text, str):
        raise ResultsError(f"a term in a SPARQL JSON result without a text value: {value!r}")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return Literal(text, lang=str(value["xml:lang"]).lower())
        datatype = value.get("datatype")
        return Literal(text, datatype=None if datatype in (None, XSD_STRING) else URIRef(datatype))
    raise ResultsError(f"unexpected term in a SPARQL JSON result: {value!r}")


def json_result(data: dict[str, Any], *, normalized: bool = False) -> Result:
    """A SPARQL JSON results document as a :class:`~tipkg.sparql.results.Result`; ``normalized``:
    each term through :func:`~tipkg.sparql.results.normalize`, as the engines give it."""
    from tipkg.sparql.results import Result, normalize

    if "boolean" in data:
        return Result([], [], boolean=bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    convert = (lambda v: normalize(json_term(v))) if normalized else json_term
    rows = [tuple(convert(b.get(v)) for v in variables) for b in data.get("results", {}).get("bindings", [])]
    return Result(variables, rows)


@dataclass(frozen=True)
class Number:
    """A JSON number written with exactly the digits of an ``xsd:decimal`` (``17926386.00``)."""

    text: str


def plain_value(term: Node | None) -> Any:
    """A term as the plain JSON of a saved query's ``.json`` (not SPARQL JSON): integers as
    integers, ``xsd:decimal`` as a :class:`Number` with every digit of the literal (never through a
    binary float), ``xsd:double``/``xsd:float`` as numbers (they are binary floats already; NaN and
    infinities, which JSON lacks, as text), ``xsd:boolean`` as true or false, anything else (IRIs,
    dates, text, an ill-formed number) as text, and an unbound variable as null."""
    if term is None:
        return None
    if not isinstance(term, Literal) or term.datatype is None:
        return str(term)
    lexical, datatype = str(term).strip(), str(term.datatype)
    if datatype in INTEGERS and _INTEGER.fullmatch(lexical):
        return int(lexical)
    if datatype == _XSD + "decimal" and _DECIMAL.fullmatch(lexical):
        return Number(format(Decimal(lexical), "f"))
    if datatype in (_XSD + "double", _XSD + "float"):
        try:
            number = float(lexical)
        except ValueError:
            return str(term)
        if math.isnan(number):
            return "NaN"
        return number if math.isfinite(number) else ("INF" if number > 0 else "-INF")  # as XSD writes them
    if datatype == _XSD + "boolean" and lexical in ("true", "false", "1", "0"):
        return lexical in ("true", "1")
    return str(term)


def rows_json(rows: list[dict[str, Any]]) -> str:
    """Rows of :func:`plain_value` values as a JSON array of objects (laid out as ``indent=1``)."""

    def value(v: Any) -> str:
        return v.text if isinstance(v, Number) else json.dumps(v, ensure_ascii=False)

    def row(d: dict[str, Any]) -> str:
        inner = ",\n".join(f"  {json.dumps(k, ensure_ascii=False)}: {value(v)}" for k, v in d.items())
        return f" {{\n{inner}\n }}" if d else " {}"

    return "[\n" + ",\n".join(row(d) for d in rows) + "\n]" if rows else "[]"
