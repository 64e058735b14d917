"""Real crawls of tests/fixtures/sites: site kinds the shared web does not show, a dead site, the Scrapy way."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

from crawl_testing import FAST, REPO, Web, archived_urls, last_run, version_count


def closed_port_url() -> str:
    """A loopback URL nothing listens on (a site that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def expected_reports(web: Web, sites: set[str] | None = None) -> set[str]:
    """URLs of the manifest's reports; ``sites`` limits them to reports reached from those registry sites."""
    reached_from = {"files01": "gd01"}
    return {web.url(r["site"], r["path"]) for r in web.manifest["reports"]
            if sites is None or reached_from.get(r["site"], r["site"]) in sites}


def test_every_kind_of_site_is_crawled_and_a_dead_site_only_shows_in_the_summary(
        own_web: Web, crawl, tmp_path: Path) -> None:
    down = {"id": "down", "name": "停机区人民政府", "region_code": "900019", "start_urls": [closed_port_url()]}
    registry = own_web.registry(tmp_path / "sites.yaml", extra={"sites": [down]})
    db = tmp_path / "archive.db"
    result = crawl(registry, db)

    # post_<id> pages behind a lying charset header, a TRS column continued by a JSON API with mobile
    # twins, Hanweb paging at /module/jpage/dataproxy.jsp, a report only as an attachment on a declared
    # file server, a department report only as a DOCX: all found, each once.
    assert archived_urls(db) == expected_reports(own_web)
    requested = [(r["site"], r["path"]) for r in own_web.requests()]
    assert not [path for site, path in requested if site == "mirror01"]  # mirror copies never touched,
    assert ("gd01", "/zwgk/ndbg/content/post_2801.html") in requested  # not even through a redirect
    assert ("gd01", "/private/ndbg/post_2000.html") not in requested  # robots.txt Disallow: /private/
    assert not [path for _, path in requested if path.endswith("_wap.html")]  # twins fetched as desktop pages

    run = last_run(db)
    assert run["status"] == "finished"
    assert list(run["stats"]["site_failures"]) == ["down"]
    assert "Connection" in run["stats"]["site_failures"]["down"][0]
    assert "site down: 2 failure(s), first: http://127.0.0.1" in result.stdout  # refused; so no column
    assert "site hw03 done" in result.stderr


def test_scrapy_crawl_reports_works_the_scrapy_way(own_web: Web, tmp_path: Path) -> None:
    registry = own_web.registry(tmp_path / "sites.yaml")
    db = tmp_path / "archive.db"
    command = [sys.executable, "-m", "scrapy", "crawl", "reports", "-a", f"sites={registry}", "-a", "site=hw03",
               "-s", f"NIANBAO_DB={db}", "-s", "LOG_LEVEL=INFO", *FAST]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert archived_urls(db) == expected_reports(own_web, {"hw03"})
    assert "[nianbao.progress] INFO: site hw03 done" in result.stderr


def test_killed_crawl_is_simply_run_again(own_web: Web, crawl, tmp_path: Path) -> None:
    registry, db = own_web.registry(tmp_path / "sites.yaml"), tmp_path / "archive.db"
    slow = own_web.root / "_serve" / "trs02.json"
    slow.write_text('{"charset": "utf-8", "slow": {"/xxgk/ndbg/202101/t20210120_5004.html": 30}}', encoding="utf-8")
    command = [sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl", "--sites", str(registry),
               "--db", str(db), *FAST, "-s", "DOWNLOAD_TIMEOUT=60"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # Progress lines come every second; kill once some reports are in and the slow one is pending.
        for line in process.stderr:
            stored = re.search(r"reports new (\d+)", line)
            if stored and int(stored.group(1)) >= 5:
                break
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    partial = archived_urls(db)
    assert 5 <= len(partial) < len(expected_reports(own_web))
    assert last_run(db)["status"] == "running"  # killed: the run row was never closed

    slow.write_text('{"charset": "utf-8"}', encoding="utf-8")
    crawl(registry, db)
    assert archived_urls(db) == expected_reports(own_web)
    assert version_count(db) == len(expected_reports(own_web))  # nothing stored twice
