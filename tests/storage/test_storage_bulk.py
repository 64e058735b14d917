"""Archive.bulk: many calls share a transaction, each still all or nothing; the full-text index and the
cross-report checks are brought up to date before every commit."""

from __future__ import annotations

import os
import sqlite3

import pytest
from archive_testing import count, make_report

from storage.archive import Archive, ArchiveError
from storage.db import MIGRATIONS, connect, migrate
from storage.search import search


def record(archive: Archive, number: int, **fields) -> str:
    text = f"一、总体情况\n第{number}号报告，本年度推进乡村振兴信息公开。"
    report = make_report(text=text, title=f"云湖区第{number}局2022年政府信息公开工作年度报告",
                         org=f"云湖区第{number}局", **fields)
    return archive.record_report(site_id=None, url=f"http://a.example/{number}.html", body=f"page {number}".encode(),
                                 report=report)


def committed(path, table: str) -> int:
    """Rows of ``table`` another connection sees."""
    reader = connect(path, readonly=True)
    try:
        return reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        reader.close()


def fts_integrity(archive: Archive) -> None:
    """Raises if the full-text index does not match the reports table exactly."""
    archive.db.execute("INSERT INTO reports_fts(reports_fts, rank) VALUES ('integrity-check', 1)")


def test_bulk_commits_every_n_calls_and_at_the_end(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        with archive.bulk(calls=3):
            for number in range(2):
                assert record(archive, number) == "added"
            assert committed(path, "documents") == 0
            record(archive, 2)
            assert committed(path, "documents") == 3
            record(archive, 3)
            assert committed(path, "documents") == 3
        assert committed(path, "documents") == 4
        assert not archive.db.conn.in_transaction


def test_a_failing_call_is_undone_alone(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        with archive.bulk():
            record(archive, 1)
            with pytest.raises(ArchiveError, match="not a number"):
                record(archive, 2, metrics={"applications.granted.all": "lots"})
            record(archive, 3)
        assert committed(path, "documents") == 2
        assert count(archive, "documents", "url LIKE '%/2.html'") == 0
        assert count(archive, "versions") == count(archive, "reports") == 2
        fts_integrity(archive)


def test_an_exception_leaving_the_block_keeps_the_finished_calls(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        with pytest.raises(KeyboardInterrupt), archive.bulk():
            record(archive, 1)
            record(archive, 2)
            raise KeyboardInterrupt
        assert committed(path, "documents") == 2
        assert record(archive, 2) == "unchanged"


def test_bulk_reports_are_searchable_and_the_index_exact(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        with archive.bulk(calls=4):
            for number in range(10):
                record(archive, number)
        fts_integrity(archive)
        assert len(search(archive.db, "乡村振兴")) == 10
        title = "云湖区第7局2022年政府信息公开工作年度报告"
        assert [hit["title"] for hit in search(archive.db, "第7号报告")] == [title]
        # A revision is a new report row: indexed too, while the old version's report stays searchable.
        report = make_report(text="一、总体情况\n第7号报告改版，新增营商环境专栏。", title=title, org="云湖区第7局")
        assert archive.record_report(site_id=None, url="http://a.example/7.html", body=b"v2", report=report) \
            == "modified"
        fts_integrity(archive)
        assert len(search(archive.db, "乡村振兴")) == 10
        assert len(search(archive.db, "营商环境专栏")) == 1


def test_bulk_refreshes_cross_report_checks_before_commit(tmp_path):
    path = tmp_path / "a.db"
    carried = {"applications.carried_forward.all": 5, "applications.carried_over.all": 0}
    with Archive(path) as archive, archive.bulk():
        archive.record_report(site_id=None, url="http://a.example/2021.html", body=b"2021",
                              report=make_report(metrics=carried, year=2021))
        archive.record_report(site_id=None, url="http://a.example/2022.html", body=b"2022",
                              report=make_report(metrics={"applications.carried_over.all": 4}, year=2022))
    reader = sqlite3.connect(path)
    rows = reader.execute("SELECT kind, expected, actual FROM report_checks").fetchall()
    reader.close()
    assert rows == [("carry_over_mismatch", 5, 4)]


def test_archives_from_before_batched_indexing_upgrade_in_place(tmp_path):
    """An archive whose index was kept by insert triggers keeps its index, and takes new reports."""
    path = tmp_path / "old.db"
    db = connect(path)
    migrate_to(db, 2)
    db.execute("INSERT INTO documents (id, url, first_seen, last_seen) VALUES (1, 'u', 'x', 'x')")
    db.execute("INSERT INTO blobs VALUES ('s', 1, 'zstd', x'00')")
    db.execute("INSERT INTO versions (id, document_id, fetched_at, last_fetched_at, sha256, size) "
               "VALUES (1, 1, 'x', 'x', 's', 1)")
    db.execute("INSERT INTO reports (id, version_id, document_id, title, text, is_current) "
               "VALUES (1, 1, 1, '旧报告', '一、总体情况\n老档案里的乡村振兴。', 1)")
    db.conn.commit()
    db.close()
    with Archive(path) as archive:
        assert archive.db.execute("SELECT indexed_report_id FROM fts_state").fetchone()[0] == 1
        record(archive, 2)
        fts_integrity(archive)
        assert {hit["id"] for hit in search(archive.db, "乡村振兴")} == {1, 2}


def migrate_to(db, version: int) -> None:
    """Apply only the first ``version`` schema steps, as an older nianbao would have."""
    saved = MIGRATIONS[:]
    del MIGRATIONS[version:]
    try:
        migrate(db)
    finally:
        MIGRATIONS[:] = saved


def test_a_full_disk_in_a_batch_keeps_what_was_committed(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        with archive.bulk(calls=2):
            record(archive, 1)
            record(archive, 2)  # the batch commits here
            pages = archive.db.execute("PRAGMA page_count").fetchone()[0]
            # A page budget is how SQLite itself reports a full disk (SQLITE_FULL).
            archive.db.execute(f"PRAGMA max_page_count = {pages + 2}")
            with pytest.raises(ArchiveError, match="disk full"):
                archive.record_report(site_id=None, url="http://a.example/big.html", body=os.urandom(200_000),
                                      report=make_report(text="长" * 100_000))
        archive.db.execute(f"PRAGMA max_page_count = {2**30}")
        assert record(archive, 3) == "added"
        fts_integrity(archive)
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert count(archive, "documents") == 3
        assert len(search(archive.db, "乡村振兴")) == 3
