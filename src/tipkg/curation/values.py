"""Curated text to RDF terms: the pure parsing of values (no file access, no graph).

Each function reads the text a curator wrote and returns a typed term, or raises a
:class:`~tipkg.errors.DataError` naming the file, line and field and saying what was expected.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from tipkg.curation.records import Mapping, Scalar, Sequence, Value
from tipkg.errors import DataError
from tipkg.namespaces import TIPKG

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+$")
QID = re.compile(r"^Q[1-9]\d*$")
_DECIMAL = re.compile(r"^-?\d+(?:\.\d+)?$")
_INTEGER = re.compile(r"^\d+$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def parse_checked_qids(text: str) -> set[str]:
    """Wikidata ids from the reference list of checked ids (CSV with a ``wikidata_id`` column).

    >>> sorted(parse_checked_qids("wikidata_id,label\\nQ96,Mexico\\n,none\\n"))
    ['Q96']
    """
    return {row["wikidata_id"].strip() for row in csv.DictReader(io.StringIO(text)) if row.get("wikidata_id")}


def parse_accepted_links(text: str) -> list[tuple[str, str, int]]:
    """``(entity id, Wikidata id, line)`` of the rows a curator accepted in the candidates review file."""
    rows = csv.DictReader(io.StringIO(text))
    return [
        ((row.get("entity") or "").strip(), (row.get("candidate") or "").strip(), rows.line_num)
        for row in rows
        if (row.get("status") or "").strip() == "accepted"
    ]


def nfc(text: str) -> str:
    """Text in Unicode normal form C, so that one name is one literal however it was typed."""
    return unicodedata.normalize("NFC", text)


def parse_temporal(text: str) -> Literal | None:
    """A date at its given precision: ``2009`` gYear, ``2009-07`` gYearMonth, ``2009-10-07`` date.

    >>> parse_temporal("2009-07").datatype == XSD.gYearMonth, parse_temporal("2009-02-30")
    (True, None)
    """
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return None
        return Literal(text, datatype=XSD.date)
    return None


def as_list(value: Value) -> list[Value]:
    """The items of a YAML list, or the one value given where a list may be."""
    return value.items if isinstance(value, Sequence) else [value]


def text_of(value: Value, path: str, key: str) -> str:
    """The text of a single non-empty scalar."""
    if not isinstance(value, Scalar) or value.text is None or value.text == "":
        raise DataError(path, value.line, key, "expected a single non-empty value")
    return value.text


def typed_literal(rng: URIRef | None, text: str, path: str, line: int, key: str) -> Literal:
    """The literal of a datatype property whose range is ``rng`` (a plain string when untyped)."""
    if rng == TIPKG.TemporalValue:
        lit = parse_temporal(text)
        if lit is None:
            raise DataError(path, line, key, f"{text!r}: expected a date at the report's precision: 2009, 2009-07 or 2009-10-07")
        return lit
    if rng == XSD.decimal:
        if not _DECIMAL.match(text):
            raise DataError(path, line, key, f'{text!r}: expected a decimal number without separators, like "17926386.00"')
        return Literal(text, datatype=XSD.decimal)
    if rng in (XSD.integer, XSD.nonNegativeInteger):
        if not _INTEGER.match(text):
            raise DataError(path, line, key, f"{text!r}: expected a whole number without separators")
        return Literal(text, datatype=rng)
    if rng == XSD.boolean:
        if text not in ("true", "false"):
            raise DataError(path, line, key, f"{text!r}: expected true or false")
        return Literal(text, datatype=XSD.boolean)
    if rng == XSD.anyURI:
        if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text):
            raise DataError(path, line, key, f"{text!r}: expected an absolute URL")
        return Literal(text, datatype=XSD.anyURI)
    return Literal(nfc(text))


def lang_values(value: Value, path: str, key: str, default_lang: str) -> list[Literal]:
    """Language-tagged texts: ``{en: ..., es: ...}`` mappings, or plain texts in ``default_lang``."""
    out = []
    for item in as_list(value):
        if isinstance(item, Mapping):
            for lang, text_value in item.items.items():
                tag = lang.lower()
                if not _LANG.match(tag):
                    raise DataError(path, item.lines[lang], key, f"{lang!r}: expected a language tag like en or es")
                out.append(Literal(nfc(text_of(text_value, path, key)), lang=tag))
        else:
            out.append(Literal(nfc(text_of(item, path, key)), lang=default_lang))
    return out


def literal_values(rng: URIRef | None, item: Value, path: str, key: str, default_lang: str) -> list[Literal]:
    """The literals one curated value of a datatype property gives (several for a language mapping)."""
    if rng == RDF.langString:
        return lang_values(item, path, key, default_lang)
    return [typed_literal(rng, text_of(item, path, key), path, item.line, key)]


def wikidata_id(value: Value, path: str, key: str) -> str:
    """A Wikidata item id, like ``Q96``."""
    qid = text_of(value, path, key)
    if not QID.match(qid):
        raise DataError(path, value.line, key, f"{qid!r}: expected a Wikidata id like Q96")
    return qid


def suggest(name: str, known: object) -> str:
    """``; did you mean ...?`` with the closest known names, or nothing.

    >>> suggest("Goverment", ["Government", "Report"])
    '; did you mean Government?'
    """
    close = difflib.get_close_matches(name, list(known), n=3)  # type: ignore[call-overload]
    return f"; did you mean {', '.join(close)}?" if close else ""


def short(text: str, n: int = 80) -> str:
    """Text on one line, cut to ``n`` characters for a message."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
