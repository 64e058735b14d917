"""SIGKILL in the middle of an ingest leaves a consistent archive; running again completes it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from storage.archive import Archive

ROOT = Path(__file__).resolve().parents[2]
FILES = 300


def make_reports(folder: Path) -> None:
    """Text reports, each with its own content, so that every one is a new document."""
    folder.mkdir()
    table = "\n".join(f"（{n}）事项\t{n}\t{n * 2}" for n in range(1, 40))
    for number in range(FILES):
        text = f"云湖区{2019 + number % 6}年政府信息公开工作年度报告\n一、总体情况\n第{number}份。\n{table}\n"
        (folder / f"report-{number:03}.txt").write_text(text, encoding="utf-8")


def ingest(db: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        # Small batches, so that the kill lands between commits with work on both sides.
        [sys.executable, "-c", "from storage.cli import ingest; ingest()", "--db", str(db), "--batch", "5",
         str(folder)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def documents(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0


def assert_consistent(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    checks = {
        "document without current version": "SELECT count(*) FROM documents WHERE current_version_id IS NULL",
        "version without blob": "SELECT count(*) FROM versions v LEFT JOIN blobs b ON b.sha256 = v.sha256 "
                                "WHERE b.sha256 IS NULL",
        "parsed version without report": "SELECT count(*) FROM versions v LEFT JOIN reports r ON r.version_id = v.id "
                                         "WHERE v.parse_error IS NULL AND r.id IS NULL",
        "document without 'added' change": "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                                           "(SELECT 1 FROM changes c WHERE c.document_id = d.id AND c.kind = 'added')",
        "report text missing from the index": "SELECT (SELECT count(*) FROM reports) - "
                                              "(SELECT count(*) FROM reports_fts WHERE reports_fts MATCH '年度报告')",
    }
    for problem, sql in checks.items():
        assert conn.execute(sql).fetchone()[0] == 0, problem
    conn.close()


def test_sigkill_mid_ingest_then_rerun_completes(tmp_path):
    folder, db = tmp_path / "reports", tmp_path / "a.db"
    make_reports(folder)
    process = ingest(db, folder)
    deadline = time.monotonic() + 60
    while documents(db) < 20 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    done = documents(db)
    assert 0 < done < FILES
    assert_consistent(db)

    rerun = ingest(db, folder)
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read().decode()
    assert_consistent(db)
    with Archive(db) as archive:
        assert archive.db.execute("SELECT count(*) FROM documents").fetchone()[0] == FILES
        assert archive.db.execute("SELECT count(*) FROM versions").fetchone()[0] == FILES
        assert archive.db.execute("SELECT count(*) FROM changes").fetchone()[0] == FILES
