"""``python -m benchmarks``: build synthetic projects of several sizes, time everything, write the report.

    python -m benchmarks --sizes 10k,100k,1M --repeat 10 --out docs/
    python -m benchmarks draft --out docs/     # tipkg draft scored against the curated records (benchmarks/draft.py)

Generated projects go to a new temporary folder, removed at the end unless ``--keep`` (or to the
folder ``--work`` names, and stay there). The figures so far are written after each size, so a long
run that stops still leaves them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.build import load_rates, timed_build, timed_edit
from benchmarks.generate import TEMPLATE, reports_for, write_project
from benchmarks.queries import query_names, time_oxigraph_paths, time_rdflib_path

REPO = Path(__file__).resolve().parent.parent
PARTS = ("rdflib", "startup", "service", "peers", "views")
_UNITS = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    text = text.strip().lower()
    if text and text[-1] in _UNITS:
        return int(float(text[:-1]) * _UNITS[text[-1]])
    return int(text)


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10k,100k,1M", help="Sizes in triples, like 10k,100k,1M (default: %(default)s).")
    parser.add_argument("--repeat", type=int, default=10, help="Timed runs per query and path, after a warm-up (default: %(default)s).")
    parser.add_argument("--limit", type=float, default=30.0, help="Seconds one query run may take (default: %(default)s).")
    parser.add_argument(
        "--budget", type=float, default=10.0, help="Stop repeating a query once this many seconds are spent (default: %(default)s)."
    )
    parser.add_argument("--build-only", default="", help="More sizes to build and load but not query, like 2M (default: none).")
    parser.add_argument("--check-up-to", default="1M", help="Validate (SHACL) the builds up to this size only (default: %(default)s).")
    parser.add_argument("--skip", default="", help=f"Parts to leave out, comma-separated: {', '.join(PARTS)}.")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="Folder for benchmarks.md and benchmarks.json (default: docs/).")
    parser.add_argument("--work", type=Path, default=None, help="Folder for the generated projects (default: a new temporary folder).")
    parser.add_argument("--keep", action="store_true", help="Keep the generated projects.")
    parser.add_argument("--add", action="store_true", help="Add this run's sizes and parts to the figures already in --out.")
    parser.add_argument("--edit-up-to", default="1M", help="Time a rebuild after one report's edit up to this size (default: %(default)s).")
    args = parser.parse_args(argv)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = args.skip - set(PARTS)
    if unknown:
        parser.error(f"--skip: unknown part {sorted(unknown)[0]!r}; expected some of {', '.join(PARTS)}")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["draft"]:  # python -m benchmarks draft: tipkg draft scored against curated records
        from benchmarks.draft import main as draft_main

        return draft_main(argv[1:])
    args = arguments(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="tipkg-bench-"))
    data: dict[str, Any] = {
        "command": "python -m benchmarks " + shlex.join(argv),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.machine(),
        "repeat": args.repeat,
        "limit": args.limit,
        "budget": args.budget,
        "template": TEMPLATE,
        "sizes": {},
    }
    previous = args.out / "benchmarks.json"
    if previous.exists():  # the soak's figures (python -m benchmarks.soak) are its own: kept
        kept = json.loads(previous.read_text(encoding="utf-8"))
        data["soak"] = kept.get("soak")
        data["draft"] = kept.get("draft")  # likewise python -m benchmarks draft's
        if args.add:  # this run's sizes and parts are added to the previous run's
            data = {**kept, **{k: v for k, v in data.items() if k != "sizes"}, "sizes": kept.get("sizes", {})}
            data["command"] = f"{kept['command']}, then {data['command']}"
    check_up_to = parse_size(args.check_up_to)
    try:
        for label in _labels(args.sizes):
            data["sizes"][label] = measure_size(label, work, args, check_up_to)
            report.write(args.out, data)
        projects = {label: work / label for label in data["sizes"]}
        for label in _labels(args.build_only):
            data["sizes"][label] = measure_size(label, work, args, check_up_to, queries=False)
            report.write(args.out, data)
            shutil.rmtree(work / label, ignore_errors=True)
        if projects and "startup" not in args.skip:
            from benchmarks.startup import time_startup

            say("start-up")
            smallest = min(data["sizes"], key=lambda k: data["sizes"][k]["build"]["triples"])
            data["startup"] = time_startup(projects[smallest])
        if projects and "service" not in args.skip:
            from benchmarks.service import time_service

            label = min(data["sizes"], key=lambda k: abs(data["sizes"][k]["build"]["triples"] - 100_000))
            say(f"service on {label}")
            measured = time_service(projects[label]) if has_service() else {"error": "this tipkg has no `serve` command"}
            data["service"] = {"size": label, "triples": data["sizes"][label]["build"]["triples"], **measured}
        if projects and "peers" not in args.skip:
            run_peers(data, work)
        if "views" not in args.skip:
            from benchmarks.views import time_views

            say("views")
            data["views"] = time_views(work)
        md, js = report.write(args.out, data)
        say(f"written {md} and {js}")
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return data


def run_peers(data: dict[str, Any], work: Path) -> None:
    """tipkg serve beside rdflib-endpoint on the measured projects closest to 10k and 100k triples (benchmarks/peers.py)."""
    from benchmarks.peers import time_sizes

    measured = {label: s for label, s in data["sizes"].items() if s["queries"]}
    say(f"tipkg serve beside rdflib-endpoint on {', '.join(measured)}")
    data["peers"] = time_sizes(measured, work)


def _labels(sizes: str) -> list[str]:
    return [s.strip() for s in sizes.split(",") if s.strip()]


def measure_size(label: str, work: Path, args: argparse.Namespace, check_up_to: int, queries: bool = True) -> dict[str, Any]:
    target = parse_size(label)
    reports = reports_for(target)
    root = write_project(work / label, reports, REPO)
    check = target <= check_up_to
    say(f"{label}: {reports} reports; building{'' if check else ' (--no-check)'}")
    build = timed_build(root, check)
    say(f"{label}: {build.triples:,} triples in {build.seconds:.1f} s, peak {build.peak_rss_mb:,.0f} MB; loading the store again")
    load = load_rates(root / "build", root / "load-store")
    edit = None
    if target <= parse_size(args.edit_up_to):
        say(f"{label}: one report edited, building again")
        edit = timed_edit(root, check)
        say(f"{label}: {edit['units']} in {edit['seconds']:.1f} s")
    out: dict[str, Any] = {
        "target_triples": target,
        "reports": reports,
        "build": build.as_dict(),
        "load": load,
        "edit": edit,
        "rdflib": None,
        "queries": {},
    }
    if not queries:
        return out
    names = query_names(root)
    say(f"{label}: {len(names)} queries on the Oxigraph paths")
    started = time.perf_counter()
    timings = time_oxigraph_paths(root, names, args.repeat, args.limit, args.budget)
    say(f"{label}: done in {time.perf_counter() - started:.0f} s")
    out["queries"] = {n: {k: t.as_dict() for k, t in paths.items()} for n, paths in timings.items()}
    out["rdflib"] = {"error": "skipped"}
    if "rdflib" not in args.skip:
        say(f"{label}: the rdflib path")
        rdflib = time_rdflib_path(root, names, args.repeat, args.limit, args.budget, load_limit=3600)
        for name, timing in rdflib.pop("queries").items():
            out["queries"][name]["rdflib"] = timing.as_dict()
        out["rdflib"] = rdflib
    return out


def has_service() -> bool:
    from benchmarks.startup import tipkg_command

    done = subprocess.run([*tipkg_command(), "serve", "--help"], capture_output=True, check=False)
    return done.returncode == 0


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
