"""A process that prepares two versions of a project once, then forks builds of them to kill.

``python tests/kill_support.py ROOT BASE_A BASE_B`` prepares (``tipkg.build.stream.prepare``)
the project at ROOT with each base IRI, prints ``ready``, and then for each line of its standard
input forks a child that runs the write and swap phases of ``tipkg build``
(``tipkg.build.stream.write_build``) for one version:

    VERSION PHASE DELAY   SIGKILL the child DELAY seconds after it announced PHASE
    VERSION - -           let it finish

and answers with one JSON line: how the child ended, and when (seconds after the fork) it began
each phase it announced. The phases are the build's own progress messages, shortened to their
first word (``writing``, ``loading``, ``flushing``, ``switching``, ``removing``), with ``start``
when the child starts and ``done`` when it returns.

Forking an imported process makes each build start in milliseconds. This process never opens a
store: a child forked from a process whose RocksDB runs background threads would inherit
RocksDB's state without the threads.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
from pathlib import Path

from tipkg.build.stream import Prepared, prepare, write_build
from tipkg.project import Project


def fork_build(project: Project, prepared: Prepared, phase: str, delay: float) -> dict[str, object]:
    read, write = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: announce each phase through the pipe, build, and leave at once
        os.close(read)

        def say(message: str) -> None:
            os.write(write, f"{time.perf_counter() - started:.6f} {message.split()[0]}\n".encode())

        code = 1
        try:
            say("start")
            write_build(project, prepared, say)
            say("done")
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    phases: dict[str, float] = {}
    with os.fdopen(read, "r", encoding="utf-8") as announced:
        for line in announced:
            at, name = line.split()
            phases[name] = float(at)
            if name == phase:
                deadline = time.perf_counter() + delay
                while time.perf_counter() < deadline:  # (sleep() is too coarse for a millisecond)
                    pass
                os.kill(pid, signal.SIGKILL)  # (the child is not reaped yet: its pid is still its own)
        _pid, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return {"killed": killed, "exit": None if killed else os.waitstatus_to_exitcode(status), "phases": phases}


def main(root: Path, bases: list[str]) -> None:
    versions = {name: Project(root, base) for name, base in zip("ab", bases, strict=True)}
    prepared = {name: prepare(project, check=False) for name, project in versions.items()}
    gc.freeze()  # the children's garbage collector leaves the inherited objects alone: fewer pages copied
    print("ready", flush=True)
    for line in sys.stdin:
        version, phase, delay = line.split()
        answer = fork_build(versions[version], prepared[version], phase, 0.0 if delay == "-" else float(delay))
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
