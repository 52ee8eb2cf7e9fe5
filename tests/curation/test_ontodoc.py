"""docs/ontology.html is generated from ontology/ (pyLODE), committed, identical when regenerated,
and loads nothing from the network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tipkg.curation import ontodoc

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate it with: python -m tipkg.curation.ontodoc"


def test_committed_page_is_up_to_date() -> None:
    committed = (ROOT / ontodoc.DOC_FILE).read_text(encoding="utf-8")
    assert ontodoc.generate(ROOT) == committed, f"{ontodoc.DOC_FILE} differs from the ontology: {REGENERATE}"


def test_generation_does_not_depend_on_hash_order(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = tmp_path / "page.html"
    code = f"from pathlib import Path; from tipkg.curation import ontodoc; Path({str(out)!r}).write_text(ontodoc.generate(Path({str(ROOT)!r})), encoding='utf-8')"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
    assert out.read_text(encoding="utf-8") == ontodoc.generate(ROOT)


def test_committed_page_works_offline() -> None:
    page = (ROOT / ontodoc.DOC_FILE).read_text(encoding="utf-8")
    assert ontodoc.remote_resources(page) == []
    assert "<style" in page  # pyLODE's CSS is inlined


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example.org/x.js"></script>',
        "<link rel='stylesheet' href='http://cdn.example.org/x.css'>",
        '<img alt="" src="//cdn.example.org/logo.png">',
        "<style>@import url(https://fonts.example.org/font.css);</style>",
        "<div style=\"background: url('https://example.org/bg.png')\"></div>",
    ],
)
def test_remote_resources_are_found(snippet: str) -> None:
    assert ontodoc.remote_resources(f"<html><body>{snippet}</body></html>") != []


def test_links_are_not_resources() -> None:
    assert ontodoc.remote_resources('<a href="https://schema.org/Organization">schema:Organization</a>') == []
