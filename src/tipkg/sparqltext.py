"""SPARQL text for stores that have no substitution API: RDF terms written safely, parameters put in.

A remote SPARQL endpoint receives text, so a parameter must become text too. It is written as an
RDF term (an IRI checked character by character, a literal escaped so that no quote can end it,
even where a server expands ``\\u`` escapes before it reads the query) and put in place of each
``$name`` token of the query, found by a tokenizer that skips strings, IRIs and comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from tipkg.errors import TipkgError
from tipkg.namespaces import PREFIXES


class TermError(TipkgError):
    """A value that cannot be written into SPARQL text as an RDF term."""


_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LANG = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# a backslash followed by u or U is a \u escape to a server that expands them before parsing:
# after an escaped backslash, u and U are written as 8-digit code points (a reader that takes 8 hex
# digits after \u when it can, as rdflib does, would misread a 4-digit one followed by digits),
# which any reading turns back into the letter, never into a quote
_AFTER_BACKSLASH = {"u": "\\U00000075", "U": "\\U00000055"}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<word>[A-Za-z_][\w-]*(?::(?:[\w%:-]|\.(?=[\w%:-]))*)?|:(?:[\w%:-]|\.(?=[\w%:-]))*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` pairs: ws, comment, string, iri, var, word (keyword or prefixed name), other."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        yield kind, m.group()


def iri_text(iri: str) -> str:
    """``<iri>``, or an error if the IRI is not absolute or has a character that could end it."""
    if not _SCHEME.match(iri) or _IRI_BAD.search(iri):
        raise TermError(f"not a usable IRI: {iri!r}")
    return f"<{iri}>"


def string_text(value: str) -> str:
    """A quoted SPARQL string whose content reads back as ``value`` whatever the server's reading."""
    out = []
    after_backslash = False
    for ch in value:
        out.append(_AFTER_BACKSLASH[ch] if after_backslash and ch in _AFTER_BACKSLASH else _ECHAR.get(ch, ch))
        after_backslash = ch == "\\"
    return '"' + "".join(out) + '"'


def sparql_term(term: Node) -> str:
    """An IRI or literal as SPARQL (and N-Triples) text; blank nodes and other terms are refused."""
    if isinstance(term, URIRef):
        return iri_text(str(term))
    if isinstance(term, Literal):
        text = string_text(str(term))
        if term.language:
            if not _LANG.match(term.language):
                raise TermError(f"not a language tag: {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{iri_text(str(term.datatype))}"
        return text
    raise TermError(f"cannot write {term!r} into a query: only IRIs and literals can be parameters")


def substitute(text: str, bindings: dict[str, URIRef | Literal]) -> str:
    """The query with each ``$name`` of ``bindings`` replaced by its term.

    In a SELECT clause ``$name`` becomes ``(term AS ?name)``, so the column stays; in GROUP BY and
    ORDER BY it becomes ``(term)``; elsewhere the term itself. A parameter that a query assigns
    (``AS $name``) cannot be replaced and is refused.
    """
    if not bindings:
        return text
    written = {name: sparql_term(term) for name, term in bindings.items()}
    out: list[str] = []
    clause: str | None = None  # "select", "group" or "order" while in such a clause
    clause_depth = depth = 0
    previous = ""  # the last keyword or punctuation token, upper-case
    for kind, tok in tokens(text):
        if kind == "var" and tok[0] == "$" and tok[1:] in written:
            name, term = tok[1:], written[tok[1:]]
            if previous == "AS":
                raise TermError(f"parameter ${name} is assigned by the query (AS ${name}): it cannot be given a value")
            at_top = clause is not None and depth == clause_depth
            if clause == "select" and at_top:
                out.append(f"({term} AS ?{name})")
            elif clause in ("group", "order") and at_top:
                out.append(f"({term})")
            else:
                out.append(term)
            previous = "VAR"
            continue
        out.append(tok)
        if kind in ("ws", "comment"):
            continue
        upper = tok.upper() if kind in ("word", "other") else kind.upper()
        if upper == "SELECT":
            clause, clause_depth = "select", depth
        elif upper == "BY" and previous in ("GROUP", "ORDER"):
            clause, clause_depth = previous.lower(), depth
        elif upper in ("WHERE", "FROM", "HAVING", "LIMIT", "OFFSET", "VALUES", "{", "}") and depth == clause_depth:
            clause = None
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        previous = upper
    return "".join(out)


def declared_prefixes(text: str) -> set[str]:
    """The prefixes a query declares itself (``PREFIX name: <...>``)."""
    out = set()
    previous = ""
    for kind, tok in tokens(text):
        if kind in ("ws", "comment"):
            continue
        if previous == "PREFIX" and kind == "word" and tok.endswith(":"):
            out.add(tok[:-1])
        previous = tok.upper() if kind == "word" else ""
    return out


def with_prefixes(text: str) -> str:
    """The query with a PREFIX line for each of tipkg's prefixes it does not declare itself.

    The embedded engines know tipkg's prefixes; a remote store only knows its own.
    """
    missing = [f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items() if name not in declared_prefixes(text)]
    return "".join(missing) + text
