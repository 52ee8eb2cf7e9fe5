"""The streaming build: the same bytes as the whole graph serialized in memory; one report edited,
one unit built again; what a unit reads from others, followed; bad input in a worker, one line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, copy_project

from tipkg.build.pipeline import assemble, build
from tipkg.build.rdfio import to_ox
from tipkg.namespaces import PREFIXES
from tipkg.project import Project

FIXTURES = ROOT / "tests" / "fixtures"
PROJECTS = {  # (graph_data, added): projects of one, two and three units
    "real": (None, None),
    "second-report": (None, FIXTURES / "second-report" / "graph_data"),
    "assessment": (None, FIXTURES / "assessment" / "graph_data"),
}


def in_memory(root: Path) -> dict[str, bytes]:
    """graph.nq, graph.nt, graph.ttl and graph.jsonld as the build wrote them before it streamed:
    every quad of the assembled dataset sorted and serialized at once by pyoxigraph."""
    dataset, _loaded = assemble(Project(root))
    quads = sorted({ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g)) for s, p, o, g in dataset.quads((None, None, None, None))}, key=str)
    triples = sorted({q.triple for q in quads}, key=str)

    def lines(data: bytes) -> bytes:
        return b"".join(line + b"\n" for line in sorted(set(data.splitlines())) if line)

    jsonld = json.loads(ox.serialize(quads, None, ox.RdfFormat.JSON_LD) or b"")
    return {
        "graph.nq": lines(ox.serialize(quads, None, ox.RdfFormat.N_QUADS) or b""),
        "graph.nt": lines(ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES) or b""),
        "graph.ttl": ox.serialize(triples, None, ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"",
        "graph.jsonld": (json.dumps(jsonld, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode(),
    }


def outputs(root: Path) -> dict[str, bytes]:
    return {name: (root / "build" / name).read_bytes() for name in ("graph.nq", "graph.nt", "graph.ttl", "graph.jsonld", "void.nq")}


@pytest.fixture(params=sorted(PROJECTS))
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    data, added = PROJECTS[request.param]
    return copy_project(tmp_path / request.param, data, added)


def test_the_stream_writes_the_bytes_of_the_whole_graph_serialized_in_memory(project: Path) -> None:
    build(Project(project), check=False)
    made = outputs(project)
    for name, expected in in_memory(project).items():
        assert made[name] == expected, name
    manifest = json.loads((project / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["triples"] == made["graph.nt"].count(b"\n")
    assert sum(manifest["graphs"].values()) == made["graph.nq"].count(b"\n")


def built(root: Path, check: bool = False) -> list[str]:
    """Build ``root``; the progress messages."""
    said: list[str] = []
    build(Project(root), said.append, check=check)
    return said


def units_built(said: list[str]) -> str:
    return next(m for m in said if re.match(r"\d+ of \d+ units built", m))


def test_editing_one_report_builds_its_unit_again_and_nothing_else(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "edited", None, FIXTURES / "assessment" / "graph_data")
    assert units_built(built(root, check=True)) == "3 of 3 units built, 0 unchanged"
    assert units_built(built(root)) == "0 of 3 units built, 3 unchanged"
    path = root / "graph_data" / "fvw-2011" / "notes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "# a curator's comment\n", encoding="utf-8")  # the same records: new bytes, one unit again
    assert units_built(built(root)) == "1 of 3 units built, 2 unchanged"
    before = outputs(root)
    assert "{en: Fictional Victims' Watch}" in text
    path.write_text(text.replace("{en: Fictional Victims' Watch}", "{en: Fictional Victims' Watch (edited)}"), encoding="utf-8")
    assert units_built(built(root, check=True)) == "1 of 3 units built, 2 unchanged"
    after = outputs(root)
    assert after["graph.nq"] != before["graph.nq"]
    clean = copy_project(tmp_path / "clean", root / "graph_data")
    built(clean)
    assert outputs(clean) == after  # the edited build is the build of the edited files


def test_a_unit_is_built_again_when_an_entity_it_speaks_of_changes(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "two", None, FIXTURES / "second-report" / "graph_data")
    built(root)
    actors = root / "graph_data" / "mx-2011" / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    # fot-2011 speaks of agency/fevimtra: its type, declared in mx-2011, is part of what fot-2011 read
    start = text.index("- id: agency/fevimtra")
    head, rest = text[:start], text[start:]
    assert "type: GovernmentUnit" in rest.split("- id:", 2)[1]
    actors.write_text(head + rest.replace("type: GovernmentUnit", "type: GovernmentBody", 1), encoding="utf-8")
    assert units_built(built(root)) == "2 of 2 units built, 0 unchanged"
    clean = copy_project(tmp_path / "clean", root / "graph_data")
    built(clean)
    assert outputs(clean) == outputs(root)


def test_bad_input_in_a_worker_is_one_line_and_keeps_the_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "bad", None, FIXTURES / "assessment" / "graph_data")
    built(root)
    before = outputs(root)
    shutil.rmtree(root / ".builds" / "cache")  # every unit built again, in two worker processes
    path = root / "graph_data" / "fma-2011" / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("evidence:", "evidense:", 1), encoding="utf-8")
    env = {**os.environ, "TIPKG_BUILD_WORKERS": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "tipkg", "build", "--root", str(root), "-q"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tipkg: error: graph_data/fma-2011/actors.yaml:"), done.stderr
    assert outputs(root) == before


def test_kept_units_no_build_used_for_a_day_are_removed(mini_project: Path) -> None:
    from tipkg.build.units import CACHE, prune

    built(mini_project)
    cache = mini_project / CACHE
    entries = [*cache.glob("units/*/*"), *cache.glob("declarations/*"), *cache.glob("inferred/*")]
    assert entries
    assert prune(cache) == 0  # all used just now
    for entry in entries:
        os.utime(entry, (0, 0))
    assert prune(cache) == len(entries)
    assert not any(cache.glob("units/*"))
    assert units_built(built(mini_project)) == "1 of 1 units built, 0 unchanged"


ANNEX = """# FICTIONAL: a second folder of records in the voice of the same report, for tipkg's tests
source: mx-2011
records:
  - about: agency/fevimtra
    label: {en: Special Prosecutor's Office}
    evidence: "(FEVIMTRA) within the Office of the Prosecutor General"
"""


def test_one_source_in_two_folders_still_gives_one_preferred_name(tmp_path: Path) -> None:
    """Folders are built apart, but a report's word is checked whole: a second preferred name in
    another folder is refused as the build that reads everything at once refuses it."""
    from tipkg.build.pipeline import load_project
    from tipkg.errors import DataError

    root = copy_project(tmp_path / "annex")
    (root / "graph_data" / "mx-2011-annex").mkdir()
    (root / "graph_data" / "mx-2011-annex" / "records.yaml").write_text(ANNEX, encoding="utf-8")
    with pytest.raises(DataError) as whole:
        load_project(Project(root))
    with pytest.raises(DataError) as streamed:
        build(Project(root), check=False)
    assert str(streamed.value) == str(whole.value)
    assert "two preferred labels in language 'en' in source mx-2011" in str(streamed.value)


def test_a_unit_left_half_written_is_never_read(mini_project: Path) -> None:
    """A build killed while it kept a unit leaves a temporary folder: the next build passes it by."""
    from tipkg.build.units import CACHE

    built(mini_project)
    entry = next((mini_project / CACHE).glob("units/*/*"))
    half = entry.with_name(f".{entry.name}.tmp-999999")
    half.mkdir()
    (half / "meta.json").write_text('{"unit": "mini", "deps"', encoding="utf-8")  # cut short
    shutil.rmtree(entry)
    assert units_built(built(mini_project)) == "1 of 1 units built, 0 unchanged"
    assert units_built(built(mini_project)) == "0 of 1 units built, 1 unchanged"


def test_a_report_with_titles_in_two_languages_is_described_with_both_the_same_way_each_run(mini_project: Path) -> None:
    meta = mini_project / "graph_data" / "sources" / "demo.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            'title: {en: "A demo report"}', 'title: {en: "A demo report", es: "Un informe de prueba"}'
        ),
        encoding="utf-8",
    )
    descriptions = []
    for seed in ("1", "2"):  # the order of Python's sets changes with the seed: the description must not
        shutil.rmtree(mini_project / ".builds", ignore_errors=True)
        done = subprocess.run(
            [sys.executable, "-m", "tipkg", "build", "--root", str(mini_project), "--no-check"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        descriptions.append((mini_project / "build" / "void.nq").read_bytes())
    assert descriptions[0] == descriptions[1]
    titles = [line for line in descriptions[0].splitlines() if b"/title>" in line and b"/source/demo>" in line.split(b" ")[0]]
    assert [line.split(b" ", 2)[2].rsplit(b" ", 2)[0] for line in titles] == [b'"A demo report"@en', b'"Un informe de prueba"@es']
