"""Shared fixtures: copies of the project (or of the mini fixture) in temporary folders, built once;
the servers over them; the Virtuoso and browser fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from service_support import Server, serve
from virtuoso_support import DBA, Virtuoso, start_virtuoso

if TYPE_CHECKING:
    from tipkg.kg import KnowledgeGraph
    from tipkg.remote.publish import Published

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def copy_project(dest: Path, data: Path | None = None, added: Path | None = None) -> Path:
    """A project folder with the real ontology and queries, and the real (or given) graph_data, to
    which ``added`` (a fixture's graph_data: more reports) is added as data only; its node_modules
    is the project's."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    shutil.copytree(ROOT / "queries", dest / "queries")
    shutil.copytree(data or ROOT / "graph_data", dest / "graph_data")
    if added is not None:
        shutil.copytree(added, dest / "graph_data", dirs_exist_ok=True)
    if (ROOT / "node_modules").is_dir():  # what make installed from npm (the maps' boundaries), shared
        (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return dest


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """The mini fixture (a three-line report, three records) with the real ontology."""
    return copy_project(tmp_path / "mini", MINI / "graph_data")


@pytest.fixture(scope="session")
def built_real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, built once per session in a temporary folder."""
    from tipkg.build.pipeline import build
    from tipkg.project import Project

    root = copy_project(tmp_path_factory.mktemp("real") / "project")
    build(Project(root))
    return root


NETWORK = Path(__file__).resolve().parent / "fixtures" / "network"


@pytest.fixture(scope="session")
def kgs(built_real: Path) -> dict[str, KnowledgeGraph]:
    """The real build opened on each embedded engine, once per session (rdflib parses it in about 2 s)."""
    import tipkg

    return {name: tipkg.open(built_real, engine=name) for name in ("oxigraph", "rdflib")}


@pytest.fixture(scope="module")
def client(built_real: Path) -> Iterator[Any]:
    """The site of the real build, in process; one a module: its worker pool starts and stops with it."""
    from service_support import client_for

    yield from client_for(built_real)


@pytest.fixture(scope="module")
def kg(built_real: Path) -> KnowledgeGraph:
    """The real build, opened on the default engine."""
    import tipkg

    return tipkg.open(built_real)


@pytest.fixture(scope="session")
def built_network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The network fixture (a committee, funding flows, partners, labels that try to inject HTML), built once."""
    from tipkg.build.pipeline import build
    from tipkg.project import Project

    root = copy_project(tmp_path_factory.mktemp("network") / "project", NETWORK / "graph_data")
    build(Project(root))
    return root


ASSESSMENT = Path(__file__).resolve().parent / "fixtures" / "assessment" / "graph_data"


@pytest.fixture(scope="session")
def built_assessment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project with the fictional assessment report (tests/fixtures/assessment) added as
    data only, under graph_data/, built once per session."""
    from tipkg.build.pipeline import build
    from tipkg.project import Project

    root = copy_project(tmp_path_factory.mktemp("assessment") / "project", added=ASSESSMENT)
    build(Project(root))
    return root


@pytest.fixture(scope="session")
def assessment_kgs(built_assessment: Path) -> dict[str, KnowledgeGraph]:
    """The build with the fictional assessment, on each embedded engine."""
    import tipkg

    return {name: tipkg.open(built_assessment, engine=name) for name in ("oxigraph", "rdflib")}


# One real server per session for each build, with the default settings: starting ``tipkg serve``
# and its workers takes seconds, and the tests that read it only send requests. A module that needs
# other settings (limits, an allow-list) overrides ``server`` with its own.


@pytest.fixture(scope="session")
def server(built_real: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``tipkg serve`` with the default settings on the real build, shared by the whole session."""
    with serve(built_real, tmp_path_factory.mktemp("serve")) as running:
        yield running


@pytest.fixture(scope="session")
def hostile_server(built_network: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``tipkg serve`` with the default settings on the network fixture (labels that try to inject HTML)."""
    with serve(built_network, tmp_path_factory.mktemp("serve-hostile")) as running:
        yield running


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso with its own temporary database, stopped (or killed) at the end of the session."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def published(virtuoso: Virtuoso, built_real: Path) -> Published:
    """The real build, published to the Virtuoso fixture (as dba, through /sparql-auth)."""
    from tipkg.remote.endpoint import Endpoint
    from tipkg.remote.publish import publish

    with pytest.MonkeyPatch.context() as env:
        for name, value in DBA.items():
            env.setenv(name, value)
        return publish(built_real / "build", Endpoint(virtuoso.url, update_url=virtuoso.update_url))


WIKIDATA_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "wikidata" / "items.ttl"


@pytest.fixture(scope="session")
def wikidata_endpoint(virtuoso: Virtuoso) -> str:
    """The Virtuoso fixture with a few Wikidata-shaped items loaded: its SPARQL endpoint URL."""
    from rdflib import Graph

    from tipkg.remote.endpoint import Endpoint
    from tipkg.remote.publish import insert_data

    items = Graph().parse(WIKIDATA_FIXTURE, format="turtle")
    with pytest.MonkeyPatch.context() as env:
        for name, value in DBA.items():
            env.setenv(name, value)
        store = Endpoint(virtuoso.url, update_url=virtuoso.update_url)
        store.update("DROP SILENT GRAPH <urn:tipkg:test:wikidata>")
        store.update(insert_data("urn:tipkg:test:wikidata", list(items)))  # type: ignore[arg-type]
    return virtuoso.url


@dataclass
class Opened:
    """A page opened in Chromium, with what it tried to fetch from outside, its dialogs and errors."""

    page: Any
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright: a failure, never a skip, when it is missing."""
    from tipkg.viz.chromium import CHROMIUM, launch

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh (apt-get install chromium); no browser is downloaded")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
