"""Errors on the site as clear as the CLI's: a saved query name that names none gets the closest
names, linked; a query that does not parse is shown with the line the parser stopped at marked."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tipkg.service.views.plumbing import context, error_page, words
from tipkg.sparql.codepoints import shown

# where the parsers say they stopped: rdflib's (through tipkg.sparql.guard) and Oxigraph's
_POSITIONS = (re.compile(r"syntax error at line (\d+), column (\d+)"), re.compile(r"syntax error: error at (\d+):(\d+)"))
AROUND = 2  # lines shown before and after the marked one


def unknown_query(request: Request, name: str, suffix: str = "") -> Response:
    """404 for a saved query name that names none: the closest names, as links (to ``suffix`` of each)."""
    from tipkg.sparql.saved import close_names

    queries = context(request).kg.queries
    close = [(q, f"/queries/{q}{suffix}", queries[q].title) for q in close_names(queries, name)]
    message = words(request, "site.error.no_query", name=shown(name, quotes=False))
    return error_page(request, 404, message, suggestions=close)


def unknown_query_text(request: Request, name: str) -> Response:
    """The same as text, for a download's address (``/queries/NAME.csv``)."""
    from tipkg.sparql.saved import close_names

    close = close_names(context(request).kg.queries, name)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return Response(f"no saved query {shown(name)}{hint}\n", 404, media_type="text/plain; charset=utf-8")


def marked(query: str, message: str | None) -> dict[str, Any] | None:
    """The lines around where a syntax error ``message`` says the parser stopped in ``query``:
    (number, text, whether it is that line), the line and column, and a caret under the column.

    The parsers read the guard's canonical text, whose lines are the query's (comments are dropped
    to their line end, every line end kept); a column after an escape or a rewritten string may
    be off by the characters these changed.
    """
    if not message:
        return None
    found = next((m for m in (p.search(message) for p in _POSITIONS) if m), None)
    lines = query.splitlines() or [""]
    if found is None or not 1 <= int(found.group(1)) <= len(lines):
        return None
    line, column = int(found.group(1)), int(found.group(2))
    first, last = max(1, line - AROUND), min(len(lines), line + AROUND)
    shown_lines = [(n, lines[n - 1], n == line) for n in range(first, last + 1)]
    return {"line": line, "column": column, "lines": shown_lines, "caret": " " * max(0, column - 1) + "^"}
