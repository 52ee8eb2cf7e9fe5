"""The view a query asks to be shown in, by a ``#defaultView:Name`` comment as in the Wikidata Query
Service (``#defaultView:BarChart``). The comment is read from the query's tokens, so the same
words inside a string or an IRI are not a request; the guard drops comments before the query runs,
so the engine never sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tipkg.sparql.text import tokens

# WDQS's names (case aside) -> the names of tipkg's views (tipkg.sparql.saved.VIEWS)
WDQS_VIEWS = {"table": "table", "graph": "graph", "barchart": "bar", "timeline": "timeline", "map": "map"}
_COMMENT = re.compile(r"#\s*defaultView\s*:\s*([A-Za-z]*)")


@dataclass(frozen=True)
class DefaultView:
    """What a ``#defaultView:`` comment says: the name as written, and tipkg's view (None: none of them)."""

    written: str
    view: str | None


def default_view(text: str) -> DefaultView | None:
    """The first ``#defaultView:`` comment of ``text`` (options after the name, as WDQS's
    ``#defaultView:Map{...}``, are not read), or None."""
    for kind, token in tokens(text):
        found = _COMMENT.match(token) if kind == "comment" else None
        if found:
            return DefaultView(found.group(1), WDQS_VIEWS.get(found.group(1).lower()))
    return None
