"""What the query editor of the ``/sparql`` page needs: CodeMirror 6, served from ``node_modules/``
(installed by ``make`` from package-lock.json, never committed, never from a CDN), and the words it
completes, read once from the ontology graph.

The browser loads CodeMirror's ES modules as they are published: an import map names each package's
module file, and :func:`vendor_file` serves exactly those files (an allow-list, so no listing and no
path outside it). Without ``node_modules`` the page keeps its plain textarea and says why.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from tipkg.service.views.plumbing import PAGE_CSP, context

VENDOR = "/static/vendor/"
# the packages the editor imports, with those they import (their entry module, from package.json)
PACKAGES = (
    "codemirror",
    "@codemirror/autocomplete",
    "@codemirror/commands",
    "@codemirror/language",
    "@codemirror/lint",
    "@codemirror/search",
    "@codemirror/state",
    "@codemirror/streamparser",
    "@codemirror/view",
    "@lezer/common",
    "@lezer/highlight",
    "@marijn/find-cluster-break",
    "crelt",
    "style-mod",
    "w3c-keyname",
)
MODULES = {"@codemirror/legacy-modes/mode/sparql": "@codemirror/legacy-modes/mode/sparql.js"}  # one file of a package
CLASSES = ("owl:Class", "rdfs:Class")
Q_TERMS = """SELECT ?g ?term ?kind (SAMPLE(?en) AS ?label_en) (SAMPLE(?es) AS ?label_es) WHERE {
  GRAPH ?g { ?term a ?kind .
    OPTIONAL { ?term rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
    OPTIONAL { ?term rdfs:label ?es FILTER(LANGMATCHES(LANG(?es), "es")) } }
  FILTER(?kind IN (owl:Class, rdfs:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty, rdf:Property))
} GROUP BY ?g ?term ?kind ORDER BY ?term"""


@dataclass(frozen=True)
class Vendor:
    """The editor's module files found in a ``node_modules`` folder, or why they are missing."""

    files: dict[str, Path] = field(default_factory=dict)  # path below /static/vendor/ -> file
    imports: dict[str, str] = field(default_factory=dict)  # module specifier -> URL
    missing: str = ""

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def import_map(self) -> str:
        """The page's ``<script type="importmap">`` text (JSON, no ``<`` to end the element)."""
        return json.dumps({"imports": self.imports}, sort_keys=True).replace("<", "\\u003c")

    def csp(self, nonce: str) -> str:
        """The page's policy: its own scripts, the import map by its hash, CodeMirror's style
        elements by the page's ``nonce``, fetches to this server only."""
        digest = base64.b64encode(hashlib.sha256(self.import_map.encode()).digest()).decode()
        styles = PAGE_CSP.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")
        assert styles != PAGE_CSP, "the page policy names style-src 'self'"
        return f"{styles}; script-src 'self' 'sha256-{digest}'; connect-src 'self'"


def entry_module(package_dir: Path) -> str:
    """The ES module file a package's ``package.json`` names for ``import`` (relative to the package)."""
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    exports = meta.get("exports")
    if isinstance(exports, dict):
        exports = exports.get(".", exports)
        if isinstance(exports, dict):
            exports = exports.get("import") or exports.get("default")
    found = exports if isinstance(exports, str) else meta.get("module") or meta.get("main")
    return str(found).removeprefix("./")


@cache
def read_vendor(node_modules: Path) -> Vendor:
    """The editor's files in ``node_modules`` (read once per folder), or what is missing there."""
    try:
        wanted = {name: f"{name}/{entry_module(node_modules / name)}" for name in PACKAGES}
    except OSError as exc:  # a package not installed
        return Vendor(missing=f"{exc.filename or node_modules} is missing")
    except ValueError as exc:  # a package.json that is not JSON
        return Vendor(missing=f"{node_modules}: {exc}")
    files: dict[str, Path] = {}
    imports: dict[str, str] = {}
    wanted.update(MODULES)
    for specifier, relative in wanted.items():
        path = node_modules / relative
        if not path.is_file():
            return Vendor(missing=f"{path} is missing")
        files[relative] = path
        imports[specifier] = VENDOR + relative
    return Vendor(files, imports)


def vendor(request: Request) -> Vendor:
    """The editor's files for this service: ``node_modules`` of the setting, else of the checkout."""
    configured = str(context(request).settings["node_modules"])
    return read_vendor(Path(configured) if configured else Path(__file__).resolve().parents[3] / "node_modules")


def vendor_file(request: Request) -> Response:
    """``/static/vendor/PATH``: one of the editor's module files, nothing else."""
    found = vendor(request).files.get(request.path_params["path"])
    if found is None:
        raise HTTPException(404, "not one of the editor's files")
    return FileResponse(found, media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


def editor_script(request: Request) -> Response:
    """``/static/editor.js``: the page's own module, which sets CodeMirror over the textarea."""
    from importlib import resources

    script = resources.files("tipkg.service").joinpath("static", "editor.js").read_text(encoding="utf-8")
    return Response(script, media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


def vocabulary(ctx: Any) -> dict[str, Any]:
    """What the editor completes: the prefixes the service declares, the ontology's classes and
    properties (prefixed name, IRI, kind, labels in English and Spanish), the saved queries to start from."""
    from rdflib import URIRef

    from tipkg.namespaces import PREFIXES

    def compact(iri: str) -> str | None:
        """``tipkg:Law`` for an IRI under a declared prefix (the longest namespace that fits)."""
        found = [(len(ns), prefix, iri[len(ns) :]) for prefix, ns in PREFIXES.items() if iri.startswith(ns)]
        if not found:
            return None
        _size, prefix, local = max(found)
        return f"{prefix}:{local}" if local else None

    def term(iri: str, kind: str, en: Any, es: Any) -> dict[str, Any] | None:
        name = compact(iri)
        if name is None:  # under no declared prefix: nothing to complete it with
            return None
        kind_name = "class" if compact(kind) in CLASSES else "property"
        return {"name": name, "iri": iri, "kind": kind_name, "label": {"en": str(en or ""), "es": str(es or "")}}

    def compute() -> dict[str, Any]:
        rows = ctx.kg.query(Q_TERMS, g=URIRef(ctx.graphs.ontology)).rows
        terms = [t for _g, iri, kind, en, es in rows if (t := term(str(iri), str(kind), en, es))]
        examples = {q.name: q.text for q in ctx.kg.queries.values() if not q.params}
        return {"prefixes": PREFIXES, "terms": terms, "examples": examples}

    found: dict[str, Any] = ctx.memo("editor.vocabulary", compute)
    return found


def vocabulary_json(request: Request) -> Response:
    """``/static/editor/vocabulary.json``: :func:`vocabulary`, computed when the service starts."""
    return JSONResponse(vocabulary(context(request)), headers={"Cache-Control": "max-age=3600"})


def style_nonce(request: Request) -> str:
    """This answer's nonce for CodeMirror's ``<style>`` elements (``EditorView.cspNonce``)."""
    if not hasattr(request.state, "editor_nonce"):
        request.state.editor_nonce = secrets.token_urlsafe(18)
    found: str = request.state.editor_nonce
    return found


def page_values(request: Request) -> dict[str, Any]:
    """What ``editor.html`` shows: the editor's files (or why they are missing), the prefixes, the nonce."""
    from tipkg.namespaces import PREFIXES

    return {"editor": vendor(request), "prefixes": sorted(PREFIXES.items()), "style_nonce": style_nonce(request)}


def headers(request: Request) -> dict[str, str]:
    """The page's policy when the editor runs (:meth:`Vendor.csp`); the site's own policy otherwise."""
    found = vendor(request)
    return {"Content-Security-Policy": found.csp(style_nonce(request))} if found.ready else {}
