"""OWL consistency of the ontology and the data, with HermiT (through owlready2), bounded in time.

owlready2 runs Java with no time limit and leaves a dump of the data in the temporary folder when
the ontology is inconsistent. So owlready2 runs in a child process (``python -m tipkg.check.owl``)
that starts a session of its own, with a private temporary folder: on time-out the whole process
group (the child and its Java) is killed, and the folder is removed whatever happens. This is the
only module that imports owlready2, and only in the child.

HermiT says *that* the graph is inconsistent, not why. :func:`explain` finds the cause in the
asserted data: disjoint classes (asserted, inherited, or implied by a property's domain or range,
across individuals merged by ``owl:sameAs``), a literal outside its property's datatype or
ill-typed.

HermiT reasons on the union of every source, where reports may disagree: two reports may give
two founding dates, or two parent bodies. So it is given the ontology without its
``owl:FunctionalProperty`` axioms, which hold within one source's word; the loader and the
per-source shapes check them there (one value per source).

What HermiT is given: the ontology and the asserted data, without the ``rdf:Statement``
reification of facts (``rdf:subject``/``rdf:predicate``/``rdf:object`` are not OWL 2 DL) and
without the inferred closure. ``xsd:date``, ``xsd:gYearMonth`` and ``xsd:gYear`` (the dates of
``tipkg:TemporalValue``) are outside the OWL 2 datatype map: HermiT is told to ignore unsupported
datatypes, so dates are not reasoned on (the shapes check them).

Nor is it given an ``owl:imports`` or owlready2's ``python_module`` annotation: loading the first,
owlready2 downloads it over http(s) or reads a ``file:`` path; on the second it imports the
Python module named. The ontology files may import only the project's own ontologies (see
:func:`tipkg.curation.schema.read_turtle`), which are already in the graph.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from tipkg.check.findings import VIOLATION, Finding, Locator, compact
from tipkg.errors import ReasonerError
from tipkg.namespaces import DEFAULT_BASE, Graphs

DEFAULT_TIMEOUT = 60.0
_CHECK_IRI = "https://w3id.org/tipkg/check/"
# triples owlready2 acts on while loading: it fetches imports and imports Python modules
_FOLLOWED = (OWL.imports, URIRef("http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#python_module"))
# datatypes a literal of each range may have (OWL 2 datatype map; derived integer types are decimals)
_DATATYPE_ACCEPTS = {
    XSD.decimal: {XSD.decimal, XSD.integer, XSD.nonNegativeInteger},
    XSD.integer: {XSD.integer, XSD.nonNegativeInteger},
    XSD.nonNegativeInteger: {XSD.nonNegativeInteger},
    XSD.string: {XSD.string},
    XSD.boolean: {XSD.boolean},
    XSD.anyURI: {XSD.anyURI},
    RDF.langString: {RDF.langString},
}


@dataclass(frozen=True)
class Outcome:
    """What HermiT said: consistent or not, and the unsatisfiable classes."""

    consistent: bool
    unsatisfiable: tuple[str, ...] = ()


def reasoner_input(dataset: Dataset, base: str = DEFAULT_BASE) -> tuple[Graph, Graph]:
    """(ontology, data): the ontology without its functional-property axioms (they hold per source),
    and the asserted data without reification, the closure, or what the build adds comparing sources."""
    graphs = Graphs(base)
    skip = {URIRef(graphs.inferred), URIRef(graphs.ontology), URIRef(graphs.comparisons)}
    statements = {s for s, _p, _o, _g in dataset.quads((None, RDF.type, RDF.Statement, None))}
    ontology, data = Graph(), Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g == URIRef(graphs.ontology):
            if (p, o) != (RDF.type, OWL.FunctionalProperty):
                ontology.add((s, p, o))
        elif g not in skip and s not in statements:
            data.add((s, p, o))
    return ontology, data


def reason(
    dataset: Dataset,
    locations: Mapping[URIRef, str],
    timeout: float = DEFAULT_TIMEOUT,
    base: str = DEFAULT_BASE,
    ontology_lines: Mapping[URIRef, str] | None = None,
) -> list[Finding]:
    """Check with HermiT that ontology and data are consistent; explain an inconsistency.

    Raises :class:`ReasonerError` when the reasoner could not give an answer (no Java, time-out,
    Java error).
    """
    ontology, data = reasoner_input(dataset, base)
    outcome = run_hermit(ontology + data, timeout)
    locate = Locator(ontology + data, locations, ontology_lines)
    findings = [
        Finding(
            VIOLATION, "owl", iri, "owl:Nothing", "the class is unsatisfiable: no individual can belong to it", location=locate(URIRef(iri))
        )
        for iri in outcome.unsatisfiable
    ]
    if not outcome.consistent:
        explained = explain(ontology, data, locate)
        findings += explained or [
            Finding(
                VIOLATION,
                "owl",
                "(graph)",
                "consistency",
                "HermiT finds the ontology and the data inconsistent, and no disjointness or "
                "datatype conflict in the asserted data explains it",
            )
        ]
    return sorted(findings, key=Finding.sort_key)


def run_hermit(graph: Graph, timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Run HermiT on ``graph`` (without the triples owlready2 would follow out of it) in a child
    process group, killed after ``timeout`` seconds."""
    if shutil.which("java") is None:
        raise ReasonerError("no Java runtime: the OWL check runs HermiT, which needs 'java' on the PATH (see scripts/system-deps.sh)")
    workdir = tempfile.mkdtemp(prefix="tipkg-owl-")
    try:
        source, result = Path(workdir, "input.nt"), Path(workdir, "result.json")
        given = Graph()
        for triple in graph:
            if triple[1] not in _FOLLOWED:
                given.add(triple)
        given.serialize(destination=source, format="nt", encoding="utf-8")
        # no /tmp/hsperfdata_* file left by a killed JVM; Java's temporary files in the private folder
        java_options = [os.environ.get("JAVA_TOOL_OPTIONS", ""), "-XX:-UsePerfData"]
        if not any(c.isspace() for c in workdir):  # (the JVM splits its options at white space)
            java_options.append(f"-Djava.io.tmpdir={workdir}")
        env = {
            **os.environ,
            "TMPDIR": workdir,  # owlready2's NamedTemporaryFile, and its dump on inconsistency
            "JAVA_TOOL_OPTIONS": " ".join(java_options).strip(),
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "tipkg.check.owl", str(source), str(result)],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it kills Java too
        )
        try:
            output, _ = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ReasonerError(
                f"the OWL reasoner (HermiT) did not finish within {timeout:g} s and was stopped; give it more time with --timeout"
            ) from None
        finally:
            _kill_group(child)
        if not result.is_file():
            tail = output.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise ReasonerError(f"the OWL reasoner failed (exit code {child.returncode}): {' / '.join(tail) or 'no output'}")
        answer = json.loads(result.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if answer.get("error"):
        raise ReasonerError(f"the OWL reasoner failed: {answer['error']}")
    return Outcome(bool(answer["consistent"]), tuple(answer.get("unsatisfiable", ())))


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    """Kill the child's process group (the child and its Java), then reap the child.

    Only while the child is not reaped: until then its pid, which is its group's id, cannot be
    given to another process.
    """
    if child.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


# -- explanation ---------------------------------------------------------------------------------


class _Ontology:
    """Class hierarchy, disjointness, domains and ranges of an ontology."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        direct: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subClassOf):
            direct[s].add(o)
        for s, o in graph.subject_objects(OWL.equivalentClass):
            direct[s].add(o)
            direct[o].add(s)
        self._direct = direct
        self._supers: dict[Node, set[Node]] = {}
        self.disjoint: set[frozenset[Node]] = set()
        for a, b in graph.subject_objects(OWL.disjointWith):
            self.disjoint.add(frozenset((a, b)))
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            head = graph.value(axiom, OWL.members)
            members = list(Collection(graph, head)) if head is not None else []
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    self.disjoint.add(frozenset((a, b)))
        super_props: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subPropertyOf):
            super_props[s].add(o)
        self._super_props = super_props
        self._memo: dict[tuple[Node, URIRef], set[Node]] = {}

    def superclasses(self, cls: Node) -> set[Node]:
        if cls not in self._supers:
            seen, todo = {cls}, [cls]
            while todo:
                for sup in self._direct.get(todo.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            self._supers[cls] = seen
        return self._supers[cls]

    def superproperties(self, prop: Node) -> set[Node]:
        seen, todo = {prop}, [prop]
        while todo:
            for sup in self._super_props.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def domains(self, prop: Node) -> set[Node]:
        return self._axiom_values(prop, RDFS.domain)

    def ranges(self, prop: Node) -> set[Node]:
        return self._axiom_values(prop, RDFS.range)

    def _axiom_values(self, prop: Node, axiom: URIRef) -> set[Node]:
        key = (prop, axiom)
        if key not in self._memo:
            supers = self.superproperties(prop)
            self._memo[key] = {v for p in supers for v in self.graph.objects(p, axiom) if isinstance(v, URIRef)}
        return self._memo[key]


@dataclass(frozen=True)
class _Typing:
    """Why an individual has a class: asserted, or implied by a property it is used with."""

    cls: Node
    why: str

    def order(self) -> tuple[bool, str, str]:
        return (self.why != "asserted", str(self.cls), self.why)


def explain(ontology: Graph, data: Graph, locate: Locator) -> list[Finding]:
    """The causes of an inconsistency that the asserted data shows."""
    onto = _Ontology(ontology)
    findings: list[Finding] = []
    typings = _typings(onto, data)

    # individuals that are one: owl:sameAs
    merged = _UnionFind()
    reasons: dict[Node, list[str]] = defaultdict(list)
    for s, o in data.subject_objects(OWL.sameAs):
        merged.union(s, o)
        reasons[s].append(f"owl:sameAs {o}")

    for group in merged.groups(typings):
        reported: set[frozenset[Node]] = set()  # one finding per disjointness axiom and individual
        found = [(m, t) for m in sorted(group, key=str) for t in sorted(typings.get(m, ()), key=_Typing.order)]
        for i, (m1, t1) in enumerate(found):
            for m2, t2 in found[i + 1 :]:
                axioms = [(a, b) for a, b in _disjoint_pairs(onto, t1.cls, t2.cls) if frozenset((a, b)) not in reported]
                if not axioms:
                    continue
                reported.update(frozenset(axiom) for axiom in axioms)
                if m1 == m2:
                    who = "typed"
                else:
                    link = "; ".join(sorted(set(reasons[m1] + reasons[m2]))) or "owl:sameAs"
                    who = f"one individual with {m2} ({link}), so typed"
                disjoint = ", ".join(f"{compact(a)} ⟂ {compact(b)}" for a, b in axioms)
                findings.append(
                    Finding(
                        VIOLATION,
                        "owl",
                        str(m1),
                        disjoint,
                        f"{who} both {compact(t1.cls)} ({t1.why}) and {compact(t2.cls)} ({t2.why}), which are disjoint ({disjoint})",
                        location=locate(m1),
                    )
                )

    for s, p, o in sorted(data, key=lambda t: tuple(map(str, t))):
        if not isinstance(o, Literal):
            continue
        if o.ill_typed:
            findings.append(
                Finding(
                    VIOLATION,
                    "owl",
                    str(s),
                    "datatype",
                    f"{o.n3()} is not a valid {compact(o.datatype or XSD.string)}",
                    path=compact(p),
                    location=locate(s),
                )
            )
            continue
        actual = RDF.langString if o.language else (o.datatype or XSD.string)
        for rng in onto.ranges(p):
            accepted = _DATATYPE_ACCEPTS.get(rng) if isinstance(rng, URIRef) else None
            if accepted is not None and actual not in accepted:
                findings.append(
                    Finding(
                        VIOLATION,
                        "owl",
                        str(s),
                        f"rdfs:range {compact(rng)}",
                        f"{o.n3()} is a {compact(actual)}, outside the range of {compact(p)} ({compact(rng)})",
                        path=compact(p),
                        location=locate(s),
                    )
                )
    return sorted(set(findings), key=Finding.sort_key)


def _typings(onto: _Ontology, data: Graph) -> dict[Node, set[_Typing]]:
    """Each individual's classes: asserted, and implied by the domain and range of its properties."""
    out: dict[Node, set[_Typing]] = defaultdict(set)
    for s, p, o in data:
        if p == RDF.type:
            if isinstance(o, URIRef) and not str(o).startswith((str(OWL), str(RDF), str(RDFS))):
                out[s].add(_Typing(o, "asserted"))
            continue
        for d in onto.domains(p):
            out[s].add(_Typing(d, f"domain of {compact(p)}"))
        if not isinstance(o, Literal):
            for r in onto.ranges(p):
                out[o].add(_Typing(r, f"range of {compact(p)}, as the value of {s}"))
    return out


def _disjoint_pairs(onto: _Ontology, a: Node, b: Node) -> Iterable[tuple[Node, Node]]:
    """The disjointness axioms (x ⟂ y) with x a superclass of ``a`` and y one of ``b``."""
    for x in sorted(onto.superclasses(a), key=str):
        for y in sorted(onto.superclasses(b), key=str):
            if x != y and frozenset((x, y)) in onto.disjoint:
                yield x, y


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, x: Node) -> Node:
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x

    def union(self, a: Node, b: Node) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self, individuals: Iterable[Node]) -> list[set[Node]]:
        out: dict[Node, set[Node]] = defaultdict(set)
        for x in set(individuals) | set(self.parent):
            out[self.find(x)].add(x)
        return [out[k] for k in sorted(out, key=str)]


# -- the child process ---------------------------------------------------------------------------


def _child(source: str, result: str) -> None:
    """Load N-Triples into owlready2, run HermiT, write the outcome as JSON."""
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit

    answer: dict[str, object] = {"consistent": True, "unsatisfiable": [], "error": None}
    world = World()
    with open(source, "rb") as f:
        world.get_ontology(_CHECK_IRI).load(fileobj=f, format="ntriples")
    try:
        sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
        answer["unsatisfiable"] = sorted(str(c.iri) for c in world.inconsistent_classes() if hasattr(c, "iri"))
    except OwlReadyInconsistentOntologyError:
        answer["consistent"] = False
    except OwlReadyJavaError as exc:
        answer["error"] = " ".join(str(exc).split())[:2000]
    except FileNotFoundError:
        answer["error"] = "no Java runtime ('java' not found)"
    Path(result).write_text(json.dumps(answer), encoding="utf-8")


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
