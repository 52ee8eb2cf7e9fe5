"""The parts of a streaming build: each folder of curated records built on its own, kept by content.

A corpus of reports is curated one folder at a time (``graph_data/<folder>/``, usually one report).
The build reads every file's *declarations* (ids and types: what other folders may reference, kept
per file by the digest of its bytes), then builds each folder as a **unit**: its quads, their
triples and the triples the ontology's rules derive from them, as sorted line files
(:mod:`tipkg.build.lines`), and what the later steps need (its claims, the curated ``file:line`` of
its nodes). A unit is kept in ``.builds/cache/`` under the digest of its files, the ontology and the
settings, together with what it *read* while it was built: the declarations of the entities it
references and the sources it quotes. It is reused while all of those are unchanged, so editing one
report rebuilds that report's unit only. Nothing here holds more than one unit's graph.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from tipkg.build.lines import write_atomic
from tipkg.build.swap import BUILDS
from tipkg.build.swap import CACHE as KEPT
from tipkg.curation.loader import Declared, Loaded, Loader
from tipkg.curation.records import CuratedFile, parse_curated, read_input, shown_path
from tipkg.curation.schema import Schema
from tipkg.curation.sources import Source
from tipkg.curation.statements import Claim
from tipkg.errors import DataError, TipkgError

FORMAT = "tipkg-unit-2"  # changes whenever a unit's output for the same input changes
CACHE = Path(BUILDS) / KEPT  # spared by :mod:`tipkg.build.swap`, which removes other folders there
V = TypeVar("V")
T = TypeVar("T")


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class Reads(dict[str, V]):
    """A mapping that remembers which keys were looked up: what a unit depends on."""

    def __init__(self, data: dict[str, V]) -> None:
        super().__init__(data)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> V:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)


@dataclass
class Corpus:
    """What every unit may read: the ontology's schema, the sources, the checked Wikidata ids and
    the declarations of every curated file."""

    root: Path
    base: str
    schema: Schema
    sources: dict[str, Source]
    source_digests: dict[str, str]
    qids: set[str]
    settings: str  # digest of the ontology, the checked ids and the base: every unit's input
    entities: dict[str, Declared] = field(default_factory=dict)
    declared_at: dict[URIRef, str] = field(default_factory=dict)  # declaring record's file:line
    files: dict[Path, str] = field(default_factory=dict)  # each curated file's digest (its path and text)

    @property
    def cache(self) -> Path:
        return self.root / CACHE

    def declare(self, paths: Iterable[Path], limits: Any, workers: int = 1) -> None:
        """Every file's declarations, from the cache when its bytes are unchanged (the others
        read in ``workers`` processes); an error is the one, at the place, a build that reads the
        files one after another meets first."""
        folder = self.cache / "declarations"
        folder.mkdir(parents=True, exist_ok=True)
        paths = list(paths)
        keys: list[str | TipkgError] = []
        for path in paths:  # read as the loader reads: a FIFO, a device or a file too large is refused
            shown = shown_path(path, self.root)
            try:
                self.files[path] = digest(shown, read_input(path, shown, limits.file_mb))
                keys.append(digest(FORMAT, self.settings, self.files[path]))
            except TipkgError as error:
                keys.append(error)  # raised in its turn, after the errors of the files before it
        todo = [i for i, key in enumerate(keys) if isinstance(key, str) and not (folder / key).exists()]
        made = dict(zip(todo, fork_map(lambda k: self._declared(paths[todo[k]], limits), len(todo), workers), strict=True))
        for i, path in enumerate(paths):
            key = keys[i]
            if isinstance(key, TipkgError):
                raise key
            kept = folder / key
            if i in made:
                items = made[i]
                if isinstance(items, TipkgError):
                    raise items
                write_atomic(kept, [json.dumps(items).encode()])
            else:
                items = json.loads(kept.read_text(encoding="utf-8"))
                os.utime(kept)  # used now: kept by :func:`prune`
            for local, types, where, record, source in items:
                if local in self.entities:
                    line = int(where.rsplit(":", 1)[1])
                    shown = shown_path(path, self.root)
                    raise DataError(shown, line, "id", f"duplicate id {local!r}, already declared at {self.entities[local].where}")
                iri = URIRef(self.base + local)
                self.entities[local] = Declared(iri, {URIRef(t) for t in types}, where, source)
                self.declared_at[iri] = record

    def read(self, path: Path, limits: Any) -> CuratedFile:
        """A curated file parsed, as it was when its digest was taken: one edited since is refused
        rather than kept under the digest of its other version."""
        shown = shown_path(path, self.root)
        text = read_input(path, shown, limits.file_mb)
        if digest(shown, text) != self.files[path]:
            raise DataError(shown, 1, "file", "changed while the build read it: build again")
        return parse_curated(text, shown, limits.depth)

    def _declared(self, path: Path, limits: Any) -> list[Any] | TipkgError:
        """One file's declarations, or the error that refuses it (returned: it is raised in order)."""
        try:
            loader = Loader(self.schema, self.sources, self.qids, self.base)
            loader.declare(self.read(path, limits))
        except TipkgError as error:
            return error
        return [
            [local, sorted(map(str, d.types)), d.where, loader.out.locations[d.iri], d.source] for local, d in loader.out.entities.items()
        ]

    def declaration(self, local: str) -> str:
        d = self.entities.get(local)
        return "" if d is None else f"{d.iri}|{' '.join(sorted(d.types))}|{d.source}"


