"""Synthetic projects of N reports in the shape of the curated report, for the benchmarks.

Report 1 is the curated data as it is (``graph_data/mx-2011``). Every further report is a copy of
it under a source id of its own (``mx-2011-r0002``), with its own source text: the original text
under a header line naming the copy, so that every quote occurs exactly once in it and its SHA-256
differs. Each copy declares its own entities (``agency/pgr`` becomes ``agency/pgr-r0002``), except
those that reports share in real data: foreign places, intergovernmental organizations,
international instruments, NGOs, foreign government bodies and consulates. Those are declared once,
in report 1; later reports add their names and facts to them with ``about:`` records, citing their
own text. Each copy reports on a country of its own, as the reports of a real corpus cover many
countries and years: the template's country (``HOME``) and the places within it get ids of their
own in each copy (and no Wikidata id), so a copy's figures measure its own country's things.

So every report holds the same kinds of entities, relations, amounts, statistics and evidence
records as the real one, and the generated files go through the real loaders (``tipkg build``).

Reports disagree, as real ones do: every ``DISAGREE_EVERY``-th copy also restates each figure of
report 1 (``about: stat/...``, citing its own text) with a count one larger, so that the build has
differences to find and ``disagreements`` has rows to list (``disagree_every=0``: none). A figure of
report 1 is so stated by 1 + N/10 reports in two values, and compared N/10 times; had every copy
measured report 1's country, each figure would be stated by all N reports, and compared about N²/10
times (the build compares every pair of sources that differ on one thing).

    python -m benchmarks.generate /tmp/project 13      # 13 reports, about 100,000 triples
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = "mx-2011"
# Ids of entities that several reports share: declared once, extended with ``about:`` records.
SHARED_PREFIXES = ("place/", "igo/", "instrument/", "provision/", "ngo/", "agency/us-")
SHARED_KINDS = {"consulate"}  # ActorGroups of this actorKind (the consular network) are shared too
HOME = "place/mexico"  # the template's country: each copy has its own (and its own places within it)
# Keys whose values are text, never ids.
TEXT_KEYS = {"evidence", "quote", "label", "altLabel", "note", "description", "reportedClaim", "purpose", "unitDescription"}
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+$")
# Triples that a build of the template holds with no report (ontology and its closure), and that
# each further report adds: measured on builds of 1 and 2 reports; used only to pick a number of
# reports for a wanted size (the benchmark reports the built size from the manifest).
BASE_TRIPLES = 2_400
REPORT_TRIPLES = 10_000
# A project smaller than one report: the places and actors of report 1 only (they cite no others).
TINY_FILES = ("places.yaml", "actors.yaml")
TINY_TRIPLES = 2_800
DISAGREE_EVERY = 10
FIGURES = ("observedValue", "observedMoreThan")


@dataclass(frozen=True)
class Template:
    """The curated report the synthetic ones copy: its metadata, text and record files."""

    source_meta: str  # sources/<id>.yaml, as written
    text: str
    text_file: str
    files: dict[str, str]  # <name>.yaml -> its text
    parsed: dict[str, dict[str, Any]] = field(default_factory=dict)  # <name>.yaml -> its data
    declared: dict[str, dict[str, Any]] = field(default_factory=dict)  # every declared record, by id
    own: set[str] = field(default_factory=set)  # ids each copy declares anew

    def __post_init__(self) -> None:
        for name, text in self.files.items():
            self.parsed[name] = _parse(text)
            self.declared.update({r["id"]: r for r in self.parsed[name]["records"] if "id" in r})
        home = {i for i, r in self.declared.items() if i == HOME or r.get("containedInPlace") == HOME}
        self.own.update(i for i, r in self.declared.items() if i in home or not is_shared(r))


def read_template(data_dir: Path, source_id: str = TEMPLATE) -> Template:
    """The template report of a project's ``graph_data/``."""
    meta_text = (data_dir / "sources" / f"{source_id}.yaml").read_text(encoding="utf-8")
    text_file = _parse(meta_text)["file"]
    text = (data_dir / "sources" / text_file).read_bytes().decode("utf-8")
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted((data_dir / source_id).glob("*.yaml"))}
    return Template(meta_text, text, text_file, files)


def is_shared(record: dict[str, Any]) -> bool:
    """Whether a declared entity is one that several reports share."""
    return record["id"].startswith(SHARED_PREFIXES) or record.get("actorKind") in SHARED_KINDS


def reports_for(triples: int) -> int:
    """How many reports make a project of about ``triples`` triples (0: smaller than one report)."""
    if triples < (TINY_TRIPLES + BASE_TRIPLES + REPORT_TRIPLES) // 2:
        return 0
    return max(1, round((triples - BASE_TRIPLES) / REPORT_TRIPLES))


