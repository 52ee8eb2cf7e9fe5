"""Every query parameter the service reads by name is in ``/openapi.json`` for the routes that read
it: the modules of ``tipkg.service`` are scanned for ``query_params.get("…")``, ``.getlist("…")`` and
``query_params["…"]``, and each route's reads are those of its view function and of every function
of the service it names (calls, or hands to ``run_in_threadpool``/``partial``), followed through the
modules' own imports. Names read from a variable (a saved query's own parameters) are left out."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import tipkg.service

SERVICE = Path(tipkg.service.__file__).parent
# what the scan finds but the route never reads: (route name, parameter) -> why
NOT_READ = {("void", "lang"): "the HTML branch of the dataset's answer, which /.well-known/void never takes (it offers RDF only)"}


def scan() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Each function of the service (``module.function``): the parameter names it reads, the functions it names."""
    reads: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for path in sorted(SERVICE.rglob("*.py")):
        module = ".".join(("tipkg", *path.relative_to(SERVICE.parent).with_suffix("").parts)).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = {f.name for f in tree.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                aliases |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                aliases |= {a.asname or a.name: a.name for a in node.names}
        for function in tree.body:
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            key = f"{module}.{function.name}"
            reads[key], names[key] = set(), set()
            for node in ast.walk(function):
                if isinstance(node, ast.Name):
                    names[key].add(f"{module}.{node.id}" if node.id in local else aliases.get(node.id, ""))
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                    names[key].add(f"{aliases[node.value.id]}.{node.attr}")
                reads[key] |= _read(node)
    return reads, names


def _read(node: ast.AST) -> set[str]:
    def params(value: ast.AST) -> bool:
        return isinstance(value, ast.Attribute) and value.attr == "query_params"

    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getlist") and node.args:
        first = node.args[0]
        return {str(first.value)} if params(node.func.value) and isinstance(first, ast.Constant) else set()
    if isinstance(node, ast.Subscript) and params(node.value) and isinstance(node.slice, ast.Constant):
        return {str(node.slice.value)}
    return set()


def reached(start: str, reads: dict[str, set[str]], names: dict[str, set[str]]) -> set[str]:
    seen, todo, found = set(), [start], set()
    while todo:
        function = todo.pop()
        if function in seen or function not in reads:
            continue
        seen.add(function)
        found |= reads[function]
        todo += names[function]
    return found


def test_the_scan_finds_what_the_views_read() -> None:
    reads, _ = scan()
    assert reads["tipkg.service.views.pager.requested"] == {"page"}
    assert reads["tipkg.service.views.panels.choose"] == {"view"}
    assert sum(bool(r) for r in reads.values()) >= 8


def test_every_parameter_a_route_reads_is_described_for_it(client: Any) -> None:
    reads, names = scan()
    doc = client.get("/openapi.json").json()
    checked = 0
    for route in client.app.routes:
        endpoint = f"{route.endpoint.__module__}.{route.endpoint.__qualname__}"
        read = reached(endpoint, reads, names)
        assert all(p in read for (name, p) in NOT_READ if name == route.name), "an exception the scan no longer needs"
        read -= {p for (name, p) in NOT_READ if name == route.name}
        path = next(p for p, item in doc["paths"].items() if item.get("get", {}).get("operationId", "").startswith(f"{route.name}_"))
        described = {p["name"] for p in doc["paths"][path]["get"].get("parameters", [])}
        assert read <= described, f"{route.path} reads {sorted(read - described)} that /openapi.json does not describe"
        checked += bool(read)
    assert checked >= 10
