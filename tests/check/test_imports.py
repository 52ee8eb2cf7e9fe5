"""``tipkg check``, ``tipkg build`` and the ontology's documentation never fetch an ``owl:imports``.

An import of anything but the project's own ontologies is refused with one line (exit code 2)
before anything is loaded, and the reasoner is given no import at all. A loopback listener shows
that no connection is made; a ``file:`` import of an existing ontology that would make the data
inconsistent shows that nothing is read. The positive controls give the same imports to the
reasoner's child process directly: owlready2 connects to the listener, and loads the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINI, copy_project
from rdflib import Graph
from service_support import Listener, listener

from tipkg.build.pipeline import build
from tipkg.check.owl import run_hermit
from tipkg.check.shacl import read_shapes
from tipkg.cli import main
from tipkg.curation import ontodoc
from tipkg.curation.schema import read_ontology
from tipkg.errors import DataError
from tipkg.project import Project

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
HEADER = {  # the line that opens each file's ontology header, or a line of the file to add to
    "tipkg.ttl": "<https://w3id.org/tipkg/ontology> a owl:Ontology ;\n",
    "shapes.ttl": "<https://w3id.org/tipkg/shapes> a owl:Ontology ;\n",
    "concepts.ttl": "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n",
}
EXPECTED = (
    "{file}:{line}: owl:imports: <{iri}> is not one of the project's ontologies: expected <https://w3id.org/tipkg/ontology> "
    "or <https://w3id.org/tipkg/shapes> (tipkg reads ontologies from ontology/ only, never from the network or other files)"
)


@pytest.fixture
def trap() -> Iterator[Listener]:
    with listener() as found:
        yield found


@pytest.fixture
def inconsistent_file(tmp_path: Path) -> Path:
    """An ontology outside the project, in N-Triples (which owlready2 reads): an individual in two
    disjoint classes. Loaded with the data, it makes the graph inconsistent."""
    path = tmp_path / "elsewhere" / "trap.nt"
    path.parent.mkdir()
    x = "http://example.org/trap#"
    path.write_text(
        f"<{path.as_uri()}> {RDF_TYPE} <{OWL}Ontology> .\n"
        f"<{x}A> {RDF_TYPE} <{OWL}Class> .\n<{x}B> {RDF_TYPE} <{OWL}Class> .\n"
        f"<{x}A> <{OWL}disjointWith> <{x}B> .\n"
        f"<{x}a> {RDF_TYPE} <{OWL}NamedIndividual> .\n<{x}a> {RDF_TYPE} <{x}A> .\n<{x}a> {RDF_TYPE} <{x}B> .\n",
        encoding="utf-8",
    )
    return path


def add_import(root: Path, file: str, iri: str) -> int:
    """Add ``owl:imports <iri>`` to an ontology file; the line it is on."""
    path = root / "ontology" / file
    text = path.read_text(encoding="utf-8")
    header = HEADER[file]
    assert text.count(header) == 1
    subject = "<https://w3id.org/tipkg/ontology>" if file == "concepts.ttl" else ""
    addition = f"{subject} <{OWL}imports> <{iri}> .\n" if subject else f"    <{OWL}imports> <{iri}> ;\n"
    path.write_text(text.replace(header, header + addition), encoding="utf-8")
    return text[: text.index(header)].count("\n") + 2


IMPORTS = ["listener", "file", "https", "relative", "urn"]


def import_iri(kind: str, trap: Listener, outside: Path) -> str:
    return {
        "listener": f"{trap.url}onto.ttl",
        "file": outside.as_uri(),
        "https": "https://example.org/ontology.ttl",
        "relative": (outside.parents[1] / "mini" / "ontology" / "extra.ttl").as_uri(),  # what <extra.ttl> resolves to
        "urn": "urn:example:ontology",
    }[kind]


@pytest.mark.parametrize(
    ("file", "kind"),
    [("tipkg.ttl", kind) for kind in IMPORTS] + [("concepts.ttl", "file"), ("shapes.ttl", "listener")],
)
def test_check_refuses_an_import_from_outside_before_loading_anything(
    tmp_path: Path, trap: Listener, inconsistent_file: Path, file: str, kind: str
) -> None:
    root = copy_project(tmp_path / "mini", MINI / "graph_data")
    iri = import_iri(kind, trap, inconsistent_file)
    if kind == "relative":  # written as <extra.ttl>, a file that exists beside the ontology
        (root / "ontology" / "extra.ttl").write_text("<urn:x> a <urn:y> .\n", encoding="utf-8")
        line = add_import(root, file, "extra.ttl")
    else:
        line = add_import(root, file, iri)
    result = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert result.exit_code == 2
    assert result.output.splitlines() == ["tipkg: error: " + EXPECTED.format(file=f"ontology/{file}", line=line, iri=iri)]
    assert trap.connections == []


def test_build_and_the_documentation_refuse_it_too(tmp_path: Path, trap: Listener) -> None:
    root = copy_project(tmp_path / "mini", MINI / "graph_data")
    line = add_import(root, "tipkg.ttl", f"{trap.url}onto.ttl")
    expected = EXPECTED.format(file="ontology/tipkg.ttl", line=line, iri=f"{trap.url}onto.ttl")
    for run in (lambda: build(Project(root), check=False), lambda: ontodoc.generate(root)):
        with pytest.raises(DataError) as err:
            run()
        assert str(err.value) == expected
    assert not (root / "build").exists()
    assert trap.connections == []


def test_the_projects_own_ontologies_may_be_imported(tmp_path: Path) -> None:
    """They are read from ontology/, as they always are."""
    root = copy_project(tmp_path / "mini", MINI / "graph_data")
    add_import(root, "shapes.ttl", "https://w3id.org/tipkg/ontology")
    add_import(root, "tipkg.ttl", "https://w3id.org/tipkg/shapes")
    assert len(read_shapes(root / "ontology")) > 100
    assert len(read_ontology(root / "ontology")) > 1000


def imports_graph(*iris: str) -> Graph:
    """The tipkg ontology's header with imports, as the reasoner would be given it."""
    lines = [f"<https://w3id.org/tipkg/ontology> {RDF_TYPE} <{OWL}Ontology> ."]
    lines += [f"<https://w3id.org/tipkg/ontology> <{OWL}imports> <{iri}> ." for iri in iris]
    return Graph().parse(data="\n".join(lines) + "\n", format="nt")


