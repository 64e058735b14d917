"""Opening archives: WAL, migrations, and one-line errors that leave existing data alone."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from archive_testing import count, make_report

from storage.archive import Archive, ArchiveError
from storage.db import MIGRATIONS, connect


def test_new_archive_is_wal_with_schema_and_labels(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert count(archive, "schema_metrics") == 226
        assert archive.db.execute("SELECT max(version) FROM _migrations").fetchone()[0] == len(MIGRATIONS)
        views = {row[0] for row in archive.db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert views == {"current_reports", "applications_wide", "metrics_labelled", "coverage", "report_indicators",
                         "region_indicators"}


def test_readers_see_committed_data_while_a_write_is_open(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.record_report(site_id=None, url="u1", body=b"1", report=make_report())
        reader = connect(path, readonly=True)
        with archive.transaction() as db:
            db.execute("INSERT INTO sites (id) VALUES ('in-flight')")
            # WAL: the reader neither waits for the writer nor sees its uncommitted row
            assert reader.execute("SELECT count(*) FROM sites").fetchone()[0] == 0
            assert reader.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
        assert reader.execute("SELECT count(*) FROM sites").fetchone()[0] == 1
        reader.close()


def test_reopening_keeps_data_and_applies_nothing_twice(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.record_report(site_id=None, url="u", body=b"x", report=make_report())
    with Archive(path) as archive:
        assert count(archive, "reports") == 1
        assert count(archive, "_migrations") == len(MIGRATIONS)


def test_non_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n")
    with pytest.raises(ArchiveError, match=r"notes\.db: not an SQLite database"):
        Archive(path)
    assert path.read_bytes() == b"these are my notes, not a database\n"


def test_corrupt_database_is_refused_with_one_line(tmp_path):
    path = tmp_path / "corrupt.db"
    with Archive(path) as archive:
        archive.record_report(site_id=None, url="u", body=b"x", report=make_report())
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page, after the header
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError) as error:
        Archive(path)
    assert "corrupt.db" in str(error.value)
    assert "\n" not in str(error.value)


def test_read_only_location_is_a_clear_error():
    with pytest.raises(ArchiveError, match=r"^/proc/self/nianbao\.db: cannot create: folder /proc/self is read-only$"):
        Archive("/proc/self/nianbao.db")


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ArchiveError, match=r"cannot create: no folder .*/nowhere$"):
        Archive(tmp_path / "nowhere" / "a.db")


def test_read_only_archive_is_refused_untouched(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.record_report(site_id=None, url="u", body=b"x", report=make_report())
    before = path.read_bytes()
    # chattr +i makes the file read-only even for root, who ignores permission bits
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode != 0:
        path.chmod(0o444)
        if os.access(path, os.W_OK):
            pytest.skip("cannot make a file read-only here")
    try:
        with pytest.raises(ArchiveError, match=r"a\.db: read-only"):
            Archive(path)
    finally:
        if chattr:
            subprocess.run([chattr, "-i", str(path)], capture_output=True)
        path.chmod(0o644)
    assert path.read_bytes() == before


def test_full_disk_fails_cleanly_and_keeps_earlier_data(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.record_report(site_id=None, url="first", body=b"x", report=make_report())
        pages = archive.db.execute("PRAGMA page_count").fetchone()[0]
        # A page budget is how SQLite itself reports a full disk (SQLITE_FULL).
        archive.db.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(ArchiveError, match="disk full"):
            archive.record_report(site_id=None, url="second", body=os.urandom(200_000),
                                  report=make_report(text="长" * 100_000))
        assert count(archive, "documents") == 1
        assert count(archive, "blobs") == 1
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert count(archive, "reports") == 1
