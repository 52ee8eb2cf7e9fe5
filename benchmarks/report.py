"""The benchmark's figures as ``benchmarks.json`` (raw) and ``benchmarks.md`` (tables, targets).

``python -m benchmarks.report docs/benchmarks.json`` writes the tables again from the figures (after an
edit of ``benchmarks/findings.md``, the analysis the report ends with).
"""

from __future__ import annotations

import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

FINDINGS = Path(__file__).with_name("findings.md")
QUERY_LIMIT_1M = 1.0
RATIO_LIMIT = 1.2  # issue 18: every saved query within 1.2× of the raw engine, every size
LOAD_RATE = 200_000
QUERY_RUN_LIMIT = 1.0
HELP_LIMIT = 0.3
VIEW_LIMIT = 3.0
VIEW_NODES = 5_000
TARGET_SIZE = 1_000_000


def machine() -> dict[str, Any]:
    """Cores, memory, CPU and the versions that matter."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {name: metadata.version(name) for name in ("tipkg", "pyoxigraph", "rdflib", "pyshacl", "playwright", "uvicorn")}
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "cpu": cpu,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }


def write(out: Path, data: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``benchmarks.json`` and ``benchmarks.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    data["targets"] = targets(data)
    json_path = out / "benchmarks.json"
    json_path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    md_path = out / "benchmarks.md"
    md_path.write_text(markdown(data), encoding="utf-8")
    return md_path, json_path


# -- targets ------------------------------------------------------------------------------------


def targets(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target: what was measured and whether it is met (``None``: not measured)."""
    from benchmarks.build import targets as build_targets

    sizes = data["sizes"]
    out = build_targets(sizes)

    worst: tuple[float, str, str] | None = None
    unmeasured = []
    for label, size in sizes.items():
        for name, paths in size["queries"].items():
            ratio = _ratio(paths["tipkg"], paths["floor"])
            if ratio is None:
                unmeasured.append(f"{name} at {label}")
            elif worst is None or ratio > worst[0]:
                worst = (ratio, name, label)
    shown = f"worst {worst[0]:.2f}× ({worst[1]} at {worst[2]})" if worst else "no query measured on both paths"
    if unmeasured:
        shown += f"; {len(unmeasured)} query runs over the time limit on either path, not compared"
    out.append(
        _target(
            f"tipkg's query path within {RATIO_LIMIT}× of raw pyoxigraph, every query, every size",
            shown,
            worst,
            lambda w: w[0] <= RATIO_LIMIT and not unmeasured,
        )
    )

    big = _size_at_least(sizes, TARGET_SIZE)
    if big is None:
        out.append(
            {
                "target": "every saved query under 1 s p50 at 1M triples (its first page)",
                "measured": "no size of 1M triples or more was run",
                "met": None,
            }
        )
    else:
        label, size = big
        first = {n: p.get("page", p["tipkg"]) for n, p in size["queries"].items()}  # the first page, where it was timed
        slow = [(n, t["p50_s"]) for n, t in first.items() if t["p50_s"] is None or t["p50_s"] >= QUERY_LIMIT_1M]
        shown = f"{len(first) - len(slow)} of {len(first)} under 1 s at {label} ({size['build']['triples']:,} triples)"
        out.append(_target("every saved query under 1 s p50 at 1M triples (its first page)", shown, slow, lambda s: not s))

    largest = max(sizes.values(), key=lambda s: s["build"]["triples"]) if sizes else None
    if largest is None:
        out.append({"target": f"load ≥ {LOAD_RATE:,} triples/s into the embedded store", "measured": "not measured", "met": None})
    else:
        rate = largest["load"]["quads_per_s"]
        load = largest["load"]
        shown = (
            f"{rate:,.0f} statements/s (bulk loads of 200,000 lines: {load['named_quads']:,} quads of the named graphs"
            f" and {load['union_triples']:,} triples of their union)"
        )
        out.append(_target(f"load ≥ {LOAD_RATE:,} triples/s into the embedded store", shown, rate, lambda r: r >= LOAD_RATE))

    startup = data.get("startup") or {}
    for key, limit, what in (("query_run", QUERY_RUN_LIMIT, "`tipkg query run` cold"), ("help", HELP_LIMIT, "`tipkg --help`")):
        if key in startup:
            s = startup[key]["median_s"]
            out.append(_target(f"{what} under {limit:g} s", f"{s:.2f} s (median)", s, lambda v, limit=limit: v < limit))
        else:
            out.append({"target": f"{what} under {limit:g} s", "measured": "not measured", "met": None})

    from benchmarks.peers import targets as peer_targets  # here: benchmarks.peers imports benchmarks.service

    out += peer_targets(data.get("peers"))
    view = next((v for v in data.get("views") or [] if v["nodes"] == VIEW_NODES), None)
    if view is None:
        out.append({"target": f"a {VIEW_NODES:,}-node view interactive in under {VIEW_LIMIT:g} s", "measured": "not measured", "met": None})
    else:
        s = view["interactive_s"]
        out.append(_target(f"a {VIEW_NODES:,}-node view interactive in under {VIEW_LIMIT:g} s", f"{s:.2f} s", s, lambda v: v < VIEW_LIMIT))
    return out


