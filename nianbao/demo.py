"""``nianbao demo``: the first thing a new user runs, with no internet.

It writes the demo web of :mod:`nianbao.demoweb` (three district sites in three CMS styles, reports
of 2019–2023 in both templates, HTML and DOCX), serves it on 127.0.0.1 with
:mod:`crawler.fixtureweb`, and crawls it with ``nianbao crawl`` into a new ``nianbao-demo.db``.
Then the web moves on (one report corrected, one published) and a second crawl records what
changed, which the demo publishes as JSON and Atom feeds, as ``nianbao schedule`` does after each run.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import click

from crawler import fixtureweb
from crawler.cli import summary_text

from .demoweb import registry, write_web
from .feeds import metric_line, write_feeds
from .runs import LOOPBACK_SETTINGS, run_crawl

CRAWL_TIMEOUT = 300


def fresh_start(folder: Path, db_path: Path) -> None:
    """Remove the previous demo's archive and web, so every demo starts from nothing."""
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        path.unlink(missing_ok=True)
    shutil.rmtree(folder / "web", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def crawl_step(sites_path: Path, db_path: Path, log_path: Path, heading: str) -> dict:
    """One crawl of the demo web, its summary printed; a crawl that did not finish stops the demo."""
    click.echo(f"\n{heading}")
    run = run_crawl(sites_path, db_path, log_path, LOOPBACK_SETTINGS, timeout=CRAWL_TIMEOUT)
    if run["status"] != "finished":
        raise click.ClickException(f"the demo crawl ended {run['status']}; its log is {log_path}")
    click.echo(summary_text(run))
    return run


def archive_summary(db_path: Path) -> list[str]:
    """One line per site: its current reports, years and templates."""
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(
            "SELECT s.name, count(r.id), min(r.year), max(r.year), group_concat(DISTINCT r.template) "
            "FROM sites s LEFT JOIN reports r ON r.site_id = s.id AND r.is_current = 1 GROUP BY s.id ORDER BY s.id"
        ).fetchall()
    return [f"  {name}: {count} reports, {first}–{last}, templates {templates}"
            for name, count, first, last, templates in rows]


def feed_summary(feed: dict) -> list[str]:
    """The feed's items for people: title, then the numbers that moved."""
    lines = []
    for item in feed["items"]:
        lines.append(f"  {item['title']}")
        lines.extend(f"      {metric_line(metric)}" for metric in item["_nianbao"]["metrics"])
    return lines


@click.command()
@click.option("--db", "db_path", default="nianbao-demo.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Archive to create (replaced if it exists).")
@click.option("--dir", "folder", default="nianbao-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where the demo web, logs and feeds go.")
def demo(db_path: Path, folder: Path) -> None:
    """Crawl a web of demo district sites on 127.0.0.1 into an archive (no internet needed)."""
    fresh_start(folder, db_path)
    manifest = write_web(folder / "web")
    origins, servers = fixtureweb.start_web(folder / "web", folder / "requests.jsonl")
    try:
        sites_path = folder / "sites.yaml"
        sites_path.write_text(json.dumps(registry(manifest, origins), ensure_ascii=False, indent=1), encoding="utf-8")
        names = ", ".join(f"{site['name']} ({site['cms']})" for site in manifest["sites"])
        click.echo(f"Demo web on 127.0.0.1: {names}; {len(manifest['reports'])} reports; registry {sites_path}")
        crawl_step(sites_path, db_path, folder / "logs" / "crawl-1.log", "Crawl 1: every report is new")
        write_web(folder / "web", revised=True)
        run = crawl_step(sites_path, db_path, folder / "logs" / "crawl-2.log",
                         "Crawl 2, weeks later: one report corrected, one published")
    finally:
        fixtureweb.stop_web(servers)
    feed, files = write_feeds(db_path, run["id"], folder / "feeds")
    click.echo(f"\nWhat crawl 2 found (feeds {files[0]} and {files[1]}):")
    click.echo("\n".join(feed_summary(feed)))
    click.echo(f"\nArchive {db_path}:")
    click.echo("\n".join(archive_summary(db_path)))
    click.echo(f"\nOpen it in Datasette:  nianbao serve --db {db_path}")
