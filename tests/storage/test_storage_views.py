"""Views, the coverage ledger and the per-report table 三 totals, on real archives."""

from __future__ import annotations

import pytest
from archive_testing import make_report

from storage.coverage import DEPARTMENT, GOVERNMENT, deadline, report_level
from storage.reports import application_totals

TABLE_THREE = {
    "applications.new_received.natural_person": 16,
    "applications.new_received.all": 21,
    "applications.denied.state_secret.all": 2,
    "applications.denied.third_party.all": 3,
    "applications.granted.all": 9,
    "applications.granted.commercial": 1,
}


@pytest.mark.parametrize(("title", "org", "level"), [
    ("云湖区人民政府2022年政府信息公开工作年度报告", None, GOVERNMENT),
    ("云湖区2022年政府信息公开工作年度报告", None, GOVERNMENT),
    ("云湖区教育局2022年政府信息公开工作年度报告", None, DEPARTMENT),
    ("云湖区人民政府办公室2022年政府信息公开工作年度报告", None, DEPARTMENT),
    ("青山镇人民政府2022年政府信息公开工作年度报告", None, DEPARTMENT),
    ("2022年政府信息公开工作年度报告", "云湖区卫生健康委员会", DEPARTMENT),
    ("2019年上海市人民政府办公厅政府信息公开工作年度报告", None, DEPARTMENT),
    ("2020年度青岚区政府信息公开工作年度报告", "青岚区人民政府办公室", GOVERNMENT),
    ("山溪县2021年度政府信息公开工作年度报告（更正版）", None, GOVERNMENT),
    (None, None, GOVERNMENT),
])
def test_report_level(title, org, level):
    assert report_level(title, org) == level


def test_deadlines_follow_article_49():
    assert deadline(2022, GOVERNMENT) == "2023-03-31"
    assert deadline(2022, DEPARTMENT) == "2023-01-31"
    assert deadline(None, GOVERNMENT) is None


def test_application_totals_sum_blocks_and_leave_absent_rows_null():
    totals = application_totals(TABLE_THREE)
    assert totals["applications_new_received"] == 21
    assert totals["applications_denied"] == 5
    assert totals["applications_granted"] == 9
    assert totals["applications_unavailable"] is None


def test_applications_wide_has_one_row_per_table_row(archive):
    archive.record_report(site_id=None, url="u", body=b"1", report=make_report(TABLE_THREE))
    rows = list(archive.db.query("SELECT row_key, natural_person, commercial, total FROM applications_wide "
                                 "ORDER BY position"))
    assert rows == [
        {"row_key": "new_received", "natural_person": 16, "commercial": None, "total": 21},
        {"row_key": "granted", "natural_person": None, "commercial": 1, "total": 9},
        {"row_key": "denied.state_secret", "natural_person": None, "commercial": None, "total": 2},
        {"row_key": "denied.third_party", "natural_person": None, "commercial": None, "total": 3},
    ]


def test_metrics_labelled_carries_units_and_printed_labels(archive):
    archive.record_report(site_id=None, url="u", body=b"1", report=make_report())
    row = next(archive.db.query("SELECT * FROM metrics_labelled WHERE key = 'active.fees.amount'"))
    assert (row["unit"], row["value"], row["raw"]) == ("万元", 1.5, "1.5")
    assert (row["printed_row_label"], row["printed_column_label"]) == ("r", "c")
    assert row["column_label"] == "本年收费金额（万元）"


def test_current_reports_follow_the_latest_version(archive):
    archive.record_report(site_id=None, url="u", body=b"1", report=make_report(published="2023-03-20"))
    archive.record_report(site_id=None, url="u", body=b"2", report=make_report(published="2023-03-25", text="新"))
    assert [row["published"] for row in archive.db.query("SELECT published FROM current_reports")] == ["2023-03-25"]


def test_coverage_marks_found_late_missing_and_not_due(archive):
    archive.upsert_sites([{"id": "yh", "name": "云湖区"}, {"id": "sx", "name": "山溪县"}])
    on_time = make_report(year=2021, published="2022-03-30")
    late = make_report(year=2022, published="2023-04-15")
    archive.record_report(site_id="yh", url="a", body=b"a", report=on_time)
    archive.record_report(site_id="yh", url="b", body=b"b", report=late)
    future = make_report(year=2998, published=None)
    archive.record_report(site_id="yh", url="c", body=b"c", report=future)
    ledger = {(row["site_id"], row["year"]): row for row in archive.db.query("SELECT * FROM coverage")}
    assert (ledger["yh", 2021]["status"], ledger["yh", 2021]["late"]) == ("found", 0)
    assert (ledger["yh", 2022]["status"], ledger["yh", 2022]["late"]) == ("found", 1)
    assert ledger["yh", 2022]["appeared_basis"] == "published"
    assert (ledger["sx", 2022]["status"], ledger["sx", 2022]["late"]) == ("missing", None)
    assert ledger["sx", 2998]["status"] == "not_due"
    assert ledger["yh", 2998]["appeared_basis"] == "first_seen"
    assert min(year for _, year in ledger) == 2019
