"""Datasette metadata for an archive: titles, descriptions (with units) and canned queries."""

from __future__ import annotations

from pipeline.schema import APPLICANT_COLUMNS

from .indicators import QUERIES as INDICATOR_QUERIES
from .indicators import TABLES as INDICATOR_TABLES
from .reports import APPLICATION_TOTALS
from .search import SEARCH_SQL
from .views import applicant_column

LICENSE_NOTE = "Reports are public documents of the governments that published them."

TABLES: dict[str, dict] = {
    "sites": {
        "description": "District government websites the crawler visits.",
        "label_column": "name",
        "columns": {
            "id": "Short site identifier used by the crawler.",
            "name": "Name of the site's government.",
            "region_code": "Administrative division code (行政区划代码) of the district.",
            "start_urls": "JSON list of the URLs a crawl of this site starts from.",
            "extra": "JSON object of any other site settings.",
        },
    },
    "crawl_runs": {
        "description": "One row per crawl: when, how it ended, and what it found.",
        "columns": {
            "status": "running, finished, failed …; a run still 'running' was interrupted.",
            "pages_not_modified": "Pages answered 304 Not Modified to a conditional GET.",
            "docs_added": "Documents seen for the first time.",
            "docs_modified": "Documents whose report changed (see changes).",
            "docs_removed": "Documents found gone (see changes).",
            "stats": "JSON object of every statistic the crawler reported.",
        },
    },
    "documents": {
        "description": "One row per URL ever archived. Removed documents keep all their versions.",
        "label_column": "url",
        "columns": {
            "first_seen": "UTC time the URL was first archived.",
            "last_seen": "UTC time the URL was last fetched or confirmed unchanged (304).",
            "removed_at": "UTC time the document was found gone (404/410 twice, soft 404, unlisted); "
                          "NULL while it is published.",
            "current_version_id": "The version now published (or last published, if removed).",
            "missing_runs": "Consecutive runs in which the document was missing.",
            "missing_reason": "Why it was last found missing.",
        },
    },
    "versions": {
        "description": "One row per distinct content (raw bytes) of a document.",
        "columns": {
            "fetched_at": "UTC time these bytes were first fetched.",
            "last_fetched_at": "UTC time these bytes were last fetched.",
            "sha256": "SHA-256 of the raw bytes: the key of the blob holding them.",
            "size": "Size of the raw bytes (bytes).",
            "http_status": "HTTP status of the fetch (200 for local files).",
            "etag": "ETag header, for conditional GET.",
            "last_modified": "Last-Modified header, for conditional GET.",
            "parse_error": "Why the last parser to try could not read these bytes; NULL if it could "
                           "(a report an earlier parser read is kept).",
        },
    },
    "blobs": {
        "description": "Raw bytes of every version, zstd-compressed, stored once per distinct content.",
        "columns": {"size": "Uncompressed size (bytes).", "compression": "Compression of content (zstd)."},
    },
    "reports": {
        "description": "The normalized report of each version (all versions, current or not).",
        "label_column": "title",
        "fts_table": "reports_fts",
        "fts_pk": "id",
        "columns": {
            "year": "The year the report is about.",
            "published": "Publication date the page or report states, if any.",
            "template": "National template of the tables: 2019 (reports on 2019–2020) or 2021.",
            "level": "government (a whole level of government, due 31 March) or department (due 31 January).",
            "deadline": "Last lawful publication date (regulation art. 49).",
            "is_current": "1 for the report of the document's current version.",
            "parser_version": "Version of the normalizer that produced this row.",
            "signature": "Hash of the normalized text and metrics: equal signatures mean the same report.",
            "metric_count": "Number of metrics read.",
            "finding_count": "Number of findings (checks failed, repairs made).",
            **{
                f"applications_{name}": f"Table 三, row {name}: its 总计 column (a block's rows summed), 件."
                for name in APPLICATION_TOTALS
            },
            "text": "Full text of the report as the normalizer read it.",
            "body": "The body the report belongs to across years: site (or region), then normalized organisation "
                    "name, or the name a site's registry entry maps it to (see report_checks).",
        },
    },
    "metrics": {
        "description": "Every number of every report, with the cell it was read from.",
        "columns": {
            "key": "Metric key of the common schema (see schema_metrics for labels and unit).",
            "value": "The number, in the unit of schema_metrics.unit (件, or 万元 for money).",
            "raw": "The cell text as printed.",
            "cell_kind": "How the normalizer read the cell (number, blank …).",
            "cell_table": "Index of the table the cell is in.",
            "cell_row": "Row of the cell in its table.",
            "cell_col": "Column of the cell in its table.",
            "cell_repair": "How the normalizer repaired the cell, if it did (e.g. repaired_cell, blank_total).",
            "row_label_id": "Row label as printed (see labels).",
            "column_label_id": "Column label as printed (see labels).",
        },
    },
    "labels": {
        "description": "Row and column labels as printed in reports, stored once each.",
        "label_column": "text",
    },
    "findings": {
        "description": "Problems the normalizer found in a report: failed 勾稽关系 checks, repairs, variants.",
        "columns": {
            "kind": "inconsistent_total, balance_mismatch, narrative_contradiction, repaired_cell …",
            "key": "The metric concerned, if one.",
        },
    },
    "changes": {
        "description": "What publishers did: documents added, modified (report differs), removed, restored.",
        "columns": {
            "kind": "added | modified | removed | restored",
            "summary": "One line on the change (metrics changed, text changed, reason for removal).",
            "detected_at": "UTC time the change was detected.",
        },
    },
    "metric_changes": {
        "description": "For each modified change, the metrics whose value changed (NULL: absent on that side).",
        "columns": {"old_value": "Value before the change.", "new_value": "Value after the change."},
    },
    "reports_fts": {"description": "Full-text index (FTS5, trigram tokenizer) of reports.title and reports.text."},
    "_migrations": {"description": "Schema steps applied to this archive file."},
    "fts_state": {"description": "Reports up to indexed_report_id are in reports_fts (newer ones enter it "
                                 "when their transaction commits).", "hidden": True},
    "reparses": {"description": "Runs of nianbao reparse: re-normalizing stored versions with a newer parser."},
    "reparse_changes": {
        "description": "What a re-parse changed (parser improvements, not publisher changes).",
        "columns": {"field": "A metric key, or title, year, org, region, template, text or parse_error."},
    },
    "report_checks": {
        "description": "Checks between reports: a report against its own body's other years, and copies "
                       "of another body's text.",
    },
    "text_bands": {"description": "MinHash bands of report sections, to find candidate copies without comparing "
                                  "every pair."},
    "schema_metrics": {
        "description": "The 226 metrics of the common schema with their official labels and units.",
        "label_column": "key",
        "columns": {
            "table_name": "active (table 二), applications (table 三) or appeals (table 四).",
            "row_key": "The key's row part.",
            "column_key": "The key's column part.",
            "templates": "Templates (2019, 2021) that have this cell.",
            "unit": "件 (count) or 万元 (10,000 yuan).",
        },
    },
    "current_reports": {"description": "The report of every document's current version (removed_at says if gone)."},
    "applications_wide": {
        "description": "Table 三 of every current report, one row per table row, applicant columns as columns "
                       "(件).",
        "columns": {applicant_column(c.key): f"{c.label} (件)" for c in APPLICANT_COLUMNS},
    },
    "metrics_labelled": {"description": "Every metric with its labels and unit."},
    "coverage": {
        "description": "For each site and report year: found or missing, first seen, and whether it appeared "
                       "after the deadline of regulation art. 49.",
        "columns": {
            "reports": "Current reports of the site on that year (any level).",
            "government_reports": "Of which reports of the whole government level.",
            "removed": "Of which reports whose document has since been removed by the publisher.",
            "deadline": "31 March of the following year (government-level report).",
            "appeared_on": "Publication date stated by the government report, else the date first seen.",
            "appeared_basis": "published or first_seen: where appeared_on comes from.",
            "late": "1 if appeared_on is after the deadline; NULL when missing.",
            "status": "found, missing, or not_due (deadline not passed yet).",
        },
    },
    **INDICATOR_TABLES,
}

