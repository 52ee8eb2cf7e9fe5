"""The HTML document of a network page: tipkg's template (``viewer/``) with vis-network's JavaScript
and CSS inlined from the files pyvis ships, the page's data as JSON, and a Content-Security-Policy
that lets only the page's own two scripts run."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tipkg.errors import NetworkError


def page(title: str, subtitle: str, lang: str, ui: dict[str, str], nav: list[dict[str, Any]], data: dict[str, Any]) -> str:
    import jinja2

    vis_js, vis_css = _vis_assets()
    viewer_js = _asset("viewer.js")
    template = jinja2.Environment(autoescape=True).from_string(_asset("page.html"))
    return template.render(
        lang=lang,
        title=title,
        subtitle=subtitle,
        ui=ui,
        nav=nav,
        vis_css=vis_css,
        page_css=_asset("viewer.css"),
        vis_js=vis_js,
        viewer_js=viewer_js,
        data_json=script_json(data),
        script_sources=" ".join(_csp_hash(s) for s in (vis_js, viewer_js)),
    )


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, ``<!--`` or ``]]>``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


@cache
def _asset(name: str) -> str:
    return resources.files("tipkg.viz").joinpath("viewer", name).read_text(encoding="utf-8")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, from the copy pyvis ships (no network needed)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise NetworkError("the vis-network files shipped with pyvis cannot be inlined")
    return js, css
