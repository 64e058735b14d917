"""The archive: every document, every version, every parsed report, and what changed.

The crawler and ``nianbao ingest`` both go through :class:`Archive`::

    archive = Archive("nianbao.db")
    run_id = archive.start_run(["dev01"])
    outcome = archive.record_fetch(site_id="dev01", url=url, body=body, headers=headers, run_id=run_id)
    archive.finish_run(run_id, "finished", {"pages_fetched": 12})

Each ``record_*`` call is one transaction, so a crash leaves the archive as it was before the call
or after it, never in between.  Bulk work (``nianbao ingest``, ``reparse``) shares transactions::

    with archive.bulk():
        for path in paths:
            archive.record_fetch(site_id=None, url=path.as_uri(), body=path.read_bytes())

Each call is then a savepoint of a transaction committed every few hundred calls: still all or
nothing per call, and the per-transaction cost (the commit, the full-text index segment) is paid
once per batch.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from pipeline import PARSER_VERSION, ParseError, parse_bytes

from .blobs import get_blob, put_blob, sha256
from .changes import ADDED, MODIFIED, REMOVED, RESTORED, diff_metrics, modification_summary, record_change
from .crosschecks import refresh_documents, relink_sites
from .db import ArchiveError, describe, open_archive, savepoint, transaction, utcnow
from .reports import Labels, clean_metrics, insert_report, normalized_text, report_metrics, signature
from .schema_metrics import load_schema_metrics, schema_metrics_current
from .search import index_new_reports
from .softerror import SOFT_ERROR, is_soft_error
from .views import ensure_views, views_current

__all__ = ["Archive", "ArchiveError"]

RUN_COUNTS = ("pages_fetched", "pages_not_modified", "pages_failed", "docs_added", "docs_modified", "docs_removed")
# Reasons for which one sighting is proof of removal: the CMS itself redirected the article away.
IMMEDIATE_REMOVAL_REASONS = frozenset({"soft404"})
# Other disappearances (404, 410, gone from the listing) must repeat on this many consecutive runs,
# so that an outage or a listing page that failed to load does not remove anything.
RUNS_BEFORE_REMOVAL = 2
# A bulk commits after this many calls or seconds, whichever comes first: enough to spread the commit's
# cost, few enough that a crash redoes little and other writers (and readers waiting for news) wait little.
BULK_CALLS = 500
BULK_SECONDS = 2.0


@dataclass
class Fetch:
    """One fetched document as the crawler (or ``ingest``) hands it over."""

    url: str
    body: bytes
    site_id: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    run_id: int | None = None
    fetched_at: str | None = None
    digest: str = field(init=False)
    # Filled in by the parse: the report, or why there is none (``parsed`` says whether it ran).
    parsed: bool = field(default=False, init=False)
    report: dict | None = field(default=None, init=False)
    error: str | None = field(default=None, init=False)
    # The current version re-read by today's parser, when an older parser read it (see _baseline).
    baseline: dict | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not self.url:
            raise ArchiveError("record_fetch: empty url")
        if not isinstance(self.body, bytes):
            raise ArchiveError(f"{self.url}: body must be bytes, not {type(self.body).__name__}")
        self.headers = {name.lower(): value for name, value in (self.headers or {}).items()}
        self.fetched_at = self.fetched_at or utcnow()
        self.digest = sha256(self.body)

    def set_parse(self, report: dict | None, error: str | None) -> None:
        """Record the outcome of parsing the body."""
        self.parsed, self.report, self.error = True, report, error

    def parse(self) -> None:
        """Parse the body with the normalizer."""
        self.set_parse(*parse_report(self.body, self.url))


@dataclass
class Bulk:
    """The open batch of an :meth:`Archive.bulk`: its limits and how far it has got."""

    calls: int
    seconds: float
    done: int = 0
    began: float = field(default_factory=time.monotonic)

    def full(self) -> bool:
        """Whether the batch should commit now."""
        return self.done >= self.calls or time.monotonic() - self.began >= self.seconds


def parse_report(body: bytes, url: str) -> tuple[dict | None, str | None]:
    """``(report, None)`` or ``(None, why not)`` for the raw bytes of a document."""
    try:
        report = parse_bytes(body, source=url)
        clean_metrics(report.get("metrics"))
    except ParseError as error:
        return None, str(error) or type(error).__name__
    except ArchiveError as error:
        return None, f"parser output unusable: {error}"
    except Exception as error:
        # A parser bug must not cost us the raw bytes: keep them, say why, let `reparse` retry later.
        return None, f"parser failed: {type(error).__name__}: {error}"
    return report, None


class Archive:
    """A versioned SQLite archive of annual reports (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db: sqlite_utils.Database = open_archive(self.path)
        self.labels = Labels()
        self._bulk: Bulk | None = None
        # Documents whose current version changed in the open transaction, for _before_commit.
        self._touched: list[int] = []
        # Only write when the code's labels or views changed, so opening an archive does not write.
        if not (schema_metrics_current(self.db) and views_current(self.db)):
            try:
                with self.transaction():
                    load_schema_metrics(self.db)
                    ensure_views(self.db)
            except ArchiveError:
                self.db.close()
                raise

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One transaction (in a :meth:`bulk`, a savepoint of the batch's); any SQLite failure becomes a
        one-line :class:`ArchiveError`."""
        mark = len(self._touched)
        try:
            if self._bulk is None:
                with transaction(self.db) as db:
                    yield db
                    self._before_commit()
            else:
                if not self.db.conn.in_transaction:
                    self.db.conn.execute("BEGIN IMMEDIATE")
                    self._bulk.done, self._bulk.began = 0, time.monotonic()
                with savepoint(self.db) as db:
                    yield db
                self._bulk.done += 1
                if self._bulk.full():
                    self._commit_bulk()
        except BaseException as error:
            # What the failed call touched is undone; after a failed commit, everything is.
            del self._touched[0 if not self.db.conn.in_transaction else mark:]
            self.labels.forget()
            if isinstance(error, sqlite3.Error):
                raise ArchiveError(f"{self.path}: {describe(error)}") from error
            raise

    def _before_commit(self) -> None:
        """Work done once per transaction rather than per call: the full-text index of new reports, and
        the cross-report checks of the documents whose current version changed."""
        index_new_reports(self.db)
        refresh_documents(self.db, self._touched)
        self._touched.clear()

    def _commit_bulk(self) -> None:
        """Commit the open batch, or roll all of it back if that fails."""
        if not self.db.conn.in_transaction:
            return
        try:
            self._before_commit()
            self.db.conn.execute("COMMIT")
        except BaseException:
            self._touched.clear()
            self.labels.forget()
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def bulk(self, calls: int = BULK_CALLS, seconds: float = BULK_SECONDS) -> Iterator[Archive]:
        """Let the ``record_*`` calls of the block share transactions (see the module docstring).

        A call that fails is undone alone.  What the block did is committed when it ends, even by an
        exception, and every ``calls`` calls or ``seconds`` seconds before that; a crash loses at most
        the calls since the last commit, which running again redoes.  While a batch is open other
        writers wait, and readers see the archive as of the last commit.
        """
        if self._bulk is not None:  # nested: the outer batch rules
            yield self
            return
        self._bulk = Bulk(calls, seconds)
        try:
            yield self
        finally:
            self._bulk = None
            try:
                self._commit_bulk()
            except sqlite3.Error as error:
                raise ArchiveError(f"{self.path}: {describe(error)}") from error

    # --- sites and runs -------------------------------------------------------------------------

    def upsert_sites(self, sites: list[dict]) -> None:
        """Insert or update sites: ``id``, ``name``, ``region_code``, ``start_urls`` plus any extra keys."""
        rows = []
        for number, site in enumerate(sites, start=1):
            if not site.get("id"):
                raise ArchiveError(f"site #{number}: missing 'id'")
            extra = {k: v for k, v in site.items() if k not in ("id", "name", "region_code", "start_urls")}
            rows.append((
                str(site["id"]), site.get("name"), site.get("region_code"),
                json.dumps(list(site.get("start_urls") or []), ensure_ascii=False),
                json.dumps(extra, ensure_ascii=False, default=str), utcnow(),
            ))
        with self.transaction() as db:
            db.conn.executemany(
                "INSERT INTO sites (id, name, region_code, start_urls, extra, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, "
                "start_urls = excluded.start_urls, extra = excluded.extra, updated_at = excluded.updated_at",
                rows,
            )
            relink_sites(db, [row[0] for row in rows])

    def add_site(self, site_id: str) -> None:
        """Make sure a site with this id exists (a bare row, if it is new)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sites (id, updated_at) VALUES (?, ?)", [site_id, utcnow()])

    def start_run(self, site_ids: list[str] | None = None) -> int:
        """Open a ``crawl_runs`` row with status ``running``; return its id."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO crawl_runs (started_at, status, site_ids) VALUES (?, 'running', ?)",
                [utcnow(), json.dumps(site_ids, ensure_ascii=False) if site_ids is not None else None],
            )
            return cursor.lastrowid

    def finish_run(self, run_id: int, status: str, stats: dict) -> None:
        """Close a run.  Document counts the crawler does not give are counted from ``changes``."""
        with self.transaction() as db:
            counted = dict(db.execute(
                "SELECT kind, count(*) FROM changes WHERE run_id = ? GROUP BY kind", [run_id]
            ).fetchall())
            counts = {name: stats.get(name) for name in RUN_COUNTS}
            for name, kind in (("docs_added", ADDED), ("docs_modified", MODIFIED), ("docs_removed", REMOVED)):
                if counts[name] is None:
                    counts[name] = counted.get(kind, 0)
            assignments = ", ".join(f"{name} = ?" for name in counts)
            cursor = db.execute(
                f"UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ?, {assignments} WHERE id = ?",
                [utcnow(), status, json.dumps(stats, ensure_ascii=False, default=str), *counts.values(), run_id],
            )
            if cursor.rowcount == 0:
                raise ArchiveError(f"{self.path}: no crawl run {run_id}")

    # --- reading ----------------------------------------------------------------------------------

    def _document(self, url: str) -> dict | None:
        columns = ("id", "removed_at", "current_version_id", "missing_runs", "last_missing_run_id")
        row = self.db.execute(f"SELECT {', '.join(columns)} FROM documents WHERE url = ?", [url]).fetchone()
        return None if row is None else dict(zip(columns, row, strict=True))

    def validators(self, url: str) -> dict | None:
        """``{"etag", "last_modified"}`` of the current version of ``url``, for a conditional GET."""
        row = self.db.execute(
            "SELECT v.etag, v.last_modified FROM documents d JOIN versions v ON v.id = d.current_version_id "
            "WHERE d.url = ?",
            [url],
        ).fetchone()
        if row is None or row == (None, None):
            return None
        return {"etag": row[0], "last_modified": row[1]}

    def parse_error(self, url: str) -> str | None:
        """Why the current version of ``url`` could not be parsed; None if it could (or is unknown)."""
        row = self.db.execute(
            "SELECT v.parse_error FROM documents d JOIN versions v ON v.id = d.current_version_id WHERE d.url = ?",
            [url],
        ).fetchone()
        return row and row[0]

    def site_urls(self, site_id: str) -> list[str]:
        """URLs of the site's documents that are not removed."""
        rows = self.db.execute(
            "SELECT url FROM documents WHERE site_id = ? AND removed_at IS NULL ORDER BY id", [site_id]
        )
        return [row[0] for row in rows]

    # --- writing ----------------------------------------------------------------------------------

    def record_fetch(
        self,
        *,
        site_id: str | None,
        url: str,
        body: bytes,
        status: int = 200,
        headers: dict[str, str] | None = None,
        run_id: int | None = None,
        fetched_at: str | None = None,
    ) -> str:
        """Archive one fetched document; return what happened to it.

        ``added`` (new URL), ``modified`` (the report differs), ``new_version`` (new bytes, same
        report: only page chrome moved), ``unchanged`` (same bytes), ``restored`` (a removed document
        is back), ``error`` (the bytes are stored but could not be parsed; see ``versions.parse_error``)
        or ``soft_error`` (stored as a version, but not a report of the same year and body as the good
        current version, which stays current: see :mod:`storage.softerror`).
        """
        fetch = Fetch(url, body, site_id, status, headers or {}, run_id, fetched_at)
        document = self._document(url)
        if not self._has_version(document, fetch.digest):
            # Parse outside the transaction: it is the slow part and needs no lock.
            fetch.parse()
            fetch.baseline = self._baseline(document)
        return self._archive(fetch)

    def record_report(
        self,
        *,
        site_id: str | None,
        url: str,
        body: bytes,
        report: dict | None,
        error: str | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        run_id: int | None = None,
        fetched_at: str | None = None,
    ) -> str:
        """``record_fetch`` with the parse already done: ``report`` is the dict, or None and ``error`` why.

        For tests and benchmarks that make report dicts without a parser.
        """
        if report is None and not error:
            raise ArchiveError(f"{url}: record_report needs a report or an error")
        fetch = Fetch(url, body, site_id, status, headers or {}, run_id, fetched_at)
        fetch.set_parse(report, error)
        return self._archive(fetch)

    def _baseline(self, document: dict | None) -> dict | None:
        """The current version re-parsed by today's parser, if an older parser produced its report.

        Comparing the new report with this, not with the stored one, keeps parser improvements out
        of the publisher's ``modified`` changes (``nianbao reparse`` records those).
        """
        if document is None or document["current_version_id"] is None:
            return None
        row = self.db.execute(
            "SELECT r.parser_version, v.sha256 FROM versions v JOIN reports r ON r.version_id = v.id "
            "WHERE v.id = ?",
            [document["current_version_id"]],
        ).fetchone()
        if row is None or row[0] == PARSER_VERSION:
            return None
        return parse_report(get_blob(self.db, row[1]), "baseline")[0]

    def _archive(self, fetch: Fetch) -> str:
        """The transaction of ``record_fetch`` (the fetch is parsed unless its bytes were already stored)."""
        with self.transaction():
            document = self._document(fetch.url)  # again, inside the lock: another writer may have recorded it
            if not fetch.parsed and not self._has_version(document, fetch.digest):
                fetch.parse()
            return self._record(document, fetch)

    def _has_version(self, document: dict | None, digest: str) -> bool:
        if document is None:
            return False
        row = self.db.execute(
            "SELECT 1 FROM versions WHERE document_id = ? AND sha256 = ?", [document["id"], digest]
        ).fetchone()
        return row is not None

    def _record(self, document: dict | None, fetch: Fetch) -> str:
        """Write one fetch: document, version, report, changes; return the outcome."""
        if self._soft_error(document, fetch):
            self._store_version(document["id"], fetch)
            return SOFT_ERROR
        db, run_id, fetched_at = self.db, fetch.run_id, fetch.fetched_at
        if document is None:
            document_id = db.execute(
                "INSERT INTO documents (site_id, url, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                [fetch.site_id, fetch.url, fetched_at, fetched_at],
            ).lastrowid
        else:
            document_id = document["id"]
            db.execute(
                "UPDATE documents SET last_seen = ?, missing_runs = 0, last_missing_run_id = NULL, "
                "missing_reason = NULL, removed_at = NULL, site_id = coalesce(site_id, ?) WHERE id = ?",
                [fetched_at, fetch.site_id, document_id],
            )
        old_version_id = document["current_version_id"] if document else None
        version_id = self._store_version(document_id, fetch)
        restored = document is not None and document["removed_at"] is not None
        if restored:
            record_change(db, document_id, RESTORED, old_version_id=old_version_id, new_version_id=version_id,
                          run_id=run_id, detected_at=fetched_at, summary="document is back")
        if version_id == old_version_id:
            return RESTORED if restored else "unchanged"
        outcome = self._compare(document_id, old_version_id, version_id, fetch)
        self._make_current(document_id, version_id)
        return RESTORED if restored else outcome

    def _soft_error(self, document: dict | None, fetch: Fetch) -> bool:
        """Whether ``fetch`` is an error page in place of the document's good current report."""
        if document is None or document["current_version_id"] is None:
            return False
        current = fetch.baseline or self._stored_report("v.id = ?", [document["current_version_id"]])
        if fetch.parsed:
            new = fetch.report
        else:  # bytes this document already had: their stored parse
            new = self._stored_report("v.document_id = ? AND v.sha256 = ?", [document["id"], fetch.digest])
        return is_soft_error(current, new)

    def _stored_report(self, condition: str, parameters: list) -> dict | None:
        """``year``, ``org``, ``region``, ``template`` of the report of the version matching ``condition``."""
        columns = ("year", "org", "region", "template")
        row = self.db.execute(
            f"SELECT {', '.join('r.' + c for c in columns)} FROM versions v JOIN reports r ON r.version_id = v.id "
            f"WHERE {condition}",
            parameters,
        ).fetchone()
        return None if row is None else dict(zip(columns, row, strict=True))

    def _store_version(self, document_id: int, fetch: Fetch) -> int:
        """The id of the version of ``document_id`` with these bytes, inserting it (and its report) if new."""
        db, headers = self.db, fetch.headers
        row = db.execute(
            "SELECT id FROM versions WHERE document_id = ? AND sha256 = ?", [document_id, fetch.digest]
        ).fetchone()
        http = [fetch.status, headers.get("etag"), headers.get("last-modified"), headers.get("content-type")]
        if row is not None:
            db.execute(
                "UPDATE versions SET last_fetched_at = ?, http_status = ?, etag = ?, last_modified = ?, "
                "content_type = ? WHERE id = ?",
                [fetch.fetched_at, *http, row[0]],
            )
            return row[0]
        put_blob(db, fetch.body, fetch.digest)
        version_id = db.execute(
            "INSERT INTO versions (document_id, fetched_at, last_fetched_at, sha256, size, http_status, etag, "
            "last_modified, content_type, run_id, parse_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [document_id, fetch.fetched_at, fetch.fetched_at, fetch.digest, len(fetch.body), *http, fetch.run_id,
             fetch.error],
        ).lastrowid
        if fetch.report is not None:
            insert_report(db, version_id, fetch.report, self.labels)
        return version_id

    def _report_of(self, version_id: int) -> dict:
        """``id``, ``signature``, ``text``, ``parse_error`` of a version's report (``id`` None if none)."""
        row = self.db.execute(
            "SELECT r.id, r.signature, r.text, v.parse_error FROM versions v "
            "LEFT JOIN reports r ON r.version_id = v.id WHERE v.id = ?",
            [version_id],
        ).fetchone()
        return dict(zip(("id", "signature", "text", "parse_error"), row, strict=True))

    def _compare(self, document_id: int, old_version_id: int | None, new_version_id: int, fetch: Fetch) -> str:
        """Record the change from the old current version to the new one; return the outcome."""
        db = self.db
        new = self._report_of(new_version_id)
        common = {"old_version_id": old_version_id, "new_version_id": new_version_id, "run_id": fetch.run_id,
                  "detected_at": fetch.fetched_at}
        if old_version_id is None:
            summary = f"could not parse: {new['parse_error']}" if new["id"] is None else None
            record_change(db, document_id, ADDED, summary=summary, **common)
            return "error" if new["id"] is None else ADDED
        old = self._report_of(old_version_id)
        if new["id"] is None:
            record_change(db, document_id, MODIFIED, summary=f"could not parse: {new['parse_error']}", **common)
            return "error"
        if old["id"] is None:
            record_change(db, document_id, MODIFIED, summary="report readable again", **common)
            return MODIFIED
        if fetch.baseline is not None:
            metrics = clean_metrics(fetch.baseline.get("metrics"))
            old.update(text=fetch.baseline.get("text"), metrics=metrics,
                       signature=signature(fetch.baseline.get("text"), metrics))
        if old["signature"] == new["signature"]:
            return "new_version"
        old_metrics = old["metrics"] if "metrics" in old else report_metrics(db, old["id"])
        metric_diff = diff_metrics(old_metrics, report_metrics(db, new["id"]))
        text_changed = normalized_text(old["text"]) != normalized_text(new["text"])
        record_change(db, document_id, MODIFIED, summary=modification_summary(metric_diff, text_changed),
                      metric_diff=metric_diff, **common)
        return MODIFIED

    def _make_current(self, document_id: int, version_id: int) -> None:
        db = self.db
        db.execute("UPDATE reports SET is_current = 0 WHERE document_id = ? AND is_current = 1", [document_id])
        db.execute("UPDATE reports SET is_current = 1 WHERE version_id = ?", [version_id])
        db.execute(
            "UPDATE documents SET current_version_id = ?, "
            "title = coalesce((SELECT title FROM reports WHERE version_id = ?), title) WHERE id = ?",
            [version_id, version_id, document_id],
        )
        self._touched.append(document_id)

    def record_not_modified(self, url: str, run_id: int | None = None) -> None:
        """A 304 for ``url``: it is still there, unchanged (and back, if it had been removed)."""
        now = utcnow()
        with self.transaction() as db:
            document = self._document(url)
            if document is None:
                return
            db.execute(
                "UPDATE documents SET last_seen = ?, missing_runs = 0, last_missing_run_id = NULL, "
                "missing_reason = NULL, removed_at = NULL WHERE id = ?",
                [now, document["id"]],
            )
            db.execute("UPDATE versions SET last_fetched_at = ? WHERE id = ?", [now, document["current_version_id"]])
            if document["removed_at"] is not None:
                version_id = document["current_version_id"]
                record_change(db, document["id"], RESTORED, old_version_id=version_id, new_version_id=version_id,
                              run_id=run_id, detected_at=now, summary="document is back (304 Not Modified)")

    def record_missing(self, *, url: str, status: int | None, reason: str, run_id: int | None = None) -> str | None:
        """``url`` could not be found; return ``"removed"`` if this sighting removes it, else None.

        ``reason`` ``soft404`` (the CMS redirected the article to its column) removes at once; any
        other reason (``not_found`` for 404/410, ``unlisted`` for gone from the listing) removes
        after :data:`RUNS_BEFORE_REMOVAL` consecutive runs.  Calls without a ``run_id`` each count
        as a run; a second call in the same run does not count twice.
        """
        now = utcnow()
        with self.transaction() as db:
            document = self._document(url)
            if document is None or document["removed_at"] is not None:
                return None
            if run_id is not None and document["last_missing_run_id"] == run_id:
                return None
            missing_runs = document["missing_runs"] + 1
            why = reason if status is None else f"{reason} (HTTP {status})"
            db.execute(
                "UPDATE documents SET missing_runs = ?, last_missing_run_id = ?, missing_reason = ? WHERE id = ?",
                [missing_runs, run_id, why, document["id"]],
            )
            if reason not in IMMEDIATE_REMOVAL_REASONS and missing_runs < RUNS_BEFORE_REMOVAL:
                return None
            db.execute("UPDATE documents SET removed_at = ? WHERE id = ?", [now, document["id"]])
            version_id = document["current_version_id"]
            record_change(db, document["id"], REMOVED, old_version_id=version_id, run_id=run_id, detected_at=now,
                          summary=why)
            return REMOVED
