"""Input files the build refuses before they can hurt: too large (checked before a byte is parsed),
nested too deeply, not UTF-8, holding escapes of characters no text may hold, not a regular file.

Each trap is one case: the library's build raises the exact one-line ``file:line: field: what was
expected``, and the previous build is left byte for byte. One test runs the command line, for the
exit code and the option.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINI, copy_project

from tipkg.build.pipeline import build
from tipkg.cli import main
from tipkg.curation.records import Limits
from tipkg.errors import DataError, TipkgError
from tipkg.project import Project

ACTORS = "graph_data/demo/actors.yaml"
TOO_LARGE = "over the limit of {limit} MB: expected a smaller file (or raise the limit with {setting})"
FILE_SETTING, TEXT_SETTING = "--max-file-mb or TIPKG_MAX_FILE_MB", "--max-text-mb or TIPKG_MAX_TEXT_MB"


def sparse(size_mb: float) -> Callable[[Path], None]:
    """Make the file ``size_mb`` MB of zero bytes without writing them (a sparse file).

    Zero bytes are control characters: had the file been parsed, the message would say so."""

    def make(path: Path) -> None:
        with path.open("wb") as f:
            f.truncate(int(size_mb * 1_000_000))

    return make


def edit(old: bytes, new: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        data = path.read_bytes()
        assert data.count(old) == 1, old
        path.write_bytes(data.replace(old, new))

    return make


def write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def fifo(path: Path) -> None:
    os.mkfifo(path)  # reading it would wait forever for a writer


BLOCK_NESTING = b"".join(b"  " * i + b"a:\n" for i in range(40)) + b"  " * 40 + b"b\n"

# (id, file, how it is made a trap, the whole message)
TRAPS = [
    ("curated-50mb", "graph_data/demo/big.yaml", sparse(50), f"graph_data/demo/big.yaml:1: file: 50 MB, {TOO_LARGE}"),
    ("metadata-5mb", "graph_data/sources/demo.yaml", sparse(5), f"graph_data/sources/demo.yaml:1: file: 5 MB, {TOO_LARGE}"),
    ("text-17mb", "graph_data/sources/demo.txt", sparse(17), f"graph_data/sources/demo.txt:1: file: 17 MB, {TOO_LARGE}"),
    (
        "csv-5mb",
        "graph_data/reference/wikidata_qids.csv",
        sparse(5),
        f"graph_data/reference/wikidata_qids.csv:1: file: 5 MB, {TOO_LARGE}",
    ),
    ("ontology-5mb", "ontology/concepts.ttl", sparse(5), f"ontology/concepts.ttl:1: file: 5 MB, {TOO_LARGE}"),
    ("fifo", "graph_data/demo/pipe.yaml", fifo, "graph_data/demo/pipe.yaml:1: file: not a regular file: expected a text file"),
    (
        "nested-flow",
        ACTORS,
        edit(b"label: {en: Ministry of Care, es: Ministerio de Cuidado}", b"label: " + b"[" * 40 + b"]" * 40),
        f"{ACTORS}:5: yaml: lists and mappings nested more than 32 deep: expected at most 32 levels",
    ),
    (
        "nested-block",
        "graph_data/demo/deep.yaml",
        write(BLOCK_NESTING),
        "graph_data/demo/deep.yaml:33: yaml: lists and mappings nested more than 32 deep: expected at most 32 levels",
    ),
    (
        "lone-surrogate-escape",
        ACTORS,
        edit(b"evidence: the Ministry of Care created the Shelter Office\n\n", b'evidence: "the Ministry\\ud800 of Care"\n\n'),
        f"{ACTORS}:6: evidence: U+D800 is half of a UTF-16 surrogate pair, not a character: expected printable text",
    ),
    (
        "surrogate-pair-escapes",
        ACTORS,
        edit(b"altLabel: [SO]", b'altLabel: ["\\ud83d\\ude00"]'),
        f"{ACTORS}:11: altLabel: U+D83D is half of a UTF-16 surrogate pair, not a character: expected printable text",
    ),
    (
        "surrogate-in-a-key",
        ACTORS,
        edit(b"    type: GovernmentBody\n", b'    "\\udc00": GovernmentBody\n'),
        f"{ACTORS}:4: key: U+DC00 is half of a UTF-16 surrogate pair, not a character: expected printable text",
    ),
    (
        "surrogate-in-source-metadata",
        "graph_data/sources/demo.yaml",
        edit(b'title: {en: "A demo report"}', b'title: {en: "A demo\\udfff report"}'),
        "graph_data/sources/demo.yaml:4: en: U+DFFF is half of a UTF-16 surrogate pair, not a character: expected printable text",
    ),
    (
        "nul-escape",
        ACTORS,
        edit(b"altLabel: [SO]", b'altLabel: ["S\\0O"]'),
        f"{ACTORS}:11: altLabel: U+0000 is a control character: expected printable text",
    ),
    (
        "noncharacter-escape",
        ACTORS,
        edit(b"label: Shelter Office", b'label: "Shelter\\uFFFF Office"'),
        f"{ACTORS}:10: label: U+FFFF is a noncharacter: expected printable text",
    ),
    (
        "control-character",
        ACTORS,
        edit(b"label: Shelter Office", b"label: Shelter\x07 Office"),
        f"{ACTORS}:10: yaml: U+0007 is a control character: expected printable text",
    ),
    (
        "latin-1-curated",
        ACTORS,
        edit(b"label: Shelter Office", b"label: Shelter\xe9 Office"),
        f"{ACTORS}:10: file: byte 0xe9 at column 19 is not UTF-8: expected UTF-8 text",
    ),
    (
        "encoded-surrogate-in-text",
        "graph_data/sources/demo.txt",
        edit(b"in Ciudad Pe", b"in Ciudad \xed\xa0\x80Pe"),
        "graph_data/sources/demo.txt:2: file: byte 0xed at column 73 is not UTF-8: expected UTF-8 text",
    ),
    (
        "latin-1-metadata",
        "graph_data/sources/demo.yaml",
        edit(b"A demo report", b"A d\xe9mo report"),
        "graph_data/sources/demo.yaml:4: file: byte 0xe9 at column 17 is not UTF-8: expected UTF-8 text",
    ),
    (
        "latin-1-csv",
        "graph_data/reference/wikidata_qids.csv",
        edit(b"Mexico,", b"M\xe9xico,"),
        "graph_data/reference/wikidata_qids.csv:2: file: byte 0xe9 at column 2 is not UTF-8: expected UTF-8 text",
    ),
]


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("limits") / "mini", MINI / "graph_data")
    build(Project(root), check=False)
    return root


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file of the build by name, with where ``build`` points, and what lies beside it."""
    out: dict[str, bytes | str] = {"build ->": os.readlink(root / "build")}
    for path in sorted((root / "build").rglob("*")):
        if path.is_file():
            out[path.relative_to(root / "build").as_posix()] = path.read_bytes()
    out["beside"] = " ".join(sorted(p.name for p in [*root.glob(".build*"), *(root / ".builds").iterdir()]))
    return out


