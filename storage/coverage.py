"""The coverage ledger: for each site and report year, found or missing, on time or late.

Regulation art. 49 (《政府信息公开条例》, 2019): a county-level-or-higher government department
publishes its own report by 31 January; the information-disclosure authority of a county-level-or-higher
government publishes the report of its whole level by 31 March.  A report is placed on one of
these two levels from its title (or, failing that, its issuing organ).
"""

from __future__ import annotations

import re

GOVERNMENT = "government"
DEPARTMENT = "department"
DEADLINES = {GOVERNMENT: "03-31", DEPARTMENT: "01-31"}
FIRST_YEAR = 2019  # the first year reported on the revised regulation's templates

# What a title says besides whose report it is: the year, and the words 政府信息公开工作年度报告.
_NOT_SUBJECT = re.compile(r"(19|20)\d{2}\s*年度?|的?政府信息公开(工作)?(年度)?报告.*$")
# A whole level of government: a region name, optionally followed by 人民政府 — but not a township.
_GOVERNMENT_SUBJECT = re.compile(r"(?<![镇乡])(省|市|区|县|旗|州|盟)(人民政府)?$")


def report_subject(title: str | None, org: str | None) -> str | None:
    """Whose report it is: the title without its year and report words, else the issuing organ."""
    subject = _NOT_SUBJECT.sub("", title or "").strip()
    if subject:
        return subject
    return org.strip() if org else None


def report_level(title: str | None, org: str | None) -> str:
    """``government`` for the report of a whole level of government, else ``department``.

    A report whose subject cannot be told defaults to ``government``, the later deadline, so the
    ledger never calls a report late on a guess.
    """
    subject = report_subject(title, org)
    if subject is None or _GOVERNMENT_SUBJECT.search(subject):
        return GOVERNMENT
    return DEPARTMENT


def deadline(year: int | None, level: str) -> str | None:
    """The last lawful publication date (ISO) of the report on ``year`` at ``level``."""
    if year is None:
        return None
    return f"{year + 1}-{DEADLINES[level]}"


COVERAGE_VIEW = f"""
WITH RECURSIVE years(year) AS (
    SELECT {FIRST_YEAR}
    UNION ALL
    SELECT year + 1 FROM years
    WHERE year < max(CAST(strftime('%Y', 'now') AS INTEGER) - 1,
                     coalesce((SELECT max(year) FROM reports WHERE is_current = 1), 0))
),
found AS (
    SELECT
        r.site_id,
        r.year,
        count(*) AS reports,
        sum(r.level = '{GOVERNMENT}') AS government_reports,
        min(d.first_seen) AS first_seen,
        min(CASE WHEN r.level = '{GOVERNMENT}' THEN r.published END) AS published,
        sum(d.removed_at IS NOT NULL) AS removed
    FROM reports r JOIN documents d ON d.id = r.document_id
    WHERE r.is_current = 1 AND r.site_id IS NOT NULL AND r.year IS NOT NULL
    GROUP BY r.site_id, r.year
),
ledger AS (
    SELECT
        s.id AS site_id,
        s.name AS site_name,
        s.region_code,
        y.year,
        coalesce(f.reports, 0) AS reports,
        coalesce(f.government_reports, 0) AS government_reports,
        coalesce(f.removed, 0) AS removed,
        f.first_seen,
        f.published,
        (y.year + 1) || '-{DEADLINES[GOVERNMENT]}' AS deadline,
        coalesce(f.published, substr(f.first_seen, 1, 10)) AS appeared_on,
        CASE WHEN f.published IS NOT NULL THEN 'published' WHEN f.first_seen IS NOT NULL THEN 'first_seen'
        END AS appeared_basis
    FROM sites s CROSS JOIN years y
    LEFT JOIN found f ON f.site_id = s.id AND f.year = y.year
)
SELECT
    site_id, site_name, region_code, year, reports, government_reports, removed, first_seen, published,
    deadline, appeared_on, appeared_basis,
    CASE WHEN reports = 0 THEN NULL ELSE appeared_on > deadline END AS late,
    CASE
        WHEN reports > 0 THEN 'found'
        WHEN date('now') <= deadline THEN 'not_due'
        ELSE 'missing'
    END AS status
FROM ledger
"""
