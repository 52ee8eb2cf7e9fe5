"""What a page shows of each node and edge: the vis-network node or edge, and the data of the panel
that opens on a click (facts, relations, quotes, links to other pages)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import networkx as nx

from tipkg.network.describe import label, pick
from tipkg.network.search import search_keys
from tipkg.sparql.codepoints import fold
from tipkg.viz.vis import font_size, relation_colors, style

if TYPE_CHECKING:
    from tipkg.viz.views import Links


def add_nodes(
    net: Any, view: nx.MultiDiGraph, full: nx.MultiDiGraph, lang: str, links: Links, page: str, positions: dict[Any, tuple[float, float]]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Add the vis nodes; return each node's panel data and the legend's classes."""
    degree = dict(view.degree())
    styles = full.graph.get("styles", {})
    info: dict[str, Any] = {}
    classes: dict[str, dict[str, Any]] = {}
    for node, data in view.nodes(data=True):
        key, color, shape = style(data["lineage"], styles)
        legend = classes.setdefault(key, {"key": key, "label": pick(data["cls_labels"], lang), "color": color, "shape": shape, "count": 0})
        legend["count"] += 1
        extra: dict[str, Any] = {}
        if node in positions:
            extra.update(x=positions[node][0], y=positions[node][1])
        size = 6.0 if data["kind"] == "nary" else 10 + min(18.0, 3 * math.sqrt(degree.get(node, 0)))
        home = full if node in full else view
        shown = pick(data["display"], lang) if data.get("display") else label(home, node, lang)
        font = {"size": font_size(size)}
        net.add_node(node, label=_short(shown, data["names"]), shape=shape, color=color, size=round(size, 1), font=font, cls=key, **extra)
        info[node] = _node_info(home, node, lang, links, page)
    return info, classes


def add_edges(net: Any, view: nx.MultiDiGraph, full: nx.MultiDiGraph, lang: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Add the vis edges, coloured by relation; return each edge's panel data and the relations."""

    def name(n: str) -> str:
        return label(full if n in full else view, n, lang)

    edge_info: dict[str, Any] = {}
    relations: dict[str, dict[str, Any]] = {}
    for i, (u, v, k, data) in enumerate(sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))):
        rel = data.get("rel") or data.get("name") or str(k)
        rel_label = pick(data.get("rel_labels") or data.get("labels") or {"": rel}, lang)
        relations.setdefault(rel, {"key": rel, "label": rel_label, "color": "", "count": 0})["count"] += 1
        eid = f"e{i}"
        extra: dict[str, Any] = {}
        caption = pick(data["caption"], lang) if data.get("caption") else ""
        if caption:
            extra["label"] = caption
        if data.get("dashes"):
            extra["dashes"] = True
        if data.get("width"):
            extra["width"] = data["width"]
        net.add_edge(u, v, id=eid, rel=rel, **extra)
        via = data.get("via")
        edge_info[eid] = {
            "label": pick(data.get("labels") or {"": rel}, lang),
            "fromLabel": name(u),
            "toLabel": name(v),
            "caption": caption,
            "evidence": list(data.get("evidence", [])),
            "via": name(via) if via and via in full else None,
            "viaId": via,
            # a result row's cells, or the facts a view gives an edge in each language (``details``)
            "facts": [[str(a), str(b)] for a, b in (data.get("row") or {}).items()]
            + [[str(a), str(b)] for a, b in (data.get("details") or {}).get(lang, [])],
        }
    colors = relation_colors(sorted(relations))
    for rel, entry in relations.items():
        entry["color"] = colors[rel]
    for edge in net.edges:
        edge["color"] = {"color": colors[edge["rel"]], "highlight": "#1d2630", "hover": "#1d2630"}
    return edge_info, relations


def _short(text: str, names: list[str], limit: int = 38) -> str:
    """The label drawn on the canvas: the full label, or an acronym or a cut label if it is long."""
    if len(text) <= limit:
        return text
    acronyms = [n for n in names if 2 <= len(n) <= 12 and n.upper() == n and any(c.isalpha() for c in n)]
    if acronyms:
        return sorted(acronyms, key=len)[0]
    return text[: limit - 1].rstrip() + "…"


def _node_info(g: nx.MultiDiGraph, node: str, lang: str, links: Links, page: str) -> dict[str, Any]:
    data = g.nodes[node]
    facts = [[pick(f.labels, lang), pick(f.value, lang), f.evidence] for f in data["facts"]]
    rel: list[list[str]] = []
    if node in g:
        for _u, v, d in sorted(g.out_edges(node, data=True), key=lambda e: (e[2].get("name", ""), e[1])):
            rel.append(["out", pick(d.get("labels") or {"": d.get("name", "")}, lang), v, label(g, v, lang)])
        for u, _v, d in sorted(g.in_edges(node, data=True), key=lambda e: (e[2].get("name", ""), e[0])):
            if g.nodes[u]["cls"] == "Membership":
                rel += _through_membership(g, u, node, lang)
            else:
                rel.append(["in", pick(d.get("labels") or {"": d.get("name", "")}, lang), u, label(g, u, lang)])
    return {
        "label": label(g, node, lang),
        "clsLabel": pick(data["cls_labels"], lang),
        "names": list(data["names"]),
        "evidence": list(data["evidence"]),
        "facts": facts,
        "links": rel,
        "search": search_keys(data),
        "id": fold(data["local"]),
        "nary": data["kind"] == "nary",
        "pages": [p for p, members in links.pages.items() if node in members and p != page],
        "entityPage": links.entity_pages.get(node) if links.entity_pages.get(node) != page else None,
    }


def _through_membership(g: nx.MultiDiGraph, m: str, node: str, lang: str) -> list[list[str]]:
    """A membership as the panel tells it: the other party, with the role, linking to the membership."""
    roles = ", ".join(pick(f.value, lang) for f in g.nodes[m]["facts"] if f.prop == "role")
    out = []
    for _u, other, d in g.out_edges(m, data=True):
        if other != node:
            # the committee sees "Secretariat — coordinator"; the secretariat sees "coordinator → Committee"
            kind = "via" if d["name"] == "member" else "role"
            text = roles or pick(d["labels"], lang)
            out.append([kind, text, other, label(g, other, lang), m, pick(g.nodes[m]["cls_labels"], lang)])
    return out
