"""Writing network pages into a build: atomically, each linking only to the pages that are there."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from tipkg.viz.views import FILES, Links, check_lang, entity_file, render, render_view, standard_views, view_title


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
    from tipkg.network.reading import load_network

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
    committee, the partnerships, the trafficking flows, and the neighbourhood pages of the ``entity_pages`` best-connected
    entities. Returns the files written."""
    from tipkg.network.reading import load_network
    from tipkg.network.subgraphs import neighbourhood

    check_lang(lang)
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
