"""Numbers of an answer, as the bar charts and the maps read and write them: one reading, so that a
view never draws what another leaves out.

A cell is a number when it is a literal of a numeric XSD datatype; it is drawn only when its value
is finite: ``INF``, ``-INF`` and ``NaN`` are valid ``xsd:double`` values but no length or colour,
and an ill-typed ``"abc"^^xsd:integer`` has no value at all. The table shows every cell as written.
"""

from __future__ import annotations

import math

from rdflib import Literal
from rdflib.namespace import XSD

NUMERIC = {
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
}


def is_number(term: object) -> bool:
    """Whether ``term`` is typed as a number (its value may still be one no view draws)."""
    return isinstance(term, Literal) and term.datatype in NUMERIC


def value(term: object) -> float | None:
    """The finite value of a numeric literal, else ``None``.

    >>> from rdflib import Literal
    >>> value(Literal("12", datatype=XSD.integer)), value(Literal("INF", datatype=XSD.double)), value(Literal("12"))
    (12.0, None, None)
    """
    if not is_number(term):
        return None
    try:
        found = float(str(term))
    except ValueError:
        return None
    return found if math.isfinite(found) else None


def written(number: float) -> str:
    """A value as the pages write it, every significant digit kept: ``1,234``, ``2.5``, ``0.004``.

    >>> written(1234.0), written(2.5), written(0.004), written(1234567.891)
    ('1,234', '2.5', '0.004', '1,234,567.891')
    """
    return f"{int(number):,}" if number == int(number) else f"{number:,.15g}"
