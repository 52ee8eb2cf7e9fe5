"""SPARQL text: the terminals of the grammar, RDF terms written safely, parameters put in.

:func:`tokens` splits a query into the terminals of SPARQL 1.1 (section 19.8 of the
recommendation): strings in both quote styles, short and long; IRIs; prefixed names with their
``%hh`` and ``\\#``-style escapes (``ex:a\\#b`` is one name, not a name and a comment); comments,
which end at the first line end of any kind. :mod:`tipkg.sparql.guard` re-emits every query from these
tokens, and :func:`substitute` reads them.

A remote SPARQL endpoint receives text, so a parameter must become text too. It is written as an
RDF term (an IRI checked character by character, a literal escaped so that no quote can end it,
even where a server expands ``\\u`` escapes before it reads the query) and put in place of each
``$name`` token of the query.
"""

from __future__ import annotations

import re
import unicodedata
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
_ECHAR_VALUE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
# a backslash followed by u or U is a \u escape to a server that expands them before parsing:
# after an escaped backslash, u and U are written as 8-digit code points (a reader that takes 8 hex
# digits after \u when it can, as rdflib does, would misread a 4-digit one followed by digits),
# which any reading turns back into the letter, never into a quote
_AFTER_BACKSLASH = {"u": "\\U00000075", "U": "\\U00000055"}

# Every character some reader takes for the end of a line (the set of str.splitlines). SPARQL's
# own are CR and LF, and its readers disagree even on those: Oxigraph ends a comment at either,
# rdflib at LF only.
LINE_ENDS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_ECHAR_RE = r"""\\[tbnrf"'\\]"""
_EXPONENT = "[eE][+-]?[0-9]+"
_STRINGS = [
    f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR_RE}))*'''",
    f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR_RE}))*"""',
    f"'(?:[^'\\\\\\n\\r]|{_ECHAR_RE})*'",
    f'"(?:[^"\\\\\\n\\r]|{_ECHAR_RE})*"',
]
_TERMINALS = [
    ("ws", f"[ \\t{LINE_ENDS}]+"),
    ("comment", f"#[^{LINE_ENDS}]*"),
    ("string", "|".join(_STRINGS)),
    ("iri", '<[^<>"{}|^`\\\\\\x00-\\x20]*>'),
    ("var", f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    ("word", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?|_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?|[A-Za-z_][A-Za-z0-9_]*"),
    ("langtag", "@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", f"[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\\.[0-9]+|[0-9]+"),
    ("other", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.+\-*/!=<>?^|]"),
    ("bad", "."),
]
_TOKEN = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _TERMINALS), re.DOTALL)
_ECHAR_IN = re.compile(_ECHAR_RE)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` pairs that cover ``text``: ws, comment, string, iri, var, word (a keyword, a
    prefixed name or a blank node label), langtag, number, other (punctuation and operators), and
    bad (a character that starts no terminal, such as an unclosed quote)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        yield kind, m.group()


def string_value(token: str) -> str:
    """The value of a string token: its quotes taken off and its escapes read."""
    quotes = 3 if token[:3] in ("'''", '"""') else 1
    return _ECHAR_IN.sub(lambda m: _ECHAR_VALUE[m.group()[1]], token[quotes:-quotes])


def iri_text(iri: str) -> str:
    """``<iri>``, or an error if the IRI is not absolute or has a character that could end it."""
    if not _SCHEME.match(iri) or _IRI_BAD.search(iri):
        raise TermError(f"not a usable IRI: {iri!r}")
    return f"<{iri}>"


def string_text(value: str, long: bool = False) -> str:
    """A quoted SPARQL string whose content reads back as ``value`` whatever the server's reading.

    Control characters and line or paragraph separators are written as ``\\U`` escapes, so that
    the text holds no line end which one reader could take for the end of a comment and another
    not. ``long`` writes a long string (three quotes) that keeps the value's LFs as they are, so a
    query keeps its line numbers.
    """
    out = []
    after_backslash = False
    for ch in value:
        if after_backslash and ch in _AFTER_BACKSLASH:
            out.append(_AFTER_BACKSLASH[ch])
        elif ch == "\n" and long:
            out.append(ch)
        elif ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ch in LINE_ENDS or unicodedata.category(ch) == "Cc":
            out.append(f"\\U{ord(ch):08X}")
        else:
            out.append(ch)
        after_backslash = ch == "\\"
    quote = '"""' if long else '"'
    return quote + "".join(out) + quote


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