QUERIES: dict[str, dict] = {
    "revised_reports": {
        "title": "Reports revised after publication, and what changed",
        "description": "Every modification of a published report, metric by metric (old → new).",
        "sql": """
SELECT c.detected_at, r.region, r.year, r.title, d.url, c.summary,
    mc.key, s.row_label, s.column_label, s.unit, mc.old_value, mc.new_value
FROM changes c
JOIN documents d ON d.id = c.document_id
LEFT JOIN reports r ON r.version_id = c.new_version_id
LEFT JOIN metric_changes mc ON mc.change_id = c.id
LEFT JOIN schema_metrics s ON s.key = mc.key
WHERE c.kind = 'modified'
ORDER BY c.detected_at DESC, c.id, s.position
""",
    },
    "failing_checks": {
        "title": "Reports failing the 勾稽关系 (arithmetic checks)",
        "description": "Current reports with a total that is not the sum of its parts, or 一+二 ≠ 总计+四.",
        "sql": """
SELECT r.region, r.year, r.title, f.kind, f.key, f.detail, r.url
FROM findings f JOIN reports r ON r.id = f.report_id
WHERE r.is_current = 1 AND f.kind IN ('inconsistent_total', 'balance_mismatch', 'blank_total')
ORDER BY r.year DESC, r.region_code, f.kind
""",
    },
    "applications_by_outcome": {
        "title": "Applications by outcome, region and year",
        "description": "Table 三's 总计 column, each outcome block summed, per region, year and level "
                       "(government or department). Leave year or region empty for all.",
        "sql": """
SELECT year, region, region_code, level, count(*) AS reports,
    sum(applications_new_received) AS new_received, sum(applications_carried_over) AS carried_over,
    sum(applications_granted) AS granted, sum(applications_partially_granted) AS partially_granted,
    sum(applications_denied) AS denied, sum(applications_unavailable) AS unavailable,
    sum(applications_not_processed) AS not_processed, sum(applications_other) AS other,
    sum(applications_total) AS total, sum(applications_carried_forward) AS carried_forward
FROM reports
WHERE is_current = 1 AND (:year = '' OR year = CAST(:year AS INTEGER))
    AND (:region = '' OR region LIKE '%' || :region || '%')
GROUP BY year, region_code, region, level
ORDER BY year, region_code, level
""",
    },
    "late_reports": {
        "title": "Reports published after their deadline",
        "description": "Current reports whose stated publication date is after the deadline of regulation art. 49.",
        "sql": """
SELECT r.region, r.year, r.level, r.title, r.published, r.deadline,
    CAST(julianday(r.published) - julianday(r.deadline) AS INTEGER) AS days_late, r.url
FROM reports r
WHERE r.is_current = 1 AND r.published IS NOT NULL AND r.published > r.deadline
ORDER BY days_late DESC
""",
    },
    "missing_reports": {
        "title": "Districts with no report for a year",
        "description": "Sites with no report found for a year whose deadline has passed. Leave year empty for all.",
        "sql": """
SELECT site_id, site_name, region_code, year, deadline
FROM coverage
WHERE status = 'missing' AND (:year = '' OR year = CAST(:year AS INTEGER))
ORDER BY year, region_code
""",
    },
    "search_reports": {
        "title": "Search report titles and texts (Chinese phrases)",
        "description": "Phrase search; works for Chinese (trigram index, LIKE for one or two characters).",
        "sql": SEARCH_SQL.replace(":limit", "200"),
    },
    **INDICATOR_QUERIES,
}


def metadata(database_name: str) -> dict:
    """The Datasette metadata for an archive served as ``database_name``."""
    queries = {name: {**query, "sql": query["sql"].strip()} for name, query in QUERIES.items()}
    return {
        "title": "nianbao: government information-disclosure annual reports (政府信息公开工作年度报告)",
        "description": "Every report, every version, and what changed. " + LICENSE_NOTE,
        "source": "nianbao",
        "databases": {database_name: {"tables": TABLES, "queries": queries}},
    }
