"""How vis-network draws a page: its options, positions computed in Python for large pages, and
the colour and shape of each node and edge."""

from __future__ import annotations

from typing import Any

import networkx as nx

from tipkg.viz.style import DEFAULT_STYLE, RELATION_COLORS, ROLE_COLORS

LARGE = 300  # above this many nodes, positions are computed in Python and physics is off
# A label drawn smaller than this many pixels is not drawn: zoomed out on a whole graph, only the
# best-connected nodes (whose labels are larger, :func:`font_size`) keep theirs; zooming in or
# hovering (the tooltip) shows the others.
LABEL_THRESHOLD = 7


def options(large: bool, flow: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {
        "nodes": {
            "font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": LABEL_THRESHOLD}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 11, "align": "horizontal", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "smooth": {"enabled": True, "type": "continuous"},
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": False},
        "layout": {"randomSeed": 7, "improvedLayout": not large},
    }
    if large:
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = {"enabled": False}
        options["interaction"].update(hideEdgesOnDrag=True, hideEdgesOnZoom=True)
    elif flow:
        options["layout"]["hierarchical"] = {
            "enabled": True,
            "direction": "LR",
            "sortMethod": "directed",
            "shakeTowards": "roots",
            "levelSeparation": 330,
            "nodeSpacing": 110,
        }
        options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.4}
        options["edges"]["font"].update(align="top", vadjust=-3)
        options["edges"]["arrows"]["to"]["scaleFactor"] = 0.35
        options["physics"] = {"enabled": False}
    else:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 110, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 400, "fit": True},
        }
    return options


def font_size(size: float) -> int:
    """A node's label size by its size (its connections): 13 px for the smallest, up to 27."""
    return round(13 + max(0.0, size - 10) * 0.8)


def positions(view: nx.MultiDiGraph, seed: int) -> dict[Any, tuple[float, float]]:
    from tipkg.viz.layout import force_layout

    return force_layout(view.nodes, ((u, v) for u, v in view.edges()), seed=seed)


def style(lineage: list[str], styles: dict[str, tuple[str, str]]) -> tuple[str, str, str]:
    """(legend key, colour, shape) of a node: its own class's style, or its nearest superclass's
    (``styles``: class → colour and shape, as the ontology gives them; see :mod:`tipkg.network.reading`)."""
    for cls in lineage:
        if cls in styles:
            color, shape = styles[cls]
            return lineage[0], color, shape
    return lineage[0], *DEFAULT_STYLE


def relation_colors(keys: list[str]) -> dict[str, str]:
    out = {}
    free = iter(RELATION_COLORS * (len(keys) // len(RELATION_COLORS) + 1))
    for key in keys:
        out[key] = ROLE_COLORS.get(key) or next(free)
    return out
