"""One ``nianbao crawl`` in a subprocess, as the scheduler and the demo run it.

Twisted's reactor cannot be restarted in one process, so every crawl gets a process of its own; its
output goes to a log file per run.  Whatever happens to the process, the archive ends with a
closed ``crawl_runs`` row for it: the crawl's own summary if it finished, else a ``failed`` row
that names its exit status and log file (a crash before the crawl started gets a new row).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.archive import Archive
from storage.lock import LOCKED_EXIT_STATUS

CRAWL_COMMAND = (sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl")
# Loopback servers need no politeness; the demo and the tests crawl their own web with these.
LOOPBACK_SETTINGS = ("NIANBAO_ALLOW_LOOPBACK=True", "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0",
                     "RETRY_BACKOFF_BASE=0.05", "DOWNLOAD_TIMEOUT=10", "NIANBAO_PROGRESS_INTERVAL=0")


def last_run_id(db_path: Path) -> int:
    """The newest ``crawl_runs`` id of the archive (0 if there is none or no archive yet)."""
    if not db_path.is_file():
        return 0
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        try:
            return connection.execute("SELECT coalesce(max(id), 0) FROM crawl_runs").fetchone()[0]
        except sqlite3.OperationalError:  # an archive the crawl never initialised
            return 0


def crawl_command(sites_path: Path, db_path: Path, settings: tuple[str, ...] = ()) -> list[str]:
    """The ``nianbao crawl`` command line with ``-s NAME=VALUE`` settings."""
    command = [*CRAWL_COMMAND, "--sites", str(sites_path), "--db", str(db_path)]
    for setting in settings:
        command += ["-s", setting]
    return command


def run_crawl(sites_path: Path, db_path: Path, log_path: Path, settings: tuple[str, ...] = (),
              timeout: float | None = None) -> dict:
    """Run one crawl in a subprocess, its output in ``log_path``; return its closed ``crawl_runs`` row.

    A crawl refused because another one holds the archive's lock returns ``{"status": "skipped"}``
    and records nothing.  A timeout kills the crawl and counts as a crash.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    before = last_run_id(db_path)
    with log_path.open("wb") as log:
        try:
            exit_status = subprocess.run(crawl_command(sites_path, db_path, settings), stdout=log,
                                         stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            exit_status = -9
    if exit_status == LOCKED_EXIT_STATUS:
        return {"status": "skipped", "exit_status": exit_status, "log_file": str(log_path)}
    return close_run(db_path, before, exit_status, log_path)


def close_run(db_path: Path, before: int, exit_status: int, log_path: Path) -> dict:
    """Make sure the crawl that just ended has a closed row, note its log file; return the row."""
    with Archive(db_path) as archive:
        run_id = last_run_id(db_path)
        if run_id <= before:  # died before the spider opened its run
            run_id = archive.start_run()
        row = dict(archive.db["crawl_runs"].get(run_id))
        if row["status"] == "running":
            error = f"crawl process ended with exit status {exit_status} before finishing its run"
            archive.finish_run(run_id, "failed", {"error": error, "exit_status": exit_status})
        with archive.transaction() as db:
            db.execute("UPDATE crawl_runs SET stats = json_set(coalesce(stats, '{}'), '$.log_file', ?) WHERE id = ?",
                       [str(log_path), run_id])
        row = dict(archive.db["crawl_runs"].get(run_id))
    row["stats"] = json.loads(row["stats"] or "{}")
    return row
