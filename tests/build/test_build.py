"""The build: golden output, reproducible bytes, consistent formats, atomic replacement."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import copy_project
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from tipkg.build.pipeline import build
from tipkg.cli import main
from tipkg.project import Project

ID = "https://w3id.org/tipkg/id/"
GOLDEN = Path(__file__).parents[1] / "golden" / "mini_facts.ttl"
OUTPUTS = ("graph.nq", "graph.nt", "graph.ttl", "graph.jsonld", "void.nq", "manifest.json")


def test_mini_build_matches_the_golden_facts(mini_project):
    build(Project(mini_project))
    ds = Dataset()
    ds.parse(mini_project / "build" / "graph.nq", format="nquads")
    facts = Graph()
    for s, p, o in ds.graph(URIRef(ID + "graph/demo")):
        if not any(str(s).startswith(ID + k) for k in ("statement/", "evidence/", "source/")):
            facts.add((s, p, o))
    assert isomorphic(facts, Graph().parse(GOLDEN))


def test_every_format_holds_the_same_triples(built_real):
    out = built_real / "build"
    nt = Graph().parse(out / "graph.nt", format="nt")
    assert isomorphic(nt, Graph().parse(out / "graph.ttl", format="turtle"))
    ds = Dataset()
    ds.parse(out / "graph.jsonld", format="json-ld")
    union = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(nt, union)
    store = ox.Store.read_only(str(out / "store"))
    void = ox.NamedNode(ID + "graph/void")
    data = [q for q in store if q.graph_name not in (ox.DefaultGraph(), void)]
    assert len(data) == sum(1 for line in (out / "graph.nq").read_bytes().splitlines() if line)
    described = sum(1 for _q in store.quads_for_pattern(None, None, None, void))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert described == manifest["description"] == sum(1 for line in (out / "void.nq").read_bytes().splitlines() if line) > 0
    # the default graph is the union of the data's named graphs, each triple once (the description left out)
    default = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert len(default) == len(store) - len(data) - described == len(nt)
    assert default == {(q.subject, q.predicate, q.object) for q in data}
    assert manifest["triples"] == len(nt)


def test_inferred_triples_live_in_their_own_graph(built_real):
    store = ox.Store.read_only(str(built_real / "build" / "store"))
    q = "ASK { GRAPH <%s> { <%sagency/fevimtra> a <http://schema.org/GovernmentOrganization> } }"
    assert store.query(q % (ID + "graph/inferred", ID))
    assert not store.query(q % (ID + "graph/mx-2011", ID))


def _build_with_seed(root: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "tipkg", "build", "--root", str(root), "-q"], check=True, env=env)
    return {name: (root / "build" / name).read_bytes() for name in OUTPUTS}


def test_rebuild_is_byte_identical_under_any_hash_seed(tmp_path):
    root = copy_project(tmp_path / "p")
    first = _build_with_seed(root, "1")
    second = _build_with_seed(root, "4242")
    for name in OUTPUTS:
        assert first[name] == second[name], f"{name} differs between hash seeds"


def test_build_prints_a_summary(mini_project):
    result = CliRunner().invoke(main, ["build", "--root", str(mini_project)])
    assert result.exit_code == 0, result.output
    assert "facts" in result.output and "evidence quotes" in result.output
    assert "1  FundingAllocation" in result.output
    assert "https://w3id.org/tipkg/id/graph/demo" in result.output


def test_base_iri_is_configurable(mini_project):
    result = CliRunner().invoke(main, ["build", "--root", str(mini_project), "-q", "--base", "https://example.org/kg/"])
    assert result.exit_code == 0, result.output
    text = (mini_project / "build" / "graph.nt").read_text(encoding="utf-8")
    assert "<https://example.org/kg/agency/care>" in text
    assert "https://w3id.org/tipkg/id/" not in text


def test_interrupted_build_leaves_the_previous_one(mini_project, monkeypatch):
    build(Project(mini_project))
    before = (mini_project / "build" / "graph.nq").read_bytes()

    def boom(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("tipkg.build.rdfio.write_jsonld", boom)
    with pytest.raises(KeyboardInterrupt):
        build(Project(mini_project))
    assert (mini_project / "build" / "graph.nq").read_bytes() == before
    assert not list(mini_project.glob(".build.*"))
    current = os.readlink(mini_project / "build").removeprefix(".builds/")
    assert sorted(os.listdir(mini_project / ".builds")) == sorted([".lock", "cache", current])  # and the units kept


def test_a_store_without_the_union_is_refused_with_one_line(mini_project):
    """A store built before the default graph held the union would answer every query with nothing."""
    build(Project(mini_project))
    out = mini_project / "build"
    shutil.rmtree(out / "store")
    old = ox.Store(str(out / "store"))
    old.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    old.flush()
    del old
    result = CliRunner().invoke(main, ["query", "run", "counts_by_class", "--root", str(mini_project)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "has no union default graph (built by an older tipkg): run 'tipkg build' again" in line
