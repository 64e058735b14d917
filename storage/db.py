"""Open or create the archive file: checks, WAL, schema migrations, transactions.

Every way a ``--db`` file can be unusable (not SQLite, corrupt, read-only, disk full) surfaces as one
:class:`ArchiveError` whose message names the file, so the CLI can print it on one line.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
WAL_AUTOCHECKPOINT_PAGES = 10_000
CACHE_KIB = 65_536


class ArchiveError(Exception):
    """The archive file cannot be opened or written; the message is one line naming the file."""


def utcnow() -> str:
    """The current UTC time as ISO 8601 with seconds, the format of every timestamp in the archive."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Each entry is one schema step, applied once, in order, inside a transaction.  Never edit a
# released step: append a new one, so that existing archives upgrade in place.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        name TEXT,
        region_code TEXT,
        start_urls TEXT,
        extra TEXT,
        updated_at TEXT
    );
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        site_ids TEXT,
        pages_fetched INTEGER,
        pages_not_modified INTEGER,
        pages_failed INTEGER,
        docs_added INTEGER,
        docs_modified INTEGER,
        docs_removed INTEGER,
        stats TEXT
    );
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        compression TEXT NOT NULL,
        content BLOB NOT NULL
    );
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        site_id TEXT REFERENCES sites(id),
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        removed_at TEXT,
        current_version_id INTEGER REFERENCES versions(id),
        missing_runs INTEGER NOT NULL DEFAULT 0,
        last_missing_run_id INTEGER,
        missing_reason TEXT
    );
    CREATE INDEX documents_site_id ON documents(site_id);
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        fetched_at TEXT NOT NULL,
        last_fetched_at TEXT NOT NULL,
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        size INTEGER NOT NULL,
        http_status INTEGER,
        etag TEXT,
        last_modified TEXT,
        content_type TEXT,
        run_id INTEGER REFERENCES crawl_runs(id),
        parse_error TEXT,
        UNIQUE (document_id, sha256)
    );
    CREATE TABLE schema_metrics (
        key TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        table_name TEXT NOT NULL,
        section TEXT,
        row_key TEXT NOT NULL,
        column_key TEXT NOT NULL,
        row_label TEXT,
        column_label TEXT,
        templates TEXT,
        unit TEXT
    );
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL UNIQUE REFERENCES versions(id),
        document_id INTEGER NOT NULL REFERENCES documents(id),
        site_id TEXT REFERENCES sites(id),
        url TEXT,
        title TEXT,
        org TEXT,
        region TEXT,
        region_code TEXT,
        year INTEGER,
        published TEXT,
        template TEXT,
        level TEXT,
        deadline TEXT,
        is_current INTEGER NOT NULL DEFAULT 0,
        parser_version TEXT,
        parsed_at TEXT,
        signature TEXT,
        metric_count INTEGER,
        finding_count INTEGER,
        applications_new_received NUMERIC,
        applications_carried_over NUMERIC,
        applications_granted NUMERIC,
        applications_partially_granted NUMERIC,
        applications_denied NUMERIC,
        applications_unavailable NUMERIC,
        applications_not_processed NUMERIC,
        applications_other NUMERIC,
        applications_total NUMERIC,
        applications_carried_forward NUMERIC,
        text TEXT
    );
    CREATE INDEX reports_document_id ON reports(document_id);
    CREATE INDEX reports_current_year ON reports(is_current, year);
    CREATE INDEX reports_site_year ON reports(site_id, year);
    CREATE TABLE metrics (
        report_id INTEGER NOT NULL REFERENCES reports(id),
        key TEXT NOT NULL REFERENCES schema_metrics(key),
        value NUMERIC,
        raw TEXT,
        cell_kind TEXT,
        cell_table INTEGER,
        cell_row INTEGER,
        cell_col INTEGER,
        cell_repair TEXT,
        row_label_id INTEGER REFERENCES labels(id),
        column_label_id INTEGER REFERENCES labels(id),
        PRIMARY KEY (report_id, key)
    ) WITHOUT ROWID;
    CREATE TABLE labels (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports(id),
        kind TEXT NOT NULL,
        key TEXT,
        detail TEXT
    );
    CREATE INDEX findings_report_id ON findings(report_id);
    CREATE INDEX findings_kind ON findings(kind);
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        kind TEXT NOT NULL,
        old_version_id INTEGER REFERENCES versions(id),
        new_version_id INTEGER REFERENCES versions(id),
        detected_at TEXT NOT NULL,
        run_id INTEGER REFERENCES crawl_runs(id),
        summary TEXT
    );
    CREATE INDEX changes_document_id ON changes(document_id);
    CREATE INDEX changes_detected_at ON changes(detected_at);
    CREATE TABLE metric_changes (
        change_id INTEGER NOT NULL REFERENCES changes(id),
        key TEXT NOT NULL REFERENCES schema_metrics(key),
        old_value NUMERIC,
        new_value NUMERIC,
        PRIMARY KEY (change_id, key)
    );
    CREATE TABLE reparses (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        parser_version TEXT NOT NULL,
        versions_parsed INTEGER,
        reports_changed INTEGER,
        errors INTEGER
    );
    CREATE TABLE reparse_changes (
        id INTEGER PRIMARY KEY,
        reparse_id INTEGER NOT NULL REFERENCES reparses(id),
        version_id INTEGER NOT NULL REFERENCES versions(id),
        report_id INTEGER REFERENCES reports(id),
        field TEXT NOT NULL,
        old_value,
        new_value
    );
    CREATE INDEX reparse_changes_reparse_id ON reparse_changes(reparse_id);
    CREATE VIRTUAL TABLE reports_fts USING fts5(
        title, text, content='reports', content_rowid='id', tokenize='trigram'
    );
    INSERT INTO reports_fts(reports_fts, rank) VALUES ('automerge', 16);
    CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN
        INSERT INTO reports_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
        INSERT INTO reports_fts(reports_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER reports_fts_update AFTER UPDATE OF title, text ON reports BEGIN
        INSERT INTO reports_fts(reports_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO reports_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
    # Cross-report checks (storage/crosschecks.py): the body a report belongs to across years, the
    # checks between reports, and the MinHash bands that find candidate copies without comparing all pairs.
    """
    ALTER TABLE reports ADD COLUMN body TEXT;
    CREATE INDEX reports_body_year ON reports(body, year);
    CREATE TABLE report_checks (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports(id),
        other_report_id INTEGER REFERENCES reports(id),
        relation TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT,
        expected NUMERIC,
        actual NUMERIC,
        difference NUMERIC,
        similarity REAL,
        detail TEXT
    );
    CREATE INDEX report_checks_report_id ON report_checks(report_id);
    CREATE INDEX report_checks_other_report_id ON report_checks(other_report_id);
    CREATE INDEX report_checks_kind ON report_checks(kind);
    CREATE TABLE text_bands (
        band INTEGER NOT NULL,
        report_id INTEGER NOT NULL REFERENCES reports(id),
        PRIMARY KEY (band, report_id)
    ) WITHOUT ROWID;
    CREATE INDEX text_bands_report_id ON text_bands(report_id);
    """,
    # The full-text index takes new reports once per transaction (storage/search.py) instead of by a
    # trigger per row: in a bulk ingest, one FTS5 segment per batch instead of per report.  Reports up
    # to fts_state.indexed_report_id are indexed; only their updates and deletes may touch the index.
    """
    CREATE TABLE fts_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        indexed_report_id INTEGER NOT NULL
    );
    INSERT INTO fts_state VALUES (1, (SELECT coalesce(max(id), 0) FROM reports));
    DROP TRIGGER reports_fts_insert;
    DROP TRIGGER reports_fts_delete;
    DROP TRIGGER reports_fts_update;
    CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports
    WHEN old.id <= (SELECT indexed_report_id FROM fts_state) BEGIN
        INSERT INTO reports_fts(reports_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER reports_fts_update AFTER UPDATE OF title, text ON reports
    WHEN old.id <= (SELECT indexed_report_id FROM fts_state) BEGIN
        INSERT INTO reports_fts(reports_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO reports_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
]


def check_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a file that exists but is not an SQLite database."""
    if path.is_dir():
        raise ArchiveError(f"{path}: is a directory, not an archive file")
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise ArchiveError(f"{path}: cannot read: {error.strerror or error}") from error
    if header and header != SQLITE_HEADER:
        raise ArchiveError(f"{path}: not an SQLite database")


def check_writable(path: Path) -> None:
    """Refuse a file, or for a new file its folder, that this process cannot write."""
    if path.exists():
        if not os.access(path, os.W_OK):
            raise ArchiveError(f"{path}: read-only (check the file's permissions)")
        return
    folder = path.parent
    if not folder.is_dir():
        raise ArchiveError(f"{path}: cannot create: no folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ArchiveError(f"{path}: cannot create: folder {folder} is read-only")


def connect(path: str | Path, readonly: bool = False) -> sqlite_utils.Database:
    """Open ``path`` with the settings every archive connection uses (no schema changes)."""
    path = Path(path)
    check_file(path)
    if readonly and not path.exists():
        raise ArchiveError(f"{path}: no such archive")
    if not readonly:
        check_writable(path)
    try:
        if readonly:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        else:
            conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db = sqlite_utils.Database(conn)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"{path}: cannot open: {describe(error)}") from error
    return db


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open or create the archive at ``path`` for writing: WAL mode, schema up to date."""
    path = Path(path)
    db = connect(path)
    try:
        if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.enable_wal()
        # synchronous=NORMAL is durable across process crashes in WAL mode; only an OS crash or power
        # loss can roll back the last transactions, never corrupt the file.
        db.execute("PRAGMA synchronous = NORMAL")
        # Some SQLite builds (Debian's among them) default to secure_delete, which zeroes every freed
        # cell: FTS5 segment merges and moved index entries on each ingest.  The archive keeps every
        # version anyway, so there is nothing to scrub, and skipping it saves about a tenth of ingest CPU.
        db.execute("PRAGMA secure_delete = OFF")
        # Checkpoints are what fsync in WAL mode; one per 40 MB of WAL instead of 4 MB keeps bulk
        # ingests off the disk's sync latency.  The cache holds the hot index pages of a large archive.
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        migrate(db)
    except sqlite3.DatabaseError as error:
        db.close()
        raise ArchiveError(f"{path}: {describe(error)}") from error
    return db


def describe(error: sqlite3.Error) -> str:
    """A short reason for an SQLite error, in words a user can act on."""
    message = str(error)
    if "readonly" in message or "read-only" in message:
        return "read-only (check the file's and its directory's permissions)"
    if "full" in message:
        return "disk full; nothing was written"
    if "not a database" in message or "malformed" in message:
        return f"corrupt or not an SQLite database ({message})"
    return message


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the schema steps this file has not seen yet; return the schema version."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT version FROM _migrations")}
    for version, script in enumerate(MIGRATIONS, start=1):
        if version in done:
            continue
        with transaction(db):
            for statement in split_script(script):
                db.execute(statement)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", [version, utcnow()])
    return len(MIGRATIONS)


def split_script(script: str) -> list[str]:
    """Split an SQL script into statements (``executescript`` would commit our transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken up front (IMMEDIATE) so a concurrent writer waits instead of failing."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def savepoint(db: sqlite_utils.Database, name: str = "document") -> Iterator[sqlite_utils.Database]:
    """A nested transaction inside the open one: undone alone if the block fails."""
    db.conn.execute(f"SAVEPOINT {name}")
    try:
        yield db
    except BaseException:
        # Some errors (a full disk) make SQLite roll back the whole transaction, savepoint included.
        if db.conn.in_transaction:
            db.conn.execute(f"ROLLBACK TO {name}")
            db.conn.execute(f"RELEASE {name}")
        raise
    db.conn.execute(f"RELEASE {name}")
