"""Archive commands: ingest, changes, reparse, serve."""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import click
from datasette.cli import serve as datasette_serve

from .archive import BULK_CALLS, Archive, ArchiveError
from .changes import list_changes
from .crosschecks import recompute_all
from .db import connect
from .metadata import metadata
from .reparse import reparse as reparse_archive

REPORT_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".txt", ".pdf", ".docx", ".doc", ".wps"})

db_option = click.option(
    "--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Archive file (SQLite)."
)


def open_or_fail(path: Path) -> Archive:
    """Open the archive for writing, or exit with its one-line error."""
    try:
        return Archive(path)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error


def expand(paths: tuple[Path, ...]) -> list[Path]:
    """Files named, plus report files (by suffix) found under directories named, in order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES))
        else:
            files.append(path)
    return files


@click.command()
@db_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--site", "site_id", help="Site id to file the documents under.")
@click.option("--batch", default=BULK_CALLS, show_default=True, type=click.IntRange(min=1),
              help="Files per transaction (each file stays all or nothing); 1 commits every file.")
def ingest(db_path: Path, paths: tuple[Path, ...], site_id: str | None, batch: int) -> None:
    """Archive local report files (or folders of them) through the normalizer.

    Each file is one document whose URL is its file:// URI; ingesting it again is a no-op
    unless its content changed.  Files are committed in batches (every --batch files, or every
    few seconds): a crash loses at most the files since the last commit, and running again
    redoes them.
    """
    archive = open_or_fail(db_path)
    outcomes: Counter[str] = Counter()
    try:
        if site_id:
            archive.add_site(site_id)
        with archive.bulk(calls=batch):
            ingest_files(archive, expand(paths), site_id, outcomes)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    finally:
        archive.close()
    click.echo(", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "no files")
    if outcomes["unreadable"]:
        sys.exit(1)


def ingest_files(archive: Archive, files: list[Path], site_id: str | None, outcomes: Counter[str]) -> None:
    """Archive each file, printing a line per file and counting the outcomes."""
    for path in files:
        try:
            body = path.read_bytes()
        except OSError as error:
            outcomes["unreadable"] += 1
            click.echo(f"unreadable  {path}: {error.strerror or error}", err=True)
            continue
        url = path.resolve().as_uri()
        outcome = archive.record_fetch(site_id=site_id, url=url, body=body)
        outcomes[outcome] += 1
        reason = f": {archive.parse_error(url)}" if outcome == "error" else ""
        click.echo(f"{outcome:<11} {path}{reason}")


@click.command()
@db_option
@click.option("--since", help="Only changes detected on or after this date (YYYY-MM-DD or ISO time).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per change, one per line.")
def changes(db_path: Path, since: str | None, as_json: bool) -> None:
    """List what publishers changed: documents added, modified (metric old → new), removed, restored."""
    if since:
        try:
            datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            message = f"{since!r} is not a date (YYYY-MM-DD) or ISO time"
            raise click.BadParameter(message, param_hint="--since") from None
    try:
        db = connect(db_path, readonly=True)
        rows = list_changes(db, since)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    for change in rows:
        if as_json:
            click.echo(json.dumps(change, ensure_ascii=False))
            continue
        click.echo(f"{change['detected_at']}  {change['kind']:<8}  {change['url']}")
        if change["summary"]:
            click.echo(f"    {change['summary']}")
        for metric in change["metrics"]:
            click.echo(f"    {metric['key']}: {metric['old']} → {metric['new']}")


@click.command()
@db_option
@click.option("--all", "everything", is_flag=True, help="Re-parse every version, not only stale ones.")
def reparse(db_path: Path, everything: bool) -> None:
    """Re-normalize stored versions with the current parser (no network).

    By default only versions parsed by another parser version, or not parsed, are redone.
    What changed is recorded in reparse_changes, apart from publishers' changes.
    """
    archive = open_or_fail(db_path)
    try:
        counts = reparse_archive(archive, everything)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    finally:
        archive.close()
    click.echo(
        f"reparse {counts['reparse_id']}: {counts['changed']} changed, {counts['new']} newly parsed, "
        f"{counts['same']} the same, {counts['error']} unreadable"
    )


@click.command()
@db_option
@click.option("--all", "everything", is_flag=True,
              help="Recompute every cross-report check from scratch first.")
def checks(db_path: Path, everything: bool) -> None:
    """Count the cross-report checks that fail, by kind (see the report_checks table).

    Checks are kept up to date as reports arrive; --all rebuilds them from scratch.
    """
    archive = open_or_fail(db_path)
    try:
        if everything:
            with archive.transaction() as db:
                recompute_all(db)
        counts = archive.db.execute(
            "SELECT kind, relation, count(*), count(DISTINCT report_id) FROM report_checks "
            "GROUP BY kind, relation ORDER BY kind, relation"
        ).fetchall()
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    finally:
        archive.close()
    for kind, relation, rows, reports in counts:
        click.echo(f"{kind:<20} {relation:<14} {rows:>8} checks in {reports} reports")
    if not counts:
        click.echo("no cross-report check fails")


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--metadata-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Datasette metadata JSON here and exit.")
def serve(db_path: Path, host: str, port: int, metadata_out: Path | None) -> None:
    """Open the archive in Datasette, read-only, with descriptions and canned queries."""
    try:
        connect(db_path, readonly=True).close()
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    text = json.dumps(metadata(db_path.stem), ensure_ascii=False, indent=2)
    if metadata_out:
        metadata_out.write_text(text, encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="nianbao-serve-") as folder:
        metadata_path = Path(folder) / "metadata.json"
        metadata_path.write_text(text, encoding="utf-8")
        # Datasette reads a mutable file through mode=ro connections, so a crawl can keep writing (WAL).
        datasette_serve.main(
            [str(db_path), "--metadata", str(metadata_path), "--host", host, "--port", str(port),
             "--setting", "sql_time_limit_ms", "5000"],
            prog_name="datasette",
        )


commands: list[click.Command] = [ingest, changes, reparse, checks, serve]
