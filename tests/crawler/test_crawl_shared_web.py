"""Real crawls of the shared fixture web (../shared/corpus/sites) into a real archive file."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from crawl_testing import Web, archived_urls, changes, last_run, version_count


def expected_reports(web: Web) -> set[str]:
    return {web.url(report["site"], report["path"]) for report in web.manifest["reports"]}


def archived_metrics(db: Path, url: str) -> dict[str, float]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT m.key, m.value FROM documents d JOIN reports r ON r.version_id = d.current_version_id "
            "JOIN metrics m ON m.report_id = r.id WHERE d.url = ?", [url])
        return dict(rows)


def test_first_crawl_finds_every_report_and_nothing_else_then_recrawl_is_cheap(
        shared_web: Web, crawl, tmp_path: Path) -> None:
    registry, db = shared_web.registry(tmp_path / "sites.yaml"), tmp_path / "archive.db"
    first = crawl(registry, db)
    expected = expected_reports(shared_web)
    assert archived_urls(db) == expected
    run = last_run(db)
    assert (run["status"], run["docs_added"], run["pages_failed"]) == ("finished", len(expected), 0)
    assert run["stats"]["site_failures"] == {}
    assert "sites 3/3" in first.stderr
    assert f"reports: {len(expected)} new, 0 modified" in first.stdout
    # The pages that fail once with a 500 were retried, not lost.
    assert any(r["status"] == 500 for r in shared_web.requests())

    first_bytes = shared_web.bytes_served()
    shared_web.reset_log()
    crawl(registry, db)
    assert version_count(db) == len(expected)
    run = last_run(db)
    assert changes(db, run["id"]) == set()
    assert (run["docs_added"], run["docs_modified"], run["pages_not_modified"]) == (0, 0, len(expected))
    assert shared_web.bytes_served() <= 0.05 * first_bytes


def test_archived_reports_carry_the_gold_metrics(shared_web: Web, crawl, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    crawl(shared_web.registry(tmp_path / "sites.yaml"), db)
    for report in shared_web.manifest["reports"]:
        gold = json.loads((shared_web.root / report["gold"]).read_text(encoding="utf-8"))
        metrics = archived_metrics(db, shared_web.url(report["site"], report["path"]))
        assert metrics == pytest.approx(gold["metrics"]), report["path"]


def revise(path: Path) -> None:
    """Change the first number in a table cell of a report."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"<td>(\d+)</td>", text)
    assert match, path
    changed = text[:match.start(1)] + str(int(match.group(1)) + 7) + text[match.end(1):]
    path.write_text(changed, encoding="utf-8")


def test_revised_deleted_new_touched_and_missing_reports_give_exactly_their_changes(
        shared_web: Web, crawl, tmp_path: Path) -> None:
    registry, db = shared_web.registry(tmp_path / "sites.yaml"), tmp_path / "archive.db"
    crawl(registry, db)
    column = shared_web.root / "dev02" / "zwgk" / "zfxxgkndbg"
    revised, unlisted = "/zwgk/zfxxgkndbg/202403/t20240318_169783.html", "/zwgk/zfxxgkndbg/202201/t20220110_169397.html"
    touched, new = "/zwgk/zfxxgkndbg/202003/t20200317_169242.html", "/zwgk/zfxxgkndbg/202504/t20250401_170000.html"
    # Still listed, but the file is gone (404), or the CMS sends the article back to its column (soft 404).
    not_found = "/zwgk/zfxxgkndbg/bmnb/202401/t20240116_170802.html"
    redirected = "/zwgk/zfxxgkndbg/bmnb/202102/t20210220_170696.html"

    revise(column / "202403" / "t20240318_169783.html")
    (column / "202201" / "t20220110_169397.html").unlink()
    page = column / "index_1.html"
    page.write_text(re.sub(r'<li><a href="\./202201/t20220110_169397\.html".*?</li>', "",
                           page.read_text(encoding="utf-8")), encoding="utf-8")
    (column / "bmnb" / "202401" / "t20240116_170802.html").unlink()
    new_title = "青岚区人民政府2018年政府信息公开工作年度报告"
    (column / "202504").mkdir()
    (column / "202504" / "t20250401_170000.html").write_text(
        (column / "202003" / "t20200317_169242.html").read_text(encoding="utf-8")
        .replace("2019年政府信息公开工作年度报告", "2018年政府信息公开工作年度报告"), encoding="utf-8")
    index = column / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace(
        '<ul class="list">', f'<ul class="list"><li><a href="./202504/t20250401_170000.html">{new_title}</a></li>'),
        encoding="utf-8")
    serve = shared_web.root / "_serve" / "dev02.json"
    config = json.loads(serve.read_text(encoding="utf-8"))
    # An edit moves the file's mtime (hence Last-Modified and ETag); touching moves only the mtime.
    config["lastmod"][revised] = config["lastmod"][touched] = 1800000000
    config["redirects"][redirected] = "/zwgk/zfxxgkndbg/bmnb/index.html"
    serve.write_text(json.dumps(config), encoding="utf-8")

    crawl(registry, db)
    run = last_run(db)
    url = lambda path: shared_web.url("dev02", path)  # noqa: E731
    assert changes(db, run["id"]) == {("modified", url(revised)), ("added", url(new)), ("removed", url(redirected))}
    assert run["stats"]["docs_unchanged"] == 1  # the touched one: fetched again, same bytes, no version
    # Unlisted and 404 once are not yet proof of removal (an outage looks the same); the soft 404 is.
    assert run["stats"]["docs_missing"] == 3

    crawl(registry, db)
    assert changes(db, last_run(db)["id"]) == {("removed", url(unlisted)), ("removed", url(not_found))}
    assert archived_urls(db) == expected_reports(shared_web) - {url(unlisted), url(not_found), url(redirected)} | {
        url(new)}
