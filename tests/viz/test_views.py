"""The network pages, without a browser: what they show, that they load nothing, that labels stay text."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import URIRef

from tipkg.cli import main
from tipkg.errors import NetworkError
from tipkg.network import subgraphs
from tipkg.network.reading import load_network
from tipkg.network.rows import plain_node, rows_graph
from tipkg.viz import files, views, vis
from tipkg.viz.html import script_json

BASE = "https://w3id.org/tipkg/id/"
XSS = ["<img src=x onerror=alert(1)>", "<script>window.__pwned=1</script>", "</script><script>window.__pwned=2</script>"]


def iri(local: str) -> str:
    return BASE + local


@pytest.fixture(scope="module")
def net(built_network: Path) -> nx.MultiDiGraph:
    return load_network(built_network / "build")


@pytest.fixture(scope="module")
def pages(net: nx.MultiDiGraph) -> dict[str, str]:
    out = {}
    for name in views.STANDARD:
        _file, out[name] = views.render_view(net, name)
    _file, out["entity"] = views.render_view(net, "entity", entity="fevimtra-x", depth=2)
    _file, out["es"] = views.render_view(net, "graph", lang="es")
    return out


class Resources(HTMLParser):
    """Every address a page loads or links to, its tags, and the text of its scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        for name in ("src", "href", "srcset", "action", "data", "poster", "background"):
            if a.get(name):
                self.urls.append(a[name] or "")
        if tag in ("script", "style"):
            self._open = (tag, a)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            tag, a = self._open
            if tag == "script":
                self.scripts.append((a, data))
            else:
                self.styles.append(data)
            self._open = None


def parse(html: str) -> Resources:
    r = Resources()
    r.feed(html)
    return r


def page_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="tipkg-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


# -- offline ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*views.STANDARD, "entity", "es"])
def test_a_page_loads_nothing_from_outside(pages: dict[str, str], name: str) -> None:
    r = parse(pages[name])
    assert not [u for u in r.urls if re.match(r"^\s*(https?:|//|ftp:)", u, re.I)]
    assert not [t for t, a in r.tags if t in ("link", "iframe", "object", "embed", "img", "base")]
    assert all("src" not in a for a, _text in r.scripts)
    for css in r.styles:
        assert not re.search(r"@import", css)
        assert all(u.strip("'\" ").startswith("data:") for u in re.findall(r"url\(([^)]*)\)", css))


@pytest.mark.parametrize("name", views.STANDARD)
def test_the_content_security_policy_allows_only_the_pages_own_scripts(pages: dict[str, str], name: str) -> None:
    r = parse(pages[name])
    (csp,) = [a["content"] for t, a in r.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp is not None and "default-src 'none'" in csp and "unsafe-eval" not in csp
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src
    running = [text for a, text in r.scripts if a.get("type") != "application/json"]
    assert len(running) == 2
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in running}
    assert set(script_src.group(1).split()) == hashes


# -- cross-site scripting --------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*views.STANDARD, "entity", "es"])
def test_labels_and_quotes_that_look_like_html_stay_data(pages: dict[str, str], name: str) -> None:
    html = pages[name]
    for attack in XSS:
        assert attack not in html
    data = json.dumps(page_data(html), ensure_ascii=False)
    assert "onerror=alert(1)" in data  # the label is there, as escaped JSON text


def test_script_json_escapes_what_could_end_a_script() -> None:
    data = {"a": "</script><!-- <b>&amp; ]]> \u2028"}
    text = script_json(data)
    for bad in ("</", "<!--", "<", ">", "&", "\u2028"):
        assert bad not in text
    assert json.loads(text) == data


def test_title_and_heading_are_escaped(net: nx.MultiDiGraph) -> None:
    html = views.render(net, '<b onmouseover="x">Title</b> href', network=net)
    assert "<b onmouseover" not in html
    assert "&lt;b onmouseover=&#34;x&#34;&gt;Title&lt;/b&gt; href" in html


def test_page_file_names_are_checked() -> None:
    with pytest.raises(NetworkError, match="not a page file name"):
        views.Links(pages={"javascript:alert(1)": set()})


# -- what each view shows ----------------------------------------------------------------------------


