"""The ``schema_metrics`` table: the common schema's 226 metrics with labels and units, for SQL."""

from __future__ import annotations

import sqlite_utils

from pipeline.schema import SCHEMA, Metric

COLUMNS = (
    "key", "position", "table_name", "section", "row_key", "column_key", "row_label", "column_label", "templates",
    "unit",
)


def metric_row(position: int, metric: Metric) -> tuple:
    """One ``schema_metrics`` row.  ``row_key``/``column_key`` split the key around its table and column."""
    _table, *row, column = metric.key.split(".")
    return (
        metric.key, position, metric.table, metric.section, ".".join(row), column, metric.row_label,
        metric.column_label, ",".join(metric.templates), metric.unit,
    )


def schema_rows() -> list[tuple]:
    """Every ``schema_metrics`` row, in the schema's order."""
    return [metric_row(position, metric) for position, metric in enumerate(SCHEMA.metrics, start=1)]


def schema_metrics_current(db: sqlite_utils.Database) -> bool:
    """Whether ``schema_metrics`` already matches the schema in code."""
    stored = db.execute(f"SELECT {', '.join(COLUMNS)} FROM schema_metrics ORDER BY position").fetchall()
    return stored == schema_rows()


def load_schema_metrics(db: sqlite_utils.Database) -> None:
    """Replace the rows of ``schema_metrics`` with the schema in code (inside the caller's transaction)."""
    db.execute("DELETE FROM schema_metrics")
    db.conn.executemany(
        f"INSERT INTO schema_metrics ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        schema_rows(),
    )
