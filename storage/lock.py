"""One crawl at a time per archive: an exclusive lock on ``<archive>.lock`` beside the SQLite file.

``nianbao crawl`` takes it for the whole crawl, so a scheduled crawl, a second scheduler and a
crawl started by hand never write the same archive at once. The lock is a ``flock`` on an open
file: the kernel drops it when its process ends, so a crashed crawl never leaves a stale lock.
The file keeps who holds it (pid, start time, command) for the message a refused crawl prints.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

# EX_TEMPFAIL of sysexits.h: "try again later", so a scheduler can tell "busy" from "failed".
LOCKED_EXIT_STATUS = 75


class LockError(RuntimeError):
    """The lock file cannot be used (e.g. its folder is missing); the message says why."""

    exit_status = 1


class CrawlLocked(LockError):
    """Another process holds the crawl lock of this archive; the message names it."""

    exit_status = LOCKED_EXIT_STATUS


def lock_path(db_path: str | Path) -> Path:
    """The lock file of the archive at ``db_path``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def holder(db_path: str | Path) -> dict:
    """What the lock file says about its last holder (empty if nothing readable)."""
    try:
        return json.loads(lock_path(db_path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def _refusal(db_path: Path) -> str:
    info = holder(db_path)
    who = f"pid {info['pid']}, since {info['since']}" if "pid" in info else "another process"
    return (f"another crawl is running on {db_path} ({who}); "
            f"wait for it to finish or stop it (lock file {lock_path(db_path)})")


def _acquire(db_path: Path) -> IO[str]:
    """Open and lock the lock file without waiting; raise :class:`CrawlLocked` if it is held."""
    try:
        handle = open(lock_path(db_path), "a+", encoding="utf-8")  # noqa: SIM115 -- held until release
    except OSError as error:
        raise LockError(f"cannot open the lock file {lock_path(db_path)}: {error.strerror or error}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise CrawlLocked(_refusal(db_path)) from None
    handle.seek(0)
    handle.truncate()
    since = datetime.now(UTC).isoformat(timespec="seconds")
    handle.write(json.dumps({"pid": os.getpid(), "since": since, "command": " ".join(sys.argv)}))
    handle.flush()
    return handle


@contextmanager
def crawl_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the archive's crawl lock for the ``with`` block; :class:`CrawlLocked` if another holds it."""
    handle = _acquire(Path(db_path))
    try:
        yield
    finally:
        # Truncate before unlocking, so no one ever reads a finished crawl as the holder.
        handle.truncate(0)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


_HELD_FOR_PROCESS: list[IO[str]] = []


def hold_crawl_lock(db_path: str | Path) -> None:
    """Take the lock until this process exits (a ``nianbao crawl`` process lives for one crawl)."""
    _HELD_FOR_PROCESS.append(_acquire(Path(db_path)))


def is_locked(db_path: str | Path) -> bool:
    """Whether a crawl holds the lock of ``db_path`` right now."""
    try:
        with crawl_lock(db_path):
            return False
    except CrawlLocked:
        return True
