"""Shared fixtures: copies of the project (or of the mini fixture) in temporary folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def copy_project(dest: Path, data: Path | None = None) -> Path:
    """A project folder with the real ontology and queries, and the real (or given) graph_data."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    shutil.copytree(ROOT / "queries", dest / "queries")
    shutil.copytree(data or ROOT / "graph_data", dest / "graph_data")
    return dest


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """The mini fixture (a three-line report, three records) with the real ontology."""
    return copy_project(tmp_path / "mini", MINI / "graph_data")


@pytest.fixture(scope="session")
def built_real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, built once per session in a temporary folder."""
    from tipkg.build import Project, build

    root = copy_project(tmp_path_factory.mktemp("real") / "project")
    build(Project(root))
    return root


NETWORK = Path(__file__).resolve().parent / "fixtures" / "network"


@pytest.fixture(scope="session")
def built_network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The network fixture (a committee, funding flows, partners, labels that try to inject HTML), built once."""
    from tipkg.build import Project, build

    root = copy_project(tmp_path_factory.mktemp("network") / "project", NETWORK / "graph_data")
    build(Project(root))
    return root
