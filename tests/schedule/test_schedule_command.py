"""``nianbao schedule``: the APScheduler job's options, bad input, and the command run for real."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import cli
from nianbao.schedule import CrawlJob, build_scheduler, scheduled_crawl


def a_job(tmp_path: Path) -> CrawlJob:
    return CrawlJob(tmp_path / "sites.yaml", tmp_path / "a.db", tmp_path / "logs", tmp_path / "feeds")


def test_job_coalesces_runs_one_at_a_time_and_forgives_hours_of_sleep(tmp_path: Path) -> None:
    scheduler = build_scheduler(a_job(tmp_path), "0 2 * * *", "Asia/Shanghai", grace_hours=12)
    job = scheduler.get_job("crawl")
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 12 * 3600)
    assert job.func is scheduled_crawl
    after = datetime.fromisoformat("2024-03-01T03:00:00+08:00")
    assert job.trigger.get_next_fire_time(None, after).isoformat() == "2024-03-02T02:00:00+08:00"


def test_now_fires_at_once(tmp_path: Path) -> None:
    scheduler = build_scheduler(a_job(tmp_path), "0 2 * * *", "UTC", grace_hours=1, now=True)
    first = scheduler.get_job("crawl").next_run_time
    assert abs((first - datetime.now(UTC)).total_seconds()) < 5
    # Without --now the first run time is left to the trigger (set when the scheduler starts).
    assert not hasattr(build_scheduler(a_job(tmp_path), "0 2 * * *", "UTC", 1).get_job("crawl"), "next_run_time")


@pytest.mark.parametrize(("arguments", "message"), [
    (["--cron", "0 25 * * *"], "Error: bad cron expression '0 25 * * *'"),
    (["--cron", "nightly"], "Error: bad cron expression 'nightly'"),
    (["--timezone", "Mars/Olympus"], "Error: unknown time zone 'Mars/Olympus'"),
    (["--webhook", "ftp://x/"], "not an http(s) URL: 'ftp://x/'"),
])
def test_bad_input_is_one_clear_line(tmp_path: Path, arguments: list[str], message: str) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text('{"sites": [{"id": "x", "name": "x", "region_code": "900001", '
                     '"start_urls": ["http://127.0.0.1:9/"]}]}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", "--sites", str(sites), "--db", str(tmp_path / "a.db"), *arguments])
    assert result.exit_code != 0
    assert message in result.output
    assert not (tmp_path / "a.db").exists()


def test_schedule_command_crawls_now_posts_the_feed_and_stops_on_sigterm(tmp_path, demo_web, receiver) -> None:
    manifest, sites = demo_web
    command = [sys.executable, "-c", "from nianbao.cli import cli; cli()", "schedule", "--sites", str(sites),
               "--db", str(tmp_path / "a.db"), "--now", "--webhook", receiver.url,
               "-s", "NIANBAO_ALLOW_LOOPBACK=True", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
    scheduler = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        assert receiver.received.wait(90), "no webhook POST within 90 s"
    finally:
        scheduler.send_signal(signal.SIGTERM)
        _out, err = scheduler.communicate(timeout=30)
    assert scheduler.returncode == 0, err
    assert len(receiver.bodies[0]["items"]) == len(manifest["reports"])
    assert (tmp_path / "a-feeds" / "run-1.atom").is_file()
    assert len(list((tmp_path / "a-logs").glob("crawl-*.log"))) == 1
    assert "next run" in err and "scheduler stopped" in err
