"""Where builds live: ``build`` is a symlink to ``.builds/<id>/``, switched by one rename.

A build is written into a new folder ``.builds/<id>/``, flushed to disk, and made current by
renaming a new symlink over ``build``. rename(2) replaces the link in one step, so at every instant
``build/`` is the complete previous build or the complete new one, whenever the process is killed.
The previous folder is then removed, unless a reader still holds it.

Locks are flock(2) locks, which the kernel releases when their process dies, however it dies:

- ``.builds/.lock``, exclusive, while a build makes its folder, switches the link or removes old
  folders, so that these steps of concurrent builds never interleave;
- each build folder: exclusive while its build writes it (no other build removes it), shared while
  a reader uses it (:func:`pin`: ``tipkg serve``, ``tipkg.open()``, the commands that read a
  build). A running server keeps the build it started with: RocksDB opens its files again by name
  when it needs them, and the service's workers open the store again when they are replaced, so
  the folder must stay until the server stops; the next build after that removes it.

A folder of ``.builds/`` that is not current and whose lock can be taken is a leftover (of an
interrupted build, or a previous build no reader holds): every build removes those, first thing and
after its switch. A ``build/`` folder written by an older tipkg is replaced by the link in one
``renameat2(RENAME_EXCHANGE)`` and then removed like a previous build; its ``.build.tmp-<pid>`` and
``.build.old-<pid>`` folders are removed once their process is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

from tipkg.errors import TipkgError

BUILD, BUILDS = "build", ".builds"
_LOCK = ".lock"
CACHE = "cache"  # what :mod:`tipkg.build.units` keeps between builds, never a build folder
_LINK_PREFIX = ".build.link-"  # a new link, beside ``build`` until it is renamed over it
_OLD_PREFIXES = (".build.tmp-", ".build.old-")  # folders of older tipkg versions, named by their pid

Progress = Callable[[str], None]


class Pin:
    """A build folder held with a shared lock, so that no build removes it while it is read.

    The lock goes with this object (or with :meth:`release`, or the end of the process).
    """

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._finalizer = weakref.finalize(self, os.close, fd) if fd is not None else None

    def release(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


def pin(root: Path) -> Pin:
    """The folder of the current build of ``root``, held for as long as the returned pin lives.

    Without a build, the pin holds nothing and its path is ``root/build`` (whose absence the
    caller reports).
    """
    link = root / BUILD
    for _attempt in range(100):
        try:
            folder = link.resolve(strict=True)
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except NotADirectoryError:
            break
        except FileNotFoundError:
            if not link.is_symlink():
                break
            time.sleep(0.001)  # a build removed the folder after switching the link: look again
            continue
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a build writes or removes that folder
        with contextlib.suppress(FileNotFoundError):
            if os.stat(folder).st_ino == os.fstat(fd).st_ino:
                return Pin(folder, fd)
        os.close(fd)  # removed while we waited: the link names another folder now
    return Pin(link, None)


def install(root: Path, write: Callable[[Path], None], progress: Progress | None = None) -> Path:
    """Make ``write(folder)`` the build of ``root``: write a new folder, switch ``build`` to it,
    remove the previous one. An exception in ``write`` leaves the previous build as it was."""
    say = progress or (lambda _msg: None)
    link = root / BUILD
    if link.exists() and not link.is_dir():
        raise TipkgError(f"{link} exists and is not a folder")
    builds = root / BUILDS
    builds.mkdir(exist_ok=True)
    with _locked(builds):
        _remove_leftovers(root)
        folder, fd = _new_folder(builds)
    switched = False
    try:
        write(folder)
        say("flushing the new build to disk")
        _sync_tree(folder)
        with _locked(builds):
            say("switching build/ to the new build")
            _switch(root, folder)
            switched = True
            os.close(fd)
            fd = -1
            say("removing the previous build")
            _remove_leftovers(root)
    except BaseException:
        if not switched:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        if fd >= 0:
            os.close(fd)
    return folder


@contextlib.contextmanager
def _locked(builds: Path) -> Iterator[None]:
    fd = os.open(builds / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _new_folder(builds: Path) -> tuple[Path, int]:
    """A new, empty build folder, locked exclusively (the caller holds ``.builds/.lock``)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    while True:
        folder = builds / f"{stamp}-{secrets.token_hex(4)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return folder, fd


def _switch(root: Path, folder: Path) -> None:
    """Point ``root/build`` at ``folder`` in one rename (the caller holds ``.builds/.lock``)."""
    link, new = root / BUILD, root / f"{_LINK_PREFIX}{folder.name}"
    with contextlib.suppress(FileNotFoundError):
        new.unlink()
    os.symlink(f"{BUILDS}/{folder.name}", new)  # relative: the project folder can be moved
    if link.is_dir() and not link.is_symlink():  # the build/ folder of an older tipkg
        if not _exchange(new, link):
            os.rename(link, root / BUILDS / f"{folder.name}-migrated")  # (a moment without build/, once)
            os.replace(new, link)
        elif new.is_dir():  # the old folder, now under the new link's name
            try:
                os.rename(new, root / BUILDS / f"{folder.name}-migrated")
            except OSError:  # .builds/ on another file system
                shutil.rmtree(new, ignore_errors=True)
    else:
        os.replace(new, link)
    _sync_dir(root)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE); False where the C
    library or the file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_leftovers(root: Path) -> None:
    """Remove every build folder but the current one that no process holds, and the links and
    folders interrupted builds left (the caller holds ``.builds/.lock``)."""
    builds = root / BUILDS
    current = _current_name(root)
    for entry in sorted(builds.iterdir()):
        if entry.name in (_LOCK, CACHE, current):  # the streaming build's kept units stay
            continue
        if entry.is_dir() and not entry.is_symlink():
            _remove_unless_held(entry)
        else:
            entry.unlink()
    for entry in sorted(root.glob(f"{_LINK_PREFIX}*")):  # only made under the lock: their build died
        if entry.is_dir() and not entry.is_symlink():
            _remove_unless_held(entry)
        else:
            entry.unlink()
    for prefix in _OLD_PREFIXES:
        for entry in sorted(root.glob(f"{prefix}*")):
            pid = entry.name.removeprefix(prefix)
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _current_name(root: Path) -> str | None:
    try:
        target = os.readlink(root / BUILD)
    except OSError:  # no link: no build, or the build/ folder of an older tipkg
        return None
    parent, _, name = target.rstrip("/").rpartition("/")
    return name if parent == BUILDS else None


def _remove_unless_held(folder: Path) -> bool:
    """Remove a build folder unless a build writes it or a reader holds it."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    try:
        shutil.rmtree(folder)
    finally:
        os.close(fd)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _sync_tree(folder: Path) -> None:
    """Flush every file and folder of a new build to disk before the link names it, so that a
    power cut after the switch cannot leave ``build`` naming files that were never written."""
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _sync_dir(Path(dirpath))
    _sync_dir(folder.parent)


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
