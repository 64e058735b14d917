"""Helpers for archive tests: report dicts made by hand, row counts."""

from __future__ import annotations

from storage.archive import Archive

BASE_METRICS = {
    "applications.new_received.natural_person": 16,
    "applications.new_received.all": 21,
    "applications.granted.natural_person": 6,
    "applications.granted.all": 9,
    "active.fees.amount": 1.5,
}


def make_report(metrics: dict | None = None, **fields) -> dict:
    """A report dict shaped like ``pipeline.parse_bytes`` output."""
    report = {
        "source": "test",
        "title": "云湖区人民政府2022年政府信息公开工作年度报告",
        "org": "云湖区人民政府",
        "region": "云湖区",
        "region_code": "330101",
        "year": 2022,
        "published": "2023-03-20",
        "template": "2021",
        "metrics": dict(BASE_METRICS if metrics is None else metrics),
        "findings": [],
        "provenance": {
            key: {"raw": str(value), "kind": "number", "table": 1, "row_label": "r", "column_label": "c",
                  "row": 1, "col": 2}
            for key, value in (BASE_METRICS if metrics is None else metrics).items()
        },
        "text": "一、总体情况\n本年度云湖区认真贯彻落实政府信息公开条例。",
        "parser_version": "test",
    }
    report.update(fields)
    return report


def count(archive: Archive, table: str, where: str = "1", params: list | None = None) -> int:
    """Rows of ``table`` matching ``where``."""
    return archive.db.execute(f"SELECT count(*) FROM {table} WHERE {where}", params or []).fetchone()[0]
