"""Indicators for researchers: SQL views and canned queries over reports and their cross-report checks.

* ``report_indicators`` — per current report: applications received, the shares granted, refused (and
  why), 'information not held', reviews and lawsuits with their correction rates, fees, and how many
  cross-report checks it fails;
* ``region_indicators`` — per region and year: the same summed over the region's reports, each share's
  percentile among the regions of the same administrative level that year, and the coverage ledger's
  found / late / missing counts.

Shares are fractions of 三（七）总计 (applications handled); correction rates are 结果纠正 / 总计.
The definitions are in :data:`TABLES`, which the Datasette metadata includes.
"""

from __future__ import annotations

from pipeline.schema import SCHEMA

from .crosschecks import PREVIOUS_YEAR, SAME_YEAR

DENIAL_REASONS = tuple(k.split(".")[2] for k in SCHEMA.by_key if k.startswith("applications.denied.") and
                       k.endswith(".all"))
LITIGATION = ("litigation_direct", "litigation_after_review")


def metric(key: str) -> str:
    """SQL for the value of metric ``key`` of report ``r`` (one primary-key lookup)."""
    return f"(SELECT value FROM metrics WHERE report_id = r.id AND key = '{key}')"


def share(part: str, whole: str) -> str:
    """SQL for ``part / whole`` rounded to 4 places, NULL when ``whole`` is 0 or NULL."""
    return f"round(1.0 * ({part}) / nullif({whole}, 0), 4)"


def region_level(code: str) -> str:
    """SQL for the administrative level of a region code: province, prefecture or county."""
    return (f"CASE WHEN {code} IS NULL THEN NULL WHEN substr({code}, 3) = '0000' THEN 'province' "
            f"WHEN substr({code}, 5) = '00' THEN 'prefecture' ELSE 'county' END")


_REFUSED = ",\n    ".join(f"{metric(f'applications.denied.{reason}.all')} AS refused_{reason}"
                           for reason in DENIAL_REASONS)
CHECK_COUNTS = {"carry_over_mismatch": "carry_over_mismatches", "in_force_chain": "in_force_breaks",
                "project_count_chain": "project_count_breaks", "copied_text": "copied_sections"}
_CHECK_COUNTS = ",\n    ".join(
    f"(SELECT count(*) FROM report_checks c WHERE c.report_id = r.id AND c.kind = '{kind}') AS {column}"
    for kind, column in CHECK_COUNTS.items()
)
REPORT_INDICATORS = f"""
SELECT
    r.id AS report_id, r.body, r.site_id, r.region, r.region_code, {region_level('r.region_code')} AS region_level,
    r.level, r.year, r.org, r.title, r.url,
    r.applications_new_received AS received,
    r.applications_total AS handled,
    r.applications_granted + r.applications_partially_granted AS granted,
    {share('r.applications_granted + r.applications_partially_granted', 'r.applications_total')} AS granted_share,
    r.applications_denied AS refused,
    {share('r.applications_denied', 'r.applications_total')} AS refused_share,
    {_REFUSED},
    {metric('applications.unavailable.not_held.all')} AS not_held,
    {share(metric('applications.unavailable.not_held.all'), 'r.applications_total')} AS not_held_share,
    {metric('appeals.review.total')} AS reviews,
    {metric('appeals.review.corrected')} AS reviews_corrected,
    {share(metric('appeals.review.corrected'), metric('appeals.review.total'))} AS review_correction_rate,
    {' + '.join(metric(f'appeals.{group}.total') for group in LITIGATION)} AS lawsuits,
    {' + '.join(metric(f'appeals.{group}.corrected') for group in LITIGATION)} AS lawsuits_corrected,
    {share(' + '.join(metric(f'appeals.{group}.corrected') for group in LITIGATION),
           ' + '.join(metric(f'appeals.{group}.total') for group in LITIGATION))} AS litigation_correction_rate,
    {metric('active.fees.amount')} AS fees,
    {_CHECK_COUNTS}
FROM reports r
WHERE r.is_current = 1
"""

_PERCENTILE_OF = ("received", "granted_share", "refused_share", "not_held_share", "review_correction_rate",
                  "litigation_correction_rate")
