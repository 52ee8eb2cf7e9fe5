"""Pages of an answer: rows a–b of n, the same rows whichever request or process asks.

Each page is its own request, run again, maybe in another worker process; page 2 continues page 1
only if the rows come in the same order every time. A query with ``ORDER BY`` states its order
(ties keep the engine's order, which is the same for a fixed store: Oxigraph evaluates a query the
same way on the same files). A query without one gets its rows sorted by their terms' text, so
the order holds whatever the engine does, and it reads better than the order of the engine's
indexes. Whole answers (the downloads) keep the engine's order: they are one request.

A page costs the whole answer's evaluation (its count is the page's total); the Oxigraph engine
then makes rdflib terms of an ordered answer's page rows only (``OxigraphEngine.run(window=...)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

PAGE_ROWS = 1_000  # rows a page of HTML shows
Row = TypeVar("Row", bound=Sequence[Any])


@dataclass(frozen=True)
class Window:
    """The rows to keep: ``limit`` rows (None: all) after the first ``offset``."""

    offset: int = 0
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.offset < 0 or (self.limit is not None and self.limit < 0):
            raise ValueError(f"offset and limit must not be negative (got {self.offset}, {self.limit})")

    @classmethod
    def page(cls, number: int, size: int = PAGE_ROWS) -> Window:
        """Page ``number`` (from 1) of ``size`` rows."""
        return cls((number - 1) * size, size)

    def cut(self, rows: list[Row], *, ordered: bool) -> list[Row]:
        """The window's rows of ``rows``, sorted first unless ``ordered``."""
        kept = rows if ordered else sorted(rows, key=_row_key)
        return kept[self.offset :] if self.limit is None else kept[self.offset : self.offset + self.limit]

    def apply(self, result: Any, *, ordered: bool) -> Any:
        """Keep the window's rows of a :class:`tipkg.sparql.results.Result`, noting the whole answer's count."""
        result.total, result.offset = len(result.rows), self.offset
        result.rows = self.cut(result.rows, ordered=ordered)
        return result


@dataclass(frozen=True)
class Page:
    """Where a page's rows sit in the answer: rows ``first``–``last`` of ``total`` (from 1)."""

    number: int
    size: int
    total: int
    shown: int

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + self.shown

    @property
    def count(self) -> int:
        """How many pages the answer fills (at least one, which may be empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


def page_number(raw: str | None) -> int:
    """The ``page`` parameter of a request: a whole number from 1 (absent: 1), else ValueError."""
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"page {raw!r}: expected a whole number from 1")
    return int(raw)


def _row_key(row: Sequence[Any]) -> tuple[tuple[bool, str], ...]:
    """A row's terms as text (N-Triples where the term writes it), unbound ones first."""
    return tuple((term is not None, _text(term)) for term in row)


def _text(term: Any) -> str:
    if term is None:
        return ""
    n3 = getattr(term, "n3", None)  # rdflib terms; pyoxigraph terms' str() is already N-Triples
    return str(n3()) if callable(n3) else str(term)
