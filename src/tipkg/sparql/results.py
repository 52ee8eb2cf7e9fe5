"""Query results: rows of rdflib terms, each IRI with its label, in every output format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, overload

from rdflib import Literal, URIRef
from rdflib.term import Node

SEPARATOR = " | "  # GROUP_CONCAT separator of the saved queries; parts are sorted for stable output
FORMATS = ("table", "csv", "tsv", "json", "md", "sparql-json")


def normalize(term: Node | None) -> Node | None:
    """Sort the parts of a concatenated list value, so engines agree on its text."""
    if isinstance(term, Literal) and term.datatype is None and term.language is None and SEPARATOR in str(term):
        parts = sorted(set(str(term).split(SEPARATOR)))
        return Literal(SEPARATOR.join(parts))
    return term


class _Labels:
    """``Result.labels``: each IRI's name. A lookup left by :meth:`Result.defer_labels` runs when they
    are first read, so a caller that only wants the rows does not pay for a second query."""

    @overload
    def __get__(self, result: None, owner: type | None = None) -> None: ...
    @overload
    def __get__(self, result: Result, owner: type | None = None) -> dict[URIRef, str]: ...
    def __get__(self, result: Result | None, owner: type | None = None) -> dict[URIRef, str] | None:
        if result is None:
            return None  # the field's default: __set__ makes a new dict of it
        labels: dict[URIRef, str] = result.__dict__["_labels"]
        pending = result.__dict__.get("_pending_labels")
        if pending is not None:
            labels.update(pending())
            del result.__dict__["_pending_labels"]
        return labels

    def __set__(self, result: Result, value: dict[URIRef, str] | None) -> None:
        result.__dict__["_labels"] = {} if value is None else value
        result.__dict__.pop("_pending_labels", None)


@dataclass
class Result:
    """A SELECT result (``variables``, ``rows``), an ASK answer (``boolean``) or a graph (``triples``)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]]
    labels: _Labels = _Labels()
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] | None = None
    truncated: bool = False
    total: int | None = None  # rows of the whole answer, when ``rows`` are a window of it (tipkg.sparql.paging)
    offset: int = 0  # rows of the answer before the window's first

    def defer_labels(self, lookup: Callable[[], dict[URIRef, str]]) -> None:
        """Add the names ``lookup`` returns to :attr:`labels` when they are first read."""
        self.__dict__["_pending_labels"] = lookup

    def __getstate__(self) -> dict[str, Any]:
        self.labels  # noqa: B018 - a pending lookup runs now: it cannot be pickled
        return dict(self.__dict__)

    def __iter__(self) -> Iterator[dict[str, Node | None]]:
        for row in self.rows:
            yield dict(zip(self.variables, row, strict=True))

    def __len__(self) -> int:
        return len(self.rows)

    def iri_columns(self) -> list[str]:
        return [v for i, v in enumerate(self.variables) if any(isinstance(r[i], URIRef) for r in self.rows)]

    def label(self, term: Node | None) -> str:
        if term is None:
            return ""
        if isinstance(term, URIRef):
            return self.labels.get(term) or _local(term)
        return str(term)

    def columns(self) -> list[str]:
        """Output columns: each variable, and ``<var>Label`` after each IRI-valued one."""
        iri = set(self.iri_columns())
        out = []
        for v in self.variables:
            out.append(v)
            if v in iri and f"{v}Label" not in self.variables:
                out.append(f"{v}Label")
        return out

    def to_dicts(self) -> list[dict[str, Any]]:
        """Rows as plain dicts of strings (IRIs as strings, with ``<var>Label`` for each IRI)."""
        return self._dicts(lambda value: None if value is None else str(value))

    def _dicts(self, convert: Callable[[Node | None], Any]) -> list[dict[str, Any]]:
        cols = self.columns()
        out = []
        for row in self:
            d: dict[str, Any] = {}
            for c in cols:
                if c in row:
                    d[c] = convert(row[c])
                else:
                    base = row.get(c[: -len("Label")])
                    d[c] = self.label(base) if base is not None else None
            out.append(d)
        return out

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of :meth:`to_dicts` (``pip install tipkg[pandas]``)."""
        try:
            import pandas as pd
        except ImportError:
            from tipkg.errors import TipkgError

            raise TipkgError("pandas is not installed: pip install 'tipkg[pandas]'") from None
        return pd.DataFrame(self.to_dicts(), columns=self.columns())

    def display_rows(self) -> list[list[str]]:
        """What a person reads: labels for IRIs, text for literals."""
        return [[self.label(row[i]) for i in range(len(self.variables))] for row in self.rows]

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<th>{escape(v)}</th>" for v in self.variables)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in self.display_rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{len(self)} rows</p>"

    def render(self, fmt: str = "table", width: int = 60) -> str:
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}) if fmt == "sparql-json" else ("true" if self.boolean else "false")
        if fmt == "table":
            shown = (
                f"rows {self.offset + 1}–{self.offset + len(self)} of {self.total}"
                if self.total is not None and self.rows
                else f"{len(self)} rows"
            )
            return _table(self.variables, self.display_rows(), width) + f"\n({shown}{', truncated' if self.truncated else ''})"
        if fmt == "md":
            head = "| " + " | ".join(self.variables) + " |\n|" + "---|" * len(self.variables) + "\n"
            return head + "".join(
                "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in r) + " |\n" for r in self.display_rows()
            )
        if fmt in ("csv", "tsv"):
            buf = io.StringIO()
            writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
            cols = self.columns()
            writer.writerow(cols)
            for d in self.to_dicts():
                writer.writerow(["" if d[c] is None else d[c] for c in cols])
            return buf.getvalue()
        if fmt == "json":  # numbers and booleans typed (tipkg.sparql.codec.plain_value); sparql-json as the standard says
            from tipkg.sparql.codec import plain_value, rows_json

            return rows_json(self._dicts(plain_value))
        if fmt == "sparql-json":
            return json.dumps(self.sparql_json(), ensure_ascii=False)
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")

    def sparql_json(self) -> dict[str, Any]:
        """W3C SPARQL 1.1 JSON results, with a ``<var>Label`` binding for each IRI (as WDQS does)."""
        from tipkg.sparql.codec import term_json

        cols = self.columns()
        bindings = []
        for row in self:
            b: dict[str, Any] = {}
            for c in cols:
                value = row.get(c) if c in row else None
                if c not in row:
                    base = row.get(c[: -len("Label")])
                    if base is not None:
                        b[c] = {"type": "literal", "value": self.label(base)}
                elif value is not None:
                    b[c] = term_json(value)
            bindings.append(b)
        return {"head": {"vars": cols}, "results": {"bindings": bindings}}


def _local(iri: URIRef) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1] or text
    return text


def _table(headers: list[str], rows: list[list[str]], width: int) -> str:
    def cut(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= width else s[: width - 1] + "…"

    cells = [[cut(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    rule = "  ".join("─" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body])
