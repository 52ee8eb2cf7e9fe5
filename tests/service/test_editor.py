"""The editor's files and words over HTTP (the app in-process): CodeMirror served from node_modules/
by an allow-list with the page's import map and policy, the vocabulary read from the ontology, and
the plain textarea, with its reason, when node_modules is missing."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from service_support import client_for

from tipkg.messages import text
from tipkg.namespaces import PREFIXES
from tipkg.service.editor import MODULES, PACKAGES, read_vendor

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.S)
KINDS = {OWL.Class: "class", OWL.ObjectProperty: "property", OWL.DatatypeProperty: "property", OWL.AnnotationProperty: "property"}


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("no-node-modules")


@pytest.fixture(scope="module")
def bare(built_real: Path, empty: Path) -> Iterator[Any]:
    """The service with no node_modules where the setting points."""
    yield from client_for(built_real, node_modules=str(empty))


def import_map(html: str) -> dict[str, str]:
    found = IMPORT_MAP.search(html)
    assert found, "no import map in the page"
    imports: dict[str, str] = json.loads(found.group(1))["imports"]
    return imports


def test_node_modules_holds_the_editor() -> None:
    found = read_vendor(NODE_MODULES)
    assert found.ready, f"{found.missing}: run make (npm ci) first"


def test_every_module_of_the_import_map_is_served_as_javascript(client: Any) -> None:
    page = client.get("/sparql")
    imports = import_map(page.text)
    assert set(imports) == {*PACKAGES, *MODULES}
    for specifier, url in imports.items():
        r = client.get(url)
        assert r.status_code == 200, specifier
        assert r.headers["content-type"] == "text/javascript; charset=utf-8"
        assert r.content == (NODE_MODULES / url.removeprefix("/static/vendor/")).read_bytes()
    script = client.get("/static/editor.js")
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert set(re.findall(r'from "([^"]+)"', script.text)) <= set(imports)


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/",  # no listing
        "/static/vendor/@codemirror/view/",
        "/static/vendor/@codemirror/view/package.json",  # a file of an allowed package, not a module the page loads
        "/static/vendor/@codemirror/view/dist/index.cjs",
        "/static/vendor/@codemirror/view/dist/../package.json",
        "/static/vendor/%2e%2e/%2e%2e/pyproject.toml",
        "/static/vendor/..%2f..%2fpyproject.toml",
        "/static/vendor/%2fetc%2fpasswd",
    ],
)
def test_nothing_else_is_served_from_node_modules(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "export " not in r.text and "[tool" not in r.text and "root:" not in r.text


def test_a_nul_in_the_path_is_refused(client: Any) -> None:
    r = client.get("/static/vendor/@codemirror/view/dist/index.js%00")
    assert r.status_code == 400 and "export " not in r.text


def test_the_policy_allows_the_import_map_and_this_server_alone(client: Any) -> None:
    r = client.get("/sparql")
    policy = r.headers["content-security-policy"]
    found = IMPORT_MAP.search(r.text)
    assert found
    digest = base64.b64encode(hashlib.sha256(found.group(1).encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in policy and "connect-src 'self'" in policy
    nonce = re.search(r'data-style-nonce="([^"]+)"', r.text)
    assert nonce and f"style-src 'self' 'nonce-{nonce.group(1)}'" in policy
    assert "default-src 'none'" in policy and "unsafe" not in policy
    again = client.get("/sparql").headers["content-security-policy"]
    assert again != policy  # a nonce per answer


def ontology_terms() -> dict[str, dict[str, Any]]:
    """The classes and properties of ontology/*.ttl with their labels, read with rdflib."""
    graph = Graph()
    for ttl in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(ttl)
    terms = {}
    for kind, name in KINDS.items():
        for term in graph.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and str(term).startswith(PREFIXES["tipkg"]):
                labels = {o.language: str(o) for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)}
                terms["tipkg:" + str(term).removeprefix(PREFIXES["tipkg"])] = {
                    "kind": name,
                    "en": labels.get("en", ""),
                    "es": labels.get("es", ""),
                }
    return terms


def test_the_vocabulary_holds_the_ontology_with_its_labels(client: Any, built_real: Path) -> None:
    import tipkg

    vocabulary = client.get("/static/editor/vocabulary.json").json()
    assert vocabulary["prefixes"] == PREFIXES
    names = [t["name"] for t in vocabulary["terms"]]
    assert len(names) == len(set(names))  # one entry a term
    found = {t["name"]: t for t in vocabulary["terms"] if t["name"].startswith("tipkg:")}
    expected = ontology_terms()
    assert set(found) == set(expected)
    for name, term in expected.items():
        assert found[name]["kind"] == term["kind"] and found[name]["label"] == {"en": term["en"], "es": term["es"]}, name
        assert found[name]["iri"] == PREFIXES["tipkg"] + name.removeprefix("tipkg:")
    saved = tipkg.open(built_real).queries
    assert vocabulary["examples"] == {name: q.text for name, q in saved.items() if not q.params}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_page_lists_the_prefixes_and_the_saved_queries(client: Any, lang: str) -> None:
    html = client.get(f"/sparql?lang={lang}").text
    for prefix, iri in PREFIXES.items():
        assert f"<td><code>{prefix}:</code></td><td><code>{iri}</code></td>" in html
    for key in ("site.editor.examples", "site.editor.history", "site.editor.prefixes", "site.editor.keys"):
        assert text(key, lang) in html
    assert '<option value="actors">' in html


def test_without_node_modules_the_page_keeps_its_textarea_and_says_why(bare: Any, empty: Path) -> None:
    r = bare.get("/sparql?query=ASK+%7B%7D")
    assert r.status_code == 200
    assert "<script" not in r.text and "script-src" not in r.headers["content-security-policy"]
    assert '<textarea id="query" name="query"' in r.text and "<strong>true</strong>" in r.text
    said = re.findall(r'<p class="editor-off">(.*?)</p>', r.text)
    assert said == [text("site.editor.off", reason=f"{empty / 'codemirror' / 'package.json'} is missing")]
    assert bare.get("/static/vendor/@codemirror/view/dist/index.js").status_code == 404