def copy_id(number: int, source_id: str = TEMPLATE) -> str:
    return f"{source_id}-r{number:04d}"


def copy_report(template: Template, number: int, source_id: str = TEMPLATE, disagree: bool = False) -> dict[str, str]:
    """The files of report ``number`` (2, 3, ...), relative to ``graph_data/`` (pure); with
    ``disagree``, it also gives other figures for report 1's statistics."""
    new_id = copy_id(number, source_id)
    declared = template.declared
    renamed = {i: f"{i}-r{number:04d}" for i in sorted(template.own)}
    header = f"Synthetic report {number}, a copy of {source_id} generated for the tipkg benchmarks.\n\n"
    text = header + template.text
    text_file = f"{new_id}.txt"
    meta = _rename(_parse(template.source_meta), renamed, {source_id: new_id})
    meta.update(id=new_id, file=text_file, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    out = {f"sources/{text_file}": text, f"sources/{new_id}.yaml": _dump(meta)}
    for name, parsed in template.parsed.items():
        data = _rename(parsed, renamed, {source_id: new_id})
        data["records"] = [_as_about(r) if r.get("id") in declared and r["id"] not in renamed else _own(r) for r in data["records"]]
        if disagree:
            data["records"] += [_other_figure(r) for r in parsed["records"] if any(k in r for k in FIGURES) and "id" in r]
        out[f"{new_id}/{name}"] = _dump(data)
    return out


def write_project(root: Path, reports: int, repo: Path, source_id: str = TEMPLATE, disagree_every: int = DISAGREE_EVERY) -> Path:
    """A project folder at ``root`` with the repository's ontology/ and queries/ and ``reports``
    reports (0: the tiny project, part of one report), every ``disagree_every``-th giving other
    figures than report 1. Returns ``root``."""
    if root.exists():
        shutil.rmtree(root)
    data = root / "graph_data"
    for folder in ("ontology", "queries"):
        shutil.copytree(repo / folder, root / folder)
    shutil.copytree(repo / "graph_data" / "reference", data / "reference")
    template = read_template(repo / "graph_data", source_id)
    (data / "sources").mkdir(parents=True)
    shutil.copy2(repo / "graph_data" / "sources" / f"{source_id}.yaml", data / "sources")
    shutil.copy2(repo / "graph_data" / "sources" / template.text_file, data / "sources")
    (data / source_id).mkdir()
    for name, text in template.files.items():
        if reports or name in TINY_FILES:
            (data / source_id / name).write_text(text, encoding="utf-8")
    for number in range(2, reports + 1):
        disagree = bool(disagree_every) and number % disagree_every == 0
        for rel, text in copy_report(template, number, source_id, disagree).items():
            path = data / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    return root


def _parse(text: str) -> dict[str, Any]:
    # every scalar as the text written (no implicit typing), as tipkg's own reader sees it
    return yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True, sort_keys=False, width=10_000)


def _rename(value: Any, ids: dict[str, str], sources: dict[str, str], key: str = "") -> Any:
    """``value`` with every id reference in ``ids`` and every ``source:`` in ``sources`` renamed."""
    if isinstance(value, dict):
        return {k: _rename(v, ids, sources, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, ids, sources, key) for v in value]
    if key == "source":
        return sources.get(value, value)
    if key in TEXT_KEYS or not isinstance(value, str) or not ID.match(value):
        return value
    return ids.get(value, value)


def _as_about(record: dict[str, Any]) -> dict[str, Any]:
    """A shared entity's record restated by a later report: its names and facts, not its declaration."""
    out = {"about": record["id"]}
    out.update({k: v for k, v in record.items() if k not in ("id", "type", "wikidata", "note")})
    return out


def _own(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a copy declares it: a copy's entity is not the Wikidata item of report 1's."""
    return {k: v for k, v in record.items() if k != "wikidata"}


def _other_figure(record: dict[str, Any]) -> dict[str, Any]:
    """Report 1's figure restated with a count one larger, citing the copy's own (identical) text."""
    out: dict[str, Any] = {"about": record["id"]}
    for key in FIGURES:
        if key in record:
            out[key] = str(int(float(record[key])) + 1)
    out["evidence"] = record["evidence"]
    return out


def main(argv: list[str]) -> None:
    root, reports = Path(argv[0]), int(argv[1])
    write_project(root, reports, Path(__file__).resolve().parent.parent)
    print(f"{reports} reports in {root}")


if __name__ == "__main__":
    main(sys.argv[1:])
