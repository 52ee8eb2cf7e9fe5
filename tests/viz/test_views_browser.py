"""The network pages in a real browser (Debian's Chromium, driven by Playwright), offline.

Each standard page of the real graph must load with the network off and send no request out, draw
every node of its view, and show a node's evidence when the node is clicked. The fixture's labels
and quotes that try to inject HTML must run nothing. No browser is downloaded: the tests fail when
/usr/bin/chromium is missing (scripts/system-deps.sh installs it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import Opened

from tipkg.network.reading import load_network
from tipkg.viz import files, views

BASE = "https://w3id.org/tipkg/id/"

NODE_AT = """(id) => {
  const net = window.tipkg.network;
  const p = net.getPositions([id])[id];
  const d = net.canvasToDOM(p);
  const r = document.querySelector('#network canvas').getBoundingClientRect();
  const inside = d.x > 5 && d.y > 5 && d.x < r.width - 5 && d.y < r.height - 5;
  return {x: r.left + d.x, y: r.top + d.y, at: net.getNodeAt(d), inside: inside};
}"""
DRAWN = "() => [window.tipkg.nodes.length, window.tipkg.network.body.nodeIndices.length]"
INJECTED = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  elements: document.querySelectorAll('img, iframe, object, embed, body script:not([id]) ~ script ~ script ~ script').length,
  scripts: document.scripts.length,
})"""


@pytest.fixture
def open_view(browser: Any) -> Iterator[Callable[..., Opened]]:
    contexts = []

    def open_(path: Path, fragment: str = "", bypass_csp: bool = False) -> Opened:
        context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file://", "data:")):
                r.continue_()
            else:
                opened.outside.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.goto(path.as_uri() + fragment)
        page.wait_for_selector("body[data-ready]", state="attached", timeout=60000)
        return opened

    yield open_
    for c in contexts:
        c.close()


@pytest.fixture(scope="module")
def real_views(built_real: Path) -> tuple[Path, nx.MultiDiGraph]:
    files.write_standard_views(built_real / "build", entity_pages=1)
    return built_real / "build" / "views", load_network(built_real / "build")


@pytest.fixture(scope="module")
def fixture_views(built_network: Path) -> tuple[Path, nx.MultiDiGraph]:
    files.write_standard_views(built_network / "build", entity_pages=2)
    return built_network / "build" / "views", load_network(built_network / "build")


def click_a_node_with_evidence(opened: Opened, view: nx.MultiDiGraph) -> str:
    """Click the best-connected node that has evidence and is not hidden under another one."""
    candidates = sorted((n for n in view if view.nodes[n]["evidence"]), key=lambda n: (-view.degree(n), n))
    for node in candidates:
        where = opened.page.evaluate(NODE_AT, node)
        if where["at"] == node and where["inside"]:
            opened.page.mouse.click(where["x"], where["y"])
            opened.page.wait_for_selector(f'#panel[data-node="{node}"]', timeout=5000)
            return node
    raise AssertionError("no node could be clicked")


@pytest.mark.parametrize("file", ["graph.html", "funding.html", "committee.html", "partners.html"])
def test_standard_view_offline_complete_and_clickable(open_view: Callable[..., Opened], real_views: tuple[Path, Any], file: str) -> None:
    folder, g = real_views
    view = views.standard_views(g)[file]
    opened = open_view(folder / file)
    assert opened.page.evaluate(DRAWN) == [view.number_of_nodes(), view.number_of_nodes()]
    node = click_a_node_with_evidence(opened, view)
    panel = opened.page.inner_text("#panel")
    assert " ".join(view.nodes[node]["evidence"][0].split()) in " ".join(panel.split())
    assert opened.outside == [] and opened.dialogs == [] and opened.errors == []


