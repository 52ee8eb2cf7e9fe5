"""What the map tests share: the queries that draw a map, and the areas each answer should shade,
worked out from the answer's rows (``/queries/NAME.json``) and the curated places' codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/tipkg/id/"
# each map query: the column of its places, and the column that counts (None: the areas are marked)
MAP_QUERIES = {
    "places": ("place", "facts"),
    "substantive_state_laws": ("state", None),
    "victims_by_nationality": ("nationality", "victims"),
}
MARKED_BY = {"substantive_state_laws": "law"}  # a query without counts: the column whose label a row's line says
PLACE_CODES = {
    BASE + r["id"]: r["iso3166Code"]
    for r in yaml.safe_load((ROOT / "graph_data" / "mx-2011" / "places.yaml").read_text(encoding="utf-8"))["records"]
    if "iso3166Code" in r
}


@dataclass
class Expected:
    """An area the answer names: the counts of its rows (none when marked) and the rows' reports."""

    counts: list[float] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # each row's place, what it says of it, its report

    @property
    def value(self) -> str | None:
        """The value the area shows: the largest of its rows' counts, as the page writes numbers."""
        return written(max(self.counts)) if self.counts else None


def written(number: float) -> str:
    return f"{int(number):,}" if number == int(number) else f"{number:,.2f}"


def expected_areas(name: str, rows: list[dict[str, Any]]) -> tuple[dict[str, Expected], list[str]]:
    """The areas (by ISO 3166 code) the answer's rows name, and the names of rows no area holds."""
    place, measure = MAP_QUERIES[name]
    areas: dict[str, Expected] = {}
    left_out = []
    for row in rows:
        # the page reads the answer's code column where it has one, else the place's code in the graph
        code = row.get("iso3166Code") if "iso3166Code" in row else PLACE_CODES.get(row[place])
        if not code:
            left_out.append(row[f"{place}Label"])
            continue
        area = areas.setdefault(code, Expected())
        if measure is not None:
            area.counts.append(float(str(row[measure])))
        said = written(area.counts[-1]) if measure is not None else row[f"{MARKED_BY[name]}Label"]
        area.sources.append(row["sourceLabel"])
        area.rows.append((row[f"{place}Label"], said, row["sourceLabel"]))
    return areas, list(dict.fromkeys(left_out))
