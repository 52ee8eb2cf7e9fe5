"""Helpers of the tests of ``tipkg check``: a small project to break, and ways to break it.

Most defects are checked through the library without the OWL reasoner (:func:`check_without_owl`);
the CLI and HermiT run only where they are what is tested.

The project is the real ontology with the fixture data of ``tests/fixtures/check`` (a few records
of every kind the shapes describe) and the real source text, which the fixture's quotes cite.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from tipkg.check.report import Report

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "check" / "graph_data"
ID = "https://w3id.org/tipkg/id/"


def make_project(dest: Path) -> Path:
    """A project folder: real ontology/ (shapes included), fixture graph_data/, real source texts."""
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    shutil.copytree(FIXTURE, dest / "graph_data")
    shutil.copytree(ROOT / "graph_data" / "sources", dest / "graph_data" / "sources")
    return dest


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The number of the first line of a file that contains ``text`` (that is ``text``, if it ends a line)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if (line.strip() == text.strip()) if text.endswith("\n") else (text in line):
            return number
    raise AssertionError(f"{text!r} not in {path}")


def run_check(root: Path, *args: str) -> Result:
    """``tipkg check --root ROOT`` in-process."""
    from tipkg.cli import main

    return CliRunner().invoke(main, ["check", "--root", str(root), *args])


def check_without_owl(root: Path) -> Report:
    """What ``tipkg check`` finds with lint and SHACL alone, through the library: no JVM started."""
    from tipkg.check.report import check_project
    from tipkg.project import Project

    return check_project(Project(root.resolve()), reason=False)


def assert_found(report: Report, where: str, says: tuple[str, ...]) -> None:
    """A finding of ``report`` names ``where`` and says each of ``says`` (as ``tipkg check`` prints it)."""
    lines = [str(f) for f in report.findings]
    assert lines_with("\n".join(lines), where, *says), f"no finding with {where!r} and {says!r} in:\n" + "\n".join(lines)


def lines_with(output: str, *parts: str) -> list[str]:
    """The lines of ``output`` that contain every one of ``parts``."""
    return [line for line in output.splitlines() if all(p in line for p in parts)]


@dataclass(frozen=True)
class Defect:
    """A defect made by editing one curated record, and what ``tipkg check`` must say about it.

    ``at`` is a text on the line the finding must point to (in ``file``); ``says`` are texts the
    same output line must contain (the entity and the rule).
    """

    id: str
    file: str
    old: str
    new: str
    code: int
    at: str
    says: tuple[str, ...]
    at_file: str | None = None  # the file of ``at``, if not ``file``

    def apply(self, root: Path) -> str:
        """Break the project; return the ``file:line`` the finding must name."""
        edit(root / "graph_data" / "mx-2011" / self.file, self.old, self.new)
        shown = f"graph_data/mx-2011/{self.at_file or self.file}"
        return f"{shown}:{line_of(root / shown, self.at)}"


def assert_reported(result: Result, where: str, says: tuple[str, ...]) -> None:
    assert lines_with(result.output, where, *says), f"no line with {where!r} and {says!r} in:\n{result.output}"


Tamper = Callable[[Dataset], None]


def tamper_after_loading(monkeypatch: pytest.MonkeyPatch, change: Tamper) -> None:
    """Make ``tipkg check`` see the dataset changed by ``change`` after the loader built it."""
    import tipkg.build.pipeline

    assemble = tipkg.build.pipeline.assemble

    def tampered(*args, **kwargs):  # type: ignore[no-untyped-def]
        dataset, loaded = assemble(*args, **kwargs)
        change(dataset)
        return dataset, loaded

    monkeypatch.setattr(tipkg.build.pipeline, "assemble", tampered)


def assert_tampered_data_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Tamper, record: tuple[str, str], says: tuple[object, ...]
) -> None:
    """The check of a project whose dataset ``change`` broke after loading fails (exit code 1) with a
    finding that names the curated line of ``record`` (file, text) and says each of ``says``."""
    root = make_project(tmp_path / "project")
    tamper_after_loading(monkeypatch, change)
    file, text = record
    where = f"graph_data/mx-2011/{file}:{line_of(root / 'graph_data' / 'mx-2011' / file, text)}"
    report = check_without_owl(root)
    assert report.exit_code == 1, report.findings
    assert_found(report, where, tuple(str(s) for s in says))


def replace_object(dataset: Dataset, s: Node, p: Node, new: Node, old: Node | None = None) -> None:
    """Replace the object of (s, p, old) by ``new`` in every named graph that holds it."""
    quads = list(dataset.quads((s, p, old, None)))
    assert quads, f"no ({s}, {p}, {old}) in the dataset"
    for qs, qp, qo, g in quads:
        graph = dataset.graph(g)
        graph.remove((qs, qp, qo))
        graph.add((qs, qp, new))


def iri(local: str) -> URIRef:
    return URIRef(ID + local)


def lit(text: str, **kwargs: object) -> Literal:
    return Literal(text, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def isolated_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private temporary folder for everything the check creates, that must be empty after it."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # recomputed from TMPDIR
    yield tmp
    left = sorted(os.listdir(tmp))
    assert left == [], f"temporary files left behind: {left}"