_PERCENTILES = ",\n    ".join(
    f"CASE WHEN {column} IS NOT NULL THEN round(percent_rank() OVER (PARTITION BY year, region_level, "
    f"{column} IS NULL ORDER BY {column}), 4) END AS {column}_percentile"
    for column in _PERCENTILE_OF
)


def region_indicators_sql(condition: str | None = None) -> str:
    """The SQL of ``region_indicators``, over only the current reports matching ``condition`` (on
    ``report_indicators``' columns) if one is given.

    Filtering before summing is what keeps a canned query fast: the view itself sums every report of
    the archive before any outer WHERE applies, since its percentiles rank each region among all its
    peers.  Percentiles rank among the regions ``condition`` keeps, so they match the view's only for a
    condition on whole years.
    """
    extra = f" AND ({condition})" if condition else ""
    return f"""
WITH sums AS (
    SELECT
        region_code, min(region) AS region, region_level, year, count(*) AS reports,
        sum(received) AS received, sum(handled) AS handled, sum(granted) AS granted, sum(refused) AS refused,
        sum(not_held) AS not_held, sum(reviews) AS reviews, sum(reviews_corrected) AS reviews_corrected,
        sum(lawsuits) AS lawsuits, sum(lawsuits_corrected) AS lawsuits_corrected, sum(fees) AS fees,
        sum(carry_over_mismatches) AS carry_over_mismatches, sum(copied_sections) AS copied_sections
    FROM report_indicators
    WHERE region_code IS NOT NULL AND year IS NOT NULL{extra}
    GROUP BY region_code, year
),
ledger AS (
    SELECT region_code, year, sum(status = 'found') AS sites_found, sum(late) AS sites_late,
        sum(status = 'missing') AS sites_missing
    FROM coverage WHERE region_code IS NOT NULL
    GROUP BY region_code, year
),
shares AS (
    SELECT sums.*,
        {share('granted', 'handled')} AS granted_share,
        {share('refused', 'handled')} AS refused_share,
        {share('not_held', 'handled')} AS not_held_share,
        {share('reviews_corrected', 'reviews')} AS review_correction_rate,
        {share('lawsuits_corrected', 'lawsuits')} AS litigation_correction_rate,
        ledger.sites_found, ledger.sites_late, ledger.sites_missing
    FROM sums LEFT JOIN ledger ON ledger.region_code = sums.region_code AND ledger.year = sums.year
)
SELECT *,
    {_PERCENTILES}
FROM shares
"""


REGION_INDICATORS = region_indicators_sql()

VIEWS: dict[str, str] = {"report_indicators": REPORT_INDICATORS, "region_indicators": REGION_INDICATORS}