def test_whole_graph_page_has_every_node_with_legend_search_keys_and_evidence(pages: dict[str, str], net: nx.MultiDiGraph) -> None:
    data = page_data(pages["graph"])
    assert len(data["nodes"]) == net.number_of_nodes() and len(data["edges"]) == net.number_of_edges()
    assert {c["key"] for c in data["classes"]} == {d["cls"] for _n, d in net.nodes(data=True)}
    assert sum(c["count"] for c in data["classes"]) == net.number_of_nodes()
    assert {r["key"] for r in data["relations"]} >= {"unitOf", "cooperatesWith", "member"}
    care = data["info"][iri("agency/care")]
    assert care["evidence"] == ["The Ministry of Care <img src=x onerror=alert(1)> created the Shelter Office"]
    assert "pena" in " ".join(data["info"][iri("place/ciudad-pena")]["search"])
    assert care["pages"] == ["funding.html", "committee.html", "partners.html"]
    assert all(e["id"] in data["edgeInfo"] and data["edgeInfo"][e["id"]]["evidence"] for e in data["edges"])
    assert data["physics"] is True and data["home"] == "graph.html"


def test_spanish_page(pages: dict[str, str]) -> None:
    data = page_data(pages["es"])
    assert data["info"][iri("agency/care")]["label"] == "Ministerio de Cuidado"
    assert data["info"][iri("agency/care")]["clsLabel"] == "organismo público"
    assert "<title>Grafo completo</title>" in pages["es"]


def test_funding_flows(net: nx.MultiDiGraph) -> None:
    flows = subgraphs.funding_flows(net)
    edges = {(flows.nodes[u]["local"], flows.nodes[v]["local"], k): d for u, v, k, d in flows.edges(keys=True, data=True)}
    aid = edges[("agency/foreign-aid", "fund/care-fund", "allocation/aid-2010")]
    assert edges[("fund/care-fund", "agency/shelter-office", "allocation/aid-2010")]["caption"] == aid["caption"]
    assert aid["caption"] == {"en": "2,000 MXN · 2010", "es": "2\u00a0000 MXN · 2010"}
    small = edges[("fund/care-fund", "ngo/nandu", "allocation/nandu-2011")]
    assert aid["width"] > small["width"]
    run_by = edges[("agency/care", "fund/care-fund", "organizer")]  # the 2011 grant names no funder
    assert run_by["dashes"] and run_by["rel"] == "run-by"
    assert "The Foreign Aid Agency gave $2,000.00 pesos" in aid["evidence"][0]


def test_committee(net: nx.MultiDiGraph) -> None:
    c = subgraphs.committee(net)
    roles = {(c.nodes[u]["local"], d["rel"]) for u, v, d in c.edges(data=True) if c.nodes[v]["local"] == "committee/care"}
    assert roles == {("agency/care", "coordinator"), ("agency/special-unit", "member"), ("agency/foreign-aid", "guest")}
    (guest,) = [d for _u, _v, d in c.edges(data=True) if d["rel"] == "guest"]
    assert guest["dashes"] and guest["caption"] == {"en": "guest", "es": "invitado"}
    assert guest["evidence"] == ["the Foreign Aid Agency of Ruritania is a guest"]


def test_partners(net: nx.MultiDiGraph) -> None:
    p = subgraphs.partners(net)
    locals_ = {d["local"] for _n, d in p.nodes(data=True)}
    assert {"ngo/nandu", "agency/shelter-office", "agency/special-unit", "place/los-angeles", "place/ciudad-pena"} <= locals_
    assert {"place/ruritania", "place/mexico"} <= locals_
    assert {k for _u, _v, k in p.edges(keys=True)} <= {*subgraphs.PARTNER_LINKS, *subgraphs.PLACE_LINKS, "containedInPlace"}


def test_trafficking_flows_draw_one_edge_per_form(net: nx.MultiDiGraph) -> None:
    """The demo report's one flow, for two forms: two edges from Ruritania to Mexico, grouped and
    captioned by form, with the victims and the place the flow passes through in the edge's panel,
    citing the flow's quote."""
    f = subgraphs.trafficking_flows(net)
    edges = {(f.nodes[u]["local"], f.nodes[v]["local"], d["rel"]): d for u, v, d in f.edges(data=True)}
    assert set(edges) == {("place/ruritania", "place/mexico", "sexual-exploitation"), ("place/ruritania", "place/mexico", "forced-labour")}
    sexual = edges[("place/ruritania", "place/mexico", "sexual-exploitation")]
    assert sexual["caption"] == {"en": "sexual exploitation", "es": "explotación sexual"}
    assert sexual["details"] == {
        "en": [["victims", "women"], ["through", "Ciudad Peña"]],
        "es": [["víctimas", "mujeres"], ["a través de", "Ciudad Peña"]],
    }
    assert sexual["rel_labels"]["es"] == "explotación sexual"
    assert edges[("place/ruritania", "place/mexico", "forced-labour")]["caption"]["en"] == "forced labour or services"
    assert any("women are taken from Ruritania through Ciudad Peña to Mexico" in q for q in sexual["evidence"])
    assert {d["local"] for _n, d in f.nodes(data=True)} == {"place/ruritania", "place/mexico", "place/ciudad-pena"}


