"""The command itself, apart from what each command does (tested with its concern): every command
is there with its help, start-up loads no heavy library, and a library error is one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tipkg.cli import main

COMMANDS = [
    "build",
    "check",
    "coverage",
    "source",
    "find",
    "draft",
    "query",
    "sparql",
    "compare",
    "viz",
    "analyze",
    "publish",
    "link",
    "serve",
]
HEAVY = ("rdflib", "pyoxigraph", "networkx", "starlette", "uvicorn", "pyvis", "owlready2", "pyshacl", "yaml", "jinja2", "SPARQLWrapper")


def test_every_command_is_listed() -> None:
    assert sorted(main.commands) == sorted(COMMANDS)
    listed = CliRunner().invoke(main, ["--help"]).output
    assert all(f"  {name} " in listed for name in COMMANDS), listed


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_help_of_its_own(name: str) -> None:
    done = CliRunner().invoke(main, [name, "--help"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"Usage: main {name} ") and len(done.output.splitlines()) > 3


def test_start_up_loads_no_heavy_library() -> None:
    probe = "import sys, tipkg.cli; print(' '.join(sorted(m for m in sys.modules if '.' not in m)))"
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split())
    assert "tipkg" in loaded and "click" in loaded  # the probe sees what it imports
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


def test_a_library_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["query", "run", "actors", "--root", str(tmp_path)])
    assert done.exit_code == 2
    assert done.output.count("\n") == 1 and done.output.startswith("tipkg: error: "), done.output


def test_input_nested_too_deeply_is_one_line_and_exit_2() -> None:
    @click.command()
    def deep() -> None:
        raise RecursionError

    main.add_command(deep)
    try:
        done = CliRunner().invoke(main, ["deep"])
    finally:
        main.commands.pop("deep")
    assert (done.exit_code, done.output) == (2, "tipkg: error: input nested too deeply\n")
