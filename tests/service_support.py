"""Helpers of the service tests: a real ``tipkg serve`` process on a free loopback port, a listener
that records any connection made to it, and a hash of a store's content."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

TIPKG = Path(sys.executable).with_name("tipkg")


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT/ (with the trailing slash)
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url.rstrip("/") + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.post(self.url.rstrip("/") + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    @property
    def sparql(self) -> str:
        return self.url + "sparql"


@contextmanager
def serve(root: Path, tmp: Path, *settings: tuple[str, str]) -> Iterator[Server]:
    """``tipkg serve --port 0`` on ``root``; the URL is read from what it prints; stopped after."""
    out, log = tmp / "serve.out", tmp / "serve.log"
    args = [str(TIPKG), "serve", "--root", str(root), "--port", "0"]
    for name, value in settings:
        args += ["--setting", name, value]
    with open(out, "wb") as stdout, open(log, "wb") as stderr:
        process = subprocess.Popen(args, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
    try:
        url = _wait_for_url(process, out, log)
        server = Server(url, process, log)
        _wait_until_answering(server)
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _wait_for_url(process: subprocess.Popen[bytes], out: Path, log: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = out.read_text(encoding="utf-8") if out.exists() else ""
        if " at http://" in text:
            return text.split(" at ", 1)[1].split()[0]
        if process.poll() is not None:
            raise AssertionError(f"tipkg serve exited with {process.returncode}: {log.read_text(encoding='utf-8')}")
        time.sleep(0.05)
    raise AssertionError("tipkg serve printed no URL")


def _wait_until_answering(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if server.get("/static/site.css").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.process.poll() is not None:
            raise AssertionError(f"tipkg serve exited: {server.log.read_text(encoding='utf-8')}")
        time.sleep(0.1)
    raise AssertionError(f"tipkg serve did not answer: {server.log.read_text(encoding='utf-8')}")


@dataclass
class Listener:
    """A loopback TCP port that records every connection made to it (and answers nothing)."""

    port: int
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@contextmanager
def listener() -> Iterator[Listener]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    found = Listener(sock.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _addr = sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    found.connections.append(conn.recv(4096))
                except OSError:
                    found.connections.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stop.set()
        thread.join(2)
        sock.close()


def store_hash(root: Path) -> str:
    """SHA-256 of the store's quads, sorted (read with the store open read-only)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(root / "build" / "store"))
    lines = sorted(str(q) for q in store)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def files_hash(folder: Path) -> str:
    """SHA-256 over the names and bytes of every file in ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name == "LOCK" or path.suffix == ".log" or path.name.startswith("LOG"):
            continue
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def client_for(root: Path, **settings: Any) -> Iterator[Any]:
    """The app over ``root``'s build in-process (Starlette's TestClient), its workers started and stopped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's notice about httpx
        from starlette.testclient import TestClient

    from tipkg.service.app import create_app

    with TestClient(create_app(root, settings), headers={"accept": HTML_ACCEPT}) as client:
        yield client


def with_pool(root: Path, settings: dict[str, Any], scenario: Callable[[Any], Awaitable[Any]]) -> Any:
    """``scenario(pool)`` on a started :class:`tipkg.service.workers.WorkerPool` over ``root``'s
    build with ``settings``, stopped after."""
    import asyncio

    from tipkg.service.settings import resolve
    from tipkg.service.workers import WorkerPool

    async def main() -> Any:
        pool = WorkerPool(root / "build" / "store", resolve(settings))
        await pool.start()
        try:
            return await scenario(pool)
        finally:
            await pool.stop()

    return asyncio.run(main())


def jobs_importable(monkeypatch: Any) -> None:
    """Workers, started with this environment, import the test jobs (``worker_jobs.py``) by name."""
    tests = str(Path(__file__).resolve().parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (tests, os.environ.get("PYTHONPATH", "")) if p))