def test_flows_view_of_an_assessment_draws_the_flows_query(built_assessment: Path, assessment_kgs: dict[str, Any]) -> None:
    """On the fictional assessment (tests/fixtures/assessment), the view's edges are the rows of the
    saved query ``flows`` (origin, destination, form: 9 from the alliance's five flows), and one more
    for the form the second report gives the fifth flow (domestic servitude), whose quote names its
    report. Where the two reports date that flow differently, no date is drawn on its edges."""
    g = load_network(built_assessment / "build")
    view = subgraphs.trafficking_flows(g)
    edges = sorted((u, v, d["rel"]) for u, v, d in view.edges(data=True))
    rows = assessment_kgs["oxigraph"].query("flows")
    expected = {(str(r["origin"]), str(r["destination"]), str(r["form"]).rsplit("/exploitation-", 1)[1]) for r in rows}
    second = (iri("place/guatemala"), iri("place/chiapas"), "domestic-servitude")
    assert len(expected) == 9 and edges == sorted(expected | {second})
    html = views.render_view(g, "flows", lang="es")[1]
    data = page_data(html)
    assert "<title>Flujos de trata</title>" in html
    to_chiapas = {i["caption"]: i for i in data["edgeInfo"].values() if i["toLabel"] == "Chiapas"}
    assert sorted(to_chiapas) == ["mendicidad forzada", "servidumbre doméstica", "trabajos o servicios forzados"]
    # shown away from their quotes, the values name the report that states them (the graph holds two)
    assert to_chiapas["mendicidad forzada"]["facts"] == [
        ["víctimas", "niñas, niños y adolescentes (fma-2011)"],
        ["sector", "comercio ambulante (fma-2011)"],
    ]
    quotes = to_chiapas["servidumbre doméstica"]["evidence"]
    assert "many of them ended in domestic servitude (fvw-2011)" in quotes  # each quote names its report
    assert any(q.startswith("Between 2008 and 2010, children from Guatemala") and q.endswith("(fma-2011)") for q in quotes)


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (0, {"agency/special-unit"}),
        (
            1,
            {
                "agency/special-unit",
                "agency/care",
                "agency/shelter-office",
                "place/mexico",
                "membership/care-special-unit",
                "committee/care",  # brought along by the membership
            },
        ),
    ],
)
def test_neighbourhood(net: nx.MultiDiGraph, depth: int, expected: set[str]) -> None:
    sub = subgraphs.neighbourhood(net, iri("agency/special-unit"), depth)
    assert {d["local"] for _n, d in sub.nodes(data=True)} == expected


def test_large_graphs_are_laid_out_in_python_with_physics_off() -> None:
    g = synthetic(vis.LARGE + 20)
    data = page_data(views.render(g, "big"))
    assert data["large"] is True and data["physics"] is False and data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n.get("x"), float) and isinstance(n.get("y"), float) for n in data["nodes"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])


