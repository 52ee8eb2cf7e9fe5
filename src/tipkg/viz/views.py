"""Interactive network pages: self-contained HTML that works offline. The only module using pyvis.

pyvis assembles the vis-network nodes, edges and options; the page itself is tipkg's own template
(``viewer/``), with vis-network's JavaScript and CSS inlined from the files pyvis ships. pyvis's
templates are not used: they load Bootstrap and vis-network from CDNs and insert headings and
titles as raw HTML. Here every text from the graph reaches the page as JSON data (with ``<``,
``>`` and ``&`` escaped) and is put into the page by ``viewer.js`` as DOM text only, and a
Content-Security-Policy allows only the page's own two scripts to run and nothing to be fetched.

Above ``LARGE`` nodes, positions are computed in Python (:mod:`tipkg.viz.layout`) and physics is off,
so that a page of thousands of nodes is drawn at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from tipkg.errors import NetworkError
from tipkg.network.graph import fold, label, pick
from tipkg.network.subgraphs import search_keys
from tipkg.viz.style import CLASS_STYLES, DEFAULT_STYLE, RELATION_COLORS, ROLE_COLORS, UI

LARGE = 300
LANGS = ("en", "es")
STANDARD = ("graph", "funding", "committee", "partners")
FILES = {name: f"{name}.html" for name in STANDARD}

_PAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.html$")


@dataclass
class Links:
    """What a page links to: the other views (file → node ids shown there) and entity pages."""

    pages: dict[str, set[str]] = field(default_factory=dict)
    entity_pages: dict[str, str] = field(default_factory=dict)
    home: str | None = None  # the page a node not in this one is looked up in

    def __post_init__(self) -> None:
        for name in [*self.pages, *self.entity_pages.values(), *([self.home] if self.home else [])]:
            if not _PAGE_NAME.match(name):
                raise NetworkError(f"{name!r} is not a page file name (lower-case letters, digits, '-', '.html')")


# -- the page ----------------------------------------------------------------------------------


def render(
    view: nx.MultiDiGraph,
    title: str,
    *,
    lang: str = "en",
    network: nx.MultiDiGraph | None = None,
    page: str = "graph.html",
    links: Links | None = None,
    seed: int = 7,
) -> str:
    """The HTML page of ``view``; ``network`` (default ``view``) gives each node's facts and links."""
    from pyvis.network import Network

    _check_lang(lang)
    full = network if network is not None else view
    links = links or Links()
    ui = UI[lang]
    large = view.number_of_nodes() > LARGE
    positions = _positions(view, seed) if large else {}

    net = Network(directed=True, cdn_resources="in_line", heading=title)
    info, classes = _add_nodes(net, view, full, lang, links, page, positions)
    edge_info, relations = _add_edges(net, view, full, lang)
    options = _options(large, flow=view.graph.get("layout") == "flow")
    net.options = options
    vis_nodes, vis_edges, _heading, _height, _width, options_json = net.get_network_data()
    counts = ui["counts"].format(nodes=view.number_of_nodes(), edges=view.number_of_edges())
    data_out = {
        "lang": lang,
        "ui": ui,
        "large": large,
        "physics": bool(options.get("physics", {}).get("enabled")),
        "options": json.loads(options_json),
        "nodes": vis_nodes,
        "edges": vis_edges,
        "info": info,
        "edgeInfo": edge_info,
        "classes": sorted(classes.values(), key=lambda c: (-c["count"], c["label"])),
        "relations": sorted(relations.values(), key=lambda r: (-r["count"], r["label"])),
        "pageTitles": {f: _page_title(f, lang) for f in links.pages},
        "home": links.home,
    }
    nav = [{"href": f, "title": _page_title(f, lang), "current": f == page} for f in links.pages if f in FILES.values()]
    return _page(title, counts, lang, ui, nav, data_out)


