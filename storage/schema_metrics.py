"""The ``schema_metrics`` table: the common schema's 226 metrics with labels and units, for SQL."""

from __future__ import annotations

import sqlite_utils

from pipeline.schema import SCHEMA, Metric


def metric_row(position: int, metric: Metric) -> dict:
    """One ``schema_metrics`` row.  ``row_key``/``column_key`` split the key around its table and column."""
    _table, *row, column = metric.key.split(".")
    return {
        "key": metric.key,
        "position": position,
        "table_name": metric.table,
        "section": metric.section,
        "row_key": ".".join(row),
        "column_key": column,
        "row_label": metric.row_label,
        "column_label": metric.column_label,
        "templates": ",".join(metric.templates),
        "unit": metric.unit,
    }


def load_schema_metrics(db: sqlite_utils.Database) -> None:
    """Make ``schema_metrics`` match the schema in code (run inside the caller's transaction)."""
    rows = [metric_row(position, metric) for position, metric in enumerate(SCHEMA.metrics, start=1)]
    db.execute("DELETE FROM schema_metrics")
    columns = list(rows[0])
    db.conn.executemany(
        f"INSERT INTO schema_metrics ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [list(row.values()) for row in rows],
    )