def synthetic(n: int, seed: int = 0) -> nx.MultiDiGraph:
    """A random tree of ``n`` nodes plus n/4 random edges (deterministic)."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph(base=BASE)
    for i in range(n):
        g.add_node(iri(f"n/{i}"), **plain_node(iri(f"n/{i}"), f"node {i}", BASE))
    pairs = [(i, rng.randrange(i)) for i in range(1, n)] + [(rng.randrange(n), rng.randrange(n)) for _ in range(n // 4)]
    for k, (a, b) in enumerate(pairs):
        g.add_edge(iri(f"n/{a}"), iri(f"n/{b}"), key=f"k{k}", name="k", labels={"en": "k"}, evidence=[f"quote {k}"], areas=[])
    return g


# -- query results as a graph -------------------------------------------------------------------------


def test_rows_with_two_iri_columns(net: nx.MultiDiGraph) -> None:
    rows = [
        {"ngo": URIRef(iri("ngo/nandu")), "partner": iri("agency/shelter-office"), "since": "2010"},
        {"ngo": {"type": "uri", "value": iri("agency/special-unit")}, "partner": URIRef(iri("agency/shelter-office")), "since": None},
        {"ngo": "http://example.org/other", "ngoLabel": "Other <b>org</b>", "partner": iri("agency/care"), "since": "2011"},
        {"ngo": None, "partner": iri("agency/care"), "since": "x"},
    ]
    g = rows_graph(rows, net)
    assert g.number_of_edges() == 3
    assert g.nodes[iri("ngo/nandu")]["cls"] == "NGO"  # from the network
    assert g.nodes["http://example.org/other"]["labels"] == {"": "Other <b>org</b>"}
    (first,) = [d for u, _v, d in g.edges(data=True) if u == iri("ngo/nandu")]
    assert first["row"] == {"since": "2010"}
    html = views.rows_view(rows, network=net, title="NGO partners")
    assert "Other <b>org</b>" not in html and len(page_data(html)["nodes"]) == 5


def test_rows_from_the_oxigraph_engine() -> None:
    import pyoxigraph as ox

    rows = [{"ngo": ox.NamedNode(iri("ngo/nandu")), "partner": ox.NamedNode(iri("agency/care")), "since": ox.Literal("2010")}]
    g = rows_graph(rows)
    assert list(g.edges(data="row")) == [(iri("ngo/nandu"), iri("agency/care"), {"since": "2010"})]


@pytest.mark.parametrize(
    "rows",
    [[], [{"a": iri("x"), "b": "plain text"}], [{"a": URIRef(iri("x")), "label": "x y"}]],
    ids=["empty", "one-iri-column", "no-second-column"],
)
def test_rows_without_two_iri_columns_are_refused(rows: list[dict[str, Any]]) -> None:
    with pytest.raises(NetworkError, match="two columns of IRIs"):
        rows_graph(rows)


# -- writing pages --------------------------------------------------------------------------------------


def test_write_standard_views(built_network: Path, net: nx.MultiDiGraph) -> None:
    written = files.write_standard_views(built_network / "build", entity_pages=3)
    names = [p.name for p in written]
    assert names[:5] == ["graph.html", "funding.html", "committee.html", "partners.html", "flows.html"]
    assert len(names) == 8 and all(n.startswith("entity-") for n in names[5:])
    graph = page_data((built_network / "build" / "views" / "graph.html").read_text(encoding="utf-8"))
    with_pages = [i["entityPage"] for i in graph["info"].values() if i["entityPage"]]
    assert sorted(with_pages) == sorted(names[5:])
    assert not list((built_network / "build" / "views").glob(".*"))  # no temporary files left


RENDER_ENTITY = """import sys
from pathlib import Path
from tipkg.network.reading import load_network
from tipkg.viz import files, vis, views
from tipkg.viz.html import script_json
sys.stdout.write(views.render_view(load_network(Path(sys.argv[1])), "entity", entity="fevimtra-x", depth=1)[1])
"""


def test_entity_pages_do_not_depend_on_the_hash_seed(built_network: Path) -> None:
    def render(seed: str) -> bytes:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-c", RENDER_ENTITY, str(built_network / "build")]
        return subprocess.run(cmd, env=env, capture_output=True, check=True).stdout

    assert render("1") == render("2") == render("3")


@pytest.mark.parametrize(
    ("args", "file", "title"),
    [
        (["graph"], "graph.html", "Whole graph"),
        (["funding", "--lang", "es"], "funding.html", "Flujos de financiamiento"),
        (["committee"], "committee.html", "Inter-agency committee"),
        (["partners"], "partners.html", "Partnerships"),
        (["entity", "pena", "--depth", "2"], "entity-place-ciudad-pena.html", "Neighbourhood of Ciudad Peña"),
    ],
)
def test_cli_viz(built_network: Path, args: list[str], file: str, title: str) -> None:
    result = CliRunner().invoke(main, ["viz", "--root", str(built_network), *args])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == built_network / "build" / "views" / file
    assert f"<title>{title}</title>" in path.read_text(encoding="utf-8")


def test_cli_viz_output_file(built_network: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "mine.html"
    result = CliRunner().invoke(main, ["viz", "--root", str(built_network), "entity", iri("ngo/nandu"), "-o", str(out)])
    assert result.exit_code == 0 and out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sideways"], "unknown view 'sideways'"),
        (["entity"], "needs an entity"),
        (["graph", "care fund"], "takes no entity"),
        (["entity", "nobody at all"], "no entity named"),
        (["entity", "care"], "names 2 entities"),
        (["entity", "care fund", "--depth", "-1"], "depth -1"),
        (["graph", "--lang", "fr"], "language 'fr'"),
    ],
)
def test_cli_viz_errors_are_one_line_and_exit_2(built_network: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["viz", "--root", str(built_network), *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