def _add_nodes(
    net: Any, view: nx.MultiDiGraph, full: nx.MultiDiGraph, lang: str, links: Links, page: str, positions: dict[Any, tuple[float, float]]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Add the vis nodes; return each node's panel data and the legend's classes."""
    degree = dict(view.degree())
    info: dict[str, Any] = {}
    classes: dict[str, dict[str, Any]] = {}
    for node, data in view.nodes(data=True):
        key, color, shape = _style(data["lineage"])
        legend = classes.setdefault(key, {"key": key, "label": pick(data["cls_labels"], lang), "color": color, "shape": shape, "count": 0})
        legend["count"] += 1
        extra: dict[str, Any] = {}
        if node in positions:
            extra.update(x=positions[node][0], y=positions[node][1])
        size = 6.0 if data["kind"] == "nary" else 10 + min(18.0, 3 * math.sqrt(degree.get(node, 0)))
        home = full if node in full else view
        shown = pick(data["display"], lang) if data.get("display") else label(home, node, lang)
        net.add_node(node, label=_short(shown, data["names"]), shape=shape, color=color, size=round(size, 1), cls=key, **extra)
        info[node] = _node_info(home, node, lang, links, page)
    return info, classes


def _add_edges(net: Any, view: nx.MultiDiGraph, full: nx.MultiDiGraph, lang: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
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
            "facts": [[str(a), str(b)] for a, b in (data.get("row") or {}).items()],
        }
    colors = _relation_colors(sorted(relations))
    for rel, entry in relations.items():
        entry["color"] = colors[rel]
    for edge in net.edges:
        edge["color"] = {"color": colors[edge["rel"]], "highlight": "#1d2630", "hover": "#1d2630"}
    return edge_info, relations


def _check_lang(lang: str) -> None:
    if lang not in UI:
        raise NetworkError(f"language {lang!r}: expected one of {', '.join(UI)}")


def _page(title: str, subtitle: str, lang: str, ui: dict[str, str], nav: list[dict[str, Any]], data: dict[str, Any]) -> str:
    import jinja2

    vis_js, vis_css = _vis_assets()
    viewer_js = _asset("viewer.js")
    template = jinja2.Environment(autoescape=True).from_string(_asset("page.html"))
    return template.render(
        lang=lang,
        title=title,
        subtitle=subtitle,
        ui=ui,
        nav=nav,
        vis_css=vis_css,
        page_css=_asset("viewer.css"),
        vis_js=vis_js,
        viewer_js=viewer_js,
        data_json=script_json(data),
        script_sources=" ".join(_csp_hash(s) for s in (vis_js, viewer_js)),
    )


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, ``<!--`` or ``]]>``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


@cache
def _asset(name: str) -> str:
    return resources.files("tipkg.viz").joinpath("viewer", name).read_text(encoding="utf-8")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, from the copy pyvis ships (no network needed)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise NetworkError("the vis-network files shipped with pyvis cannot be inlined")
    return js, css


def _options(large: bool, flow: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {
        "nodes": {"font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}, "borderWidth": 1},
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


def _positions(view: nx.MultiDiGraph, seed: int) -> dict[Any, tuple[float, float]]:
    from tipkg.viz.layout import force_layout

    return force_layout(view.nodes, ((u, v) for u, v in view.edges()), seed=seed)


def _style(lineage: list[str]) -> tuple[str, str, str]:
    """(legend key, colour, shape) of a node: its own class's style, or its nearest superclass's."""
    for cls in lineage:
        if cls in CLASS_STYLES:
            color, shape = CLASS_STYLES[cls]
            return lineage[0], color, shape
    return lineage[0], *DEFAULT_STYLE


def _relation_colors(keys: list[str]) -> dict[str, str]:
    out = {}
    free = iter(RELATION_COLORS * (len(keys) // len(RELATION_COLORS) + 1))
    for key in keys:
        out[key] = ROLE_COLORS.get(key) or next(free)
    return out


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


def _page_title(file: str, lang: str) -> str:
    name = file.removesuffix(".html")
    return UI[lang].get(name, name) if name in STANDARD else name


# -- the views -----------------------------------------------------------------------------------


def entity_file(g: nx.MultiDiGraph, node: str) -> str:
    """``entity-agency-fevimtra.html``: the neighbourhood page's file name of a node."""
    slug = re.sub(r"[^a-z0-9]+", "-", g.nodes[node]["local"].lower()).strip("-")[:80] or "node"
    return f"entity-{slug}.html"


def standard_views(g: nx.MultiDiGraph) -> dict[str, nx.MultiDiGraph]:
    """The part of the network each standard page shows, by file name."""
    from tipkg.network import subgraphs

    return {
        FILES["graph"]: g,
        FILES["funding"]: subgraphs.funding_flows(g),
        FILES["committee"]: subgraphs.committee(g),
        FILES["partners"]: subgraphs.partners(g),
    }


def view_title(name: str, lang: str, g: nx.MultiDiGraph | None = None, node: str | None = None) -> str:
    if name == "entity" and g is not None and node is not None:
        return UI[lang]["entity"].format(label=label(g, node, lang))
    return UI[lang][name]


def render_view(
    g: nx.MultiDiGraph, name: str, *, entity: str | None = None, depth: int = 1, lang: str = "en", links: Links | None = None
) -> tuple[str, str]:
    """(file name, HTML) of a standard view, or of the neighbourhood of ``entity``."""
    from tipkg.network import subgraphs
    from tipkg.network.graph import resolve

    _check_lang(lang)
    if name == "entity":
        if not entity:
            raise NetworkError("the entity view needs an entity: an IRI, an id like agency/fevimtra, or a name")
        node = resolve(g, entity)
        file = entity_file(g, node)
        view = subgraphs.neighbourhood(g, node, depth)
    elif name in STANDARD:
        if entity:
            raise NetworkError(f"the {name} view takes no entity (did you mean: tipkg viz entity {entity}?)")
        file = FILES[name]
        view = standard_views(g)[file]
        node = None
    else:
        raise NetworkError(f"unknown view {name!r}: expected entity or one of {', '.join(STANDARD)}")
    if links is None:
        links = Links(pages={f: set(v) for f, v in standard_views(g).items()}, home=FILES["graph"])
    return file, render(view, view_title(name, lang, g, node), lang=lang, network=g, page=file, links=links)


def rows_view(
    rows: Iterable[Mapping[str, Any]], *, network: nx.MultiDiGraph | None = None, title: str | None = None, lang: str = "en"
) -> str:
    """The page of a query result with two IRI columns (see :func:`tipkg.network.subgraphs.rows_graph`)."""
    from tipkg.network.subgraphs import rows_graph

    view = rows_graph(rows, network)
    return render(view, title or UI[lang]["rows"], lang=lang, network=network if network is not None else view, page="result.html")


def write_page(path: Path, html: str) -> Path:
    """Write a page atomically: a temporary file renamed over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(html)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def write_view(
    build_dir: Path, name: str, *, entity: str | None = None, depth: int = 1, lang: str = "en", output: Path | None = None
) -> Path:
    """Render one view of the graph built in ``build_dir`` into ``output`` (default build/views/)."""
    from tipkg.network.graph import load_network

    g = load_network(build_dir)
    out_dir = output.parent if output else build_dir / "views"
    target = FILES.get(name, "") if output is None else output.name
    # link only to the pages that are there (or being written)
    pages = {f: set(v) for f, v in standard_views(g).items() if (out_dir / f).exists() or f == target}
    existing = {n: entity_file(g, n) for n in g if (out_dir / entity_file(g, n)).exists()}
    home = FILES["graph"] if FILES["graph"] in pages else None
    file, html = render_view(g, name, entity=entity, depth=depth, lang=lang, links=Links(pages, existing, home))
    return write_page(output or out_dir / file, html)


def write_standard_views(build_dir: Path, lang: str = "en", entity_pages: int = 12) -> list[Path]:
    """Write the standard pages into ``build_dir/views``: the whole graph, funding flows, the
    committee, the partnerships, and the neighbourhood pages of the ``entity_pages`` best-connected
    entities. Returns the files written."""
    from tipkg.network.graph import load_network
    from tipkg.network.subgraphs import neighbourhood

    _check_lang(lang)
    g = load_network(build_dir)
    out_dir = build_dir / "views"
    views = standard_views(g)
    hubs = _hubs(g, entity_pages)
    links = Links(
        pages={f: set(v) for f, v in views.items()},
        entity_pages={n: entity_file(g, n) for n in hubs},
        home=FILES["graph"],
    )
    written = []
    for file, view in views.items():
        title = view_title(file.removesuffix(".html"), lang)
        written.append(write_page(out_dir / file, render(view, title, lang=lang, network=g, page=file, links=links)))
    for node in hubs:
        file = entity_file(g, node)
        html = render(neighbourhood(g, node, 1), view_title("entity", lang, g, node), lang=lang, network=g, page=file, links=links)
        written.append(write_page(out_dir / file, html))
    return written


def _hubs(g: nx.MultiDiGraph, n: int) -> list[str]:
    """The ``n`` entities with the most relations (places and relation nodes aside)."""
    candidates = [x for x in g if g.nodes[x]["kind"] == "entity" and "Place" not in g.nodes[x]["lineage"]]
    return sorted(candidates, key=lambda x: (-g.degree(x), x))[:n]
