"""The curator's workbench end to end, through the commands: a new report's text to records that
build and pass ``tipkg check`` (HermiT included), on the FICTIONAL report of tests/fixtures/draft."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner
from conftest import ROOT

from tipkg.cli import main

FIXTURE = ROOT / "tests" / "fixtures" / "draft" / "graph_data"


def tipkg(root: Path, *args: str) -> str:
    done = CliRunner().invoke(main, [*args, "--root", str(root)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def test_source_add_draft_accept_build_check(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "graph_data" / "sources").mkdir(parents=True)
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "queries", root / "queries")
    text = tmp_path / "incoming.txt"
    text.write_bytes((FIXTURE / "sources" / "fx-2020.txt").read_text(encoding="utf-8").encode("utf-16"))  # with a BOM

    # the text, converted to UTF-8, and its metadata with the sections it names
    meta = Path(tipkg(root, "source", "add", str(text), "--id", "fx-2020", "--issued", "2020").strip())
    data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    assert data["file"] == "fx-2020.txt" and "converted from utf-16" in data["note"].lower()
    assert {"heading": "Activities in the Area of Prevention", "area": "prevention"} in data["sections"]
    # an entity the curators already recorded, found by name before any build
    shutil.copytree(FIXTURE / "fx-2020", root / "graph_data" / "fx-2020")
    assert tipkg(root, "find", "helping hand").splitlines()[0].startswith("ngo/helping-hands\t")

    # the draft, reviewed: every new entity kept, with the facts about them
    tipkg(root, "draft", "fx-2020", "--html", str(tmp_path / "review.html"))
    draft = root / "graph_data" / "fx-2020" / "_draft.yaml"
    proposals = yaml.safe_load(draft.read_text(encoding="utf-8"))
    new = {r["id"] for r in proposals["records"] if "id" in r and r.get("type") != "Observation"}
    assert {"agency/sovt", "fund/ruritanian-solidarity-fund"} <= new
    for r in proposals["records"]:
        r["accept"] = r.get("id") in new or (r.get("about") in new and "foundingDate" in r)
    draft.write_text(yaml.safe_dump(proposals, sort_keys=False, allow_unicode=True), encoding="utf-8")
    moved = tipkg(root, "draft", "fx-2020", "--accept", str(draft))
    assert ", 0 refused" in moved.splitlines()[-1], moved
    assert "<html" in (tmp_path / "review.html").read_text(encoding="utf-8").lower()

    # the project builds, and the whole check passes
    tipkg(root, "build", "-q")
    assert "0 violations" in tipkg(root, "check")
