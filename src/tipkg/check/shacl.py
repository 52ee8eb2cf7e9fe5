"""SHACL validation of the assembled graph against ``ontology/shapes.ttl`` (pySHACL).

Two runs, because reports may disagree. The shapes marked ``tipkgsh:perSource true`` (what one
report states at most: one value of a functional property, one preferred name per language, a
period that ends after it starts) are checked on each source's own graph, together with the types
of every node (so that targets by class find entities another report declares). Every other shape
is checked on the union. A violation of a per-source shape points at that source's record.

The data graph is what was asserted (every named graph but the inferred closure) together with the
ontology, so ``sh:class`` and ``sh:targetClass`` follow ``rdfs:subClassOf``. No inference is run:
RDFS inference would type a place used as a funder as an actor and hide the error (it also takes
about a minute where plain validation takes two seconds). The text of each source is added as
``tipkgsh:sourceText`` so a SPARQL rule can compare every quote with the text at its offsets.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from tipkg.check.findings import INFO, VIOLATION, WARNING, Finding, Locator, compact, ontology_locations
from tipkg.errors import TipkgError
from tipkg.namespaces import DEFAULT_BASE, ONTOLOGY_IRI, SHAPES, TIPKG, Graphs
from tipkg.project import Project

if TYPE_CHECKING:
    from tipkg.curation.records import Limits

SHAPES_FILE = "shapes.ttl"
_SEVERITY = {SH.Violation: VIOLATION, SH.Warning: WARNING, SH.Info: INFO}


class ShapeViolations(TipkgError):
    """The graph does not conform to the shapes (raised by :func:`require_conformance`)."""


def asserted_graph(dataset: Dataset, base: str = DEFAULT_BASE) -> Graph:
    """The union of the dataset's graphs, without the inferred closure."""
    inferred = URIRef(Graphs(base).inferred)
    graph = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g != inferred:
            graph.add((s, p, o))
    return graph


def read_shapes(ontology_dir: Path, limits: Limits | None = None) -> Graph:
    from tipkg.curation.schema import read_turtle

    path = ontology_dir / SHAPES_FILE
    if not path.exists():
        raise TipkgError(f"{path}: shapes file missing")
    return read_turtle(path, limits)


def data_graph(dataset: Dataset, project_root: Path, base: str = DEFAULT_BASE) -> Graph:
    """What the shapes see: asserted data, the ontology, and the text of each source."""
    from tipkg.curation.schema import read_ontology

    graph = asserted_graph(dataset, base)
    if (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) not in graph:
        graph += read_ontology(Project(project_root).ontology_dir)
    for source, text_file in list(graph.subject_objects(TIPKG.textFile)):
        path = project_root / str(text_file)
        if path.is_file():  # else the shapes warn that the quotes could not be checked
            graph.add((source, SHAPES.sourceText, Literal(path.read_text(encoding="utf-8"))))
    return graph


def validate(graph: Graph, shapes: Graph, locate: Locator, focus: Sequence[URIRef] | None = None) -> list[Finding]:
    """Run pySHACL (at the ``focus`` nodes only, if given); one finding per validation result.

    The shapes' SPARQL targets are resolved first, on Oxigraph (:func:`resolved_targets`): the
    same nodes, found some fifty times faster than by rdflib's engine."""
    options = {
        "inference": "none",
        "advanced": True,  # SPARQL constraints (see shapes.ttl)
        "allow_warnings": True,
        "inplace": True,  # no inference, so nothing is added: no need for pySHACL's copy
        "focus_nodes": list(focus) if focus is not None else None,
    }
    from pyshacl.graph_abstraction import DataGraph

    data = DataGraph.from_rdflib(graph)
    _conforms, report, _text = _validator()(data, shacl_graph=resolved_targets(graph, shapes), options=options).run()
    assert isinstance(report, Graph)
    findings = [_finding(report, result, shapes, locate) for result in report.subjects(RDF.type, SH.ValidationResult)]
    return sorted(set(findings), key=Finding.sort_key)


@functools.cache
def _validator() -> Any:
    """pySHACL's validator, with the focus nodes in a set: pySHACL keeps them in a list and looks
    every targeted node up in it, which is quadratic in a view of thousands of nodes."""
    from pyshacl import Validator

    class FocusSet(Validator):  # type: ignore[misc]
        def make_executor(self) -> Any:
            executor = super().make_executor()
            if executor.focus_nodes:
                executor.focus_nodes = frozenset(executor.focus_nodes)  # type: ignore[assignment]
            return executor

    return FocusSet


def resolved_targets(graph: Graph, shapes: Graph) -> Graph:
    """``shapes`` with each SPARQL target (``sh:target [ sh:select … ]``) replaced by the
    ``sh:targetNode`` s its query finds in ``graph``, run on Oxigraph.

    Oxigraph writes language tags in lower case: a graph with a tag that is not (which a shape
    reports) keeps the targets for pySHACL to run on rdflib. Its other normalizations (``"01"``
    as ``"1"``) change no target of the shapes, which compare numbers by value and dates as the
    text of valid dates."""
    from tipkg.build.rdfio import select_in_memory

    if any(isinstance(o, Literal) and o.language and o.language != o.language.lower() for o in graph.objects()):
        return shapes
    targets = [(shape, t, str(q)) for shape, t in shapes.subject_objects(SH.target) if (q := shapes.value(t, SH.select)) is not None]
    if not targets:
        return shapes
    declared = sorted(
        {
            (str(p), str(n))
            for d in shapes.objects(None, SH.declare)
            for p in shapes.objects(d, SH.prefix)
            for n in shapes.objects(d, SH.namespace)
        }
    )
    header = "".join(f"PREFIX {p}: <{n}>\n" for p, n in declared)
    found = select_in_memory(graph, [header + q for _s, _t, q in targets])
    out = Graph()
    for prefix, namespace in shapes.namespaces():
        out.bind(prefix, namespace)
    replaced = {(shape, t) for shape, t, _q in targets}
    for triple in shapes:
        if (triple[0], triple[2]) not in replaced or triple[1] != SH.target:
            out.add(triple)
    for (shape, _t, _q), nodes in zip(targets, found, strict=True):
        for node in nodes:
            out.add((shape, SH.targetNode, node))
    return out


