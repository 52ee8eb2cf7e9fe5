"""`tipkg source add`: a report's text stored as UTF-8 NFC, its metadata written, or nothing at all.

The report texts of tests/fixtures/intake are FICTIONAL.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import MINI, copy_project
from rdflib import Literal

import tipkg
from tipkg.cli import main
from tipkg.curation.intake import _write_all, add_source, decode_text, detect_sections, heading_area
from tipkg.curation.sources import load_sources, parse_source
from tipkg.errors import DataError, TipkgError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "intake"
SPANISH = (FIXTURES / "informe-es.txt").read_text(encoding="utf-8")
ENGLISH = (FIXTURES / "report-en.txt").read_text(encoding="utf-8")
NFD = unicodedata.normalize("NFD", SPANISH)
converted = "text converted from {} to UTF-8 NFC by tipkg source add".format

ENCODINGS = {
    "utf-8": (SPANISH.encode("utf-8"), None),
    "utf-8 with a BOM": (codecs.BOM_UTF8 + SPANISH.encode("utf-8"), converted("UTF-8 with a byte-order mark")),
    "utf-16 le with a BOM": (codecs.BOM_UTF16_LE + SPANISH.encode("utf-16-le"), converted("UTF-16 with a byte-order mark")),
    "utf-16 be with a BOM": (codecs.BOM_UTF16_BE + SPANISH.encode("utf-16-be"), converted("UTF-16 with a byte-order mark")),
    "windows-1252": (SPANISH.encode("cp1252"), converted("windows-1252")),
    "decomposed (NFD) utf-8": (
        NFD.encode("utf-8"),
        "text normalized from UTF-8 to UTF-8 NFC (composed characters) by tipkg source add",
    ),
}


@pytest.mark.parametrize(("data", "note"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_decode_text_gives_utf8_nfc_and_says_what_was_done(data: bytes, note: str | None) -> None:
    assert NFD != SPANISH and "ñ" in SPANISH and "é" in SPANISH
    decoded = decode_text(data, "informe.txt")
    assert decoded.text == SPANISH and decoded.note == note


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("“Peña” — café".encode("cp1252"), "“Peña” — café", "windows-1252"),  # curly quotes and dash: 0x93 0x94 0x97
        (b"Pe\xf1a \x81", "Peña \x81", "latin-1"),  # 0x81 is no character of Windows-1252
    ],
)
def test_decode_text_falls_back_from_utf8(data: bytes, text: str, encoding: str) -> None:
    assert decode_text(data, "r.txt").text == text
    assert decode_text(data, "r.txt").note == converted(encoding)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Report".encode("utf-16-le"), "r.txt: holds NUL characters (UTF-16 without a byte-order mark?)"),
        (codecs.BOM_UTF16_LE + b"R\x00e", "r.txt: starts with the byte-order mark of UTF-16 but is not UTF-16 (truncated data)"),
        # UTF-8 but for one stray byte: read as Windows-1252 it would store "ProcuradurÃ­a" for good
        (
            "Procuraduría\nUna línea".encode() + b"\xff.",
            "r.txt: byte 24 (line 2) is not UTF-8: 0xff (invalid start byte), though the text is UTF-8 elsewhere ('í' at byte 10)",
        ),
        ("Peña ".encode() + b"\xe9t\xe9", "r.txt: byte 6 (line 1) is not UTF-8: 0xe9 (invalid continuation byte)"),
    ],
    ids=["utf-16 without a BOM", "truncated utf-16", "stray byte in utf-8", "windows-1252 word in utf-8"],
)
def test_decode_text_refuses_what_is_not_text(data: bytes, message: str) -> None:
    with pytest.raises(TipkgError, match="^" + re.escape(message)):
        decode_text(data, "r.txt")


@pytest.mark.parametrize(
    ("heading", "area"),
    [
        ("Activities in the Area of Prevention", "prevention"),
        ("2. PROSECUTION", "prosecution"),
        ("Protective activities", "protection"),
        ("Prevención", "prevention"),
        ("prevencion y sensibilizacion", "prevention"),
        ("Persecución del delito", "prosecution"),
        ("PROCURACIÓN DE JUSTICIA", "prosecution"),
        ("Atencion a Victimas", "protection"),
        ("Protección", "protection"),
        ("Prevention and protection", None),  # two areas: the curator decides
        ("Annexes", None),
        ("Preventionism", None),  # a word, not part of one
    ],
)
def test_heading_area(heading: str, area: str | None) -> None:
    assert heading_area(heading) == area


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        (
            ENGLISH,
            [
                {"heading": "1. Prevention", "area": "prevention"},
                {"heading": "2. Prosecution", "area": "prosecution"},
                {"heading": "3. Protection of victims", "area": "protection"},
                {"heading": "Annexes"},
            ],
        ),
        (
            SPANISH,
            [
                {"heading": "Prevención", "area": "prevention"},
                {"heading": "PERSECUCIÓN DEL DELITO", "area": "prosecution"},
                {"heading": "Atención a víctimas", "area": "protection"},
            ],
        ),
        ("Summary\nA line.\nSummary\nAnother line.\n", []),  # twice: it cannot mark where a section starts
        (
            "Findings   of\tthe year\nIt ends with a colon:\nand goes on in lower case\nIt is short.\nIn short:\nReport.\n",
            [{"heading": "Findings of the year"}, {"heading": "In short:"}, {"heading": "Report."}],
        ),
        # a heading is a line: its word in a sentence does not make it occur twice
        (
            "Prevention\nPrevention is the first aim.\nSummary\r\nSummary of the year.\n",
            [{"heading": "Prevention", "area": "prevention"}, {"heading": "Summary"}],
        ),
    ],
    ids=["english", "spanish", "repeated", "white space, colon, lower case, sentence", "word also in the body"],
)
def test_detect_sections(text: str, sections: list[dict[str, str]]) -> None:
    assert detect_sections(text) == sections


META = "id: ru-2012\nfile: ru-2012.txt\nsha256: {}\nlanguage: en\nsections:\n  - {{heading: {}}}\n"


@pytest.mark.parametrize(
    ("text", "heading", "start"),
    [
        ("Intro.\nPrevention is the first aim.\n  Prevention \nIt works.\n", "Prevention", 32),
        ("Intro.\nActivities in\tthe Area\n", "Activities in the Area", 7),
    ],
)
def test_the_loader_locates_a_heading_as_a_whole_line(text: str, heading: str, start: int) -> None:
    meta = META.format(hashlib.sha256(text.encode()).hexdigest(), heading)
    source = parse_source(meta, "ru-2012.yaml", text, "ru-2012.txt")
    assert [(s.label, s.start) for s in source.sections] == [(heading, 0)] and source.section_at(start).label == heading


@pytest.mark.parametrize(
    ("text", "heading", "message"),
    [
        ("Intro.\nPrevention is the first aim.\n", "Prevention", "'Prevention' is no line of the text: expected one whole line"),
        ("Summary\nA line.\nSummary\n", "Summary", "'Summary' is 2 lines of the text: expected one whole line"),
    ],
)
def test_the_loader_refuses_a_heading_that_is_not_one_line(text: str, heading: str, message: str) -> None:
    meta = META.format(hashlib.sha256(text.encode()).hexdigest(), heading)
    with pytest.raises(DataError, match=re.escape(message)):
        parse_source(meta, "ru-2012.yaml", text, "ru-2012.txt")


def test_the_loader_refuses_the_ids_intake_refuses() -> None:
    meta = "id: ru_2012\nfile: ru-2012.txt\nsha256: {}\nlanguage: en\n".format(hashlib.sha256(b"A text.").hexdigest())
    with pytest.raises(DataError, match=re.escape("expected lower-case letters, digits and '-'")):
        parse_source(meta, "ru-2012.yaml", "A text.", "ru-2012.txt")


def test_a_file_written_meanwhile_is_never_replaced(tmp_path: Path) -> None:
    # another intake wrote the metadata after this one checked that the name was free
    (tmp_path / "ru-2012.yaml").write_text("id: ru-2012\n", encoding="utf-8")
    files = [(tmp_path / "ru-2012.txt", b"A text.\n"), (tmp_path / "ru-2012.yaml", b"id: other\n")]
    with pytest.raises(TipkgError, match=r"^ru-2012\.yaml: already exists \(written meanwhile\): nothing written$"):
        _write_all(files, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"ru-2012.yaml": b"id: ru-2012\n"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The mini project (one source, ``demo``) in a temporary folder."""
    return copy_project(tmp_path / "project", MINI / "graph_data")


