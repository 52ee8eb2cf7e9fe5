"""``tipkg check``: lint, SHACL shapes and OWL consistency of a project, in one report.

Curated data that the loader rejects (an unknown reference, a quote not in its source, a malformed
value) stops before any check, with the loader's ``file:line: field: message`` (exit code 2).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tipkg.check.findings import VIOLATION, Finding
from tipkg.errors import ReasonerError
from tipkg.project import Project

Progress = Callable[[str], None]


@dataclass
class Report:
    """Findings of every check, the checks that could not run, and the time each took."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 conforms (warnings allowed), 1 violations, 2 a check could not run."""
        if self.errors:
            return 2
        return 1 if any(f.severity == VIOLATION for f in self.findings) else 0


def check_project(project: Project, timeout: float = 60.0, progress: Progress | None = None, reason: bool = True) -> Report:
    """Load the project as ``tipkg build`` does, then lint it, validate it and reason on it.

    ``reason=False`` leaves out the OWL check: lint and SHACL need no Java, HermiT starts a JVM.
    """
    from tipkg.build.pipeline import assemble
    from tipkg.check import lint
    from tipkg.check import owl as reasoning
    from tipkg.check import shacl as validation
    from tipkg.check.findings import ontology_locations
    from tipkg.curation.schema import read_ontology

    say = progress or (lambda _msg: None)
    report = Report()
    started = time.perf_counter()
    # the ontology files first: one that imports from outside is refused before anything is loaded
    ontology = read_ontology(project.ontology_dir, project.limits)
    shapes = validation.read_shapes(project.ontology_dir, project.limits)
    dataset, loaded = assemble(project, say)
    report.seconds["load"] = time.perf_counter() - started

    say("lint")
    started = time.perf_counter()
    where = ontology_locations(project.ontology_dir, project.root)
    _onto, data = reasoning.reasoner_input(dataset, project.base)
    report.findings += lint.lint_ontology(ontology, where)
    report.findings += lint.lint_shapes(shapes, ontology, where)
    report.findings += lint.lint_data(data, ontology, loaded.locations)
    report.seconds["lint"] = time.perf_counter() - started

    say("SHACL validation")
    started = time.perf_counter()
    report.findings += validation.check_dataset(dataset, loaded.locations, project.root, project.base, loaded.source_locations)
    report.seconds["shacl"] = time.perf_counter() - started

    if reason:
        say("OWL reasoning (HermiT)")
        started = time.perf_counter()
        try:
            report.findings += reasoning.reason(dataset, loaded.locations, timeout, project.base, where)
        except ReasonerError as exc:
            report.errors.append(str(exc))
        report.seconds["owl"] = time.perf_counter() - started

    report.findings.sort(key=Finding.sort_key)
    return report