LABELS = """() => {
  const net = window.tipkg.network;
  const r = document.querySelector('#network canvas').getBoundingClientRect();
  const out = {drawn: [], hidden: [], clipped: []};
  for (const id of window.tipkg.nodeView.getIds()) {
    if (!net.body.nodes[id].labelModule.visible()) { out.hidden.push(id); continue; }
    out.drawn.push(id);
    const b = net.getBoundingBox(id);
    const a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
    if (a.x < 0 || a.y < 0 || z.x > r.width || z.y > r.height) out.clipped.push(id);
  }
  return out;
}"""


@pytest.mark.parametrize("file", ["graph.html", "funding.html", "partners.html"])
def test_no_label_is_cut_and_small_ones_wait_for_zoom(open_view: Callable[..., Opened], real_views: tuple[Path, Any], file: str) -> None:
    """Every label drawn lies inside the canvas; zoomed out on the whole graph, the labels of the
    least connected nodes are not drawn (they would overlap), and zooming in on one draws it."""
    folder, g = real_views
    view = views.standard_views(g)[file]
    opened = open_view(folder / file)
    labels = opened.page.evaluate(LABELS)
    assert labels["drawn"] and labels["clipped"] == [], labels["clipped"]
    if file != "graph.html":
        return
    assert labels["hidden"], "the whole graph draws every label at once"
    least = min(labels["hidden"], key=lambda n: (view.degree(n), n))
    most = max(labels["drawn"], key=lambda n: view.degree(n))
    assert view.degree(most) > view.degree(least)
    opened.page.evaluate("(id) => window.tipkg.network.focus(id, {scale: 2.5, animation: false})", least)
    assert least in opened.page.evaluate(LABELS)["drawn"]


def test_search_finds_a_node_by_any_name(open_view: Callable[..., Opened], real_views: tuple[Path, Any]) -> None:
    folder, _g = real_views
    opened = open_view(folder / "graph.html")
    opened.page.fill("#search", "fevimtra")
    first = opened.page.inner_text("#results li:first-child button")
    assert first.startswith("Special Prosecution Unit")
    opened.page.press("#search", "Enter")
    opened.page.wait_for_selector(f'#panel[data-node="{BASE}agency/fevimtra"]', timeout=5000)


def test_accent_insensitive_search(open_view: Callable[..., Opened], fixture_views: tuple[Path, Any]) -> None:
    folder, _g = fixture_views
    opened = open_view(folder / "graph.html")
    opened.page.fill("#search", "pena")
    assert opened.page.inner_text("#results li:first-child button").startswith("Ciudad Peña")
    assert opened.page.evaluate("() => window.tipkg.matches('ÑANDU')") == [f"{BASE}ngo/nandu", f"{BASE}allocation/nandu-2011"]


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
@pytest.mark.parametrize("file", ["graph.html", "funding.html", "committee.html", "partners.html"])
def test_labels_that_look_like_html_run_nothing(
    open_view: Callable[..., Opened], fixture_views: tuple[Path, Any], file: str, bypass_csp: bool
) -> None:
    folder, g = fixture_views
    view = views.standard_views(g)[file]
    opened = open_view(folder / file, bypass_csp=bypass_csp)
    page = opened.page
    for node in sorted(view, key=lambda n: -len(g.nodes[n]["names"][0]) if g.nodes[n]["names"] else 0)[:4]:
        where = page.evaluate(NODE_AT, node)
        page.mouse.move(where["x"], where["y"])  # the tooltip
        page.evaluate("(id) => window.tipkg.select(id)", node)  # the side panel
    care = f"{BASE}agency/care"
    if care in view:
        page.evaluate("(id) => window.tipkg.select(id)", care)  # centred in the canvas
        assert page.inner_text("#panel h2") == "Ministry of Care <img src=x onerror=alert(1)>"
        where = page.evaluate(NODE_AT, care)
        page.mouse.move(where["x"] + 1, where["y"], steps=3)
        tip = page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        assert "<img src=x onerror=alert(1)>" in (tip.text_content() or "")
    page.fill("#search", "foundation")  # the search results list
    page.wait_for_timeout(100)
    assert page.evaluate(INJECTED) == {"pwned": None, "elements": 0, "scripts": 3}
    assert opened.dialogs == [] and opened.errors == [] and opened.outside == []


