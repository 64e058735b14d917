"""Re-parsing stored bytes: newly readable versions, regressions that must not lose data."""

from __future__ import annotations

from archive_testing import count, make_report

from storage.reparse import reparse


def test_a_version_that_failed_before_gets_its_report(archive, report_html):
    body = report_html.read_bytes()
    assert archive.record_report(site_id=None, url="u", body=body, report=None, error="old parser gave up") == "error"
    counts = reparse(archive)
    assert (counts["new"], counts["error"]) == (1, 0)
    assert count(archive, "reports", "is_current = 1") == 1
    assert archive.db.execute("SELECT parse_error FROM versions").fetchone()[0] is None
    assert archive.db.execute("SELECT field, old_value, new_value FROM reparse_changes").fetchall() == [
        ("parse_error", "old parser gave up", None)]


def test_a_parser_regression_keeps_the_old_report(archive):
    archive.record_report(site_id=None, url="u", body=b"", report=make_report())
    counts = reparse(archive, everything=True)
    assert counts["error"] == 1
    assert archive.db.execute("SELECT title FROM reports").fetchone()[0] == make_report()["title"]
    assert count(archive, "metrics") == len(make_report()["metrics"])
    assert count(archive, "reparse_changes", "field = 'parse_error' AND new_value IS NOT NULL") == 1
    reparse(archive, everything=True)
    assert count(archive, "reparse_changes") == 1  # the same complaint is not logged twice


def test_reparse_run_is_recorded(archive, report_html):
    old_reading = make_report(parser_version="0.0.1")
    archive.record_report(site_id=None, url="u", body=report_html.read_bytes(), report=old_reading)
    counts = reparse(archive)
    sql = "SELECT versions_parsed, reports_changed, finished_at IS NOT NULL FROM reparses"
    row = archive.db.execute(sql).fetchone()
    assert row == (1, counts["changed"] + counts["new"], 1)
    assert counts["changed"] == 1  # a real parse of the page differs from the made-up report


def test_reparse_keeps_the_full_text_index_exact(archive, report_html):
    """A re-parse rewrites a report's text in place; the index follows, old words out and new ones in."""
    archive.record_report(site_id=None, url="u", body=report_html.read_bytes(),
                          report=make_report(text="旧的解析结果里独有的句子。", parser_version="0.0.1"))
    reparse(archive)
    archive.db.execute("INSERT INTO reports_fts(reports_fts, rank) VALUES ('integrity-check', 1)")
    def matches(phrase: str) -> int:
        sql = "SELECT count(*) FROM reports_fts WHERE reports_fts MATCH ?"
        return archive.db.execute(sql, [f'"{phrase}"']).fetchone()[0]

    assert matches("独有的句子") == 0
    text = archive.db.execute("SELECT text FROM reports").fetchone()[0]
    assert matches(next(line for line in text.splitlines() if len(line) >= 8)[:8]) == 1