def _target(text: str, measured: str, value: Any, met: Any) -> dict[str, Any]:
    return {"target": text, "measured": measured, "met": None if value is None else bool(met(value))}


def _ratio(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    if a["p50_s"] is None or b["p50_s"] is None:
        return None
    return float(a["p50_s"] / b["p50_s"])


def _size_at_least(sizes: dict[str, Any], triples: int) -> tuple[str, dict[str, Any]] | None:
    # a size asked as 1M counts even if its build holds a few triples fewer
    big = [(label, s) for label, s in sizes.items() if s["target_triples"] >= triples and s["queries"]]
    return min(big, key=lambda ls: ls[1]["target_triples"]) if big else None


# -- markdown -----------------------------------------------------------------------------------


def markdown(data: dict[str, Any]) -> str:
    m = data["machine"]
    lines = [
        "# Benchmarks",
        "",
        "How tipkg scales, side by side with the engine's floor (raw pyoxigraph) and with rdflib's engine. Written by",
        f"`{data['command']}` on {data['date']}; the figures are in [benchmarks.json](benchmarks.json).",
        "",
        f"**Machine:** {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), {m['memory_gib']} GiB of memory, {m['system']},",
        f"Python {m['python']};",
        ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        "**Data:** synthetic projects of N reports made by `benchmarks/generate.py`: report 1 is the curated 2011 Mexico",
        "report, every further report a copy of it with its own source text and entities, about a country of its own (its",
        "own Mexico and states, as a corpus covers many countries); foreign places, intergovernmental organizations,",
        "instruments, NGOs, foreign bodies and consulates are shared, declared once, and every later report restates their",
        "facts with `about:` records (the worst case for facts that several reports state). Every 10th report restates",
        "report 1's figures with counts one larger, for the comparisons. Each project is built by the real `tipkg build`;",
        "triples are counted from the build manifest (distinct triples of the union).",
        "",
        f"**Timing:** each query path runs in a child process: one warm-up run, then up to {data['repeat']} runs (fewer once",
        f"{data['budget']:g} s are spent); a run over {data['limit']:g} s kills the child and is shown as `> {data['limit']:g} s`.",
        "p50 and p95 are nearest-rank percentiles of the runs. Parameters take their saved defaults.",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for t in data["targets"]:
        met = {True: "met", False: "**not met**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {t['measured']} | {met} |")
    from benchmarks.build import section as build_section

    lines += ["", "## Build", "", *build_section(data["sizes"]), ""]
    lines += _queries_section(data)
    lines += _service_section(data.get("service"))
    from benchmarks.peers import section as peers_section

    lines += peers_section(data.get("peers"))
    lines += _soak_section(data.get("soak"))
    lines += _views_section(data.get("views"))
    lines += _startup_section(data.get("startup"))
    from benchmarks.draft import section as draft_section  # here: benchmarks.draft imports this module

    lines += draft_section(data.get("draft"))
    if FINDINGS.exists():
        lines += ["## Findings", "", FINDINGS.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def _ms(t: dict[str, Any], key: str = "p50_s") -> str:
    if t.get("over_limit_s") is not None:
        return f"> {t['over_limit_s']:g} s"
    if t.get("error"):
        return "error"
    value = t.get(key)
    if value is None:
        return "—"
    return f"{value * 1000:,.1f}" if value < 10 else f"{value * 1000:,.0f}"


def _x(a: dict[str, Any], b: dict[str, Any]) -> str:
    ratio = _ratio(a, b)
    if ratio is not None:
        return f"{ratio:.2f}"
    if a.get("over_limit_s") is not None and b["p50_s"] is not None:
        return f"> {a['over_limit_s'] / b['p50_s']:.0f}"
    return "—"


def _queries_section(data: dict[str, Any]) -> list[str]:
    lines = [
        "## Queries",
        "",
        "Milliseconds, p50 / p95. *tipkg*: `tipkg.open(root).query(name)` (Oxigraph, rows of rdflib terms; labels are",
        "looked up when first read); *+labels*: the same with `result.labels` read (what the CLI and the service do);",
        "*page*: the first page only, `query(name, window=Window(0, 1000))` (the engine still computes the whole answer);",
        "*floor*: raw pyoxigraph running the same text on the same store as tipkg calls it (its default graph, the",
        "union of the named graphs; same substitutions; every value read); *rdflib*:",
        '`tipkg.open(root, engine="rdflib").query(name)`. *rows*: rows of the tipkg path / of rdflib, where they differ.',
        "",
    ]
    for label, size in data["sizes"].items():
        if not size["queries"]:
            continue
        rd = size.get("rdflib") or {}
        lines += [f"### {label}: {size['build']['triples']:,} triples", ""]
        if rd.get("load_s") is not None:
            lines += [f"rdflib loaded graph.nq in {rd['load_s']:.1f} s (peak memory {rd['peak_rss_mb']:,.0f} MB).", ""]
        elif rd.get("error"):
            lines += [f"rdflib: {rd['error']}", ""]
        head = ["query", "rows", "tipkg", "+labels", "page", "floor", "tipkg/floor", "rdflib", "rdflib/tipkg"]
        lines += ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
        for name, p in size["queries"].items():
            r = p.get("rdflib") or {"p50_s": None, "p95_s": None, "error": "not run", "rows": None}
            rows = str(p["tipkg"]["rows"]) if p["tipkg"]["rows"] is not None else "—"
            if r.get("rows") is not None and r["rows"] != p["tipkg"]["rows"]:
                rows += f" / {r['rows']}"
            cells = [
                f"`{name}`",
                rows,
                f"{_ms(p['tipkg'])} / {_ms(p['tipkg'], 'p95_s')}",
                _ms(p["labels"]),
                _ms(p["page"]) if "page" in p else "—",
                f"{_ms(p['floor'])} / {_ms(p['floor'], 'p95_s')}",
                _x(p["tipkg"], p["floor"]),
                f"{_ms(r)} / {_ms(r, 'p95_s')}" if r.get("error") != "not run" else "not run",
                _x(r, p["tipkg"]),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _service_section(service: dict[str, Any] | None) -> list[str]:
    lines = ["## Service", ""]
    if not service:
        return [*lines, "Not measured (skipped).", ""]
    if service.get("error"):
        return [*lines, f"Not measured: {service['error']}", ""]
    lines += [
        f"`tipkg serve` (default settings) on loopback, on the {service['size']} project ({service['triples']:,} triples);",
        "`GET /queries/<name>.json`; each client a thread, on one keep-alive connection or on a new connection per",
        "request. Clients and service share the cores.",
        "",
        "| query | connection | clients | requests | requests/s | p50 ms | p95 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in service["runs"]:
        rps = f"{r['requests_per_s']:.1f}" if r["requests_per_s"] else "—"
        p50 = f"{r['p50_s'] * 1000:.1f}" if r["p50_s"] is not None else "—"
        p95 = f"{r['p95_s'] * 1000:.1f}" if r["p95_s"] is not None else "—"
        cells = [f"`{r['query']}`", r["connection"], str(r["clients"]), str(r["requests"]), rps, p50, p95, ", ".join(r["errors"]) or "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _soak_section(soak: dict[str, Any] | None) -> list[str]:
    """``python -m benchmarks.soak``'s figures (written by it, kept by the other runs)."""
    lines = ["## Soak", ""]
    if not soak:
        return [*lines, "Not run (`python -m benchmarks.soak`).", ""]
    m = soak["machine"]
    settings = ", ".join(f"`{k}` {v}" for k, v in soak["settings"].items()) or "default settings"
    start, end = soak["rss_start"], soak["rss_end"]
    lines += [
        f"`{soak['command']}` on {soak['date']} ({m['cores']} cores, {m['memory_gib']} GiB): `tipkg serve` ({settings}) on",
        f"the project's build ({soak['triples']:,} triples), {soak['clients']} clients on loopback (one address) for",
        f"{soak['duration_s']:.0f} s, each sending one request after another: saved queries as JSON, cheap ad-hoc SPARQL,",
        "pages, and now and then a query over the time limit or over the memory limit, whose 503s are expected.",
        "An error is any other answer than the expected one.",
        "",
        f"**{soak['requests']:,} requests, {soak['errors']} errors**, {soak['refused_as_expected']} expected refusals;"
        f" {soak['leftover_processes']} processes left after the server was stopped.",
        f"Resident memory, server + workers: {start['server_mb']:.0f} + {start['workers_mb']:.0f} MB"
        f" ({start['workers']:.0f} workers) at the start, {end['server_mb']:.0f} + {end['workers_mb']:.0f} MB"
        f" ({end['workers']:.0f} workers) at the end, {soak['rss_peak_mb']:.0f} MB at most.",
        "",
        "| kind | requests | errors | expected 503 | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, k in soak["kinds"].items():
        ms = [f"{k[key]:,.1f}" if k[key] is not None else "—" for key in ("p50_ms", "p99_ms", "max_ms")]
        lines.append(f"| {kind} | {k['requests']:,} | {k['errors']} | {k['refused_as_expected']} | " + " | ".join(ms) + " |")
    if soak["error_samples"]:
        lines += ["", "Errors (the first ones):", "", *(f"- {e}" for e in soak["error_samples"])]
    return [*lines, ""]


def _views_section(views: list[dict[str, Any]] | None) -> list[str]:
    lines = ["## Views", ""]
    if not views:
        return [*lines, "Not measured (no /usr/bin/chromium, or skipped).", ""]
    lines += [
        "A synthetic network (a random tree plus n/4 edges, as in tests/viz/test_views_browser.py), written by",
        "`tipkg.viz.views.render` + `write_page`, then opened offline in Chromium. *interactive*: from navigation until the page",
        "marks itself ready (layout done, clickable); *select*: selecting a node until its panel shows.",
        "",
        "| nodes | edges | page | write | interactive | select |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for v in views:
        cells = [f"{v['nodes']:,}", f"{v['edges']:,}", f"{v['page_mb']:.1f} MB", f"{v['write_s']:.2f} s", f"{v['interactive_s']:.2f} s"]
        lines.append("| " + " | ".join([*cells, f"{v['select_s'] * 1000:.0f} ms"]) + " |")
    return [*lines, ""]


def _startup_section(startup: dict[str, Any] | None) -> list[str]:
    lines = ["## Start-up", ""]
    if not startup:
        return [*lines, "Not measured.", ""]
    lines += ["A new process each time (median of several runs).", "", "| command | median | runs |", "|---|---:|---|"]
    for s in startup.values():
        runs = ", ".join(f"{r:.2f}" for r in s["runs_s"])
        lines.append(f"| `{s['command']}` | {s['median_s']:.2f} s | {runs} |")
    return [*lines, ""]


if __name__ == "__main__":  # python -m benchmarks.report docs/benchmarks.json: the tables again, from the figures
    import sys

    figures = Path(sys.argv[1])
    write(figures.parent, json.loads(figures.read_text(encoding="utf-8")))