def _sources(root: Path) -> Path:
    return root / "graph_data" / "sources"


@pytest.mark.parametrize(("data", "note"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_add_source_stores_utf8_nfc_and_metadata_that_loads(project: Path, tmp_path: Path, data: bytes, note: str | None) -> None:
    given = tmp_path / "informe.txt"
    given.write_bytes(data)
    meta_path = add_source(project, given, source_id="ru-2012", language="es", issued="2013-03")
    assert meta_path == _sources(project) / "ru-2012.yaml"
    stored = (_sources(project) / "ru-2012.txt").read_bytes()
    assert stored == SPANISH.encode("utf-8")
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    assert meta.get("note") == note
    assert meta["sha256"] == hashlib.sha256(stored).hexdigest()
    assert meta["title"] == {"es": "FICTIONAL: informe de la República de Ruritania sobre la trata de personas, 2012"}
    source = load_sources(_sources(project), project)["ru-2012"]
    assert source.language == "es" and source.text == SPANISH
    assert [(s.label, s.area) for s in source.sections] == [
        ("Prevención", "prevention"),
        ("PERSECUCIÓN DEL DELITO", "prosecution"),
        ("Atención a víctimas", "protection"),
    ]
    assert not [p for p in _sources(project).iterdir() if p.name.startswith(".")]  # no temporary file left


def test_add_source_writes_the_metadata_given(project: Path) -> None:
    meta_path = add_source(
        project,
        FIXTURES / "report-en.txt",
        source_id="ru-2012",
        title="Ruritania: a FICTIONAL report",
        author="Ministry of Care of Ruritania",
        issued="2013-03-15",
        url="https://example.org/ruritania/2012",
    )
    assert yaml.safe_load(meta_path.read_text(encoding="utf-8")) == {
        "id": "ru-2012",
        "file": "ru-2012.txt",
        "sha256": hashlib.sha256(ENGLISH.encode("utf-8")).hexdigest(),
        "title": {"en": "Ruritania: a FICTIONAL report"},
        "author": "Ministry of Care of Ruritania",
        "url": "https://example.org/ruritania/2012",
        "issued": "2013-03-15",
        "language": "en",
        "sections": [
            {"heading": "1. Prevention", "area": "prevention"},
            {"heading": "2. Prosecution", "area": "prosecution"},
            {"heading": "3. Protection of victims", "area": "protection"},
            {"heading": "Annexes"},
        ],
    }


def test_a_project_with_the_added_source_builds(tmp_path: Path) -> None:
    from tipkg.build.pipeline import build
    from tipkg.project import Project

    root = copy_project(tmp_path / "project", MINI / "graph_data")
    given = tmp_path / "informe.txt"
    given.write_bytes(SPANISH.encode("cp1252"))
    result = CliRunner().invoke(
        main, ["source", "add", "--root", str(root), str(given), "--id", "ru-2012", "--language", "es", "--issued", "2013"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(_sources(root) / "ru-2012.yaml")
    build(Project(root))
    sections = tipkg.open(root).query(SECTIONS, source=Literal("graph_data/sources/ru-2012.txt"))
    assert [(str(label), str(area) if area else None) for label, area in sections.rows] == [
        ("Prevención", "prevention"),
        ("PERSECUCIÓN DEL DELITO", "prosecution"),
        ("Atención a víctimas", "protection"),
    ]


SECTIONS = """PREFIX tipkg: <https://w3id.org/tipkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label ?area WHERE {
  ?doc tipkg:textFile ?source . ?section tipkg:sectionOf ?doc ; rdfs:label ?label ; tipkg:start ?start .
  OPTIONAL { ?section tipkg:area/skos:notation ?area }
} ORDER BY ?start"""


def _fifo(root: Path, tmp_path: Path) -> str:
    os.mkfifo(tmp_path / "pipe")
    return str(tmp_path / "pipe")


def _text_only(root: Path, tmp_path: Path) -> str:
    (_sources(root) / "ru-2012.txt").write_text("An older text.\n", encoding="utf-8")
    return str(FIXTURES / "report-en.txt")


def _same_text_in_another_encoding(root: Path, tmp_path: Path) -> str:
    demo = (_sources(root) / "demo.txt").read_text(encoding="utf-8")
    (tmp_path / "copy.txt").write_bytes(codecs.BOM_UTF16_LE + demo.encode("utf-16-le"))
    return str(tmp_path / "copy.txt")


def _english(root: Path, tmp_path: Path) -> str:
    return str(FIXTURES / "report-en.txt")


def _stray_byte(root: Path, tmp_path: Path) -> str:
    (tmp_path / "stray.txt").write_bytes(ENGLISH.encode() + "Procuraduría ".encode("cp1252") + "é".encode())
    return str(tmp_path / "stray.txt")


def _empty(root: Path, tmp_path: Path) -> str:
    (tmp_path / "empty.txt").write_bytes(codecs.BOM_UTF8 + b" \n\n")
    return str(tmp_path / "empty.txt")


@pytest.mark.parametrize(
    ("given", "args", "message"),
    [
        (_english, ["--id", "Ru_2012"], "source id 'Ru_2012': expected lower-case letters, digits and '-'"),
        (_english, ["--id", "ru/2012"], "source id 'ru/2012': expected lower-case letters, digits and '-'"),
        (_english, ["--id", "-ru"], "source id '-ru': expected lower-case letters, digits and '-'"),
        (_english, ["--id", "demo"], "source id 'demo': graph_data/sources/demo.yaml already exists"),
        (_text_only, ["--id", "ru-2012"], "source id 'ru-2012': graph_data/sources/ru-2012.txt already exists"),
        (_same_text_in_another_encoding, ["--id", "ru-2012"], "this text is already there: source 'demo' (graph_data/sources/demo.txt)"),
        (lambda root, tmp: str(tmp / "missing.txt"), ["--id", "ru-2012"], "missing.txt: cannot be read (No such file or directory)"),
        (_fifo, ["--id", "ru-2012"], "pipe: not a regular file"),
        (_empty, ["--id", "ru-2012"], "empty.txt: empty: expected the text of a report"),
        (
            _stray_byte,
            ["--id", "ru-2012"],
            f"stray.txt: byte {len(ENGLISH.encode()) + 10} (line {ENGLISH.count(chr(10)) + 1}) is not UTF-8",
        ),
        (
            _english,
            ["--id", "ru-2012", "--issued", "March 2013"],
            "--issued 'March 2013': expected a date like 2011, 2011-03 or 2011-03-15",
        ),
        (_english, ["--id", "ru-2012", "--issued", "2013-13"], "--issued '2013-13': expected a date like 2011"),
        (_english, ["--id", "ru-2012", "--issued", "2013-02-30"], "--issued '2013-02-30': expected a date like 2011"),
        (_english, ["--id", "ru-2012", "--url", "example.org/report"], "--url 'example.org/report': expected an http(s) address"),
    ],
    ids=[
        "capital and underscore",
        "slash",
        "leading dash",
        "id taken",
        "text of the id there",
        "same text",
        "missing",
        "not a file",
        "empty",
        "stray byte",
        "issued in words",
        "no 13th month",
        "no 30 February",
        "url",
    ],
)
def test_refusals_are_one_line_exit_2_and_write_nothing(project: Path, tmp_path: Path, given, args: list[str], message: str) -> None:
    path = given(project, tmp_path)
    before = {p.name: p.read_bytes() for p in _sources(project).iterdir()}
    result = CliRunner().invoke(main, ["source", "add", "--root", str(project), path, *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert {p.name: p.read_bytes() for p in _sources(project).iterdir()} == before
