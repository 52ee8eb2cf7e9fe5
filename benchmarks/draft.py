"""``python -m benchmarks draft``: ``tipkg draft mx-2011`` on a copy of the project whose Mexico 2011
records are hidden (so every entity is new), scored against those records.

- *entity recall*: the curated entities with a name (label or alt label) that some proposal names
  the same way (names compared folded: accents, case and punctuation aside); also over the entities
  *named in the text*, those with a name the source writes word for word (the others carry a name
  a curator wrote, "substantive law on trafficking in persons of Chiapas", which no pattern finds);
- *value recall*: the curated dates (each ``…Date`` and ``asOf``, with their precision), amounts
  (``amount.value``) and counts (``observedValue``; ``observedMoreThan`` as a lower bound) that
  proposals hold with the same value and precision (one proposed value matches one curated value);
- *precision*: the proposals that match a curated entity or value, over all proposals;
- *time*: the wall time of the ``tipkg draft`` process.

The figures go into ``benchmarks.json`` under ``draft`` and into the ``Draft`` section of
``benchmarks.md`` in ``--out``; the rest of both files is kept.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from benchmarks.report import machine
from benchmarks.startup import tipkg_command
from tipkg.curation.names import key

REPO = Path(__file__).resolve().parent.parent
SOURCE = "mx-2011"
TARGETS = {"entity_recall": 0.9, "value_recall": 0.9, "precision": 0.6, "seconds": 10.0}
_COUNTS = {"observedValue": "exact", "observedMoreThan": "more-than", "observedAbout": "about"}
_KINDS = {"dates": ("date",), "amounts": ("amount",), "counts": ("exact", "more-than", "about")}


def _names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(v) for v in value.values()]
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return [] if value is None else [str(value)]


def _number(value: Any) -> str:
    try:
        return str(Decimal(str(value)).normalize())
    except InvalidOperation:
        return str(value)


def values_of(record: dict[str, Any]) -> Counter[tuple[str, str]]:
    """The dates, amounts and counts a record states (its facts and nested values included)."""
    out: Counter[tuple[str, str]] = Counter()
    for k, v in record.items():
        if k == "facts" and isinstance(v, list):
            for fact in v:
                out += values_of(fact) if isinstance(fact, dict) else Counter()
        elif k.endswith("Date") or k == "asOf":
            out[("date", str(v))] += 1
        elif k == "amount" and isinstance(v, dict) and "value" in v:
            out[("amount", _number(v["value"]))] += 1
        elif k in _COUNTS:
            out[(_COUNTS[k], _number(v))] += 1
    return out


def entity_names(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Each declared entity's names, folded (only those with a name)."""
    out: dict[str, set[str]] = {}
    for r in records:
        local = r.get("id") or r.get("about")
        names = {key(n) for n in _names(r.get("label")) + _names(r.get("altLabel"))} - {""}
        if local and names:
            out.setdefault(str(local), set()).update(names)
    return out


def score(curated: list[dict[str, Any]], proposals: list[dict[str, Any]], text: str = "") -> dict[str, Any]:
    """Recall of entities and values, and precision, of ``proposals`` against ``curated`` records
    (``text``: the source's, for the entities it names word for word)."""
    entities = entity_names(curated)
    written = f" {key(text)} "
    in_text = {e for e, names in entities.items() if any(f" {n} " in written for n in names)}
    proposed = entity_names([p for p in proposals if "id" in p])
    found_entities = {e for e, names in entities.items() if any(names & n for n in proposed.values())}
    wanted: Counter[tuple[str, str]] = Counter()
    for r in curated:
        wanted += values_of(r)
    left = wanted.copy()
    matched = 0
    for p in proposals:
        names = entity_names([p]).get(str(p.get("id")), set()) if "id" in p else set()
        hit = any(names & n for n in entities.values())
        for value, n in values_of(p).items():
            took = min(n, left[value])
            left[value] -= took
            hit = hit or took > 0 or value in wanted
        matched += hit
    found_values = sum(wanted.values()) - sum(left.values())
    kinds = {k: sum(n for (kind, _), n in wanted.items() if kind in ks) for k, ks in _KINDS.items()}
    found_kinds = {k: sum(n for (kind, _), n in (wanted - left).items() if kind in ks) for k, ks in _KINDS.items()}
    return {
        "entities": len(entities),
        "entities_found": len(found_entities),
        "entity_recall": len(found_entities) / len(entities) if entities else 0.0,
        "entities_in_text": len(in_text),
        "entities_in_text_found": len(found_entities & in_text),
        "entity_recall_in_text": len(found_entities & in_text) / len(in_text) if in_text else 0.0,
        "values": sum(wanted.values()),
        "values_found": found_values,
        "value_recall": found_values / sum(wanted.values()) if wanted else 0.0,
        "by_kind": {k: {"curated": kinds[k], "found": found_kinds[k]} for k in kinds},
        "proposals": len(proposals),
        "proposals_matched": matched,
        "precision": matched / len(proposals) if proposals else 0.0,
        "missed_entities": sorted(set(entities) - found_entities),
        "missed_in_text": sorted(in_text - found_entities),
        "missed_values": sorted(f"{kind} {value}" for (kind, value), n in left.items() for _ in range(n)),
    }


