"""Reading a crawl's results back from the archive file, for the crawler tests."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def archived_urls(db: Path) -> set[str]:
    """URLs of the archive's documents that are not removed."""
    with sqlite3.connect(db) as connection:
        return {url for (url,) in connection.execute("SELECT url FROM documents WHERE removed_at IS NULL")}


def changes(db: Path, run_id: int) -> set[tuple[str, str]]:
    """(kind, url) of every change a run recorded."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT c.kind, d.url FROM changes c JOIN documents d ON d.id = c.document_id WHERE c.run_id = ?",
            [run_id])
        return set(rows)


def last_run(db: Path) -> dict:
    """The newest ``crawl_runs`` row, its stats decoded."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = dict(connection.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone())
    row["stats"] = json.loads(row["stats"] or "{}")
    return row


def version_count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM versions").fetchone()[0]
