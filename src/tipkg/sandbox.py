"""Defense in depth: a process that runs queries cannot open network connections.

The query guards decide what a query may do by parsing it; this is the second wall, for the day a
parser is fooled. :func:`lock_network` installs a seccomp filter (a classic BPF program, through
``ctypes``: no dependency) under which ``socket()`` of any family but ``AF_UNIX`` fails with
``EACCES``, and ``io_uring_setup`` (which could open sockets without calling ``socket()``) fails
with ``ENOSYS``. Unix sockets keep working: the service's workers talk to the server through a
socket pair. The filter applies to every thread of the process (``SECCOMP_FILTER_FLAG_TSYNC``) and
to every process it starts, and cannot be lifted.

- :func:`lock_network` locks the whole process: the service's query workers, at start
- :func:`call_locked` runs a function in a thread locked alone: ``tipkg sparql`` and ``tipkg query
  run``, which may run inside a test or a notebook that must keep its network
- :class:`LockedThreads`: a pool of threads each locked alone, for the queries the service runs in
  its own process (:mod:`tipkg.service.local`), whose event loop keeps serving
- :func:`needs_network` says whether a query calls an allow-listed SERVICE endpoint, and so must
  run unlocked (the one place that decides it)

It needs Linux (3.17 or later) on x86_64 or aarch64. Elsewhere locking raises
:class:`SandboxError` rather than let a query run unlocked (the fail-closed choice); the callers
turn it into one line and exit code 2, or a worker that does not start. In a process that may lose
its network for good (not a doctest, then)::

    lock_network()
    socket.create_connection(("127.0.0.1", 80))  # PermissionError: [Errno 13] Permission denied
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from tipkg.errors import TipkgError

T = TypeVar("T")

# <linux/audit.h> AUDIT_ARCH_*, and the numbers of the system calls the filter looks at
ARCHES = {
    "x86_64": {"audit": 0xC000003E, "socket": 41, "io_uring_setup": 425, "seccomp": 317},
    "aarch64": {"audit": 0xC00000B7, "socket": 198, "io_uring_setup": 425, "seccomp": 277},
}
X32_SYSCALL_BIT = 0x40000000  # x86_64's x32 ABI: the same calls under other numbers, refused outright
AF_UNIX = 1

PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000

# classic BPF opcodes: load a word of struct seccomp_data, compare, return
_LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
# struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }
_NR, _ARCH, _ARG0 = 0, 4, 16  # args[0]'s low word on a little-endian machine (both arches are)


class SandboxError(TipkgError):
    """The process could not be locked, so it does not run the query."""


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` as (code, jt, jf, k) instructions; :class:`SandboxError` for an unknown one."""
    arch = ARCHES.get(machine)
    if arch is None:
        raise SandboxError(f"cannot lock network access on {machine}: only x86_64 and aarch64 are known, so no query runs here")
    refuse = SECCOMP_RET_ERRNO | errno.EACCES
    x32 = [(_JGE, 0, 1, X32_SYSCALL_BIT), (_RET, 0, 0, refuse)] if machine == "x86_64" else []
    return [
        # another ABI in the same process (i386's int 0x80 on x86_64, with socketcall): refused outright
        (_LD_ABS, 0, 0, _ARCH),
        (_JEQ, 1, 0, arch["audit"]),
        (_RET, 0, 0, refuse),
        (_LD_ABS, 0, 0, _NR),
        *x32,
        (_JEQ, 3, 0, arch["socket"]),  # to the family check
        (_JEQ, 0, 1, arch["io_uring_setup"]),
        (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
        (_RET, 0, 0, SECCOMP_RET_ALLOW),
        # socket(): AF_UNIX passes, every other family is refused
        (_LD_ABS, 0, 0, _ARG0),
        (_JEQ, 0, 1, AF_UNIX),
        (_RET, 0, 0, SECCOMP_RET_ALLOW),
        (_RET, 0, 0, refuse),
    ]


def lock_network() -> None:
    """Make this process (all its threads, and its children) unable to open any socket but a Unix one.

    Raises :class:`SandboxError` when the filter cannot be installed (not Linux, an unknown
    architecture, a kernel without seccomp filters).
    """
    _install(all_threads=True)


def call_locked(function: Callable[[], T]) -> T:
    """``function()`` in a new thread locked as by :func:`lock_network`; its result, or its exception.

    Only that thread (and any thread or process it starts) is locked: the caller's process keeps
    its network, which matters when the caller is a test or a notebook running the CLI in-process.
    """
    outcome: list[Any] = []

    def locked() -> None:
        try:
            _install(all_threads=False)
            outcome.append((True, function()))
        except BaseException as exc:  # handed to the caller's thread, which raises it
            _clear_frames(exc)
            outcome.append((False, exc))

    thread = threading.Thread(target=locked, name="tipkg-locked-query", daemon=True)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result


class LockedThreads:
    """``count`` threads, each locked as by :func:`lock_network` when it starts (only itself): a thread
    that cannot be locked breaks the pool, and every call then fails rather than run unlocked."""

    def __init__(self, count: int, name: str) -> None:
        self._executor = ThreadPoolExecutor(count, thread_name_prefix=name, initializer=_install, initargs=(False,))

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """``function(*args)`` on a locked thread; its exception, if any, keeps no frame's variables."""
        return self._executor.submit(_cleared, function, *args)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _cleared(function: Callable[..., T], *args: Any) -> T:
    try:
        return function(*args)
    except BaseException as exc:  # raised again in the caller's thread, without what this one held
        _clear_frames(exc)
        raise


def _clear_frames(exc: BaseException | None) -> None:
    """Drop the local variables of the frames ``exc`` (and its causes) went through, here: some
    pyoxigraph objects must be freed by the thread that made them."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def needs_network(text: str, allowed: Mapping[str, str] | Iterable[str]) -> bool:
    """Whether the query ``text`` may call one of the ``allowed`` SERVICE endpoints, so its process
    must keep the network: :func:`tipkg.sparql.guard.may_call`, from the query's canonical tokens, without
    parsing it here. The guard, where the query then runs, lets it call nothing more; a query
    without such a token runs locked, where the guard lets it call nothing at all.
    """
    from tipkg.sparql.guard import may_call

    return bool(may_call(text, allowed))


def _install(all_threads: bool) -> None:
    if not sys.platform.startswith("linux"):
        raise SandboxError(f"cannot lock network access on {sys.platform}: seccomp needs Linux, so no query runs here")
    machine = platform.machine()
    instructions = program(machine)
    arch = ARCHES[machine]
    filters = (_Filter * len(instructions))(*(_Filter(*i) for i in instructions))
    prog = _Program(len(instructions), ctypes.cast(filters, ctypes.POINTER(_Filter)))
    libc = ctypes.CDLL(None, use_errno=True)
    # no_new_privs is a condition of seccomp for an unprivileged caller, and holds for this thread on
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(f"cannot lock network access: prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
    flags = SECCOMP_FILTER_FLAG_TSYNC if all_threads else 0
    done = libc.syscall(ctypes.c_long(arch["seccomp"]), SECCOMP_SET_MODE_FILTER, flags, ctypes.byref(prog))
    if done != 0:
        why = os.strerror(ctypes.get_errno()) if done < 0 else f"thread {done} could not be synchronized"
        raise SandboxError(f"cannot lock network access: seccomp: {why}")
