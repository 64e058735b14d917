"""Changes made by publishers: documents added, modified, removed and restored.

``changes`` has one row per event; a ``modified`` change has one ``metric_changes`` row per metric
whose value differs (a metric that appears or disappears has NULL on the missing side).
"""

from __future__ import annotations

import sqlite_utils

from .db import utcnow

ADDED, MODIFIED, REMOVED, RESTORED = "added", "modified", "removed", "restored"


def diff_metrics(old: dict, new: dict) -> list[tuple[str, int | float | None, int | float | None]]:
    """``(key, old value, new value)`` for every key whose value differs, in key order."""
    return [
        (key, old.get(key), new.get(key))
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    ]


def record_change(
    db: sqlite_utils.Database,
    document_id: int,
    kind: str,
    *,
    old_version_id: int | None = None,
    new_version_id: int | None = None,
    summary: str | None = None,
    run_id: int | None = None,
    metric_diff: list[tuple] | None = None,
    detected_at: str | None = None,
) -> int:
    """Insert one change (and its metric differences); return its id."""
    cursor = db.execute(
        "INSERT INTO changes (document_id, kind, old_version_id, new_version_id, detected_at, run_id, summary) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [document_id, kind, old_version_id, new_version_id, detected_at or utcnow(), run_id, summary],
    )
    change_id = cursor.lastrowid
    db.conn.executemany(
        "INSERT INTO metric_changes (change_id, key, old_value, new_value) VALUES (?, ?, ?, ?)",
        [(change_id, *difference) for difference in metric_diff or []],
    )
    return change_id


def modification_summary(metric_diff: list[tuple], text_changed: bool) -> str:
    """One line saying what changed in a report."""
    parts = []
    if metric_diff:
        parts.append(f"{len(metric_diff)} metric{'s' if len(metric_diff) != 1 else ''} changed")
    if text_changed:
        parts.append("text changed")
    return "; ".join(parts) or "report changed"


def list_changes(db: sqlite_utils.Database, since: str | None = None) -> list[dict]:
    """Every change (optionally detected on or after ``since``), oldest first, with its metric changes."""
    rows = db.query(
        "SELECT c.id, c.kind, c.detected_at, c.document_id, d.url, d.title, c.old_version_id, c.new_version_id, "
        "c.summary FROM changes c JOIN documents d ON d.id = c.document_id "
        "WHERE :since IS NULL OR c.detected_at >= :since ORDER BY c.detected_at, c.id",
        {"since": since},
    )
    changes = [dict(row, metrics=[]) for row in rows]
    by_id = {change["id"]: change for change in changes}
    for row in db.query(
        "SELECT m.change_id, m.key, m.old_value AS old, m.new_value AS new FROM metric_changes m "
        "JOIN changes c ON c.id = m.change_id WHERE :since IS NULL OR c.detected_at >= :since "
        "ORDER BY m.change_id, m.key",
        {"since": since},
    ):
        by_id[row.pop("change_id")]["metrics"].append(row)
    return changes
