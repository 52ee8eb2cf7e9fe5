"""What a query may do: one decision, taken on exactly the text that runs, on every path.

Two SPARQL parsers read every query here: rdflib's, which the decision uses, and Oxigraph's, which
runs it. They disagree on text that the grammar leaves to the reader: Oxigraph ends a comment at
CR and rdflib at LF only, so ``# x<CR> SERVICE <...> {...}<LF>`` is a comment to one and a call to
the other; rdflib expands ``\\u`` escapes everywhere before it parses, Oxigraph only inside strings
and IRIs. So no query runs as it was sent. :func:`check_query`:

1. canonicalizes the text once (:func:`canonical`): expands ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes
   as SPARQL says (refusing code points that are not characters, and escapes that make escapes),
   then re-emits the query from its tokens (:func:`tipkg.sparql.text.tokens`): comments dropped,
   every line end (CR, CRLF, NEL, LS, PS, VT, FF ...) written as LF, every string written again
   with its value unchanged and no raw line end or control character in it, IRIs holding a line
   separator refused. The text both parsers then read holds no comment and no line end but LF, so
   there is nothing left for them to read differently; should the tokenizer misread a query, the
   canonical text is still what is checked *and* what runs, so the misreading changes the query
   for both readers alike, never for one;
2. maps the allowed ``SERVICE <IRI>`` tokens to their URL (``TIPKG_SERVICES``: ``IRI=URL``), and
   refuses any other ``SERVICE`` token: a variable, a name that is not a full IRI, an endpoint not
   on the allow-list;
3. parses the result once with rdflib's *query* parser (cached by text) and decides on the parse:
   every ``SERVICE`` of the parse must be one of the mapped tokens (as many, and the same
   endpoints; and rdflib's engine, which takes the endpoint from the pattern's text rather than
   from its parse, must read the same one); ``FROM`` / ``FROM NAMED`` only graphs of the store,
   when the caller knows them; an update is refused with 403, ``LOAD`` with 400; a query nested
   deeper than the parser goes is a 400, not a ``RecursionError``.

The answer is a :class:`CheckedQuery`: the canonical text that the engine runs, its form, its
dataset, and the endpoints it calls. A refusal is :class:`Refused`, with the HTTP status the
service answers; the CLI prints it on one line and exits with 2.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tipkg.engines import SparqlError, one_line
from tipkg.namespaces import PREFIXES
from tipkg.sparql.codepoints import shown
from tipkg.sparql.text import LINE_ENDS, string_text, string_value, tokens

if TYPE_CHECKING:
    from pyparsing import ParseBaseException

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# an escape left after expansion: an odd run of backslashes before u or U and hex digits (an even
# run is escaped backslashes, then a letter, as in a string holding "\\u0041")
_LEFT_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\[uU][0-9A-Fa-f]{4}")
_LINE_END = re.compile("\r\n|[" + LINE_ENDS + "]")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# how rdflib's engine finds the endpoint it calls: in the pattern's text (evaluate.evalServiceQuery)
_RDFLIB_SERVICE = re.compile(r"^service <(.*)>[ \n]*{(.*)}[ \n]*$", re.DOTALL | re.IGNORECASE)
KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
SERVICE_ALLOW_LIST = "the service allow-list"
_PARSER_LOCK = threading.Lock()


class Refused(SparqlError):
    """A query that will not run, with the HTTP status that says why (400, 403 or 413)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (Refused, (self.status, self.message))


@dataclass(frozen=True)
class CheckedQuery:
    """A query that may run.

    ``text`` is the canonical text, the one to run (parameters are bound by the engine); ``services``
    the URLs its ``SERVICE`` patterns call (after the allow-list's mapping); ``dataset`` its
    ``FROM`` and ``FROM NAMED`` clauses as (keyword, graph IRI); ``ordered`` whether its answer has
    an ``ORDER BY`` (one of a subquery does not order the answer); ``algebra`` rdflib's reading of
    ``text``, for a planner in the same process (not pickled: the text is what runs).
    """

    text: str
    kind: str
    dataset: tuple[tuple[str, str], ...] = ()
    services: frozenset[str] = frozenset()
    ordered: bool = False
    algebra: Any = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (CheckedQuery, (self.text, self.kind, self.dataset, self.services, self.ordered))

    @property
    def has_dataset(self) -> bool:
        return bool(self.dataset)


