"""Findings of the checks (SHACL, OWL, lint), and where in the curated files each one lies.

A finding names the entity, the rule and the curated ``file:line`` where the entity is written, so
a curator can go straight to the record. Evidence and its selectors are not curated records: a
finding about a quote points to the record that cites it. Ontology terms point to their line in
``ontology/*.ttl``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SH
from rdflib.term import Node

from tipkg.namespaces import OA, PREFIXES, SHAPES

VIOLATION, WARNING, INFO = "violation", "warning", "info"
SEVERITIES = (VIOLATION, WARNING, INFO)

_COMPACT = sorted({**PREFIXES, "tipkgsh": str(SHAPES), "sh": str(SH)}.items(), key=lambda kv: -len(kv[1]))
_PREFIXED_SUBJECT = re.compile(r"^([A-Za-z][\w-]*)?:([^\s;,.]+)\s")
_PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>")


@dataclass(frozen=True)
class Finding:
    """One problem a check found.

    ``check`` is ``shacl``, ``owl`` or ``lint``; ``rule`` names the shape, axiom or lint rule;
    ``location`` is the curated ``file:line`` of the entity, when there is one.
    """

    severity: str
    check: str
    focus: str
    rule: str
    message: str
    path: str | None = None
    value: str | None = None
    location: str | None = None

    def __str__(self) -> str:
        where = self.location or "(no curated location)"
        path = f" {self.path}:" if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        return f"{where}: {self.focus}:{path} {self.message}{value} [{self.check} {self.rule}]"

    def sort_key(self) -> tuple[int, tuple[str, int], str, str, str]:
        return (SEVERITIES.index(self.severity), _location_key(self.location), self.focus, self.rule, self.message)


def compact(term: Node | str) -> str:
    """A prefixed name for an IRI of a known vocabulary, the N3 form of a literal, else the IRI."""
    if isinstance(term, Literal):
        return term.n3()
    text = str(term)
    for prefix, ns in _COMPACT:
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text


def _location_key(location: str | None) -> tuple[str, int]:
    if not location:
        return ("\uffff", 0)
    file, _, line = location.rpartition(":")
    return (file, int(line)) if line.isdigit() else (location, 0)


def ontology_locations(ontology_dir: Path, root: Path) -> dict[URIRef, str]:
    """``ontology/tipkg.ttl:LINE`` of each term written as a prefixed subject at a line start."""
    out: dict[URIRef, str] = {}
    for path in sorted(ontology_dir.glob("*.ttl")):
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        prefixes: dict[str, str] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            declared = _PREFIX_LINE.match(line)
            if declared:
                prefixes[declared.group(1) or ""] = declared.group(2)
                continue
            subject = _PREFIXED_SUBJECT.match(line)
            if subject and (subject.group(1) or "") in prefixes:
                out.setdefault(URIRef(prefixes[subject.group(1) or ""] + subject.group(2)), f"{shown}:{number}")
    return out


class Locator:
    """Finds the curated ``file:line`` of a node of the graph."""

    def __init__(self, graph: Graph, locations: Mapping[URIRef, str], ontology: Mapping[URIRef, str] | None = None) -> None:
        self.graph = graph
        self.locations = locations
        self.ontology = ontology or {}

    def __call__(self, node: Node) -> str | None:
        if not isinstance(node, URIRef):
            return None
        if node in self.locations:
            return self.locations[node]
        if node in self.ontology:
            return self.ontology[node]
        for evidence in self.graph.subjects(OA.hasSelector, node):
            return self(evidence)
        for subject in self.graph.objects(node, RDF.subject):
            return self(subject)
        # a quote: the first record that cites it
        citing = [
            self.locations[s] for s in self.graph.subjects(PROV.wasDerivedFrom, node) if isinstance(s, URIRef) and s in self.locations
        ]
        return min(citing, key=_location_key) if citing else None
