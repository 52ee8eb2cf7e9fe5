"""Federated queries: ``SERVICE <endpoint>`` only to the endpoints an allow-list names.

The allow-list is configuration: ``TIPKG_SERVICES``, entries separated by spaces, commas or new
lines. An entry is an endpoint IRI (``https://query.wikidata.org/sparql``), or ``IRI=URL`` to send
what a query asks of IRI to URL instead (a mirror, or a local test endpoint). A ``SERVICE`` to any
other endpoint, or to a variable, is refused before any engine sees the query.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from tipkg.savedqueries import QueryError
from tipkg.sparqltext import iri_text, tokens

SERVICES_ENV = "TIPKG_SERVICES"


def allowed_services(setting: str | None = None) -> dict[str, str]:
    """Endpoint IRI -> the URL called for it, from ``setting`` (default: the ``TIPKG_SERVICES`` variable)."""
    text = os.environ.get(SERVICES_ENV, "") if setting is None else setting
    out = {}
    for entry in re.split(r"[\s,]+", text.strip()):
        if not entry:
            continue
        iri, _sep, url = entry.partition("=")
        iri_text(iri)
        iri_text(url or iri)
        out[iri] = url or iri
    return out


def prepare(text: str, allowed: dict[str, str] | None = None) -> str:
    """The query with each allowed ``SERVICE <IRI>`` pointed at its URL; an error for any other."""
    if "service" not in text.lower():
        return text
    allow = allowed_services() if allowed is None else allowed
    return _pointed(text, tuple(sorted(allow.items())))


@lru_cache(maxsize=256)
def _pointed(text: str, allowed: tuple[tuple[str, str], ...]) -> str:
    # cached: saved queries come back with the same text, and tokenizing costs about 0.1 ms
    allow = dict(allowed)
    out: list[str] = []
    after_service = False
    for kind, tok in tokens(text):
        if after_service and kind not in ("ws", "comment") and not (kind == "word" and tok.upper() == "SILENT"):
            after_service = False
            if kind != "iri":
                raise QueryError(f"SERVICE {tok}: name the endpoint with a full IRI <...> listed in {SERVICES_ENV}")
            iri = tok[1:-1]
            if iri not in allow:
                raise QueryError(f"SERVICE <{iri}> is not allowed: add the endpoint to {SERVICES_ENV} to query it")
            tok = f"<{allow[iri]}>"
        elif kind == "word" and tok.upper() == "SERVICE":
            after_service = True
        out.append(tok)
    return "".join(out)
