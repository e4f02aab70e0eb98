"""Project locks and atomic writes: two commands at once never corrupt what either publishes.

A build or an ``add`` holds the project's lock (``.cache/project.lock``) for
its whole run; a second one waits for it, or with ``wait=False`` stops with a
message that names the holder. Publishing the outputs (a few renames) also
holds ``.cache/publish.lock``; readers take that one shared while they read
``documents.csv`` with ``measures.csv`` or the Parquet file, so they never see
half of a publish. Files are written to a unique temporary name beside their
target and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BusyError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh, shared: bool) -> bool:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh, shared: bool) -> bool:
        try:
            fcntl.flock(fh.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextmanager
def file_lock(
    path: Path,
    what: str,
    *,
    shared: bool = False,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold a lock on ``path`` (created if needed); ``what`` is recorded so that a waiter can name the holder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a+", encoding="utf-8")
    try:
        if not _try_lock(fh, shared):
            fh.seek(0)
            holder = fh.read().strip() or "another policystats command"
            if not wait:
                raise BusyError(
                    f"{path.parent.parent}: {holder} is running on this project; wait for it to finish, "
                    "or run again with --wait"
                )
            if on_wait is not None:
                on_wait(f"waiting for {holder} to finish on this project …")
            while not _try_lock(fh, shared):
                time.sleep(0.1)
        if not shared:
            fh.seek(0)
            fh.truncate()
            since = dt.datetime.now().isoformat(timespec="seconds")
            fh.write(f"policystats {what} (pid {os.getpid()}, since {since})")
            fh.flush()
        try:
            yield
        finally:
            if not shared:
                fh.seek(0)
                fh.truncate()
                fh.flush()
            _unlock(fh)
    finally:
        fh.close()


@contextmanager
def read_lock(paths) -> Iterator[None]:
    """A shared hold on a project's publish lock for readers; nothing where nobody publishes (read-only)."""
    path = paths.publish_lock
    if paths.bundled:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+", encoding="utf-8"):
            pass
    except OSError:  # a read-only project (the bundled example): nobody publishes there
        yield
        return
    with file_lock(path, "read", shared=True):
        yield


def temp_path(target: Path, suffix: str = ".tmp") -> Path:
    """A new, unique, empty file beside ``target`` (same folder, so a rename into place is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` all at once: a reader sees the old file or the new one, never a part."""
    tmp = temp_path(target)
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
