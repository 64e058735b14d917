"""Store a normalized report (the dict ``pipeline.parse_bytes`` returns) as rows.

A report is a row of ``reports``, one row of ``metrics`` per number with the normalizer's
provenance, and one row of ``findings`` per problem found.  ``signature`` is what change detection
compares: it covers the report's text and numbers, not the page around them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

import sqlite_utils

from .coverage import deadline, report_level
from .db import utcnow

REPORT_FIELDS = ("title", "org", "region", "region_code", "year", "published", "template")

# Lines that move on every page view or republication without the report changing.
_VOLATILE = re.compile(
    r"(浏览|访问|点击|阅读)(次数|量|数)?\s*[:：]?\s*\d+|"
    r"(发布|更新|生成)(时间|日期)\s*[:：]\s*[\d\-/年月日: ]+|"
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?"
)


def normalized_text(text: str | None) -> str:
    """The report text with whitespace collapsed and view counters and timestamps removed."""
    return " ".join(_VOLATILE.sub("", text or "").split())


def signature(report: dict) -> str:
    """A hash of what makes the report itself: its normalized text and its metrics."""
    payload = json.dumps(
        {"text": normalized_text(report.get("text")), "metrics": clean_metrics(report.get("metrics"))},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def clean_metrics(metrics: dict | None) -> dict[str, int | float]:
    """Metric values as numbers, so that 3, 3.0 and "3" compare and hash alike."""
    cleaned: dict[str, int | float] = {}
    for key, value in (metrics or {}).items():
        if value is None:
            continue
        number = float(value)
        cleaned[key] = int(number) if number.is_integer() else number
    return cleaned


def report_row(report: dict) -> dict:
    """The ``reports`` columns that come from the normalizer's dict."""
    row = {field: report.get(field) for field in REPORT_FIELDS}
    if row["year"] is not None:
        row["year"] = int(row["year"])
    row["level"] = report_level(row["title"], row["org"])
    row["deadline"] = deadline(row["year"], row["level"])
    row["parser_version"] = report.get("parser_version")
    row["signature"] = signature(report)
    row["metric_count"] = len(report.get("metrics") or {})
    row["finding_count"] = len(report.get("findings") or [])
    row["text"] = report.get("text")
    row["parsed_at"] = utcnow()
    return row


def metric_rows(report_id: int, report: dict) -> Iterable[tuple]:
    """One ``metrics`` row per number, with the cell it was read from."""
    provenance = report.get("provenance") or {}
    for key, value in clean_metrics(report.get("metrics")).items():
        cell = provenance.get(key) or {}
        yield (
            report_id, key, value, cell.get("raw"), cell.get("kind"), cell.get("table"),
            cell.get("row"), cell.get("col"), cell.get("row_label"), cell.get("column_label"),
        )


def insert_report(db: sqlite_utils.Database, version_id: int, report: dict) -> int:
    """Insert the report parsed from version ``version_id``; return the new report id."""
    version = db.execute(
        "SELECT v.document_id, d.site_id, d.url FROM versions v JOIN documents d ON d.id = v.document_id "
        "WHERE v.id = ?",
        [version_id],
    ).fetchone()
    if version is None:
        raise ValueError(f"no version {version_id}")
    row = {"version_id": version_id, "document_id": version[0], "site_id": version[1], "url": version[2]}
    row.update(report_row(report))
    columns = ", ".join(row)
    cursor = db.execute(f"INSERT INTO reports ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    report_id = cursor.lastrowid
    insert_details(db, report_id, report)
    return report_id


def replace_report(db: sqlite_utils.Database, report_id: int, report: dict) -> None:
    """Overwrite report ``report_id`` in place (same id) with a new parse of the same version."""
    row = report_row(report)
    assignments = ", ".join(f"{column} = ?" for column in row)
    db.execute(f"UPDATE reports SET {assignments} WHERE id = ?", [*row.values(), report_id])
    db.execute("DELETE FROM metrics WHERE report_id = ?", [report_id])
    db.execute("DELETE FROM findings WHERE report_id = ?", [report_id])
    insert_details(db, report_id, report)


def insert_details(db: sqlite_utils.Database, report_id: int, report: dict) -> None:
    """Insert the metrics and findings rows of a report."""
    db.conn.executemany(
        "INSERT INTO metrics (report_id, key, value, raw, cell_kind, cell_table, cell_row, cell_col, "
        "row_label, column_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        metric_rows(report_id, report),
    )
    db.conn.executemany(
        "INSERT INTO findings (report_id, kind, key, detail) VALUES (?, ?, ?, ?)",
        ((report_id, f.get("kind"), f.get("key"), f.get("detail")) for f in report.get("findings") or []),
    )


def report_metrics(db: sqlite_utils.Database, report_id: int) -> dict[str, int | float]:
    """The metrics of a stored report as ``{key: value}``."""
    return dict(db.execute("SELECT key, value FROM metrics WHERE report_id = ?", [report_id]).fetchall())
