"""Federated queries: ``SERVICE <endpoint>`` only to the endpoints an allow-list names.

The allow-list is configuration: ``TIPKG_SERVICES``, entries separated by spaces, commas or new
lines. An entry is an endpoint IRI (``https://query.wikidata.org/sparql``), or ``IRI=URL`` to send
what a query asks of IRI to URL instead (a mirror, or a local test endpoint). The CLI and the
Python API hand it to :func:`tipkg.sparql.guard.check_query`, which maps the endpoints in the canonical
text of the query and refuses a ``SERVICE`` to any other endpoint, or to a variable, before any
engine sees the query. The service reads its ``service_allow_list`` setting with the same function,
and takes ``TIPKG_SERVICES`` as that setting's default: one list, read one way.
"""

from __future__ import annotations

import os
import re

from tipkg.sparql.text import iri_text

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