def check_dataset(
    dataset: Dataset,
    locations: Mapping[URIRef, str],
    project_root: Path,
    base: str = DEFAULT_BASE,
    source_locations: Mapping[tuple[str, URIRef], str] | None = None,
) -> list[Finding]:
    """SHACL findings on an assembled dataset (``tipkg.build.pipeline.assemble``), each with its curated
    ``file:line``: the union against the shared shapes, each source against the per-source ones."""
    graph = data_graph(dataset, project_root, base)
    shapes = read_shapes(Project(project_root).ontology_dir)
    union_shapes, source_shapes = split_shapes(shapes)
    in_ontology = ontology_locations(Project(project_root).ontology_dir, project_root)
    findings = validate(graph, union_shapes, Locator(graph, locations, in_ontology))
    hierarchy = list(graph.triples((None, RDFS.subClassOf, None)))
    for source, named in source_graphs(dataset, base):
        # the source's own word, with the types of what it speaks of (declared by any source)
        view = Graph()
        for triple in named:
            view.add(triple)
        for node in set(named.subjects()):
            for t in graph.objects(node, RDF.type):
                view.add((node, RDF.type, t))
        for triple in hierarchy:
            view.add(triple)
        mine = {node: where for (src, node), where in (source_locations or {}).items() if src == source}
        findings += validate(view, source_shapes, Locator(view, {**locations, **mine}, in_ontology))
    return sorted(set(findings), key=Finding.sort_key)


def source_graphs(dataset: Dataset, base: str = DEFAULT_BASE) -> list[tuple[str, Graph]]:
    """(source id, its named graph) for every source of the dataset."""
    prefix = Graphs(base).source("")
    out = []
    for graph in dataset.graphs():
        name = str(graph.identifier)
        source = name[len(prefix) :]
        if name.startswith(prefix) and source not in Graphs.RESERVED:
            out.append((source, graph))
    return sorted(out, key=lambda pair: pair[0])


def split_shapes(shapes: Graph) -> tuple[Graph, Graph]:
    """(shapes checked on the union, shapes checked per source). The union's copy keeps every
    shape but takes the per-source ones' targets away, so they apply to nothing; the per-source
    copy holds only those shapes (with their blank nodes) and the prefixes their SPARQL uses."""
    per_source = set(shapes.subjects(SHAPES.perSource, Literal(True)))
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    union, each = Graph(), Graph()
    for prefix, namespace in shapes.namespaces():  # pySHACL's messages write the shapes' prefixes
        union.bind(prefix, namespace)
        each.bind(prefix, namespace)
    for s, p, o in shapes:
        if not (p in targets and s in per_source):
            union.add((s, p, o))
    todo: list[Node] = [*per_source, *shapes.subjects(SH.declare, None)]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in shapes.triples((node, None, None)):
            each.add((s, p, o))
            if isinstance(o, BNode) or p == SH.prefixes:
                todo.append(o)
    return union, each


def require_conformance(findings: list[Finding], shown: int = 20) -> None:
    """Raise :class:`ShapeViolations` listing the violations, if there are any (warnings pass)."""
    violations = [f for f in findings if f.severity == VIOLATION]
    if violations:
        lines = [str(f) for f in violations[:shown]]
        if len(violations) > shown:
            lines.append(f"... and {len(violations) - shown} more (tipkg check lists them all)")
        raise ShapeViolations(f"{len(violations)} SHACL violation(s):\n  " + "\n  ".join(lines))


def _finding(report: Graph, result: Node, shapes: Graph, locate: Locator) -> Finding:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    severity = report.value(result, SH.resultSeverity)
    assert focus is not None
    return Finding(
        severity=_SEVERITY.get(severity, VIOLATION) if isinstance(severity, URIRef) else VIOLATION,
        check="shacl",
        focus=str(focus),
        rule=_rule(report.value(result, SH.sourceShape), report.value(result, SH.sourceConstraintComponent), shapes),
        message=messages[0] if messages else "does not conform",
        path=compact(path) if isinstance(path, URIRef) else None,
        value=compact(value) if value is not None and value != focus and not isinstance(value, BNode) else None,
        location=locate(focus),
    )


def _rule(shape: Node | None, component: Node | None, shapes: Graph) -> str:
    """``tipkgsh:FundingAllocation tipkg:amount minCount``: the named shape, its path, the constraint."""
    parts = []
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            parts.append(compact(parent))
        path = shapes.value(shape, SH.path)
        if isinstance(path, URIRef):
            parts.append(compact(path))
    elif shape is not None:
        parts.append(compact(shape))
    if component is not None:
        name = compact(component).removeprefix("sh:").removesuffix("ConstraintComponent")
        parts.append(name if name.isupper() else name[:1].lower() + name[1:])  # minCount, class, SPARQL
    return " ".join(parts)
