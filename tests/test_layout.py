"""The package's shape, checked so that it stays the one issue 14 gave it: one folder per concern,
small modules, pyoxigraph behind two doors, no block of code written twice."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tipkg"
TESTS = Path(__file__).resolve().parent
MODULES = sorted(SRC.rglob("*.py"))
MAX_LINES = 400
MAX_TOP_LEVEL = 15
OXIGRAPH_DOORS = {"engines/oxigraph.py", "build/rdfio.py"}
REPEAT = 6  # lines: a block this long written twice is one function too few
_NOISE = re.compile(r"^(#.*|[\])}(\[{,:]*|\"\"\"|import .*|from .* import .*|else:|try:|finally:|@.*)$")


def _name(path: Path, root: Path = SRC) -> str:
    return path.relative_to(root).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines"


def test_the_top_of_the_package_is_small() -> None:
    top = sorted(p.name for p in SRC.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def test_every_folder_of_the_package_has_its_folder_of_tests() -> None:
    folders = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    missing = sorted(f for f in folders if not (TESTS / f).is_dir())
    assert not missing, f"src/tipkg folders without tests/<folder>: {missing}"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_pyoxigraph_is_imported_behind_two_doors_only() -> None:
    importers = {_name(p) for p in MODULES if "pyoxigraph" in _imports(p)}
    assert importers <= OXIGRAPH_DOORS, sorted(importers - OXIGRAPH_DOORS)


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines that carry code, white space folded; comments, docstring fences, imports, decorators and lone
    punctuation left out (they repeat without being logic)."""
    kept = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = " ".join(raw.split())
        if line and not _NOISE.match(line):
            kept.append((number, line))
    return kept


def repeated_blocks(paths: list[Path], root: Path = SRC, size: int = REPEAT) -> list[str]:
    """Places where ``size`` consecutive code lines stand again, to the letter, elsewhere in ``paths``."""
    seen: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path in paths:
        lines = _code_lines(path)
        for i in range(len(lines) - size + 1):
            window = tuple(text for _, text in lines[i : i + size])
            seen[window].append(f"{_name(path, root)}:{lines[i][0]}")
    return sorted(" ~ ".join(places) for places in seen.values() if len(places) > 1)


def test_no_block_of_six_lines_is_written_twice() -> None:
    assert repeated_blocks(MODULES) == []


def test_the_repeat_finder_finds_a_repeat(tmp_path: Path) -> None:
    body = "".join(f"    total = total + {i}\n" for i in range(REPEAT))
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(f"def f(total):\n{body}    return total\n", encoding="utf-8")
    found = repeated_blocks(sorted(tmp_path.glob("*.py")), tmp_path)
    assert found == ["a.py:1 ~ b.py:1", "a.py:2 ~ b.py:2", "a.py:3 ~ b.py:3"]
