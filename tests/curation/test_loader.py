"""The loader on the mini fixture: good records become the expected triples; every kind of bad
record is refused with one line, ``file:line: field: what was expected`` (checked in memory, through
the library); and the command, given bad data, exits 2 with that line and the previous build untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from tipkg.build.pipeline import load_project
from tipkg.cli import main
from tipkg.errors import TipkgError
from tipkg.namespaces import TIPKG
from tipkg.project import Project

ID = "https://w3id.org/tipkg/id/"
ACTORS = "graph_data/demo/actors.yaml"
FUNDING = "graph_data/demo/funding.yaml"

# (id, file, text to replace, replacement, field named in the message, what the message says)
BAD_DATA = [
    ("missing-evidence", ACTORS, "    evidence: the Ministry of Care created the Shelter Office\n\n", "\n", "evidence", "missing"),
    ("missing-type", ACTORS, "    type: GovernmentBody\n", "", "type", "missing"),
    ("missing-id", ACTORS, "  - id: agency/care\n    type: GovernmentBody\n", "  - type: GovernmentBody\n", "id", "missing"),
    (
        "unknown-reference",
        ACTORS,
        "establishedBy: agency/care",
        "establishedBy: agency/nobody",
        "establishedBy",
        "unknown reference 'agency/nobody'",
    ),
    (
        "quote-not-in-source",
        ACTORS,
        "In March 2009 the Ministry of Care created",
        "In April 2009 the Ministry of Care created",
        "evidence",
        "quote not found in source demo",
    ),
    ("quote-ambiguous", ACTORS, "In March 2009 the Ministry of Care created", "the Ministry of Care", "evidence", "occurs 2 times"),
    (
        "malformed-date",
        ACTORS,
        "foundingDate: 2009-03",
        "foundingDate: March 2009",
        "foundingDate",
        "expected a date at the report's precision",
    ),
    ("impossible-date", ACTORS, "foundingDate: 2009-03", "foundingDate: 2009-02-30", "foundingDate", "expected a date"),
    ("malformed-amount", FUNDING, 'value: "1250.50"', 'value: "1,250.50"', "value", "expected a decimal number without separators"),
    (
        "duplicate-id",
        ACTORS,
        "  - id: agency/shelter-office",
        "  - id: agency/care",
        "id",
        "duplicate id 'agency/care', already declared at graph_data/demo/actors.yaml:3",
    ),
    (
        "unsafe-yaml",
        FUNDING,
        "    startDate: 2010\n",
        "    startDate: !!python/object/apply:os.system ['true']\n",
        "yaml",
        "unsafe or unknown YAML tag",
    ),
    (
        "unknown-property",
        ACTORS,
        "establishedBy: agency/care",
        "establishedby: agency/care",
        "establishedby",
        "unknown property; did you mean establishedBy",
    ),
    ("unknown-class", ACTORS, "type: GovernmentUnit", "type: GovernmentUnitt", "type", "unknown class 'GovernmentUnitt'"),
    ("unknown-code", FUNDING, "    startDate: 2010\n", "    startDate: 2010\n    theme: nowhere\n", "theme", "unknown code 'nowhere'"),
    (
        "unchecked-wikidata",
        ACTORS,
        "    type: GovernmentBody\n",
        "    type: GovernmentBody\n    wikidata: Q12345\n",
        "wikidata",
        "Q12345 is not in",
    ),
    ("functional-twice", FUNDING, "    startDate: 2010\n", "    startDate: [2010, 2011]\n", "startDate", "takes a single value"),
    ("bad-id", ACTORS, "  - id: agency/care", "  - id: Agency Care", "id", "expected lower-case words"),
    (
        "bad-language-tag",
        ACTORS,
        "{en: Ministry of Care, es: Ministerio de Cuidado}",
        "{en: Ministry of Care, 'e s': Ministerio}",
        "label",
        "expected a language tag",
    ),
]


def _edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in a curated file; the 1-based line where ``new`` starts."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture text to replace must occur once: {old!r}"
    at = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:at].count("\n") + 1


def _snapshot(build: Path) -> dict[str, bytes]:
    return {p.relative_to(build).as_posix(): p.read_bytes() for p in sorted(build.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("rel", "old", "new", "field", "says"), [c[1:] for c in BAD_DATA], ids=[c[0] for c in BAD_DATA])
def test_bad_data_is_refused_with_file_line_field_and_what_was_expected(mini_project, rel, old, new, field, says):
    line = _edit(mini_project, rel, old, new)
    with pytest.raises(TipkgError) as error:
        load_project(Project(mini_project))
    message = str(error.value)
    assert "\n" not in message, message
    match = re.match(r"^(graph_data/demo/\w+\.yaml):(\d+): (\S+): (.*)$", message)
    assert match, message
    assert match.group(1) == rel
    assert match.group(3) == field
    assert says in match.group(4)
    # the line named is the record or the field that is wrong: at or just before the edit
    assert int(match.group(2)) in range(line - 2, line + 2) or field in ("id", "evidence", "type")


def test_bad_data_stops_the_build_and_keeps_the_previous_one(mini_project):
    """The command: one line, exit code 2, and the previous build as it was (the build is atomic)."""
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--root", str(mini_project), "-q"])
    assert first.exit_code == 0, first.output
    before = _snapshot(mini_project / "build")

    line = _edit(mini_project, ACTORS, "establishedBy: agency/care", "establishedBy: agency/nobody")
    result = runner.invoke(main, ["build", "--root", str(mini_project), "-q"])

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"tipkg: error: {ACTORS}:{line}: establishedBy: unknown reference 'agency/nobody'"]
    assert _snapshot(mini_project / "build") == before
    assert not list(mini_project.glob(".build.*"))


def test_edited_source_text_is_refused(mini_project):
    text = mini_project / "graph_data/sources/demo.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("Report.", "Report!"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(mini_project)])
    assert result.exit_code == 2
    assert "graph_data/sources/demo.yaml:3: sha256: the text of graph_data/sources/demo.txt has SHA-256" in result.output


def test_records_become_typed_triples_with_evidence(mini_project):
    loaded = load_project(Project(mini_project))
    ds = loaded.dataset
    graph = ds.graph(URIRef(ID + "graph/demo"))
    office, care = URIRef(ID + "agency/shelter-office"), URIRef(ID + "agency/care")
    assert (office, RDF.type, TIPKG.GovernmentUnit) in graph
    assert (office, TIPKG.foundingDate, Literal("2009-03", datatype=XSD.gYearMonth)) in graph
    assert (care, SKOS.prefLabel, Literal("Ministerio de Cuidado", lang="es")) in graph
    # every triple has a statement of its source citing its quotes: a fact its own, the record's
    # type, names and other facts the record's
    cites = {str(graph.value(st, RDF.predicate)): str(graph.value(st, PROV.wasDerivedFrom)) for st in graph.subjects(RDF.subject, office)}
    record = ID + "evidence/demo/22-69"
    assert cites == {
        str(TIPKG.foundingDate): ID + "evidence/demo/8-50",
        str(TIPKG.establishedBy): record,
        str(RDF.type): record,
        str(SKOS.prefLabel): record,
        str(RDFS.label): record,
        str(SKOS.altLabel): record,
    }
    assert {graph.value(st, DCTERMS.source) for st in graph.subjects(RDF.subject, office)} == {URIRef(ID + "source/demo")}
    assert all(str(st).startswith(ID + "statement/demo/") for st in graph.subjects(RDF.subject, office))
    assert loaded.locations[office] == "graph_data/demo/actors.yaml:8"


def test_evidence_offsets_point_at_the_quote(mini_project):
    loaded = load_project(Project(mini_project))
    text = (mini_project / "graph_data/sources/demo.txt").read_text(encoding="utf-8")
    quotes = {text[e.start : e.end] for e in loaded.evidence}
    assert quotes == {
        "In March 2009 the Ministry of Care created",
        "the Ministry of Care created the Shelter Office",
        "The Office received $1,250.50 pesos in 2010 from the Ministry of Care.",
    }


def test_quotes_match_across_line_breaks_and_store_nfc(mini_project):
    _edit(mini_project, ACTORS, "altLabel: [SO]", "altLabel: [SO, Pen\u0303a office]")
    _edit(
        mini_project,
        ACTORS,
        "        evidence: In March 2009 the Ministry of Care created\n",
        "        evidence: |\n          Shelter Office in Ciudad\n            Pen\u0303a.\n",
    )
    loaded = load_project(Project(mini_project))
    graph = loaded.dataset.graph(URIRef(ID + "graph/demo"))
    labels = {str(o) for o in graph.objects(URIRef(ID + "agency/shelter-office"), SKOS.altLabel)}
    assert "Peña office" in labels  # composed (NFC)
    assert any(e.end - e.start == len("Shelter Office in Ciudad Peña.") for e in loaded.evidence)


def test_loader_on_in_memory_records():
    """The pure core: parsed text in, triples out, no file read."""
    import hashlib

    from tipkg.curation.loader import Loader
    from tipkg.curation.records import parse_curated
    from tipkg.curation.schema import load_schema
    from tipkg.curation.sources import parse_source
    from tipkg.namespaces import DEFAULT_BASE

    text = "The Office of Care was created in May 2010.\n"
    meta = f"id: s\nfile: s.txt\nsha256: {hashlib.sha256(text.encode()).hexdigest()}\ntitle: S\nlanguage: en\n"
    source = parse_source(meta, "s.yaml", text, "s.txt")
    records = parse_curated(
        "source: s\nrecords:\n  - id: agency/care\n    type: GovernmentBody\n    label: Office of Care\n"
        "    foundingDate: 2010-05\n    evidence: The Office of Care was created in May 2010.\n",
        "mem.yaml",
    )
    loaded = Loader(load_schema(str(Path(__file__).resolve().parents[2] / "ontology")), {"s": source}, set(), DEFAULT_BASE).load([records])
    graph = loaded.dataset.graph(URIRef(ID + "graph/s"))
    care = URIRef(ID + "agency/care")
    assert (care, TIPKG.foundingDate, Literal("2010-05", datatype=XSD.gYearMonth)) in graph
    assert (care, SKOS.prefLabel, Literal("Office of Care", lang="en")) in graph
    assert loaded.locations[care] == "mem.yaml:3"
    assert {(e.start, e.end) for e in loaded.evidence} == {(0, len(text) - 1)}
