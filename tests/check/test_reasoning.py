"""OWL reasoning with HermiT: inconsistencies explained, a time limit that holds, nothing left behind.

Every test runs with a private temporary folder that must be empty afterwards (owlready2 leaves a
dump of the data there when the ontology is inconsistent), and none is skipped without Java: they
fail, as ``tipkg check`` would.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from check_support import (  # noqa: F401 (isolated_tmp is a fixture)
    Defect,
    assert_reported,
    iri,
    isolated_tmp,
    make_project,
    run_check,
)
from rdflib import Graph
from rdflib.namespace import RDF

pytestmark = pytest.mark.usefixtures("isolated_tmp")

INCONSISTENT = [
    Defect(
        "disjoint-types",
        "actors.yaml",
        "  - id: agency/segob\n    type: GovernmentBody\n",
        "  - id: agency/segob\n    type: [GovernmentBody, NGO]\n",
        1,
        "- id: agency/segob",
        (
            iri("agency/segob"),
            "typed both tipkg:GovernmentBody (asserted) and tipkg:NGO (asserted)",
            "[owl tipkg:GovernmentBody ⟂ tipkg:CivilSocietyOrganization]",
        ),
    ),
    Defect(
        "value-outside-the-range",
        "facts.yaml",
        "    funder: gov/mexico\n",
        "    funder: place/guatemala\n",
        1,
        "- id: place/guatemala",
        (iri("place/guatemala"), "tipkg:Actor (range of tipkg:funder", "[owl tipkg:Place ⟂ tipkg:Actor]"),
        at_file="actors.yaml",
    ),
]


@pytest.mark.parametrize("defect", INCONSISTENT, ids=[d.id for d in INCONSISTENT])
def test_inconsistency_is_explained(defect: Defect, tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    where = defect.apply(root)
    result = run_check(root)
    assert result.exit_code == 1, result.output
    assert_reported(result, where, tuple(str(s) for s in defect.says))


def _processes_mentioning(text: str) -> list[str]:
    out = []
    for pid in os.listdir("/proc"):
        try:
            cmdline = Path("/proc", pid, "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if pid.isdigit() and text in cmdline and int(pid) != os.getpid():
            out.append(f"{pid}: {cmdline}")
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path("/proc", str(pid), "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def test_reasoner_time_limit(tmp_path: Path, isolated_tmp: Path) -> None:  # noqa: F811
    root = make_project(tmp_path / "project")
    result = run_check(root, "--timeout", "0.001")
    assert result.exit_code == 2, result.output
    assert "the OWL reasoner (HermiT) did not finish within 0.001 s and was stopped" in result.output
    assert _processes_mentioning(str(isolated_tmp)) == []


def test_reasoner_is_killed_with_its_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Java that never ends (a stand-in that sleeps): the whole process group is killed."""
    root = make_project(tmp_path / "project")
    bin_dir, pid_file = tmp_path / "bin", tmp_path / "java.pid"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec sleep 300\n', encoding="utf-8")
    java.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    started = time.monotonic()
    result = run_check(root, "--timeout", "5")
    assert result.exit_code == 2, result.output
    assert "did not finish within 5 s" in result.output
    assert time.monotonic() - started < 30
    assert pid_file.is_file(), "the stand-in Java was never started: the test did not test the kill"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), f"the Java process {pid} survived the time-out"


def test_no_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "project")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run_check(root)
    assert result.exit_code == 2, result.output
    assert "no Java runtime" in result.output


def test_reasoner_input_leaves_out_reification_and_closure(tmp_path: Path) -> None:
    from tipkg.build.pipeline import assemble
    from tipkg.check.owl import reasoner_input
    from tipkg.project import Project

    dataset, _loaded = assemble(Project(make_project(tmp_path / "project")))
    ontology, data = reasoner_input(dataset)
    assert (None, RDF.type, RDF.Statement) not in data
    assert not any(p in (RDF.subject, RDF.predicate, RDF.object) for _s, p, _o in data)
    assert len(ontology) > 0
    schema_types = {o for o in data.objects(None, RDF.type) if str(o).startswith("http://schema.org/")}
    assert schema_types == set(), "the inferred closure (schema.org types) was given to the reasoner"


def test_explain_reports_a_literal_outside_its_datatype() -> None:
    from check_support import ROOT
    from rdflib import Literal

    from tipkg.check.explain import explain
    from tipkg.check.findings import Locator
    from tipkg.curation.schema import read_ontology
    from tipkg.namespaces import TIPKG

    ontology = read_ontology(ROOT / "ontology")
    data = Graph()
    amount = iri("funding/x/amount")
    data.add((amount, TIPKG.value, Literal("a lot")))
    findings = explain(ontology, data, Locator(data, {amount: "graph_data/x.yaml:3"}))
    assert [(f.focus, f.rule, f.location) for f in findings] == [(str(amount), "rdfs:range xsd:decimal", "graph_data/x.yaml:3")]