@pytest.fixture
def project(built_mini: Path, tmp_path: Path) -> Path:
    """A copy of the built mini project (its ``build`` link, relative, names the copy's folder)."""
    return Path(shutil.copytree(built_mini, tmp_path / "mini", symlinks=True))


@pytest.mark.parametrize(("rel", "make", "message"), [t[1:] for t in TRAPS], ids=[t[0] for t in TRAPS])
def test_a_trap_is_refused_with_one_line_and_the_build_kept(project: Path, rel: str, make: Callable[[Path], None], message: str):
    before = snapshot(project)
    make(project / rel)
    setting = TEXT_SETTING if rel.endswith(".txt") else FILE_SETTING
    expected = message.format(limit=16 if rel.endswith(".txt") else 4, setting=setting)
    with pytest.raises(DataError) as err:
        build(Project(project, limits=Limits()), check=False)
    assert str(err.value) == expected
    assert snapshot(project) == before


def test_the_size_is_checked_before_the_file_is_read(project: Path) -> None:
    """50 MB refused at once; allowed, the same file is read and parsed (and refused for its content)."""
    sparse(50)(project / "graph_data/demo/big.yaml")
    started = time.perf_counter()
    with pytest.raises(DataError, match=r"^graph_data/demo/big.yaml:1: file: 50 MB, over the limit of 4 MB"):
        build(Project(project, limits=Limits()), check=False)
    refused = time.perf_counter() - started
    with pytest.raises(DataError) as err:
        build(Project(project, limits=Limits(file_mb=60)), check=False)
    assert str(err.value) == "graph_data/demo/big.yaml:1: yaml: U+0000 is a control character: expected printable text"
    print(f"50 MB file refused in {refused * 1000:.0f} ms (the whole failed build)")


def test_the_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Limits.from_env() == Limits(4.0, 16.0, 32)
    monkeypatch.setenv("TIPKG_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("TIPKG_MAX_TEXT_MB", "100")
    assert Limits.from_env() == Limits(0.5, 100.0)
    assert Limits.from_env(file_mb=2.0) == Limits(2.0, 100.0)  # an option wins over the environment
    for bad in ("lots", "0", "-1", "nan"):
        monkeypatch.setenv("TIPKG_MAX_FILE_MB", bad)
        with pytest.raises(TipkgError) as err:
            Limits.from_env()
        assert str(err.value) == f"TIPKG_MAX_FILE_MB={bad!r}: expected a positive number of megabytes"


def test_the_command_line_exits_2_with_one_line_and_keeps_the_build(project: Path) -> None:
    """A 5 MB curated file under the limit of ``tipkg build --max-file-mb 4.5``."""
    before = snapshot(project)
    sparse(5)(project / "graph_data/demo/big.yaml")
    result = CliRunner().invoke(main, ["build", "--root", str(project), "-q", "--no-check", "--max-file-mb", "4.5"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "tipkg: error: graph_data/demo/big.yaml:1: file: 5 MB, over the limit of 4.5 MB: expected a smaller file "
        f"(or raise the limit with {FILE_SETTING})"
    ]
    assert snapshot(project) == before


def test_the_limits_are_documented_as_declared() -> None:
    root = Path(__file__).resolve().parents[2]
    readme, curators = ((root / name).read_text(encoding="utf-8") for name in ("docs/build.md", "graph_data/README.md"))
    limits = Limits()
    for doc in (readme, curators):
        assert f"{limits.file_mb:g} MB" in doc and f"{limits.text_mb:g} MB" in doc and f"at most {limits.depth} deep" in doc
        assert "TIPKG_MAX_FILE_MB" in doc and "TIPKG_MAX_TEXT_MB" in doc
    for command in ("build", "check", "coverage"):
        help_text = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
        assert f"[env TIPKG_MAX_FILE_MB; default {limits.file_mb:g}]" in help_text
        assert f"[env TIPKG_MAX_TEXT_MB; default {limits.text_mb:g}]" in help_text
