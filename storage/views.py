"""SQL views for researchers: current reports, table 三 wide, metrics with labels, coverage."""

from __future__ import annotations

import sqlite_utils

from pipeline.schema import APPLICANT_COLUMNS

from .coverage import COVERAGE_VIEW
from .indicators import VIEWS as INDICATOR_VIEWS


def applicant_column(key: str) -> str:
    """The view column of an applicant column key (``all`` is an SQL keyword, so it becomes ``total``)."""
    return "total" if key == "all" else key


CURRENT_REPORTS = """
SELECT
    r.id, r.document_id, r.version_id, r.site_id, r.url, r.title, r.org, r.region, r.region_code, r.year,
    r.published, r.template, r.level, r.deadline, r.parser_version, r.metric_count, r.finding_count,
    d.first_seen, d.last_seen, d.removed_at
FROM reports r JOIN documents d ON d.id = r.document_id
WHERE r.is_current = 1
"""

_APPLICANT_VALUES = ",\n    ".join(
    f"(SELECT value FROM metrics WHERE report_id = r.id AND key = 'applications.' || t.row_key || '.{c.key}')"
    f" AS {applicant_column(c.key)}"
    for c in APPLICANT_COLUMNS
)
# One primary-key lookup per cell instead of a GROUP BY, so the view streams: Datasette's first page
# and filters on report columns (year, region …) cost what they return, not the whole archive.
APPLICATIONS_WIDE = f"""
SELECT
    r.id AS report_id, r.site_id, r.region, r.region_code, r.year, r.title, t.row_key, t.row_label, t.position,
    {_APPLICANT_VALUES}
FROM reports r
CROSS JOIN (
    SELECT row_key, row_label, position FROM schema_metrics WHERE table_name = 'applications' AND column_key = 'all'
) t
WHERE r.is_current = 1 AND EXISTS (
    SELECT 1 FROM metrics
    WHERE report_id = r.id AND key >= 'applications.' || t.row_key || '.' AND key < 'applications.' || t.row_key || '/'
)
"""

METRICS_LABELLED = """
SELECT
    m.report_id, r.is_current, r.url, r.title, r.region, r.region_code, r.year, m.key, s.table_name,
    s.section, s.row_label, s.column_label, s.unit, m.value, m.raw, m.cell_kind,
    printed_row.text AS printed_row_label, printed_column.text AS printed_column_label
FROM metrics m
JOIN reports r ON r.id = m.report_id
LEFT JOIN schema_metrics s ON s.key = m.key
LEFT JOIN labels printed_row ON printed_row.id = m.row_label_id
LEFT JOIN labels printed_column ON printed_column.id = m.column_label_id
"""

VIEWS: dict[str, str] = {
    "current_reports": CURRENT_REPORTS,
    "applications_wide": APPLICATIONS_WIDE,
    "metrics_labelled": METRICS_LABELLED,
    "coverage": COVERAGE_VIEW,
    **INDICATOR_VIEWS,
}


def view_sql(name: str) -> str:
    """The ``CREATE VIEW`` statement of view ``name``, as SQLite stores it."""
    return f"CREATE VIEW {name} AS {VIEWS[name].strip()}"


def views_current(db: sqlite_utils.Database) -> bool:
    """Whether every view exists with this code's SQL."""
    existing = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    return all(existing.get(name) == view_sql(name) for name in VIEWS)


def ensure_views(db: sqlite_utils.Database) -> None:
    """Create each view, or replace it where its SQL differs from this code's."""
    existing = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    for name in VIEWS:
        if existing.get(name) != view_sql(name):
            db.execute(f"DROP VIEW IF EXISTS {name}")
            db.execute(view_sql(name))
