"""Helpers of the fault tests: crawls in a subprocess with short timeouts, and the archive read back."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Short timeouts and one retry keep a web of hung and trickling servers to a few seconds per crawl;
# 8 MB is far above the sample reports and far below the bombs and the oversize file; a sample report
# parses in a few hundredths of a second, the fault web's slow page in several.
FAST = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "RETRY_BACKOFF_BASE": "0.05", "RETRY_TIMES": "1",
        "DOWNLOAD_TIMEOUT": "2", "DOWNLOAD_MAXSIZE": str(8 * 2**20), "NIANBAO_MAX_LISTING_DEPTH": "5",
        "NIANBAO_PARSE_SECONDS": "1", "NIANBAO_PROGRESS_INTERVAL": "1", "NIANBAO_ALLOW_LOOPBACK": "True"}


def crawl_command(registry: Path, db: Path, **settings: str) -> list[str]:
    """``nianbao crawl`` of ``registry`` into ``db`` with :data:`FAST` settings, ``settings`` overriding them."""
    command = [sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl", "--sites", str(registry),
               "--db", str(db)]
    for name, value in {**FAST, **settings}.items():
        command += ["-s", f"{name}={value}"]
    return command


def crawl(registry: Path, db: Path, cwd: Path, **settings: str) -> subprocess.CompletedProcess:
    """Run one crawl to its end; it must exit 0 (the run finished, whatever failed in it)."""
    result = subprocess.run(crawl_command(registry, db, **settings), cwd=cwd, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"crawl exited {result.returncode}:\n{result.stdout}\n{result.stderr[-4000:]}"
    return result


def runs(db: Path) -> list[dict]:
    """Every ``crawl_runs`` row, oldest first, stats decoded."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        rows = [dict(row) for row in connection.execute("SELECT * FROM crawl_runs ORDER BY id")]
    for row in rows:
        row["stats"] = json.loads(row["stats"] or "{}")
    return rows


def current_reports(db: Path, prefix: str = "") -> dict[str, tuple]:
    """{url: (current bytes' digest, title, year, org, signature, removed)} of documents under ``prefix``."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT d.url, v.sha256, r.title, r.year, r.org, r.signature, d.removed_at IS NOT NULL "
            "FROM documents d JOIN versions v ON v.id = d.current_version_id "
            "LEFT JOIN reports r ON r.version_id = v.id WHERE d.url LIKE ? || '%'", [prefix])
        return {row[0]: row[1:] for row in rows}


def versions(db: Path, prefix: str = "") -> set[tuple[str, str]]:
    """(url, digest) of every stored version of documents under ``prefix``."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT d.url, v.sha256 FROM versions v JOIN documents d ON d.id = v.document_id "
            "WHERE d.url LIKE ? || '%'", [prefix])
        return set(rows)


def parse_errors(db: Path) -> dict[str, str]:
    """{url: parse error} of current versions that could not be read."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT d.url, v.parse_error FROM documents d JOIN versions v ON v.id = d.current_version_id "
            "WHERE v.parse_error IS NOT NULL")
        return dict(rows)


def archive_tables(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The ``reports`` and ``metrics`` tables as sorted rows, without row ids and times (which differ by run)."""
    with sqlite3.connect(db) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(reports)")
                   if row[1] not in ("id", "version_id", "document_id") and not row[1].endswith("_at")]
        reports = connection.execute(f"SELECT {', '.join(columns)} FROM reports").fetchall()
        metrics = connection.execute(
            "SELECT r.url, r.is_current, m.key, m.value, m.raw, m.cell_kind, m.cell_table, m.cell_row, m.cell_col, "
            "m.cell_repair, rl.text, cl.text FROM metrics m JOIN reports r ON r.id = m.report_id "
            "LEFT JOIN labels rl ON rl.id = m.row_label_id LEFT JOIN labels cl ON cl.id = m.column_label_id"
        ).fetchall()
    return sorted(reports, key=repr), sorted(metrics, key=repr)
