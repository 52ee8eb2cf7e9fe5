"""Saved queries: ``queries/*.rq`` files with a ``#+`` YAML header (grlc style).

The file stem is the query's id everywhere. Parameters are written ``$name`` in the query text
and bound by the engine as RDF terms, never pasted into the text. Every value given for one is
checked for refused code points and read in NFC first (:mod:`tipkg.sparql.codepoints`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from tipkg.errors import TipkgError
from tipkg.sparql.codepoints import CodePointError, clean, shown

PARAM_TYPES = ("iri", "string", "year", "number")
PARAM_KEYS = ("name", "type", "description", "example", "default", "entity")
VIEWS = ("table", "graph", "timeline", "bar", "map")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TERM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_ENTITY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+$")
_WEB_IRI = re.compile(r"^(?:https?|urn):\S+$")
# libyaml's safe loader where PyYAML has it: the CLI reads every header on each run, and the
# pure-Python loader took most of the time of a `tipkg query run` (about 100 ms of 45 headers)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class QueryError(TipkgError):
    """A saved query that is unknown or malformed, or a parameter that does not fit."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str = ""
    example: str | None = None
    default: str | None = None
    entity: bool = False  # an iri that must name an entity of the graph (tipkg.sparql.entities)


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    text: str
    view: str = "table"
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = field(default_factory=tuple)
    path: str = ""
    needs: tuple[str, ...] = ()  # ontology terms the answer is made of (tipkg.sparql.absence)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parameter_names(text: str) -> set[str]:
    """The ``$name`` variables of a query (outside full-line comments)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return set(_PARAM_REF.findall(body))


def parse_saved_query(text: str, name: str, path: str = "") -> SavedQuery:
    """Parse one ``.rq`` file's text (pure)."""
    where = path or name
    if not _NAME.match(name):
        raise QueryError(f"{where}: query id {name!r} must be lower-case letters, digits and '_'")
    header = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip():
            break
    try:
        meta = yaml.load("\n".join(header), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{where}: the #+ header is not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{where}: the #+ header must be a mapping")
    for key in ("title", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise QueryError(f"{where}: header needs a '{key}'")
    view = meta.get("view", "table")
    if view not in VIEWS:
        raise QueryError(f"{where}: view {view!r} is not one of {', '.join(VIEWS)}")
    params = []
    for spec in meta.get("params") or []:
        if not isinstance(spec, dict) or "name" not in spec:
            raise QueryError(f"{where}: each param needs a name, a type and an example")
        ptype = spec.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{where}: param {spec['name']!r} has type {ptype!r}, not one of {', '.join(PARAM_TYPES)}")
        unknown = sorted(set(spec) - set(PARAM_KEYS))
        if unknown:
            raise QueryError(f"{where}: param {spec['name']!r} has the key {unknown[0]!r}, not one of {', '.join(PARAM_KEYS)}")
        entity = spec.get("entity", False)
        if entity not in (True, False) or (entity and ptype != "iri"):
            raise QueryError(f"{where}: param {spec['name']!r}: 'entity: true' is for a param of type iri (false: any IRI)")
        default = spec.get("default")
        example = spec.get("example")
        params.append(
            Param(
                name=str(spec["name"]),
                type=ptype,
                description=str(spec.get("description", "")),
                example=None if example is None else str(example),
                default=None if default is None else str(default),
                entity=entity,
            )
        )
    tags = meta.get("tags") or []
    needs = meta.get("needs") or []
    if not isinstance(needs, list) or not all(isinstance(n, str) and _TERM_NAME.match(n) for n in needs):
        raise QueryError(f"{where}: 'needs' is a list of ontology classes or properties by local name, like [Assessment]")
    return SavedQuery(
        name=name,
        title=meta["title"].strip(),
        description=" ".join(meta["description"].split()),
        text=text,
        view=view,
        tags=tuple(str(t) for t in tags),
        params=tuple(params),
        path=path,
        needs=tuple(needs),
    )


def load_saved_queries(directory: Path) -> dict[str, SavedQuery]:
    """Every ``*.rq`` file of a folder, by id."""
    out = {}
    for path in sorted(directory.glob("*.rq")):
        out[path.stem] = parse_saved_query(path.read_text(encoding="utf-8"), path.stem, str(path))
    return out


def find(queries: dict[str, SavedQuery], name: str) -> SavedQuery:
    if name in queries:
        return queries[name]
    close = close_names(queries, name)
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'tipkg query list' shows them"
    raise QueryError(f"unknown query {shown(name)}{hint}")


def close_names(queries: dict[str, SavedQuery], name: str) -> list[str]:
    """The ids closest to ``name`` (at most three), for "did you mean"."""
    return difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)


def bind(query: SavedQuery | None, values: dict[str, Any], base: str) -> dict[str, URIRef | Literal]:
    """Typed RDF terms for a query's parameters: given values, else defaults; unknown names refused."""
    declared = {p.name: p for p in query.params} if query else {}
    if query is None:
        # ad-hoc SPARQL: an RDF term as given; <...>, an http(s)/urn IRI or an entity id such as
        # agency/pgr as an IRI; any other value as a string
        return {k: _adhoc_term(k, v, base) for k, v in values.items()}
    unknown = set(values) - set(declared)
    if unknown:
        names = ", ".join(sorted(declared)) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {shown(sorted(unknown)[0])} (its parameters: {names})")
    out: dict[str, URIRef | Literal] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            continue
        out[p.name] = to_term(p, raw, base)
    return out


def _adhoc_term(name: str, raw: Any, base: str) -> URIRef | Literal:
    if isinstance(raw, URIRef | Literal):
        return to_term(Param(name, "iri" if isinstance(raw, URIRef) else "string"), raw, base)
    text = _clean(name, str(raw))
    if text.startswith("<") and text.endswith(">"):
        return to_term(Param(name, "iri"), text[1:-1], base)
    if _ENTITY_ID.match(text) or _WEB_IRI.match(text):
        return to_term(Param(name, "iri"), text, base)
    return Literal(text)


def to_term(param: Param, raw: Any, base: str) -> URIRef | Literal:
    """A parameter value as an RDF term of the parameter's type, or a clear error.

    Text is checked for refused code points and read in NFC; a year or a number also in NFKC, so
    that full-width digits are digits. An IRI must be one by RFC 3987, as the engines read it.
    """
    from tipkg.engines.oxigraph import is_iri

    what = f"parameter {param.name!r}"
    if isinstance(raw, URIRef | Literal):
        # a term made by the caller: checked, never changed
        _clean(param.name, str(raw))
        iri = str(raw) if isinstance(raw, URIRef) else None if raw.datatype is None else str(raw.datatype)
        if iri is not None and not is_iri(iri):
            raise QueryError(f"{what}: expected an IRI, got {shown(iri)}")
        return raw
    text = _clean(param.name, str(raw)).strip()
    if param.type == "iri":
        iri = text if re.match(r"^[a-z][a-z0-9+.-]*:", text) else base + text
        if not text or not is_iri(iri):
            raise QueryError(f"{what}: expected an IRI or an entity id like agency/fevimtra, got {shown(text)}")
        return URIRef(iri)
    if param.type in ("year", "number"):
        text = unicodedata.normalize("NFKC", text)
    if param.type == "year":
        if not re.fullmatch(r"[0-9]{4}", text):
            raise QueryError(f"{what}: expected a year like 2010, got {shown(text)}")
        return Literal(text, datatype=XSD.gYear)
    if param.type == "number":
        try:
            Decimal(text)
        except InvalidOperation:
            raise QueryError(f"{what}: expected a number, got {shown(text)}") from None
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            raise QueryError(f"{what}: expected a number like 42 or 3.5, got {shown(text)}")
        return Literal(text, datatype=XSD.decimal)
    return Literal(text)


def _clean(name: str, text: str) -> str:
    try:
        return clean(text)
    except CodePointError as exc:
        raise QueryError(f"parameter {name!r}: {exc}") from None
