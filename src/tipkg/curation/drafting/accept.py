"""``tipkg draft ID --accept FILE``: move the proposals a reviewer kept (``accept: true``) into the
source's curated files, after the build's loader has checked them.

All kept proposals are loaded with the project's curated data; a proposal the loader refuses
(unknown reference, quote not found, bad value) is reported as ``file:line: field: message``, left
out, and the rest loaded again, until what is left loads. What loads is appended to
``graph_data/ID/<kind>.yaml`` (created with ``source: ID``) without the draft-only keys; the
draft keeps the refused and the not accepted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tipkg.curation.drafting.proposals import ACCEPT, DRAFT_KEYS, KIND, dump_records
from tipkg.curation.records import CuratedFile, Mapping, Scalar, load_curated, parse_curated, read_input, shown_path
from tipkg.errors import DataError, TipkgError


def _strip(record: Mapping) -> Mapping:
    items = {k: v for k, v in record.items.items() if k not in DRAFT_KEYS}
    return Mapping(items, {k: record.lines[k] for k in items}, record.line)


def _kept(record: Mapping) -> bool:
    value = record.items.get(ACCEPT)
    return isinstance(value, Scalar) and (value.text or "").lower() in ("true", "yes")


def refusals(root: Path, shown: str, source_id: str, kept: list[Mapping]) -> dict[int, DataError]:
    """The kept records (by index) the loader refuses, each with the first error it gives."""
    from tipkg.build.pipeline import curated_files
    from tipkg.curation.loader import Loader
    from tipkg.curation.schema import load_schema
    from tipkg.curation.sources import load_sources
    from tipkg.project import Project

    project = Project(root)
    schema = load_schema(str(project.ontology_dir.resolve()), project.limits)
    sources = load_sources(project.sources_dir, root, project.limits)
    curated = [load_curated(p, root, project.limits) for p in curated_files(project.data_dir)]
    refused: dict[int, DataError] = {}
    while True:
        left = [(i, r) for i, r in enumerate(kept) if i not in refused]
        draft = CuratedFile(shown, source_id, [_strip(r) for _, r in left])
        try:
            Loader(schema, sources, set(), project.base).load([*curated, draft])
            return refused
        except DataError as error:
            if error.file != shown or not left:
                raise
            at = [i for i, r in left if r.line <= error.line]
            refused[at[-1] if at else left[0][0]] = error


def accept(root: Path, source_id: str, file: Path) -> list[str]:
    """Move the kept proposals of draft ``file``; return one line per file written and per refusal."""
    shown = shown_path(file.resolve(), root.resolve())
    text = read_input(file, shown, 4.0)
    parsed = parse_curated(text, shown)
    if parsed.source not in (None, source_id):
        raise TipkgError(f"{shown}: a draft of source {parsed.source!r}, not {source_id!r}")
    plain: list[dict[str, Any]] = yaml.safe_load(text).get("records") or []
    kept = [i for i, r in enumerate(parsed.records) if _kept(r)]
    refused = refusals(root, shown, source_id, [parsed.records[i] for i in kept])
    moved = {kept[i] for i in range(len(kept)) if i not in refused}
    lines = [str(error) for _, error in sorted(refused.items())]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for i in sorted(moved):
        record = {k: v for k, v in plain[i].items() if k not in DRAFT_KEYS}
        by_kind.setdefault(str(plain[i].get(KIND) or "records"), []).append(record)
    for kind, records in by_kind.items():
        target = root / "graph_data" / source_id / f"{kind}.yaml"
        lines.append(f"{shown_path(target, root)}: {_append(target, source_id, records)} records added")
    rest = [plain[i] for i in range(len(plain)) if i not in moved]
    head = text[: text.find("records:")] if "records:" in text else f"source: {source_id}\n"
    file.write_text(head + "records:\n" + dump_records(rest) if rest else head + "records: []\n", encoding="utf-8")
    lines.append(f"{shown}: {len(moved)} moved, {len(refused)} refused, {len(rest) - len(refused)} not accepted")
    return lines


def _append(target: Path, source_id: str, records: list[dict[str, Any]]) -> int:
    """Append records to a curated file (created with ``source: ID``), checking it still parses."""
    old = target.read_text(encoding="utf-8") if target.exists() else f"source: {source_id}\nrecords:\n"
    if old.rstrip().endswith("records: []"):
        old = old.rstrip()[: -len("[]")].rstrip() + "\n"
    new = old.rstrip("\n") + "\n\n" + dump_records(records)
    before = len(parse_curated(old, str(target)).records) if target.exists() else 0
    if len(parse_curated(new, str(target)).records) != before + len(records):
        raise TipkgError(f"{target}: its records are not the last key of the file: add the proposals by hand")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(new, encoding="utf-8")
    return len(records)