_SHARE_NOTE = "of applications handled (三（七）总计)"
_INDICATOR_COLUMNS = {
    "body": "The body the report belongs to across years (site or region, then normalized organisation name).",
    "region_level": "province, prefecture or county, from the region code.",
    "received": "三、一 本年新收政府信息公开申请数量, 总计 (件).",
    "handled": "三（七）总计: applications handled this year (件).",
    "granted": "三（一）予以公开 + （二）部分公开 (件).",
    "granted_share": f"granted, as a share {_SHARE_NOTE}.",
    "refused": "三（三）不予公开, its eight reasons summed (件).",
    "refused_share": f"refused, as a share {_SHARE_NOTE}.",
    **{f"refused_{reason}": f"三（三）不予公开, reason {reason} (件)." for reason in DENIAL_REASONS},
    "not_held": "三（四）1. 本机关不掌握相关政府信息 (件).",
    "not_held_share": f"not_held, as a share {_SHARE_NOTE}.",
    "reviews": "四、行政复议 总计 (件).",
    "reviews_corrected": "四、行政复议 结果纠正 (件).",
    "review_correction_rate": "reviews_corrected / reviews.",
    "lawsuits": "四、行政诉讼 总计, direct and after review (件).",
    "lawsuits_corrected": "四、行政诉讼 结果纠正, direct and after review (件).",
    "litigation_correction_rate": "lawsuits_corrected / lawsuits.",
    "fees": "二、行政事业性收费 本年收费金额 (万元; 2021 template only).",
    **{column: f"report_checks of kind {kind} filed under the report(s)." for kind, column in CHECK_COUNTS.items()},
}
TABLES: dict[str, dict] = {
    "report_checks": {
        "description": "Checks across reports that failed: carry-over between years, soft chains, copied text.",
        "columns": {
            "report_id": "The report the check is filed under (a current report).",
            "other_report_id": "The report it was compared with: the body's previous year, or another body's "
                               "report of the same year.",
            "relation": f"{PREVIOUS_YEAR} or {SAME_YEAR}.",
            "kind": "carry_over_mismatch (二、上年结转 ≠ last year's 四、结转下年度继续办理), in_force_chain "
                    "(现行有效件数 chain, 2021 template; soft), project_count_chain (上一年项目数量 chain, 2019 "
                    "template; soft), copied_text (section 一 or 五 at least 90% alike).",
            "key": "The metric (or, for copied_text, the section) concerned.",
            "expected": "What the other report implies.",
            "actual": "What this report says.",
            "difference": "actual − expected: the size of the break.",
            "similarity": "copied_text: rapidfuzz normalized Indel similarity of the two sections (0–1).",
        },
    },
    "text_bands": {"description": "MinHash bands of report sections 一 and 五: reports sharing a band are compared "
                                  "for copied text."},
    "report_indicators": {
        "description": "Per current report: applications, shares granted / refused / not held, reviews and "
                       "lawsuits with correction rates (结果纠正 / 总计), fees, failed cross-report checks.",
        "columns": _INDICATOR_COLUMNS,
    },
    "region_indicators": {
        "description": "Per region and year: report_indicators summed over the region's current reports, each "
                       "share's percentile among regions of the same level that year, and the coverage ledger.",
        "columns": {
            **_INDICATOR_COLUMNS,
            **{f"{column}_percentile": f"percent_rank of {column} among regions of the same region_level and "
                                       "year (0 lowest, 1 highest)." for column in _PERCENTILE_OF},
            "sites_found": "Coverage ledger: the region's sites with a report that year.",
            "sites_late": "Coverage ledger: of which first appeared after the deadline.",
            "sites_missing": "Coverage ledger: the region's sites with no report though the deadline passed.",
        },
    },
}

_REGION_MATCHING = region_indicators_sql("region LIKE '%' || :region || '%'")
_REGION_YEAR = region_indicators_sql("year = CAST(:year AS INTEGER)")
QUERIES: dict[str, dict] = {
    "cross_report_checks": {
        "title": "Cross-report checks that failed",
        "description": "Carry-over breaks, soft chains (with their size) and copied text, each with the report it "
                       "was compared with. Leave kind empty for all.",
        "sql": """
SELECT r.region, r.year, r.org, c.kind, c.key, c.expected, c.actual, c.difference, c.similarity,
    o.year AS other_year, o.org AS other_org, c.detail, r.url, o.url AS other_url
FROM report_checks c JOIN reports r ON r.id = c.report_id JOIN reports o ON o.id = c.other_report_id
WHERE :kind = '' OR c.kind = :kind
ORDER BY r.region_code, r.body, r.year, c.kind, c.key
""",
    },
    "region_time_series": {
        "title": "A region's indicators year by year (ready to chart)",
        "description": "One row per year for the regions whose name contains the text given.",
        "sql": f"""
SELECT year, region, reports, received, handled, granted_share, refused_share, not_held_share, reviews,
    review_correction_rate, lawsuits, litigation_correction_rate, fees, carry_over_mismatches, copied_sections,
    sites_found, sites_late, sites_missing
FROM ({_REGION_MATCHING})
ORDER BY region_code, year
""",
    },
    "regions_compared": {
        "title": "Regions compared with their peers",
        "description": "Each region's indicators for a year with percentiles among regions of the same level.",
        "sql": f"""
SELECT region, region_level, reports, received, received_percentile, granted_share, granted_share_percentile,
    refused_share, refused_share_percentile, not_held_share, not_held_share_percentile,
    review_correction_rate, litigation_correction_rate, sites_found, sites_late, sites_missing
FROM ({_REGION_YEAR})
ORDER BY region_level, region_code
""",
    },
}
