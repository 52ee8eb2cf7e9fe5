"""A real Virtuoso for the tests: its own database folder, free ports, stopped (or killed) at the end.

``virtuoso-t`` comes from the Debian package ``virtuoso-opensource`` (``scripts/system-deps.sh
virtuoso``). The tests fail, not skip, without it. The server runs with ``+foreground`` so the test
holds the process itself: no pid file to read, and a kill reaches exactly the server it started.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
SYSTEM_DB = "/var/lib/virtuoso-opensource-7/db/"
SYSTEM_VSP = "/var/lib/virtuoso-opensource-7/vsp"
MAX_ROWS = 1000  # above every saved query's answer (the largest has a few dozen rows), below the graph's size
DBA = {"TIPKG_ENDPOINT_USER": "dba", "TIPKG_ENDPOINT_PASSWORD": "dba", "TIPKG_ENDPOINT_AUTH": "digest"}  # a fresh database's


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """The packaged virtuoso.ini with this folder as database and web root, these ports, a small row limit."""
    text = SYSTEM_INI.read_text(encoding="utf-8")
    text = text.replace(SYSTEM_DB, f"{folder}/").replace(SYSTEM_VSP, str(folder / "vsp"))
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{sql_port}", text)
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", f"ResultSetMaxRows = {MAX_ROWS}", text)
    assert f"{sql_port}" in text and f"{http_port}" in text and SYSTEM_DB not in text, "unexpected virtuoso.ini layout"
    (folder / "vsp").mkdir(exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


@dataclass
class Virtuoso:
    folder: Path
    http_port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _die_with_parent() -> None:
    """In the child: ask Linux to stop the server when the test process dies, even killed."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_virtuoso(folder: Path, timeout: float = 60.0) -> Virtuoso:
    """A fresh Virtuoso serving SPARQL on a free port; fails the test if it cannot start."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail("virtuoso-t is missing: install Debian's virtuoso-opensource (scripts/system-deps.sh virtuoso)")
    folder.mkdir(parents=True, exist_ok=True)
    ini = write_ini(folder, free_port(), http_port := free_port())
    output = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [binary, "+configfile", str(ini), "+foreground"], cwd=folder, stdout=output, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
    )
    server = Virtuoso(folder, http_port, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"virtuoso-t exited with code {process.returncode}: {server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}?query=ASK%7B%7D", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.25)
    server.stop()
    pytest.fail(f"virtuoso-t did not answer within {timeout:.0f} s: {server.log()}")