@dataclass
class Unit:
    """One folder's curated files, and where its build is kept."""

    name: str
    paths: list[Path]

    def key(self, corpus: Corpus) -> str:
        return digest(FORMAT, corpus.settings, self.name, *(corpus.files[p] for p in self.paths))

    def folder(self, corpus: Corpus) -> Path:
        """Where the unit's builds for its present files are kept, one folder per set of
        dependencies met (entries are never changed once written: a prepared build reads them)."""
        return corpus.cache / "units" / self.key(corpus)[:40]


@dataclass
class Built:
    """A unit's build, on disk: sorted line files and its metadata."""

    folder: Path
    meta: dict[str, Any]

    @property
    def quads(self) -> Path:
        return self.folder / "quads.nq"

    @property
    def triples(self) -> Path:
        return self.folder / "triples.nt"

    @property
    def entailed(self) -> Path:
        return self.folder / "entailed.nt"

    def part(self, name: str) -> Any:
        """One of the unit's JSON files, read when asked for: a corpus's locations and quotes
        would fill memory if every unit's were held at once."""
        return json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))

    def extras(self) -> Iterator[tuple[URIRef, URIRef, URIRef | Literal]]:
        """The unit's triples of declared entities that are not claims (curators' notes, links)."""
        for s, p, o in self.part("extras"):
            yield URIRef(s), URIRef(p), _term(o)

    def claims(self) -> Iterator[Claim]:
        for source, s, p, o, st, where in self.part("claims"):
            yield Claim(source, URIRef(s), URIRef(p), _term(o), URIRef(st), where)


def unit_of(where: str) -> str:
    """The unit of a curated ``file:line``: ``graph_data/<unit>/…``."""
    return Path(where.rsplit(":", 1)[0]).parts[1]


def units_of(data_dir: Path, files: list[Path]) -> list[Unit]:
    """The units of a project: one per top folder of ``graph_data/`` that holds curated files."""
    by_folder: dict[str, list[Path]] = {}
    for path in files:
        by_folder.setdefault(path.relative_to(data_dir).parts[0], []).append(path)
    return [Unit(name, paths) for name, paths in sorted(by_folder.items())]


def build_units(corpus: Corpus, units: list[Unit], rules: Any, limits: Any, workers: int = 1) -> tuple[list[Built], int]:
    """Every unit's build, kept or made (in ``workers`` processes when several must be made),
    in the units' order; and how many were made. An error is the first unit's in that order."""
    found = [kept(corpus, unit) for unit in units]
    todo = [i for i, b in enumerate(found) if b is None]
    for i, b in zip(todo, fork_map(lambda k: make(corpus, units[todo[k]], rules, limits), len(todo), workers), strict=True):
        found[i] = b
    return [b for b in found if b is not None], len(todo)


_TASK: Callable[[int], Any] | None = None


def fork_map(task: Callable[[int], T], count: int, workers: int) -> Iterator[T]:
    """``task(0)`` … ``task(count - 1)``, in order, in ``workers`` forked processes when there are
    several (and this process may fork): the task and all it reads are inherited, never pickled;
    only results come back. An exception is the first task's in that order."""
    if workers <= 1 or count <= 1 or not _single_threaded():
        yield from map(task, range(count))
        return
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _TASK
    _TASK = task
    gc.freeze()  # the children's collector leaves the inherited objects alone: fewer pages copied
    try:
        with ProcessPoolExecutor(min(workers, count), mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_call, range(count))
    except BrokenProcessPool:  # a worker killed (by the kernel, out of memory): an error, not a hang
        raise TipkgError("a build worker process died (out of memory?): build again with fewer --workers") from None
    finally:
        _TASK = None
        gc.unfreeze()


