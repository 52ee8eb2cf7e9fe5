"""docs/service.md documents every setting (as declared), every route and the serve command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipkg.service.settings import SETTINGS, Setting

DOC = (Path(__file__).resolve().parents[2] / "docs" / "service.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_every_setting_is_documented_as_declared(setting: Setting) -> None:
    assert f"| `{setting.name}` | `{setting.default}` | {setting.help} |" in DOC


def test_every_route_is_documented(built_real: Path) -> None:
    from tipkg.service.app import create_app

    app = create_app(built_real)
    for route in app.routes:
        path = getattr(route, "path", "")
        if path.startswith("/static"):
            continue
        shown = path.split("{", 1)[0].rstrip("/") or "/"
        assert f"`{shown}" in DOC, path


def test_the_serve_command_is_documented() -> None:
    from click.testing import CliRunner

    from tipkg.cli import main

    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    for option in ("--host", "--port", "--setting", "--root"):
        assert option in help_text and option in DOC
