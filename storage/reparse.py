"""Re-normalize stored versions with the current parser, without the network.

A better parser then improves the whole archive.  What a re-parse changes is recorded in
``reparse_changes`` (field, old, new), apart from ``changes``, which records what publishers did.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlite_utils

from pipeline import PARSER_VERSION

from .archive import Archive, parse_report
from .blobs import get_blob
from .changes import diff_metrics
from .crosschecks import recompute_all
from .db import utcnow
from .reports import REPORT_FIELDS, clean_metrics, insert_report, normalized_text, replace_report, report_metrics


def stale_versions(db: sqlite_utils.Database, everything: bool) -> list[int]:
    """Ids of versions to re-parse: those parsed by another parser version or not parsed at all."""
    sql = (
        "SELECT v.id FROM versions v LEFT JOIN reports r ON r.version_id = v.id "
        "WHERE ? OR r.id IS NULL OR r.parser_version IS NOT ? ORDER BY v.id"
    )
    return [row[0] for row in db.execute(sql, [everything, PARSER_VERSION])]


def report_differences(db: sqlite_utils.Database, report_id: int, new: dict) -> Iterator[tuple]:
    """``(field, old, new)`` for each field and metric of a stored report that ``new`` changes."""
    fields = (*REPORT_FIELDS, "text")
    row = db.execute(f"SELECT {', '.join(fields)} FROM reports WHERE id = ?", [report_id]).fetchone()
    old = dict(zip(fields, row, strict=True))
    for field in REPORT_FIELDS:
        if old[field] != new.get(field):
            yield field, old[field], new.get(field)
    if normalized_text(old["text"]) != normalized_text(new.get("text")):
        yield "text", None, None
    yield from diff_metrics(report_metrics(db, report_id), clean_metrics(new.get("metrics")))


def reparse_version(archive: Archive, reparse_id: int, version_id: int) -> str:
    """Re-parse one version in one transaction; return ``changed``, ``same``, ``new`` or ``error``."""
    db = archive.db
    digest, url, error_before = db.execute(
        "SELECT v.sha256, d.url, v.parse_error FROM versions v JOIN documents d ON d.id = v.document_id "
        "WHERE v.id = ?", [version_id]).fetchone()
    report, error = parse_report(get_blob(db, digest), url)
    with archive.transaction():
        row = db.execute("SELECT id FROM reports WHERE version_id = ?", [version_id]).fetchone()
        if report is None:
            # Keep any report an older parser managed to read: a regression must not lose data.
            if error != error_before:
                db.execute("UPDATE versions SET parse_error = ? WHERE id = ?", [error, version_id])
                log(db, reparse_id, version_id, row and row[0], [("parse_error", error_before, error)])
            return "error"
        db.execute("UPDATE versions SET parse_error = NULL WHERE id = ?", [version_id])
        if row is None:
            report_id = insert_report(db, version_id, report, archive.labels)
            db.execute(
                "UPDATE reports SET is_current = 1 WHERE id = ? AND version_id = "
                "(SELECT current_version_id FROM documents WHERE id = reports.document_id)", [report_id])
            log(db, reparse_id, version_id, report_id, [("parse_error", error_before, None)])
            return "new"
        differences = list(report_differences(db, row[0], report))
        replace_report(db, row[0], report, archive.labels)
        log(db, reparse_id, version_id, row[0], differences)
        return "changed" if differences else "same"


def log(db: sqlite_utils.Database, reparse_id: int, version_id: int, report_id: int | None, rows: list) -> None:
    """Record what a re-parse changed in one version."""
    db.conn.executemany(
        "INSERT INTO reparse_changes (reparse_id, version_id, report_id, field, old_value, new_value) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(reparse_id, version_id, report_id, *row) for row in rows],
    )


def reparse(archive: Archive, everything: bool = False) -> dict:
    """Re-parse stale versions (or all, with ``everything``); return counts by outcome."""
    with archive.transaction() as db:
        reparse_id = db.execute(
            "INSERT INTO reparses (started_at, parser_version) VALUES (?, ?)", [utcnow(), PARSER_VERSION]
        ).lastrowid
    counts = {"changed": 0, "same": 0, "new": 0, "error": 0}
    with archive.bulk():
        for version_id in stale_versions(archive.db, everything):
            counts[reparse_version(archive, reparse_id, version_id)] += 1
    with archive.transaction() as db:
        if counts["changed"] + counts["new"]:
            recompute_all(db)
        db.execute(
            "UPDATE reparses SET finished_at = ?, versions_parsed = ?, reports_changed = ?, errors = ? WHERE id = ?",
            [utcnow(), sum(counts.values()), counts["changed"] + counts["new"], counts["error"], reparse_id],
        )
    return {"reparse_id": reparse_id, **counts}
