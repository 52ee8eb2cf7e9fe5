"""Units built in forked processes: only from a process of one thread, results in order."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from tipkg.build.units import fork_map
from tipkg.errors import DataError


def test_a_process_of_one_thread_forks_workers_and_keeps_the_order() -> None:
    code = (
        "import os\n"
        "from tipkg.build.units import fork_map\n"
        "out = list(fork_map(lambda i: (i, os.getpid()), 6, 2))\n"
        "assert [i for i, _ in out] == list(range(6)), out\n"
        "print(all(pid != os.getpid() for _, pid in out))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "True"


def test_beside_another_thread_the_tasks_run_here() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        out = list(fork_map(lambda i: (i, os.getpid()), 4, 2))
    finally:
        release.set()
        other.join()
    assert out == [(i, os.getpid()) for i in range(4)]


def test_the_first_error_in_order_comes_back_whole() -> None:
    code = (
        "from tipkg.build.units import fork_map\n"
        "from tipkg.errors import DataError\n"
        "def task(i):\n"
        "    if i >= 2:\n"
        "        raise DataError(f'graph_data/r{i}/a.yaml', i, 'id', 'bad')\n"
        "    return i\n"
        "try:\n"
        "    list(fork_map(task, 5, 2))\n"
        "except DataError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == str(DataError("graph_data/r2/a.yaml", 2, "id", "bad"))
