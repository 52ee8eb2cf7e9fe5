"""OWL consistency of the ontology and the data, with HermiT (through owlready2), bounded in time.

owlready2 runs Java with no time limit and leaves a dump of the data in the temporary folder when
the ontology is inconsistent. So owlready2 runs in a child process (``python -m tipkg.check.owl``)
that starts a session of its own, with a private temporary folder: on time-out the whole process
group (the child and its Java) is killed, and the folder is removed whatever happens. This is the
only module that imports owlready2, and only in the child.

HermiT says *that* the graph is inconsistent, not why: :func:`tipkg.check.explain.explain` finds
the cause in the asserted data.

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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF

from tipkg.check.explain import explain
from tipkg.check.findings import VIOLATION, Finding, Locator
from tipkg.errors import ReasonerError
from tipkg.namespaces import DEFAULT_BASE, Graphs

DEFAULT_TIMEOUT = 60.0
_CHECK_IRI = "https://w3id.org/tipkg/check/"
# triples owlready2 acts on while loading: it fetches imports and imports Python modules
_FOLLOWED = (OWL.imports, URIRef("http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#python_module"))


@dataclass(frozen=True)
class Outcome:
    """What HermiT said: consistent or not, and the unsatisfiable classes."""

    consistent: bool
    unsatisfiable: tuple[str, ...] = ()


def reasoner_input(dataset: Dataset, base: str = DEFAULT_BASE) -> tuple[Graph, Graph]:
    """(ontology, data): the ontology without its functional-property axioms (they hold per source),
    and the asserted data without reification, the closure, or what the build adds (comparisons, labels)."""
    graphs = Graphs(base)
    skip = {URIRef(graphs.inferred), URIRef(graphs.ontology), URIRef(graphs.comparisons), URIRef(graphs.labels)}
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
