"""Store a normalized report (the dict ``pipeline.parse_bytes`` returns) as rows.

A report is a row of ``reports``, one row of ``metrics`` per number with the normalizer's
provenance, and one row of ``findings`` per problem found.  ``signature`` is what change detection
compares: it covers the report's text and numbers, not the page around them.
"""

from __future__ import annotations

import hashlib
import json
import re

import sqlite_utils

from pipeline.schema import SCHEMA

from .coverage import deadline, report_level
from .db import ArchiveError, utcnow

REPORT_FIELDS = ("title", "org", "region", "region_code", "year", "published", "template")
# Table 三's rows (or blocks of rows) whose 总计 column `reports` repeats as applications_<row>
# columns, so that totals by region and year need not read the metrics table.
APPLICATION_TOTALS = (
    "new_received", "carried_over", "granted", "partially_granted", "denied", "unavailable", "not_processed",
    "other", "total", "carried_forward",
)

# Fragments that change on every page view or republication while the report stays the same.
# The lookahead names every alternative's first character, which lets the scan skip the rest of the
# text quickly (a third less time on a report's text).
_VOLATILE = re.compile(
    r"(?=[浏访点阅发更生\d])(?:"
    r"(浏览|访问|点击|阅读)(次数|量|数)?\s*[:：]?\s*\d+|"
    r"(发布|更新|生成)(时间|日期)\s*[:：]\s*[\d\-/年月日: ]+|"
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?)"
)


def normalized_text(text: str | None) -> str:
    """The report text with whitespace collapsed and view counters and timestamps removed."""
    return " ".join(_VOLATILE.sub("", text or "").split())


