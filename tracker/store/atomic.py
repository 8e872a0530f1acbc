"""Writing a file so a crash leaves the old bytes or the new, never a mix; and the lock writers take turns on.

Every module that writes a tracked file (the store, notes, link history, lab runs, the merge driver) writes
through ``atomic_write``; every writer of the project takes ``file_lock`` on the same lock file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers (and a crash) see the old bytes or the new, never a mix."""
    path = Path(os.path.realpath(path))  # through a symlink: replace the file it points to, keep the link
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_stale_temp_files(path: Path) -> None:
    # Only the lock holder writes, so any temp file left now belongs to a process that was killed mid-write.
    for stale in path.parent.glob(f".{path.name}.tmp-*"):
        with contextlib.suppress(OSError):
            stale.unlink()


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive advisory lock on ``path`` (created if missing), released when the block exits or the process
    dies: no stale lock is ever left behind."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_leftovers(folder: Path, pattern: str) -> int:
    """Delete files matching ``pattern`` in ``folder``: temp files a killed writer left. Call it only while
    holding the lock every writer of those files takes (then none of them is in use). Returns how many."""
    removed = 0
    for leftover in folder.glob(pattern):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed
