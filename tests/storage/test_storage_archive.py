"""The crawler's API: record_fetch and friends, on real SQLite files."""

from __future__ import annotations

import json

import pytest
from archive_testing import count, make_report

from storage.archive import ArchiveError
from storage.blobs import get_blob

URL = "http://dev01.example/art/2023/3/20/art_1_1.html"


def record(archive, report, body=b"v1", url=URL, **kwargs):
    return archive.record_report(site_id=None, url=url, body=body, report=report, **kwargs)


def test_added_then_same_bytes_is_a_no_op(archive):
    assert record(archive, make_report()) == "added"
    before = {t: count(archive, t) for t in ("documents", "versions", "blobs", "reports", "metrics", "changes")}
    assert record(archive, make_report()) == "unchanged"
    assert {t: count(archive, t) for t in before} == before
    assert before["metrics"] == len(make_report()["metrics"])
    assert archive.db.execute("SELECT kind FROM changes").fetchall() == [("added",)]


def test_modified_records_metric_old_and_new(archive):
    record(archive, make_report())
    changed = make_report({**make_report()["metrics"], "applications.granted.all": 10, "active.fees.amount": 2.25})
    assert record(archive, changed, body=b"v2") == "modified"
    change = archive.db.execute("SELECT id, kind, summary FROM changes WHERE kind = 'modified'").fetchone()
    assert change[2] == "2 metrics changed"
    diffs = archive.db.execute(
        "SELECT key, old_value, new_value FROM metric_changes WHERE change_id = ? ORDER BY key", [change[0]]
    ).fetchall()
    assert diffs == [("active.fees.amount", 1.5, 2.25), ("applications.granted.all", 9, 10)]
    current = archive.db.execute("SELECT version_id FROM reports WHERE is_current = 1").fetchall()
    assert len(current) == 1
    assert archive.db.execute("SELECT current_version_id FROM documents").fetchone()[0] == current[0][0]


def test_new_bytes_same_report_is_a_new_version_without_change(archive):
    record(archive, make_report())
    chrome_moved = make_report(text=make_report()["text"] + "\n浏览次数：1234  发布时间：2023-03-21 10:00")
    assert record(archive, chrome_moved, body=b"v1 with a new view counter") == "new_version"
    assert count(archive, "versions") == 2
    assert count(archive, "changes", "kind = 'modified'") == 0


def test_text_change_alone_is_a_modification(archive):
    record(archive, make_report())
    assert record(archive, make_report(text="一、总体情况\n全新的内容。"), body=b"v2") == "modified"
    assert archive.db.execute("SELECT summary FROM changes WHERE kind = 'modified'").fetchone()[0] == "text changed"


def test_reverting_to_earlier_bytes_reuses_that_version(archive):
    record(archive, make_report())
    record(archive, make_report({"applications.new_received.all": 1}), body=b"v2")
    assert record(archive, make_report(), body=b"v1") == "modified"
    assert count(archive, "versions") == 2
    assert count(archive, "changes", "kind = 'modified'") == 2
    assert count(archive, "reports", "is_current = 1") == 1


def test_identical_bytes_at_two_urls_share_one_blob(archive):
    record(archive, make_report(), body=b"same bytes", url=URL)
    record(archive, make_report(), body=b"same bytes", url=URL + "?copy")
    assert count(archive, "documents") == 2
    assert count(archive, "blobs") == 1
    digest = archive.db.execute("SELECT sha256 FROM versions LIMIT 1").fetchone()[0]
    assert get_blob(archive.db, digest) == b"same bytes"


def test_unparseable_bytes_are_kept_with_the_reason(archive):
    assert archive.record_fetch(site_id=None, url=URL, body=b"") == "error"
    error = archive.db.execute("SELECT parse_error FROM versions").fetchone()[0]
    assert error  # the parser's own words; they are its business
    assert count(archive, "reports") == 0
    assert archive.db.execute("SELECT kind, summary FROM changes").fetchone() == ("added", f"could not parse: {error}")


def test_404_on_two_runs_removes_and_a_fetch_restores(archive):
    record(archive, make_report())
    first, second = archive.start_run(), archive.start_run()
    assert archive.record_missing(url=URL, status=404, reason="not_found", run_id=first) is None
    assert archive.record_missing(url=URL, status=404, reason="not_found", run_id=first) is None
    assert archive.record_missing(url=URL, status=404, reason="not_found", run_id=second) == "removed"
    assert archive.db.execute("SELECT removed_at IS NOT NULL FROM documents").fetchone()[0] == 1
    assert count(archive, "metrics") == len(make_report()["metrics"])  # data stays
    assert archive.record_missing(url=URL, status=404, reason="not_found") is None  # already removed
    assert record(archive, make_report()) == "restored"
    kinds = [row[0] for row in archive.db.execute("SELECT kind FROM changes ORDER BY id")]
    assert kinds == ["added", "removed", "restored"]
    assert archive.db.execute("SELECT removed_at, missing_runs FROM documents").fetchone() == (None, 0)


def test_a_successful_fetch_between_misses_resets_the_count(archive):
    record(archive, make_report())
    assert archive.record_missing(url=URL, status=410, reason="not_found") is None
    archive.record_not_modified(URL)
    assert archive.record_missing(url=URL, status=410, reason="not_found") is None
    assert count(archive, "changes", "kind = 'removed'") == 0


def test_soft_404_removes_at_once_and_304_restores(archive):
    archive.upsert_sites([{"id": "dev01", "name": "云湖区", "region_code": "330101", "start_urls": ["http://x/"]}])
    archive.record_report(site_id="dev01", url=URL, body=b"v1", report=make_report())
    assert archive.site_urls("dev01") == [URL]
    assert archive.record_missing(url=URL, status=302, reason="soft404") == "removed"
    assert archive.site_urls("dev01") == []
    archive.record_not_modified(URL)
    assert archive.site_urls("dev01") == [URL]
    assert count(archive, "changes", "kind = 'restored'") == 1


def test_validators_follow_the_current_version(archive):
    assert archive.validators(URL) is None
    record(archive, make_report(), headers={"ETag": '"a1"', "Last-Modified": "Mon, 20 Mar 2023 00:00:00 GMT"})
    assert archive.validators(URL) == {"etag": '"a1"', "last_modified": "Mon, 20 Mar 2023 00:00:00 GMT"}
    record(archive, make_report(), headers={"ETag": '"a2"'})
    assert archive.validators(URL) == {"etag": '"a2"', "last_modified": None}


def test_runs_count_their_changes(archive):
    run_id = archive.start_run(["dev01"])
    record(archive, make_report(), run_id=run_id)
    record(archive, make_report(), url=URL + "2", body=b"other", run_id=run_id)
    archive.finish_run(run_id, "finished", {"pages_fetched": 3, "pages_failed": 1, "note": "ok"})
    row = archive.db.execute(
        "SELECT status, pages_fetched, pages_failed, pages_not_modified, docs_added, docs_modified, stats, "
        "site_ids FROM crawl_runs WHERE id = ?", [run_id]
    ).fetchone()
    assert row[:6] == ("finished", 3, 1, None, 2, 0)
    assert json.loads(row[6])["note"] == "ok"
    assert json.loads(row[7]) == ["dev01"]


def test_sites_upsert_keeps_extra_keys(archive):
    archive.upsert_sites([{"id": "dev01", "name": "旧", "start_urls": ["http://a/"], "cms": "hanweb"}])
    archive.upsert_sites([{"id": "dev01", "name": "云湖区", "start_urls": ["http://b/"], "cms": "hanweb"}])
    row = archive.db.execute("SELECT name, start_urls, extra FROM sites").fetchone()
    assert row[0] == "云湖区"
    assert json.loads(row[1]) == ["http://b/"]
    assert json.loads(row[2]) == {"cms": "hanweb"}


def test_a_failed_document_leaves_nothing_behind_and_labels_stay_valid(archive):
    bad = make_report(findings=[{"detail": "a finding without its kind"}])
    bad["provenance"]["active.fees.amount"]["row_label"] = "第一次见到的标签"
    with pytest.raises(ArchiveError, match="NOT NULL"):
        record(archive, bad)
    assert [count(archive, t) for t in ("documents", "versions", "blobs", "reports", "labels")] == [0, 0, 0, 0, 0]
    good = make_report()
    good["provenance"]["active.fees.amount"]["row_label"] = "第一次见到的标签"
    record(archive, good)
    printed = archive.db.execute(
        "SELECT printed_row_label FROM metrics_labelled WHERE key = 'active.fees.amount'").fetchone()[0]
    assert printed == "第一次见到的标签"


def test_metric_provenance_is_stored_for_repaired_and_plain_cells(archive):
    report = make_report()
    report["provenance"]["applications.granted.all"].update(repair="repaired_cell", raw=None, kind="derived")
    record(archive, report)
    rows = archive.db.execute(
        "SELECT key, value, raw, cell_kind, cell_table, cell_row, cell_col, cell_repair, rl.text, cl.text "
        "FROM metrics m JOIN labels rl ON rl.id = m.row_label_id JOIN labels cl ON cl.id = m.column_label_id "
        "WHERE key IN ('applications.granted.all', 'applications.granted.natural_person') ORDER BY key").fetchall()
    assert rows == [("applications.granted.all", 9, None, "derived", 1, 1, 2, "repaired_cell", "r", "c"),
                    ("applications.granted.natural_person", 6, "6", "number", 1, 1, 2, None, "r", "c")]


def test_a_non_numeric_metric_is_refused_naming_the_key(archive):
    with pytest.raises(ArchiveError, match=r"^metric applications.total.all: 'many' is not a number$"):
        record(archive, make_report({"applications.total.all": "many"}))
    assert count(archive, "documents") == 0


def test_a_parser_upgrade_is_not_taken_for_a_publisher_change(archive, report_html):
    page = report_html.read_text(encoding="utf-8")
    # What an older parser made of the page: other numbers than today's parser reads.
    old_reading = make_report({"applications.total.all": 99999}, parser_version="0.0.1")
    archive.record_report(site_id=None, url=URL, body=page.encode(), report=old_reading)
    chrome_moved = page.replace("</body>", '<div class="footer">访问量：2</div></body>').encode()
    assert archive.record_fetch(site_id=None, url=URL, body=chrome_moved) == "new_version"
    assert count(archive, "changes", "kind = 'modified'") == 0
    # The same old reading against a real edit is still a modification.
    archive.record_report(site_id=None, url=URL + "?2", body=page.encode(), report=old_reading)
    edited = page.replace("</table>", "</table><p>补充说明：新增一段正文。</p>", 1).encode()
    assert archive.record_fetch(site_id=None, url=URL + "?2", body=edited) == "modified"
    summary = archive.db.execute("SELECT summary FROM changes WHERE kind = 'modified'").fetchone()[0]
    assert summary == "text changed"
