"""Finding a node: by IRI, id or name (:func:`resolve`), and the keys a page's search box matches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from tipkg.errors import NetworkError
from tipkg.namespaces import DEFAULT_BASE
from tipkg.sparql.codepoints import fold


def resolve(g: nx.MultiDiGraph, text: str) -> str:
    """The node named by ``text``: its IRI, its id (``agency/fevimtra``) or any of its names.

    Tried in turn: a name equal to ``text`` (accent- and case-insensitively), an id or its last
    part equal to it, a name containing it, an id containing it. Within the first of these that
    finds anything, entities are preferred to relation nodes; an ambiguous or unknown name raises
    :class:`NetworkError`.
    """
    if text in g:
        return text
    base = g.graph.get("base", DEFAULT_BASE)
    if f"{base}{text}" in g:
        return f"{base}{text}"
    wanted = fold(text)
    if not wanted:
        raise NetworkError("no entity given")
    folded = {n: ([fold(x) for x in d["names"]], fold(d["local"])) for n, d in g.nodes(data=True)}
    tiers = (
        lambda names, local: wanted in names,
        lambda names, local: wanted in (local, local.rsplit("/", 1)[-1]),
        lambda names, local: any(wanted in x for x in names),
        lambda names, local: wanted in local,
    )
    for tier in tiers:
        found = sorted(n for n, (names, local) in folded.items() if tier(names, local))
        found = [n for n in found if g.nodes[n]["kind"] == "entity"] or found
        if len(found) == 1:
            return found[0]
        if found:
            shown = ", ".join(g.nodes[n]["local"] for n in found[:6]) + (", …" if len(found) > 6 else "")
            raise NetworkError(f"{text!r} names {len(found)} entities ({shown}): give one of these ids")
    raise NetworkError(f"no entity named {text!r}: give an IRI, an id like agency/fevimtra, or a name")


def search_keys(data: Mapping[str, Any]) -> list[str]:
    """What a search box matches a node against: its names, folded (the id is matched apart)."""
    return list(dict.fromkeys(fold(x) for x in [*data["names"], *data["labels"].values()] if x))
