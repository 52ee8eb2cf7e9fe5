"""Network pages: time to write one, and time until it is interactive in Chromium.

As ``tests/viz/test_views_browser.py`` does for 5,000 nodes: a synthetic network (a random tree plus
n/4 random edges, each edge with a quote), written by ``tipkg.viz.views``, opened offline in Debian's
Chromium (``/usr/bin/chromium``, driven by Playwright; no browser is downloaded). Interactive is
when the page marks itself ready (``body[data-ready]``: the layout is done and a click works).
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import networkx as nx

from tipkg.viz.chromium import CHROMIUM, launch

BASE = "https://w3id.org/tipkg/id/"
DRAWN = "() => [window.tipkg.nodes.length, window.tipkg.network.body.nodeIndices.length]"


def synthetic(n: int, seed: int = 0) -> nx.MultiDiGraph:
    """A random tree of ``n`` nodes plus n/4 random edges (deterministic)."""
    from tipkg.network.rows import plain_node

    rng = random.Random(seed)
    g = nx.MultiDiGraph(base=BASE)
    for i in range(n):
        g.add_node(f"{BASE}n/{i}", **plain_node(f"{BASE}n/{i}", f"node {i}", BASE))
    pairs = [(i, rng.randrange(i)) for i in range(1, n)] + [(rng.randrange(n), rng.randrange(n)) for _ in range(n // 4)]
    for k, (a, b) in enumerate(pairs):
        g.add_edge(f"{BASE}n/{a}", f"{BASE}n/{b}", key=f"k{k}", name="k", labels={"en": "k"}, evidence=[f"quote {k}"], areas=[])
    return g


def time_views(folder: Path, sizes: tuple[int, ...] = (100, 1_000, 5_000), limit: float = 120.0) -> list[dict[str, Any]]:
    """Write and open a page of each size; ``[]`` if Chromium is missing."""
    if not CHROMIUM.exists():
        return []
    from playwright.sync_api import sync_playwright

    from tipkg.viz.files import write_page
    from tipkg.viz.views import render

    out = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for n in sizes:
                g = synthetic(n)
                started = time.perf_counter()
                path = write_page(folder / f"view-{n}.html", render(g, f"{n} synthetic nodes"))
                written = time.perf_counter() - started
                context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_selector("body[data-ready]", state="attached", timeout=limit * 1000)
                interactive = time.perf_counter() - started
                ready_ms = page.evaluate("() => window.tipkg.readyAt")
                drawn = page.evaluate(DRAWN)
                node = f"{BASE}n/0"
                started = time.perf_counter()
                page.evaluate("(id) => window.tipkg.select(id)", node)
                page.wait_for_selector(f'#panel[data-node="{node}"]', timeout=limit * 1000)
                selected = time.perf_counter() - started
                context.close()
                out.append(
                    {
                        "nodes": n,
                        "edges": g.number_of_edges(),
                        "drawn": drawn[1],
                        "page_mb": path.stat().st_size / 2**20,
                        "write_s": written,
                        "interactive_s": interactive,
                        "ready_after_navigation_s": ready_ms / 1000,
                        "select_s": selected,
                    }
                )
        finally:
            browser.close()
    return out