def test_neighbourhood_address(open_view: Callable[..., Opened], fixture_views: tuple[Path, Any]) -> None:
    folder, g = fixture_views
    node = f"{BASE}agency/special-unit"
    opened = open_view(folder / "graph.html", f"#focus={node}&depth=1")
    expected = nx.ego_graph(g, node, radius=1, undirected=True).number_of_nodes()
    assert opened.page.evaluate(DRAWN) == [g.number_of_nodes(), expected]
    assert opened.page.get_attribute("#panel", "data-node") == node
    opened.page.click("#focus-banner button")
    assert opened.page.evaluate(DRAWN)[1] == g.number_of_nodes()


def test_class_filter(open_view: Callable[..., Opened], fixture_views: tuple[Path, Any]) -> None:
    folder, g = fixture_views
    opened = open_view(folder / "graph.html")
    memberships = sum(1 for n in g if g.nodes[n]["cls"] == "Membership")
    opened.page.uncheck('#legend-classes input[value="Membership"]')
    assert opened.page.evaluate(DRAWN)[1] == g.number_of_nodes() - memberships


def test_5000_nodes_time_to_interactive(open_view: Callable[..., Opened], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from test_views import synthetic

    g = synthetic(5000)
    started = time.perf_counter()
    path = files.write_page(tmp_path / "big.html", views.render(g, "5,000 synthetic nodes"))
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    opened = open_view(path)
    loaded = time.perf_counter() - started
    ready_ms = opened.page.evaluate("() => window.tipkg.readyAt")
    assert opened.page.evaluate(DRAWN) == [5000, 5000]
    node = f"{BASE}n/0"
    where = opened.page.evaluate(NODE_AT, node)
    started = time.perf_counter()
    opened.page.evaluate("(id) => window.tipkg.select(id)", node)
    opened.page.wait_for_selector(f'#panel[data-node="{node}"]', timeout=10000)
    selected = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\n5,000 nodes, {g.number_of_edges()} edges: page written in {rendered:.1f} s; interactive {ready_ms / 1000:.2f} s after "
            f"navigation ({loaded:.2f} s to load); a node selected and its panel shown in {selected * 1000:.0f} ms"
        )
    assert where["inside"]
    assert opened.errors == [] and opened.outside == []


def test_an_empty_view_says_so(open_view: Callable[..., Opened], tmp_path: Path) -> None:
    path = files.write_page(tmp_path / "empty.html", views.render(nx.MultiDiGraph(), "Nothing"))
    opened = open_view(path)
    assert opened.page.evaluate(DRAWN) == [0, 0]
    assert "Nothing to show" in opened.page.inner_text("#panel")


def test_clicking_an_edge_shows_its_evidence(open_view: Callable[..., Opened], fixture_views: tuple[Path, Any]) -> None:
    folder, _g = fixture_views
    opened = open_view(folder / "committee.html")
    edge = opened.page.evaluate(
        """() => {
      const net = window.tipkg.network;
      const id = window.tipkg.edges.getIds().find((e) => window.tipkg.data.edgeInfo[e].label === 'guest');
      const e = window.tipkg.edges.get(id);
      const p = net.getPositions([e.from, e.to]);
      const a = net.canvasToDOM(p[e.from]), b = net.canvasToDOM(p[e.to]);
      const r = document.querySelector('#network canvas').getBoundingClientRect();
      const m = {x: (2 * a.x + b.x) / 3, y: (2 * a.y + b.y) / 3};
      return {id: id, x: r.left + m.x, y: r.top + m.y, at: net.getEdgeAt(m), node: net.getNodeAt(m)};
    }"""
    )
    assert edge["at"] == edge["id"] and edge["node"] is None
    opened.page.mouse.click(edge["x"], edge["y"])
    opened.page.wait_for_selector(f'#panel[data-edge="{edge["id"]}"]', timeout=5000)
    assert "the Foreign Aid Agency of Ruritania is a guest" in opened.page.inner_text("#panel")
