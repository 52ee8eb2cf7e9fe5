"""The list of saved queries in ``docs/queries.md``, made from their headers.

The page's prose is written by hand; the table of queries and the section "What each query
answers" are derived from ``queries/*.rq`` and sit between two markers. ``python -m
tipkg.sparql.docs`` rewrites them; a test fails when the page and the headers drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tipkg.project import Project
from tipkg.sparql.saved import Param, SavedQuery, load_saved_queries

BEGIN = "<!-- generated from the headers of queries/*.rq by python -m tipkg.sparql.docs: do not edit by hand -->"
END = "<!-- end of the generated list -->"


def _param_cell(p: Param) -> str:
    kind = f"{p.type}, an entity" if p.entity else p.type
    when = f"default `{p.default}`" if p.default is not None else "optional: all"
    return f"`{p.name}` ({kind}, {when})"


def _param_text(p: Param) -> str:
    example = f" (example: `{p.example}`)" if p.example else ""
    return f"Parameter `{p.name}`: {p.description.rstrip('.')}{example}."


def render(queries: dict[str, SavedQuery]) -> str:
    """The generated part: a table of every query, then what each one answers."""
    lines = [BEGIN, "", "| id | title | params | view |", "|---|---|---|---|"]
    for q in queries.values():
        params = ", ".join(_param_cell(p) for p in q.params) or "—"
        lines.append(f"| `{q.name}` | {q.title.replace('|', chr(92) + '|')} | {params} | {q.view} |")
    lines += ["", "## What each query answers", ""]
    for q in queries.values():
        tags = f" ({', '.join(q.tags)})" if q.tags else ""
        text = " ".join([q.description, *(_param_text(p) for p in q.params)])
        lines.append(f"- **`{q.name}`**{tags}: {text}")
    lines += ["", END]
    return "\n".join(lines)


def updated(page: str, queries: dict[str, SavedQuery]) -> str:
    """``page`` with its generated part made anew."""
    if BEGIN not in page or END not in page:
        raise ValueError(f"the page has no generated part: expected the lines {BEGIN!r} and {END!r}")
    head, rest = page.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    return head + render(queries) + tail


def main(root: Path = Path(".")) -> None:
    path = root / "docs" / "queries.md"
    path.write_text(updated(path.read_text(encoding="utf-8"), load_saved_queries(Project(root).queries_dir)), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