def signature(text: str | None, metrics: dict[str, int | float]) -> str:
    """A hash of what makes a report itself: its normalized text and its (clean) metrics."""
    payload = json.dumps({"text": normalized_text(text), "metrics": metrics}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def clean_metrics(metrics: dict | None) -> dict[str, int | float]:
    """Metric values as numbers, so that 3, 3.0 and "3" compare and hash alike."""
    cleaned: dict[str, int | float] = {}
    for key, value in (metrics or {}).items():
        if value is None:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ArchiveError(f"metric {key}: {value!r} is not a number") from None
        cleaned[key] = int(number) if number.is_integer() else number
    return cleaned


# The table-三 row (its first key part) whose 总计 a metric key is, for the keys that are one.
_TOTAL_ROW = {
    key: key.split(".")[1]
    for key in SCHEMA.by_key
    if key.startswith("applications.") and key.endswith(".all") and key.split(".")[1] in APPLICATION_TOTALS
}


def application_totals(metrics: dict[str, int | float]) -> dict[str, int | float | None]:
    """The 总计 column of table 三 by row, a block's rows (（三）不予公开 1–8 …) summed into one."""
    totals: dict[str, int | float | None] = dict.fromkeys(APPLICATION_TOTALS)
    for key, value in metrics.items():
        row = _TOTAL_ROW.get(key)
        if row is not None:
            totals[row] = (totals[row] or 0) + value
    return {f"applications_{name}": total for name, total in totals.items()}


def report_row(report: dict, metrics: dict[str, int | float]) -> dict:
    """The ``reports`` columns that come from the normalizer's dict (``metrics`` already clean)."""
    row = {field: report.get(field) for field in REPORT_FIELDS}
    if row["year"] is not None:
        row["year"] = int(row["year"])
    row["level"] = report_level(row["title"], row["org"])
    row["deadline"] = deadline(row["year"], row["level"])
    row["parser_version"] = report.get("parser_version")
    row["signature"] = signature(report.get("text"), metrics)
    row["metric_count"] = len(metrics)
    row.update(application_totals(metrics))
    row["finding_count"] = len(report.get("findings") or [])
    row["text"] = report.get("text")
    row["parsed_at"] = utcnow()
    return row


class Labels:
    """Ids in ``labels`` of printed row and column labels, remembered across reports.

    Printed labels repeat across every report, so each is stored once and metrics point to it;
    remembering the ids saves two statements per report.  Call :meth:`forget` after a rollback,
    which may have undone labels inserted since.
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def forget(self) -> None:
        """Drop every remembered id."""
        self.ids.clear()

    def lookup(self, db: sqlite_utils.Database, provenance: dict) -> dict[str, int]:
        """Ids of every label in ``provenance``, inserting the new ones."""
        cells = provenance.values()
        texts = {cell.get("row_label") for cell in cells} | {cell.get("column_label") for cell in cells}
        texts.discard(None)
        if texts <= self.ids.keys():  # the usual case, once a few reports are in
            return self.ids
        # New ones in the order the report prints them (a set's order changes with the hash seed), so
        # that the same reports always get the same label ids.
        printed = dict.fromkeys(cell.get(part) for cell in cells for part in ("row_label", "column_label"))
        new = [text for text in printed if text in texts and text not in self.ids]
        db.conn.executemany("INSERT OR IGNORE INTO labels (text) VALUES (?)", [(text,) for text in new])
        rows = db.execute(f"SELECT text, id FROM labels WHERE text IN ({', '.join('?' * len(new))})", new)
        self.ids.update(rows.fetchall())
        return self.ids


METRIC_COLUMNS = ("report_id", "key", "value", "raw", "cell_kind", "cell_table", "cell_row", "cell_col",
                  "row_label_id", "column_label_id", "cell_repair")
_EMPTY_CELL: dict = {}


def metric_rows(report_id: int, metrics: dict[str, int | float], provenance: dict,
                labels: dict) -> tuple[list[tuple], list[tuple]]:
    """``metrics`` rows (in :data:`METRIC_COLUMNS` order) with the cell each number was read from:
    ``(unrepaired, repaired)``, the unrepaired rows without their ``cell_repair``, which is NULL.

    Almost no cell is repaired, and binding a NULL costs Python's sqlite3 module an adapter lookup
    (about 0.6 µs, a quarter of the metrics insert), so those rows leave the column out.
    """
    unrepaired, repaired = [], []
    label_id = labels.get
    for key, value in metrics.items():
        get = (provenance.get(key) or _EMPTY_CELL).get
        row = (report_id, key, value, get("raw"), get("kind"), get("table"), get("row"), get("col"),
               label_id(get("row_label")), label_id(get("column_label")))
        repair = get("repair")
        if repair is None:
            unrepaired.append(row)
        else:
            repaired.append((*row, repair))
    return unrepaired, repaired


def insert_report(db: sqlite_utils.Database, version_id: int, report: dict, labels: Labels) -> int:
    """Insert the report parsed from version ``version_id``; return the new report id."""
    version = db.execute(
        "SELECT v.document_id, d.site_id, d.url FROM versions v JOIN documents d ON d.id = v.document_id "
        "WHERE v.id = ?",
        [version_id],
    ).fetchone()
    if version is None:
        raise ValueError(f"no version {version_id}")
    metrics = clean_metrics(report.get("metrics"))
    row = {"version_id": version_id, "document_id": version[0], "site_id": version[1], "url": version[2]}
    row.update(report_row(report, metrics))
    columns = ", ".join(row)
    cursor = db.execute(f"INSERT INTO reports ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    report_id = cursor.lastrowid
    insert_details(db, report_id, report, metrics, labels)
    return report_id


def replace_report(db: sqlite_utils.Database, report_id: int, report: dict, labels: Labels) -> None:
    """Overwrite report ``report_id`` in place (same id) with a new parse of the same version."""
    metrics = clean_metrics(report.get("metrics"))
    row = report_row(report, metrics)
    assignments = ", ".join(f"{column} = ?" for column in row)
    db.execute(f"UPDATE reports SET {assignments} WHERE id = ?", [*row.values(), report_id])
    db.execute("DELETE FROM metrics WHERE report_id = ?", [report_id])
    db.execute("DELETE FROM findings WHERE report_id = ?", [report_id])
    insert_details(db, report_id, report, metrics, labels)


def insert_details(db: sqlite_utils.Database, report_id: int, report: dict, metrics: dict, labels: Labels) -> None:
    """Insert the metrics (already clean) and findings rows of a report."""
    provenance = report.get("provenance") or {}
    for rows in metric_rows(report_id, metrics, provenance, labels.lookup(db, provenance)):
        if rows:
            columns = METRIC_COLUMNS[:len(rows[0])]
            db.conn.executemany(
                f"INSERT INTO metrics ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
            )
    db.conn.executemany(
        "INSERT INTO findings (report_id, kind, key, detail) VALUES (?, ?, ?, ?)",
        ((report_id, f.get("kind"), f.get("key"), f.get("detail")) for f in report.get("findings") or []),
    )


def report_metrics(db: sqlite_utils.Database, report_id: int) -> dict[str, int | float]:
    """The metrics of a stored report as ``{key: value}``."""
    return dict(db.execute("SELECT key, value FROM metrics WHERE report_id = ?", [report_id]).fetchall())