def expand_escapes(text: str) -> str:
    """Replace ``\\uXXXX`` and ``\\UXXXXXXXX`` by their characters, as SPARQL does before parsing."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(400, f"invalid escape {m.group(0)}: not a Unicode character")
        return chr(code)

    expanded = _ESCAPE.sub(char, text)
    if _LEFT_ESCAPE.search(expanded):
        raise Refused(400, "escapes that produce escapes (such as \\u005Cu0041) are refused")
    return expanded


def canonical(text: str) -> str:
    """The query as it runs: escapes expanded, comments dropped, every line end LF, strings re-written."""
    return "".join(tok for _kind, tok in _canonical_tokens(text))


def check_query(
    text: str,
    *,
    graphs: Iterable[str] | None = None,
    services: Mapping[str, str] | Iterable[str] = (),
    max_bytes: int | None = None,
    allow_list: str = SERVICE_ALLOW_LIST,
) -> CheckedQuery:
    """The query ``text`` checked, in the canonical form that is to run.

    ``graphs``: the graphs of the store, which alone ``FROM`` may name (None: not known, not
    checked). ``services``: the endpoints ``SERVICE`` may call, or a mapping of endpoint IRI to the
    URL called for it; ``allow_list`` names where they come from, for the messages. Raises
    :class:`Refused` for anything that does not run.
    """
    if max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise Refused(413, f"query larger than {max_bytes} bytes")
    allowed = dict(services) if isinstance(services, Mapping) else {s: s for s in services}
    known = None if graphs is None else frozenset(graphs)
    return _check(text, known, tuple(sorted(allowed.items())), allow_list)


def may_call(text: str, services: Mapping[str, str] | Iterable[str] = ()) -> frozenset[str]:
    """The endpoints ``text`` may call at most, read from its canonical tokens without parsing it.

    :func:`check_query` never lets a query call more than this (every SERVICE of its parse must be
    one of these tokens), so a caller can choose where to run a query (a process without network
    when this is empty) before the costly check, which then runs there. Text the check will refuse
    anyway may answer the empty set.
    """
    allowed = dict(services) if isinstance(services, Mapping) else {s: s for s in services}
    try:
        targets, _problem = _point_services(_canonical_tokens(text), allowed, SERVICE_ALLOW_LIST)
    except Refused:
        return frozenset()
    return frozenset(targets)


def warm_up(texts: Iterable[str]) -> None:
    """Read ``texts`` ahead of time: rdflib's parser takes 30 to 200 ms on a saved query the first
    time, and its reading is cached by text, whatever the allow-list. Refusals are left for later."""
    for text in texts:
        try:
            _read(canonical(text))
        except Refused:
            continue


def check_graphs(iris: Iterable[str], graphs: Iterable[str], where: str) -> None:
    """Refuse a dataset (``FROM`` or the protocol's graph IRIs) naming a graph the store does not hold."""
    known = set(graphs)
    for iri in iris:
        if iri not in known:
            raise Refused(400, f"{where} {_iri(iri)} is refused: not a graph of this store (its graphs: {', '.join(sorted(known))})")


# -- 1. the canonical text -----------------------------------------------------------------------------


def _canonical_tokens(text: str) -> list[tuple[str, str]]:
    """The canonical tokens of ``text``, a list of its own (:func:`_point_services` rewrites it)."""
    return list(_canonical_tuple(text))


@lru_cache(maxsize=256)
def _canonical_tuple(text: str) -> tuple[tuple[str, str], ...]:
    """Read once per text: routing (:func:`may_call`) and :func:`check_query` both read it."""
    expanded = expand_escapes(text)
    out: list[tuple[str, str]] = []
    offset = 0
    for kind, tok in tokens(expanded):
        at, offset = offset, offset + len(tok)
        if kind == "comment":
            continue  # the line end after it stays, as whitespace
        if kind == "ws":
            tok = _LINE_END.sub("\n", tok)
        elif kind == "string":
            tok = string_text(string_value(tok), long=tok[:3] in ("'''", '"""'))
            if out and out[-1][0] == "string":
                out.append(("ws", " "))  # "a""b" would read as one token to rdflib
        elif kind == "iri" and any(ch in LINE_ENDS for ch in tok):
            raise Refused(400, f"{_where(expanded, at)}: an IRI with a line separator in it is refused")
        elif kind == "bad":
            raise Refused(400, f"SPARQL syntax error {_where(expanded, at)}: unexpected {tok!r}")
        out.append((kind, tok))
    return tuple(out)


def _where(text: str, offset: int) -> str:
    before = _LINE_END.split(text[:offset])
    return f"at line {len(before)}, column {len(before[-1]) + 1}"


# -- 2. SERVICE tokens --------------------------------------------------------------------------------


def _point_services(toks: list[tuple[str, str]], allowed: dict[str, str], allow_list: str) -> tuple[list[str], str | None]:
    """The URL each ``SERVICE`` token calls, in order, with each allowed IRI token replaced by its
    URL in ``toks``; and the first refusal, if any (kept until the parse has said what the text is)."""
    significant = [i for i, (kind, _tok) in enumerate(toks) if kind != "ws"]
    targets: list[str] = []
    problem = None
    for n, i in enumerate(significant):
        kind, tok = toks[i]
        if kind != "word" or tok.upper() != "SERVICE":
            continue
        k = n + 1
        if k < len(significant) and toks[significant[k]][0] == "word" and toks[significant[k]][1].upper() == "SILENT":
            k += 1
        endpoint_kind, endpoint = toks[significant[k]] if k < len(significant) else ("", "")
        iri = endpoint[1:-1] if endpoint_kind == "iri" else ""
        named = shown(endpoint, quotes=False) or "(nothing)"
        if endpoint_kind == "var":
            problem = problem or f"SERVICE {named} is refused: a query may not choose its endpoint with a variable"
        elif not _ABSOLUTE.match(iri):
            problem = problem or f"SERVICE {named} is refused: name the endpoint with a full IRI <...> listed in {allow_list}"
        elif iri not in allowed:
            problem = problem or f"SERVICE {_iri(iri)} is refused: the endpoint is not in {allow_list}"
        else:
            toks[significant[k]] = ("iri", f"<{allowed[iri]}>")
            targets.append(allowed[iri])
    return targets, problem


# -- 3. the parse and the decision --------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """What rdflib's parser reads in a (canonical) query text."""

    kind: str
    dataset: tuple[tuple[str, str], ...]
    services: tuple[tuple[Any, str | None], ...]  # (endpoint term, the URL rdflib's engine would call)
    algebra_services: tuple[Any, ...]
    ordered: bool
    algebra: Any


@lru_cache(maxsize=512)
def _check(text: str, graphs: frozenset[str] | None, allowed: tuple[tuple[str, str], ...], allow_list: str) -> CheckedQuery:
    toks = _canonical_tokens(text)
    targets, problem = _point_services(toks, dict(allowed), allow_list)
    final = "".join(tok for _kind, tok in toks)
    if not final.strip():
        raise Refused(400, "empty query")
    reading = _read(final)
    if problem:
        raise Refused(400, problem)
    if len(reading.services) != len(targets):
        raise Refused(400, f"the query has {len(reading.services)} SERVICE patterns where its text shows {len(targets)}: refused")
    for term, called in reading.services:
        _check_endpoint(term, set(targets), allow_list)
        if called is not None and called != str(term):
            raise Refused(400, f"SERVICE {_iri(term)} is refused: rdflib's engine would call {_iri(called)} for it")
    for term in reading.algebra_services:
        _check_endpoint(term, set(targets), allow_list)
    if graphs is not None:
        for keyword, iri in reading.dataset:
            check_graphs([iri], graphs, keyword)
    services = frozenset(str(term) for term, _called in reading.services)
    return CheckedQuery(final, reading.kind, reading.dataset, services, reading.ordered, reading.algebra)


def _check_endpoint(term: Any, targets: set[str], allow_list: str) -> None:
    from rdflib import URIRef

    if not isinstance(term, URIRef):
        raise Refused(400, f"SERVICE {_show(term)} is refused: a query may not choose its endpoint with a variable")
    if str(term) not in targets:
        raise Refused(400, f"SERVICE {_iri(term)} is refused: the endpoint is not in {allow_list}")


@lru_cache(maxsize=256)
def _read(text: str) -> _Reading:
    with _PARSER_LOCK:  # rdflib's parser keeps state while it parses: one text at a time
        return _read_unlocked(text)


def _read_unlocked(text: str) -> _Reading:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
        services = tuple(_rdflib_call(node) for node in walk(parsed) if _named(node, "ServiceGraphPattern"))
        algebra = translateQuery(parsed, initNs=PREFIXES).algebra
        algebra_services = tuple(dict.get(node, "term") for node in walk(algebra) if _named(node, "ServiceGraphPattern"))
    except ParseException as exc:
        _refuse_not_a_query(text, exc)
        raise  # not reached: _refuse_not_a_query always raises
    except RecursionError:
        raise Refused(400, "query nested too deeply") from None
    except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes and bad aggregates
        raise Refused(400, f"bad query: {one_line(exc)}") from None
    kind = KINDS.get(algebra.name)
    if kind is None:
        raise Refused(400, f"not a query: {algebra.name}")
    return _Reading(kind, _dataset(dict.get(algebra, "datasetClause")), services, algebra_services, _ordered(algebra), algebra)


def _ordered(algebra: Any) -> bool:
    """Whether the answer's solutions are ordered: an ``OrderBy`` under the query's modifiers."""
    node = dict.get(algebra, "p")
    while isinstance(node, dict) and getattr(node, "name", None) in ("Slice", "Distinct", "Reduced", "Project"):
        node = dict.get(node, "p")
    return _named(node, "OrderBy")


def _rdflib_call(node: Any) -> tuple[Any, str | None]:
    """A SERVICE pattern's endpoint, and the URL rdflib's engine would call for it (None: none)."""
    found = _RDFLIB_SERVICE.match(str(dict.get(node, "service_string", "")))
    return dict.get(node, "term"), found.group(1) if found else None


def _refuse_not_a_query(text: str, error: ParseBaseException) -> None:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except RecursionError:
        raise Refused(400, "query nested too deeply") from None
    except Exception:  # not an update either: report the query parser's error
        raise Refused(400, f"SPARQL syntax error at line {error.lineno}, column {error.col}: {one_line(error.msg)}") from None
    operations = [getattr(op, "name", "") for op in update.get("request") or []]
    if "Load" in operations:
        raise Refused(400, "LOAD is refused: this endpoint reads no URL on a query's behalf, and is read-only")
    raise Refused(403, f"updates are refused: this endpoint is read-only (the text is a {', '.join(operations) or 'update'})")


def _dataset(clauses: Any) -> tuple[tuple[str, str], ...]:
    """(``FROM`` or ``FROM NAMED``, graph IRI) of each dataset clause."""
    out = []
    for clause in clauses or []:
        for key, keyword in (("default", "FROM"), ("named", "FROM NAMED")):
            if key in clause:  # not clause.get(key): a CompValue answers a missing key with the key itself
                out.append((keyword, str(dict.__getitem__(clause, key))))
    return tuple(out)


def _named(node: Any, name: str) -> bool:
    return isinstance(node, dict) and getattr(node, "name", None) == name


def walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib parse or algebra tree (CompValues, lists, expressions), depth first."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, dict):  # CompValue is a dict (an OrderedDict)
            stack.extend(current.values())
        elif isinstance(current, list | tuple | set | frozenset) or type(current).__name__ == "ParseResults":
            stack.extend(current)


def _show(term: Any) -> str:
    from rdflib import URIRef, Variable

    if isinstance(term, URIRef):
        return _iri(term)
    if isinstance(term, Variable):
        return f"?{term}"
    return shown(str(term), quotes=False)


def _iri(iri: str) -> str:
    """An IRI as a one-line message quotes it: bidirectional and invisible marks escaped, cut."""
    return f"<{shown(str(iri), 200, quotes=False)}>"
