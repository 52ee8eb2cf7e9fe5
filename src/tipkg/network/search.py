"""Finding nodes: one by IRI, id or name (:func:`resolve`), a ranked list by a part of a name
(:func:`search`, the site's search box), and the keys a network page's search box matches."""

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


def search(g: nx.MultiDiGraph, text: str, lang: str = "en", limit: int = 50) -> list[dict[str, str]]:
    """The nodes whose names (any language) or id contain ``text``, accents and case aside: a name
    equal to it first, then one that starts with it, one that contains it, an id that contains it;
    entities before relation nodes (all of them), then by label. Each as its IRI, label, class label and the name
    that matched."""
    from tipkg.network.describe import label, pick

    wanted = fold(text)
    if not wanted:
        return []
    found = []
    for node, data in g.nodes(data=True):
        names = [fold(n) for n in data["names"]]
        if wanted in names:
            rank = 0
        elif any(n.startswith(wanted) for n in names):
            rank = 1
        elif any(wanted in n for n in names):
            rank = 2
        elif wanted in fold(data["local"]):
            rank = 3
        else:
            continue
        matched = next((n for n in data["names"] if wanted in fold(n)), data["local"])
        # entities first, as the network pages' search does: a relation's label is made of their names
        found.append((data["kind"] != "entity", rank, label(g, node, lang), node, pick(data["cls_labels"], lang), matched))
    found.sort()
    return [{"iri": node, "label": name, "class": cls, "matched": matched} for _k, _r, name, node, cls, matched in found[:limit]]


def search_keys(data: Mapping[str, Any]) -> list[str]:
    """What a search box matches a node against: its names, folded (the id is matched apart)."""
    return list(dict.fromkeys(fold(x) for x in [*data["names"], *data["labels"].values()] if x))
