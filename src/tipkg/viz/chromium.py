"""Debian's Chromium as tipkg's browser tests, screenshots and benchmarks start it: headless, no
browser download, no background traffic (without these flags it keeps calling Google's hosts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch(playwright: Any) -> Any:
    """A Chromium browser from a running Playwright (``sync_playwright()``)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(ARGS))
