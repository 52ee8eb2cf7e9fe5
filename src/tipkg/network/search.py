"""Finding nodes: one by IRI, id or name (:func:`resolve`), a ranked list by the words of its names
(:func:`search`, the site's search box), and the keys a network page's search box matches."""

from __future__ import annotations

import re
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


# how a node's names match a search, best first (the rank of a hit)
EXACT, WHOLE_WORDS, PREFIXES, ACROSS_NAMES = range(4)


def words(text: str) -> tuple[str, ...]:
    """The words of a text, accents and case aside: ``words("Coinversión-Social") == ("coinversion", "social")``."""
    return tuple(re.findall(r"\w+", fold(text)))


def _rank(wanted: tuple[str, ...], name: tuple[str, ...]) -> int | None:
    """How ``name`` (its words) matches every word ``wanted``: exactly, as whole words, as words or
    word prefixes; ``None`` where a word is missing."""
    if name == wanted:
        return EXACT
    if all(w in name for w in wanted):
        return WHOLE_WORDS
    if all(any(n.startswith(w) for n in name) for w in wanted):
        return PREFIXES
    return None


def _index(g: nx.MultiDiGraph) -> list[tuple[str, list[tuple[str, tuple[str, ...]]], tuple[str, ...]]]:
    """Each node with the words of each of its names and of its id, computed once per network."""
    if "search_index" not in g.graph:
        g.graph["search_index"] = [
            (
                node,
                [(name, words(name)) for name in dict.fromkeys([*data["names"], *data["labels"].values()]) if name],
                words(data["local"]),
            )
            for node, data in g.nodes(data=True)
        ]
    found: list[tuple[str, list[tuple[str, tuple[str, ...]]], tuple[str, ...]]] = g.graph["search_index"]
    return found


def search(g: nx.MultiDiGraph, text: str, lang: str = "en", limit: int = 50) -> list[dict[str, str]]:
    """The nodes that have every word of ``text`` (in any order, accents and case aside) in one of
    their names (preferred, alternative, ``rdfs:label``, acronyms; every language), as a word or a
    word's start; else across their names and id together ("FEVIMTRA unit": an acronym and the
    name it stands for). Best first: a name equal to the text; then entities before relation nodes
    (whose labels the build makes of their entities' names), each by a name holding every word
    whole, then as prefixes, then across names; shorter names; ids. Each as its IRI, label, class
    label and the name that matched."""
    from tipkg.network.describe import label, pick

    wanted = words(text)
    if not wanted:
        return []
    found = []
    for node, names, local in _index(g):
        ranked = [(r, len(name), name) for name, ws in names if (r := _rank(wanted, ws)) is not None]
        if ranked:
            rank, size, matched = min(ranked)
        elif _rank(wanted, tuple(w for _n, ws in names for w in ws) + local) is not None:
            rank, matched = ACROSS_NAMES, label(g, node, lang)
            size = len(matched)
        else:
            continue
        data = g.nodes[node]
        key = (rank != EXACT, data["kind"] != "entity", rank, size, data["local"])
        found.append((key, node, pick(data["cls_labels"], lang), matched))
    found.sort()
    return [{"iri": node, "label": label(g, node, lang), "class": cls, "matched": matched} for _key, node, cls, matched in found[:limit]]


def search_keys(data: Mapping[str, Any]) -> list[str]:
    """What a search box matches a node against: its names, folded (the id is matched apart)."""
    return list(dict.fromkeys(fold(x) for x in [*data["names"], *data["labels"].values()] if x))
