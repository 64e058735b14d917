"""The schema defined in code matches the common schema file key for key."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.schema import SCHEMA

SCHEMA_CSV = Path(__file__).resolve().parents[3] / "shared" / "schema" / "metrics.csv"


@pytest.fixture(scope="module")
def csv_rows() -> list[dict[str, str]]:
    if not SCHEMA_CSV.is_file():
        pytest.skip(f"{SCHEMA_CSV} not present")
    with SCHEMA_CSV.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_same_keys_in_the_same_order(csv_rows: list[dict[str, str]]) -> None:
    assert [m.key for m in SCHEMA.metrics] == [row["key"] for row in csv_rows]


def test_same_labels_templates_and_units(csv_rows: list[dict[str, str]]) -> None:
    for row in csv_rows:
        metric = SCHEMA.by_key[row["key"]]
        assert (metric.table, metric.section, metric.row_label, metric.column_label, ",".join(metric.templates),
                metric.unit) == (row["table"], row["section"], row["row_label"], row["column_label"],
                                 row["templates"], row["unit"]), row["key"]


def test_template_sizes() -> None:
    assert len(SCHEMA.metrics) == 226
    assert len(SCHEMA.keys("2021")) == 200
    assert len(SCHEMA.keys("2019")) == 198