def curated_records(root: Path) -> list[dict[str, Any]]:
    return [
        r
        for path in sorted((root / "graph_data" / SOURCE).glob("*.yaml"))
        if not path.name.startswith("_")
        for r in yaml.safe_load(path.read_text(encoding="utf-8"))["records"]
    ]


def hidden_copy(work: Path) -> Path:
    """The project's ontology and sources, without the records of ``SOURCE``."""
    root = work / "project"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "graph_data" / "sources", root / "graph_data" / "sources")
    shutil.copytree(REPO / "graph_data" / "reference", root / "graph_data" / "reference")
    return root


def run(work: Path) -> dict[str, Any]:
    root = hidden_copy(work)
    draft = root / "graph_data" / SOURCE / "_draft.yaml"
    started = time.perf_counter()
    subprocess.run([*tipkg_command(), "draft", SOURCE, "--root", str(root)], check=True, capture_output=True, timeout=600)
    seconds = time.perf_counter() - started
    proposals = yaml.safe_load(draft.read_text(encoding="utf-8"))["records"] or []
    meta = yaml.safe_load((REPO / "graph_data" / "sources" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))
    text = (REPO / "graph_data" / "sources" / meta["file"]).read_text(encoding="utf-8")
    return {"seconds": seconds, **score(curated_records(REPO), proposals, text)}


def section(figures: dict[str, Any] | None) -> list[str]:
    """The ``Draft`` section of benchmarks.md."""
    lines = ["## Draft", ""]
    if not figures:
        return [*lines, "Not run (`python -m benchmarks draft`).", ""]
    m = figures["machine"]
    lines += [
        f"`{figures['command']}` on {figures['date']} ({m['cores']} cores): `tipkg draft {SOURCE}` on a copy of the project",
        f"without `graph_data/{SOURCE}/*.yaml` (every entity new), scored against those curated records.",
        "",
        "| measure | measured | target | met |",
        "|---|---:|---:|---|",
    ]
    rows = (
        ("entity recall", "entity_recall", f"{figures['entities_found']} of {figures['entities']} named entities"),
        ("value recall", "value_recall", f"{figures['values_found']} of {figures['values']} dates, amounts, counts"),
        ("precision", "precision", f"{figures['proposals_matched']} of {figures['proposals']} proposals"),
    )
    for name, k, detail in rows:
        met = "met" if figures[k] >= TARGETS[k] else "**not met**"
        lines.append(f"| {name} ({detail}) | {figures[k]:.2f} | ≥ {TARGETS[k]} | {met} |")
        if k == "entity_recall":
            n, found = figures["entities_in_text"], figures["entities_in_text_found"]
            lines.append(f"| entity recall, of those named in the text ({found} of {n}) | {figures['entity_recall_in_text']:.2f} | | |")
    met = "met" if figures["seconds"] < TARGETS["seconds"] else "**not met**"
    lines.append(f"| wall time | {figures['seconds']:.1f} s | < {TARGETS['seconds']:g} s | {met} |")
    lines += ["", "| values | curated | found |", "|---|---:|---:|"]
    lines += [f"| {kind} | {v['curated']} | {v['found']} |" for kind, v in figures["by_kind"].items()]
    missed = figures["missed_entities"]
    written = set(figures.get("missed_in_text", []))
    lines += ["", f"Entities not found: {', '.join(m + (' (named in the text)' if m in written else '') for m in missed) or 'none'}.", ""]
    return lines


def write(out: Path, figures: dict[str, Any]) -> Path:
    """``figures`` into ``out/benchmarks.json`` (under ``draft``) and the Draft section of ``out/benchmarks.md``."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "benchmarks.json"
    data = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else {}
    data["draft"] = figures
    json_path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    md_path = out / "benchmarks.md"
    md = md_path.read_text(encoding="utf-8") if md_path.exists() else "# Benchmarks\n"
    new = "\n".join(section(figures))
    start = md.find("\n## Draft\n")
    if start >= 0:
        end = md.find("\n## ", start + 1)
        md = md[: start + 1] + new + (md[end:] if end >= 0 else "\n")
    elif "\n## Findings\n" in md:
        at = md.find("\n## Findings\n")
        md = md[: at + 1] + new + md[at:]
    else:
        md = md.rstrip("\n") + "\n\n" + new
    md_path.write_text(md, encoding="utf-8")
    return md_path


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks draft", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="Folder of benchmarks.md and benchmarks.json (default: docs/).")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tipkg-bench-draft-") as work:
        figures = run(Path(work))
    figures = {
        "command": " ".join(["python -m benchmarks draft", *argv]),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        **figures,
    }
    write(args.out, figures)
    return figures
