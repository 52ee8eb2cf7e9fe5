"""Screenshots of the standard network pages for the README: docs/img/view-*.png.

Usage (after `tipkg build`): .venv/bin/python scripts/screenshots.py [BUILD_DIR] [OUT_DIR]

Writes the standard pages into BUILD_DIR/views (see tipkg.viz.files.write_standard_views), opens each
in Debian's Chromium (no network, through Playwright), selects a node so the side panel shows its
facts and quotes, and saves a PNG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tipkg.network.reading import load_network
from tipkg.network.search import resolve
from tipkg.viz import files, views
from tipkg.viz.chromium import launch

ROOT = Path(__file__).resolve().parents[1]
SEARCH = {"graph.html": "fevimtra"}  # typed into the search box before the shot


def main(build_dir: Path, out_dir: Path) -> list[Path]:
    files.write_standard_views(build_dir)
    g = load_network(build_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(offline=True, viewport={"width": 1500, "height": 900}, device_scale_factor=1)
        for file, view in views.standard_views(g).items():
            page = context.new_page()
            page.goto((build_dir / "views" / file).as_uri())
            page.wait_for_selector("body[data-ready]", state="attached", timeout=60000)
            if file in SEARCH:
                page.fill("#search", SEARCH[file])
                node = resolve(g, SEARCH[file])
            else:
                entities = [n for n in view if view.nodes[n]["kind"] == "entity" and view.nodes[n]["evidence"]]
                node = max(entities, key=lambda n: (view.degree(n), n)) if entities else None
            if node is not None:
                page.evaluate("(id) => window.tipkg.select(id)", node)
                page.evaluate("() => window.tipkg.fitWithLabels()")  # the labels drawn, none cut
            target = out_dir / f"view-{file.removesuffix('.html')}.png"
            page.screenshot(path=str(target))
            written.append(target)
            page.close()
        browser.close()
    return written


if __name__ == "__main__":
    build = (Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build").resolve()  # a file URI needs an absolute path
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "img"
    for path in main(build, out):
        print(path)
