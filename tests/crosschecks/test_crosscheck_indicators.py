"""Indicator views and canned queries, checked against numbers computed here from the metrics."""

from __future__ import annotations

import pytest
from crosscheck_series import series

from storage.archive import Archive
from storage.indicators import DENIAL_REASONS
from storage.metadata import QUERIES, metadata

REGIONS = {"320501": "甲县", "320502": "乙县", "320503": "丙县", "320500": "丁市"}


def report(code: str, year: int, metrics: dict) -> dict:
    """A report dict of the government of region ``code``, as the normalizer returns it."""
    region = REGIONS[code]
    return {"title": f"{region}人民政府{year}年政府信息公开工作年度报告", "org": f"{region}人民政府",
            "region": region, "region_code": code, "year": year, "published": f"{year + 1}-03-01",
            "template": "2021", "metrics": metrics, "findings": [], "text": "", "parser_version": "test"}


@pytest.fixture
def regions(crosscheck_archive: Archive) -> dict[tuple[str, int], dict]:
    """Three counties and a prefecture, 2021–2022, each region's reports on its own site."""
    crosscheck_archive.upsert_sites([{"id": f"s{code}", "name": name, "region_code": code}
                                     for code, name in REGIONS.items()])
    stored = {}
    for number, code in enumerate(REGIONS):
        for year, metrics in series(number + 1, range(2021, 2023)).items():
            metrics["appeals.review.total"], metrics["appeals.review.corrected"] = 4, number
            crosscheck_archive.record_report(site_id=f"s{code}", url=f"http://{code}.example/{year}",
                                             body=f"{code}{year}".encode(), report=report(code, year, metrics))
            stored[code, year] = metrics
    return stored


def expected_indicators(metrics: dict) -> dict:
    """The per-report indicators, computed from the metrics."""
    handled = metrics["applications.total.all"]
    granted = metrics["applications.granted.all"] + metrics["applications.partially_granted.all"]
    refused = sum(metrics[f"applications.denied.{reason}.all"] for reason in DENIAL_REASONS)
    lawsuits = sum(metrics[f"appeals.{g}.total"] for g in ("litigation_direct", "litigation_after_review"))
    corrected = sum(metrics[f"appeals.{g}.corrected"] for g in ("litigation_direct", "litigation_after_review"))
    return {
        "received": metrics["applications.new_received.all"], "handled": handled, "granted": granted,
        "granted_share": round(granted / handled, 4) if handled else None,
        "refused": refused, "refused_share": round(refused / handled, 4) if handled else None,
        "not_held": metrics["applications.unavailable.not_held.all"],
        "review_correction_rate": round(metrics["appeals.review.corrected"] / 4, 4),
        "lawsuits": lawsuits, "litigation_correction_rate": round(corrected / lawsuits, 4) if lawsuits else None,
        "fees": metrics["active.fees.amount"],
    }


def test_report_indicators_match_the_metrics(crosscheck_archive: Archive, regions: dict):
    db = crosscheck_archive.db
    for (code, year), metrics in regions.items():
        expected = expected_indicators(metrics)
        row = db.execute(f"SELECT {', '.join(expected)} FROM report_indicators WHERE region_code = ? AND year = ?",
                         [code, year]).fetchone()
        assert dict(zip(expected, row, strict=True)) == pytest.approx(expected)


def test_region_percentiles_rank_peers_of_the_same_level(crosscheck_archive: Archive, regions: dict):
    rows = crosscheck_archive.db.execute(
        "SELECT region_code, region_level, review_correction_rate, review_correction_rate_percentile "
        "FROM region_indicators WHERE year = 2022 ORDER BY region_code").fetchall()
    # Corrected reviews 0, 1, 2 of 4 for the three counties; the prefecture (3 of 4) has no peer.
    assert rows == [("320500", "prefecture", 0.75, 0.0), ("320501", "county", 0.0, 0.0),
                    ("320502", "county", 0.25, 0.5), ("320503", "county", 0.5, 1.0)]


def test_region_rows_carry_the_coverage_ledger(crosscheck_archive: Archive, regions: dict):
    rows = crosscheck_archive.db.execute(
        "SELECT year, reports, sites_found, sites_missing FROM region_indicators WHERE region_code = '320501' "
        "ORDER BY year").fetchall()
    assert rows == [(2021, 1, 1, 0), (2022, 1, 1, 0)]
    missing = crosscheck_archive.db.execute(
        "SELECT count(*) FROM coverage WHERE region_code = '320501' AND status = 'missing'").fetchone()[0]
    assert missing >= 2  # 2019 and 2020: in the ledger, though region_indicators only has years with reports


def test_canned_queries_answer_with_definitions_in_the_metadata(crosscheck_archive: Archive, regions: dict):
    db = crosscheck_archive.db
    series_rows = db.execute(QUERIES["region_time_series"]["sql"], {"region": "乙县"}).fetchall()
    assert [row[:2] for row in series_rows] == [(2021, "乙县"), (2022, "乙县")]
    compared = db.execute(QUERIES["regions_compared"]["sql"], {"year": "2022"}).fetchall()
    assert len(compared) == 4
    # The queries sum only the reports they need, and still agree with the view.
    columns = "region, region_level, reports, received, received_percentile, granted_share, granted_share_percentile"
    view = db.execute(f"SELECT {columns} FROM region_indicators WHERE year = 2022 ORDER BY region_level, "
                      "region_code").fetchall()
    assert [row[:7] for row in compared] == view
    series = db.execute("SELECT year, region, reports, received FROM region_indicators WHERE region = '乙县' "
                        "ORDER BY year").fetchall()
    assert [row[:4] for row in series_rows] == series
    assert db.execute(QUERIES["cross_report_checks"]["sql"], {"kind": ""}).fetchall() == []
    tables = metadata("archive")["databases"]["archive"]["tables"]
    assert "结果纠正" in tables["report_indicators"]["columns"]["review_correction_rate"] + \
        tables["report_indicators"]["columns"]["reviews_corrected"]
    assert "percent_rank" in tables["region_indicators"]["columns"]["granted_share_percentile"]
    assert "carry_over_mismatch" in tables["report_checks"]["columns"]["kind"]


def test_failing_checks_are_counted_per_report_and_region(crosscheck_archive: Archive, regions: dict):
    metrics = dict(regions["320501", 2022])
    metrics["applications.carried_over.research"] += 1
    metrics["applications.carried_forward.research"] += 1
    for row in ("carried_over", "carried_forward"):
        metrics[f"applications.{row}.all"] += 1
    crosscheck_archive.record_report(site_id="s320501", url="http://320501.example/2022", body=b"revised",
                                     report=report("320501", 2022, metrics))
    db = crosscheck_archive.db
    assert db.execute("SELECT carry_over_mismatches FROM report_indicators WHERE region_code = '320501' "
                      "AND year = 2022").fetchone()[0] == 2
    assert db.execute("SELECT carry_over_mismatches FROM region_indicators WHERE region_code = '320501' "
                      "AND year = 2022").fetchone()[0] == 2
    kinds = db.execute(QUERIES["cross_report_checks"]["sql"], {"kind": "carry_over_mismatch"}).fetchall()
    assert [(row[0], row[1], row[4], row[9]) for row in kinds] == [
        ("甲县", 2022, "applications.carried_over.all", 2021),
        ("甲县", 2022, "applications.carried_over.research", 2021)]
