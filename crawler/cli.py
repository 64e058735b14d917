"""The ``nianbao crawl`` command: the ``reports`` spider with the registry and archive given as options."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.registry import RegistryError, load_registry
from crawler.spiders.reports import ReportsSpider
from storage.archive import Archive
from storage.lock import LockError, hold_crawl_lock


@click.command()
@click.option("--sites", "sites_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Sites registry (YAML).")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Archive file (SQLite), created if missing.")
@click.option("--site", "site_ids", multiple=True, metavar="ID", help="Crawl only this site (repeatable).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Scrapy setting, as with `scrapy crawl -s` (repeatable).")
def crawl(sites_path: Path, db_path: Path, site_ids: tuple[str, ...], overrides: tuple[str, ...]) -> None:
    """Find and fetch every annual report of the registry's sites into the archive."""
    try:
        sites = load_registry(sites_path, site_ids)
    except RegistryError as error:
        raise click.ClickException(str(error)) from error
    settings = crawl_settings(db_path, overrides)
    try:
        hold_crawl_lock(db_path)
    except LockError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_status)
    show_progress()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReportsSpider)
    process.crawl(crawler, sites=str(sites_path), site=",".join(site.id for site in sites))
    process.start()
    run_id = crawler.stats.get_value("nianbao/run_id")
    if run_id is None:
        raise click.ClickException("the crawl did not start; see the log above")
    run = stored_run(db_path, run_id)
    click.echo(summary_text(run))
    sys.exit(0 if run["status"] == "finished" else 1)


def crawl_settings(db_path: Path, overrides: tuple[str, ...]) -> Settings:
    """The project settings, the archive path and the ``-s NAME=VALUE`` overrides (which win)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NIANBAO_DB", str(db_path), priority="cmdline")
    # Scrapy's INFO log is for developers; users see the progress lines and the summary instead.
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    for override in overrides:
        name, equals, value = override.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {override!r}", param_hint="-s")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def show_progress() -> None:
    """Print the crawler's progress lines on stderr whatever Scrapy's log level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    progress = logging.getLogger("nianbao.progress")
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


def stored_run(db_path: Path, run_id: int) -> dict[str, Any]:
    """The ``crawl_runs`` row of ``run_id``, its stats decoded."""
    with Archive(db_path) as archive:
        row = dict(archive.db["crawl_runs"].get(run_id))
    row["stats"] = json.loads(row["stats"] or "{}")
    return row


def summary_text(run: dict[str, Any]) -> str:
    """The run summary as stored in ``crawl_runs``, for people."""
    stats = run["stats"]
    lines = [
        f"run {run['id']} {run['status']} in {stats.get('elapsed_seconds', 0)} s: "
        f"{stats.get('sites_done', 0)}/{len(json.loads(run['site_ids'] or '[]'))} sites, "
        f"{run['pages_fetched']} pages fetched ({run['pages_not_modified']} not modified, "
        f"{run['pages_failed']} failed), {stats.get('bytes_received', 0) / 1e6:.2f} MB",
        f"reports: {run['docs_added']} new, {run['docs_modified']} modified, "
        f"{stats.get('docs_unchanged', 0) + stats.get('docs_new_version', 0) + run['pages_not_modified']} unchanged, "
        f"{run['docs_removed']} removed, {stats.get('docs_error', 0)} unreadable",
    ]
    for site_id, failures in sorted(stats.get("site_failures", {}).items()):
        lines.append(f"site {site_id}: {len(failures)} failure(s), first: {failures[0]}")
    return "\n".join(lines)


commands: list[click.Command] = [crawl]