def _single_threaded() -> bool:
    """Whether this process runs one thread, and so may fork: a child forked beside other threads
    inherits the locks they held, never released (a test runner's or a server's threads)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        import threading

        return threading.active_count() == 1


def _call(i: int) -> Any:
    assert _TASK is not None
    return _TASK(i)


def kept(corpus: Corpus, unit: Unit) -> Built | None:
    """The unit's kept build whose dependencies are all unchanged, if there is one."""
    folder = unit.folder(corpus)
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith("."):
                continue  # being written by another build, or left by a killed one
            meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
            if meta["deps"] == _deps(corpus, meta["deps"]["entities"], meta["deps"]["sources"]):
                os.utime(entry)  # used now: kept by :func:`prune`
                return Built(entry, meta)
    return None


def make(corpus: Corpus, unit: Unit, rules: Any, limits: Any) -> Built:
    """Build a unit from its files and keep it."""
    files = [corpus.read(p, limits) for p in unit.paths]
    entities, sources = Reads(corpus.entities), Reads(corpus.sources)
    loader = Loader(corpus.schema, sources, corpus.qids, corpus.base, entities=entities)
    loaded = loader.records(files)
    made = _made(loaded, rules)
    deps = _deps(corpus, sorted(entities.read), sorted(sources.read))
    declared = {d.iri for d in corpus.entities.values()}
    stated = {(c.s, c.p, c.o) for c in loaded.claims.values()}
    extras = {(s, p, o) for s, p, o, _g in loaded.dataset.quads((None, None, None, None)) if s in declared and (s, p, o) not in stated}
    parts = {
        "claims": [[c.source, str(c.s), str(c.p), _json_term(c.o), str(c.statement), c.where] for c in loaded.claims.values()],
        "extras": sorted([str(s), str(p), _json_term(o)] for s, p, o in extras),
        "locations": {str(k): v for k, v in loaded.locations.items()},
        "source_locations": [[src, str(node), where] for (src, node), where in loaded.source_locations.items()],
        "evidence": sorted({str(loader.evidence_iri(ref)) for ref in loaded.evidence}),
    }
    meta = {
        "unit": unit.name,
        "deps": deps,
        "links": sorted([str(s), str(o)] for s, o in loaded.dataset.graph(URIRef(loader.graphs.links)).subject_objects(OWL.sameAs)),
        "sources": sorted({src for src, _node in loaded.source_locations}),  # whose graphs it writes in
    }
    made.update({f"{name}.json": [json.dumps(value).encode()] for name, value in parts.items()})
    entry = unit.folder(corpus) / deps["digest"][:32]
    _store(entry, made, meta)
    return Built(entry, meta)


def prune(cache: Path, age: float = 86_400.0) -> int:
    """Remove what no build used for ``age`` seconds (every use touches what it reads, and a build
    prepared meanwhile may still read a recent entry); how many entries."""
    import time

    removed = 0
    oldest = time.time() - age
    for pattern in ("units/*/*", "units/*/.*", "inferred/*", "shacl/*", "declarations/*", "merging-*"):
        for entry in cache.glob(pattern):
            if entry.stat().st_mtime < oldest:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed += 1
    for folder in cache.glob("units/*"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed


def _made(loaded: Loaded, rules: Any) -> dict[str, list[bytes]]:
    from tipkg.build import rdfio
    from tipkg.build.inference import entailed_by

    quads = list(loaded.dataset.quads((None, None, None, None)))
    triples = {(s, p, o) for s, p, o, _g in quads}
    return {
        "quads.nq": rdfio.quad_lines(quads),
        "triples.nt": rdfio.triple_lines(triples),
        "entailed.nt": rdfio.triple_lines(entailed_by(triples, rules)),
    }


def _store(entry: Path, files: Mapping[str, bytes | list[bytes]], meta: dict[str, Any]) -> None:
    """Write a unit's files into a new folder and rename it into place: readers see a whole entry
    or none. Two builds that make the same entry make the same files; the second keeps the first's."""
    tmp = entry.with_name(f".{entry.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, data in files.items():
        (tmp / name).write_bytes(data if isinstance(data, bytes) else b"".join(data))
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    try:
        os.rename(tmp, entry)
    except OSError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
            raise
        # made meanwhile by another build, from the same inputs: the same files


def _deps(corpus: Corpus, entities: list[str], sources: list[str]) -> dict[str, Any]:
    return {
        "entities": entities,
        "sources": sources,
        "digest": digest(*(corpus.declaration(e) for e in entities), *(corpus.source_digests.get(s, "") for s in sources)),
    }


def _json_term(term: Node) -> list[str]:
    if isinstance(term, Literal):
        return ["l", str(term), term.language or "", str(term.datatype or "")]
    return ["u", str(term)]


def _term(data: list[str]) -> URIRef | Literal:
    if data[0] == "u":
        return URIRef(data[1])
    return Literal(data[1], lang=data[2] or None, datatype=URIRef(data[3]) if data[3] else None)
