"""``nianbao schedule``: crawl every night, publish what changed.

APScheduler runs one job on a cron trigger.  Missed runs are coalesced into one, at most one
instance runs at a time, and a run missed by hours (the machine was asleep or down at 02:00)
still happens when the scheduler gets to it, within the misfire grace time.  Each run is a
``nianbao crawl`` subprocess (:mod:`nianbao.runs`) with its own log file; the crawl takes the
archive's lock (:mod:`storage.lock`), so a second scheduler or a crawl started by hand never
overlaps it: the later one is skipped with a message.  After each run its changes are written as
JSON Feed and Atom files and POSTed to the webhook, if one is given (:mod:`nianbao.feeds`).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.registry import RegistryError, load_registry

from .feeds import post_webhook, write_feeds
from .runs import run_crawl

log = logging.getLogger("nianbao.schedule")


@dataclass(frozen=True)
class CrawlJob:
    """Everything one scheduled crawl needs, as plain data."""

    sites_path: Path
    db_path: Path
    log_dir: Path
    feed_dir: Path
    webhook: str | None = None
    settings: tuple[str, ...] = ()
    timeout: float | None = None


def new_log_path(folder: Path) -> Path:
    """``crawl-<local time>.log`` in ``folder``, numbered if a run of the same second has one."""
    stem = f"crawl-{datetime.now():%Y%m%dT%H%M%S}"
    path, number = folder / f"{stem}.log", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.log"
    return path


def scheduled_crawl(job: CrawlJob) -> dict:
    """One run: crawl, then feeds and webhook.  Never raises, so the scheduler always goes on.

    Returns ``{"run": crawl_runs row or {"status": "skipped"}, "feeds": [paths], "webhook": outcome}``.
    """
    try:
        run = run_crawl(job.sites_path, job.db_path, new_log_path(job.log_dir), job.settings, job.timeout)
    except Exception as error:  # an archive that cannot be opened, a full disk …: logged, next run tries again
        log.error("crawl could not be run: %s", error)
        return {"run": {"status": "error", "error": str(error)}, "feeds": [], "webhook": None}
    if run["status"] == "skipped":
        log.warning("crawl skipped: another crawl holds the lock of %s (see %s)", job.db_path, run["log_file"])
        return {"run": run, "feeds": [], "webhook": None}
    log.info("crawl run %s %s: %s added, %s modified, %s removed; log %s", run["id"], run["status"],
             run["docs_added"], run["docs_modified"], run["docs_removed"], run["stats"].get("log_file"))
    feed, files = write_feeds(job.db_path, run["id"], job.feed_dir)
    outcome = post_webhook(job.webhook, feed) if job.webhook else None
    if outcome:
        log.info("webhook %s: %s", job.webhook, outcome)
    return {"run": run, "feeds": files, "webhook": outcome}


def build_scheduler(job: CrawlJob, cron: str, timezone: str, grace_hours: float,
                    now: bool = False) -> BlockingScheduler:
    """A scheduler with the crawl job on ``cron`` in ``timezone``; ``now`` also runs it at once.

    Raises ValueError with a one-line message for a bad cron expression or time zone.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r} (e.g. Asia/Shanghai, UTC)") from None
    try:
        trigger = CronTrigger.from_crontab(cron, timezone=zone)
    except ValueError as error:
        raise ValueError(f"bad cron expression {cron!r} (five fields, e.g. '0 2 * * *'): {error}") from None
    scheduler = BlockingScheduler(timezone=zone)
    extra = {"next_run_time": datetime.now(zone)} if now else {}
    scheduler.add_job(scheduled_crawl, trigger, args=[job], id="crawl", name="nianbao crawl", coalesce=True,
                      max_instances=1, misfire_grace_time=int(grace_hours * 3600), **extra)
    return scheduler


def show_log() -> None:
    """Timestamped lines of the scheduler (and APScheduler's warnings) on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name, level in (("nianbao.schedule", logging.INFO), ("apscheduler", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)


@click.command()
@click.option("--sites", "sites_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Sites registry (YAML).")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Archive file (SQLite), created if missing.")
@click.option("--cron", default="0 2 * * *", show_default=True, help="When to crawl (crontab's five fields).")
@click.option("--timezone", default="Asia/Shanghai", show_default=True, help="Time zone of --cron.")
@click.option("--misfire-grace-hours", "grace_hours", default=12.0, show_default=True, type=click.FloatRange(0),
              help="A run missed (machine asleep or down) still starts if at most this late.")
@click.option("--logs", "log_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the per-run crawl logs  [default: <db>-logs beside the archive]")
@click.option("--feeds", "feed_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the per-run JSON and Atom feeds  [default: <db>-feeds beside the archive]")
@click.option("--webhook", help="POST each run's JSON feed to this URL.")
@click.option("--now", is_flag=True, help="Also crawl once right away.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Scrapy setting passed to every crawl (repeatable).")
def schedule(sites_path: Path, db_path: Path, cron: str, timezone: str, grace_hours: float, log_dir: Path | None,
             feed_dir: Path | None, webhook: str | None, now: bool, settings: tuple[str, ...]) -> None:
    """Crawl on a schedule (nightly by default) and publish each run's changes as feeds."""
    try:
        load_registry(sites_path)
    except RegistryError as error:
        raise click.ClickException(str(error)) from error
    if webhook and not webhook.startswith(("http://", "https://")):
        raise click.BadParameter(f"not an http(s) URL: {webhook!r}", param_hint="--webhook")
    job = CrawlJob(sites_path.resolve(), db_path.resolve(),
                   (log_dir or db_path.with_name(f"{db_path.stem}-logs")).resolve(),
                   (feed_dir or db_path.with_name(f"{db_path.stem}-feeds")).resolve(), webhook, settings)
    try:
        scheduler = build_scheduler(job, cron, timezone, grace_hours, now)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    show_log()
    # systemd stops services with SIGTERM: leave the loop as on Ctrl-C (a running crawl is let finish).
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    trigger = scheduler.get_job("crawl").trigger
    log.info("crawling %s into %s on '%s' (%s); next run %s", sites_path, db_path, cron, timezone,
             trigger.get_next_fire_time(None, datetime.now(trigger.timezone)))
    with contextlib.suppress(KeyboardInterrupt):
        scheduler.start()
    log.info("scheduler stopped")
