"""The scheduled job for real: crawls in subprocesses, crashes recorded as failed, feeds, webhook, lock."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from nianbao.runs import LOOPBACK_SETTINGS
from nianbao.schedule import CrawlJob, scheduled_crawl
from storage.lock import crawl_lock


def job(tmp_path: Path, sites: Path, webhook: str | None = None, **changes: object) -> CrawlJob:
    fields = {"sites_path": sites, "db_path": tmp_path / "a.db", "log_dir": tmp_path / "logs",
              "feed_dir": tmp_path / "feeds", "webhook": webhook, "settings": LOOPBACK_SETTINGS, **changes}
    return CrawlJob(**fields)


def runs(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT id, status, docs_added, json_extract(stats, '$.log_file'), "
                                  "json_extract(stats, '$.error') FROM crawl_runs ORDER BY id").fetchall()


def test_a_run_archives_logs_publishes_feeds_and_posts_the_webhook(tmp_path, demo_web, receiver) -> None:
    manifest, sites = demo_web
    result = scheduled_crawl(job(tmp_path, sites, receiver.url))
    run = result["run"]
    assert run["status"] == "finished" and run["docs_added"] == len(manifest["reports"])
    log = Path(run["stats"]["log_file"])
    assert log.parent == tmp_path / "logs" and "finished" in log.read_text(encoding="utf-8")
    assert runs(tmp_path / "a.db") == [(1, "finished", len(manifest["reports"]), str(log), None)]
    assert [path.name for path in result["feeds"]] == ["run-1.json", "run-1.atom"]
    assert result["webhook"] == "HTTP 204"
    (posted,) = receiver.bodies
    assert posted == json.loads((tmp_path / "feeds" / "latest.json").read_text(encoding="utf-8"))
    assert posted["_nianbao"]["run_id"] == 1 and len(posted["items"]) == len(manifest["reports"])
    assert {item["tags"][0] for item in posted["items"]} == {"added"}
    assert receiver.headers[0]["Content-Type"].startswith("application/json")


def test_a_crashed_crawl_is_recorded_as_failed_and_the_next_run_goes_on(tmp_path, demo_web) -> None:
    _manifest, sites = demo_web
    crashed = scheduled_crawl(job(tmp_path, sites, timeout=0.3))  # killed before it can finish
    assert crashed["run"]["status"] == "failed"
    assert "exit status -9" in crashed["run"]["stats"]["error"]
    missing = scheduled_crawl(job(tmp_path, tmp_path / "gone.yaml"))  # dies before its run starts
    assert missing["run"]["status"] == "failed"
    assert "cannot read" in Path(missing["run"]["stats"]["log_file"]).read_text(encoding="utf-8")
    good = scheduled_crawl(job(tmp_path, sites))
    assert [status for _id, status, *_ in runs(tmp_path / "a.db")] == ["failed", "failed", "finished"]
    assert good["run"]["docs_added"] > 0
    assert len(list((tmp_path / "logs").glob("crawl-*.log"))) == 3


def test_a_run_is_skipped_while_another_crawl_holds_the_lock(tmp_path, demo_web, receiver) -> None:
    _manifest, sites = demo_web
    with crawl_lock(tmp_path / "a.db"):
        result = scheduled_crawl(job(tmp_path, sites, receiver.url))
    assert result["run"]["status"] == "skipped"
    assert "another crawl is running" in Path(result["run"]["log_file"]).read_text(encoding="utf-8")
    assert not (tmp_path / "a.db").exists() and receiver.bodies == [] and result["feeds"] == []


def test_an_unreachable_webhook_is_reported_not_raised(tmp_path, demo_web) -> None:
    _manifest, sites = demo_web
    result = scheduled_crawl(job(tmp_path, sites, "http://127.0.0.1:9/hook"))
    assert result["run"]["status"] == "finished"
    assert result["webhook"].startswith("failed:")
