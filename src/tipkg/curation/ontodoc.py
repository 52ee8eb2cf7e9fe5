"""``docs/ontology.html``: the ontology's documentation, generated with pyLODE (OntPub profile).

The page is committed; a test regenerates it and fails if the committed copy differs. So the output
must not change from one run to the next: pyLODE picks the page title among several (it reads every
label as a title) and writes its schema.org JSON-LD in hash order, so the title and heading are set
from the ontology's ``dcterms:title`` and the JSON-LD is rewritten with sorted keys and lists.
The page loads nothing from the network: pyLODE inlines its CSS and icons, and
:func:`remote_resources` finds anything it would load from http(s).

Regenerate with ``python -m tipkg.curation.ontodoc [ROOT]``.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from tipkg.namespaces import ONTOLOGY_IRI

DOC_FILE = Path("docs") / "ontology.html"
SOURCE_FILE = "tipkg.ttl"  # the code lists of concepts.ttl are SKOS concepts, which OntPub does not list
_JSON_LD = re.compile(r'(<script id="schema\.org" type="application/ld\+json">)(.*?)(</script>)', re.DOTALL)
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_HEADING = re.compile(r"<h1>.*?</h1>", re.DOTALL)
# elements whose src/href the browser loads (an <a href> is only followed when clicked)
_LOADED = re.compile(
    r"<(?:script|link|img|iframe|embed|source|audio|video|object)\b[^>]*?\b(?:src|href|data)\s*=\s*[\"']?(https?:)?//", re.I
)
_CSS_URL = re.compile(r"(?:@import\s+|url\()\s*[\"']?(?:https?:)?//", re.I)


def _ontpub() -> Any:
    """pyLODE's OntPub class, imported without its side effects.

    pyLODE 3.4.1 reads its version from a pyproject.toml it does not install (RDFLib/pyLODE#260,
    fixed after 3.4.1): give it the installed version instead. It also sets the root logger to
    DEBUG when imported: put the logger back as it was.
    """
    import importlib.metadata
    import logging
    import types

    if "pylode.version" not in sys.modules:
        version = types.ModuleType("pylode.version")
        version.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = version
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    return OntPub


def render(ontology: Graph) -> str:
    """The documentation page of an ontology graph, the same for the same graph."""
    title = _title(ontology)
    page = _ontpub()(ontology, sort_subjects=True).make_html()
    page = _TITLE.sub(lambda _m: f"<title>{html.escape(title)}</title>", page, count=1)
    page = _HEADING.sub(lambda _m: f"<h1>{html.escape(title)}</h1>", page, count=1)
    page = _JSON_LD.sub(lambda m: m.group(1) + "\n" + _canonical_json(m.group(2)) + "\n" + m.group(3), page, count=1)
    return page if page.endswith("\n") else page + "\n"


def generate(root: Path) -> str:
    """The documentation page of the project's ontology."""
    from tipkg.curation.schema import read_turtle
    from tipkg.project import Project

    return render(read_turtle(Project(root).ontology_dir / SOURCE_FILE))


def write(root: Path) -> Path:
    """Write ``docs/ontology.html`` under ``root`` (to a temporary file, then renamed over it)."""
    out = root / DOC_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(generate(root), encoding="utf-8")
    tmp.replace(out)
    return out


def remote_resources(page: str) -> list[str]:
    """Snippets of the page that would make a browser load something from the network."""
    return [m.group(0) for m in _LOADED.finditer(page)] + [m.group(0) for m in _CSS_URL.finditer(page)]


def _title(ontology: Graph) -> str:
    titles = sorted(
        (t for t in ontology.objects(URIRef(ONTOLOGY_IRI), DCTERMS.title) if isinstance(t, Literal)),
        key=lambda t: (t.language not in ("en", None), str(t)),
    )
    return str(titles[0]) if titles else ONTOLOGY_IRI


def _canonical_json(text: str) -> str:
    def canonical(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: canonical(v) for k, v in value.items()}
        if isinstance(value, list):
            items = [canonical(v) for v in value]
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return value

    # "</" would end the script element early
    return json.dumps(canonical(json.loads(text)), sort_keys=True, indent=2, ensure_ascii=False).replace("</", "<\\/")


if __name__ == "__main__":
    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
