"""Interactive network pages: self-contained HTML that works offline, one per view of the network.

:func:`render` has pyvis assemble the vis-network nodes, edges and options (:mod:`tipkg.viz.info`,
:mod:`tipkg.viz.vis`); the page itself is tipkg's own template (:mod:`tipkg.viz.html`). pyvis's
templates are not used: they load Bootstrap and vis-network from CDNs and insert headings and
titles as raw HTML. Here every text from the graph reaches the page as JSON data (with ``<``,
``>`` and ``&`` escaped) and is put into the page by ``viewer.js`` as DOM text only, and a
Content-Security-Policy allows only the page's own two scripts to run and nothing to be fetched.

The views: the whole graph, funding flows, the committee, partnerships, trafficking flows
(:func:`standard_views`),
an entity's neighbourhood, and any query result with two IRI columns (:func:`rows_view`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from tipkg.errors import NetworkError
from tipkg.messages import catalogue, languages, text
from tipkg.network.describe import label
from tipkg.viz import vis
from tipkg.viz.html import page as html_page
from tipkg.viz.info import add_edges, add_nodes

STANDARD = ("graph", "funding", "committee", "partners", "flows")
FILES = {name: f"{name}.html" for name in STANDARD}

_PAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.html$")


def words(lang: str) -> dict[str, str]:
    """The pages' own words in ``lang``: the catalogue's ``viz.`` messages, by id without the prefix
    (the keys ``viewer.js`` reads from the page's data)."""
    return {k.removeprefix("viz."): v for k, v in catalogue(lang).items() if k.startswith("viz.")}


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

    check_lang(lang)
    full = network if network is not None else view
    links = links or Links()
    ui = words(lang)
    large = view.number_of_nodes() > vis.LARGE
    positions = vis.positions(view, seed) if large else {}

    net = Network(directed=True, cdn_resources="in_line", heading=title)
    info, classes = add_nodes(net, view, full, lang, links, page, positions)
    edge_info, relations = add_edges(net, view, full, lang)
    options = vis.options(large, flow=view.graph.get("layout") == "flow")
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
    return html_page(title, counts, lang, ui, nav, data_out)


def check_lang(lang: str) -> None:
    if lang not in languages():
        raise NetworkError(f"language {lang!r}: expected one of {', '.join(languages())}")


def _page_title(file: str, lang: str) -> str:
    name = file.removesuffix(".html")
    return words(lang).get(name, name) if name in STANDARD else name


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
        FILES["flows"]: subgraphs.trafficking_flows(g),
    }


def view_title(name: str, lang: str, g: nx.MultiDiGraph | None = None, node: str | None = None) -> str:
    if name == "entity" and g is not None and node is not None:
        return text("viz.entity", lang, label=label(g, node, lang))
    return text(f"viz.{name}", lang)


def render_view(
    g: nx.MultiDiGraph, name: str, *, entity: str | None = None, depth: int = 1, lang: str = "en", links: Links | None = None
) -> tuple[str, str]:
    """(file name, HTML) of a standard view, or of the neighbourhood of ``entity``."""
    from tipkg.network import subgraphs
    from tipkg.network.search import resolve

    check_lang(lang)
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
    """The page of a query result with two IRI columns (see :func:`tipkg.network.rows.rows_graph`)."""
    from tipkg.network.rows import rows_graph

    view = rows_graph(rows, network)
    return render(view, title or text("viz.rows", lang), lang=lang, network=network if network is not None else view, page="result.html")