def run_child(graph: Graph, workdir: Path) -> tuple[subprocess.CompletedProcess[bytes], dict[str, object] | None]:
    """The reasoner's child process (``python -m tipkg.check.owl``), given ``graph`` as it is."""
    workdir.mkdir()
    source, result = workdir / "input.nt", workdir / "result.json"
    graph.serialize(destination=source, format="nt", encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(workdir), "JAVA_TOOL_OPTIONS": f"-XX:-UsePerfData -Djava.io.tmpdir={workdir}"}
    done = subprocess.run([sys.executable, "-m", "tipkg.check.owl", str(source), str(result)], env=env, capture_output=True, timeout=120)
    return done, json.loads(result.read_text(encoding="utf-8")) if result.exists() else None


def test_the_reasoner_is_given_no_import(tmp_path: Path, trap: Listener, inconsistent_file: Path) -> None:
    http = f"{trap.url}onto.ttl"
    # positive controls: given the imports, owlready2 connects to the listener, and loads the file
    _done, _answer = run_child(imports_graph(http), tmp_path / "http")
    assert trap.connections and trap.connections[0].startswith(b"GET /onto.ttl ")  # (then it tries onto.ttl/)
    _done, answer = run_child(imports_graph(inconsistent_file.as_uri()), tmp_path / "file")
    assert answer == {"consistent": False, "unsatisfiable": [], "error": None}
    trap.connections.clear()

    outcome = run_hermit(imports_graph(http, inconsistent_file.as_uri()))
    assert outcome.consistent
    assert trap.connections == []
