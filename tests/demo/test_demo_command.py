"""``nianbao demo`` end to end: its own web on loopback, two real crawls, a real archive, feeds."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nianbao.demoweb import SITES, docx_bytes, report_meta, report_metrics, template_of
from pipeline import parse_bytes

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess, float]:
    """Run ``nianbao demo`` once in an empty folder; (folder, result, seconds)."""
    folder = tmp_path_factory.mktemp("demo")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", "from nianbao.cli import cli; cli()", "demo"],
                            cwd=folder, capture_output=True, text=True, timeout=120)
    return folder, result, time.monotonic() - started


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_demo_finishes_fast_and_says_how_to_open_the_archive(demo_run) -> None:
    folder, result, seconds = demo_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert seconds < 60
    assert result.stdout.rstrip().endswith("nianbao serve --db nianbao-demo.db")
    assert (folder / "nianbao-demo.db").is_file()


def test_every_published_report_is_archived_with_its_numbers_and_nothing_else(demo_run) -> None:
    folder = demo_run[0]
    manifest = json.loads((folder / "nianbao-demo" / "web" / "manifest.json").read_text(encoding="utf-8"))
    sites = json.loads((folder / "nianbao-demo" / "sites.yaml").read_text(encoding="utf-8"))["sites"]
    origins = {site["id"]: site["start_urls"][0].rstrip("/") for site in sites}
    expected = {origins[r["site"]] + r["path"]: r for r in manifest["reports"]}
    db = folder / "nianbao-demo.db"
    assert {url for (url,) in query(db, "SELECT url FROM documents")} == set(expected)
    rows = query(db, "SELECT d.url, r.id, r.template FROM documents d JOIN reports r ON r.version_id = "
                     "d.current_version_id")
    assert len(rows) == len(expected)
    for url, report_id, template in rows:
        metrics = dict(query(db, f"SELECT key, value FROM metrics WHERE report_id = {report_id}"))
        assert metrics == expected[url]["metrics"], url
        assert template == expected[url]["template"]
    assert {r["style"] for r in manifest["reports"]} >= {"docx", "html_gbk", "html_word"}
    assert {template for (template,) in query(db, "SELECT DISTINCT template FROM reports")} == {"2019", "2021"}


def test_second_crawl_records_the_correction_and_the_new_report_and_publishes_them(demo_run) -> None:
    folder = demo_run[0]
    db = folder / "nianbao-demo.db"
    assert query(db, "SELECT c.kind, r.title FROM changes c JOIN reports r ON r.version_id = c.new_version_id "
                     "WHERE c.run_id = 2 ORDER BY c.kind") == [
        ("added", "松陵区人民政府2024年政府信息公开工作年度报告"),
        ("modified", "青岚区人民政府2023年政府信息公开工作年度报告"),
    ]
    feed = json.loads((folder / "nianbao-demo" / "feeds" / "run-2.json").read_text(encoding="utf-8"))
    modified = next(item for item in feed["items"] if item["tags"] == ["modified"])
    moved = {m["key"]: (m["old"], m["new"]) for m in modified["_nianbao"]["metrics"]}
    assert all(new - old == 3 for old, new in moved.values()) and len(moved) == 6
    assert "一、本年新收政府信息公开申请数量 / 自然人" in modified["content_text"]
    atom = ET.parse(folder / "nianbao-demo" / "feeds" / "run-2.atom").getroot()
    assert [entry.find(f"{ATOM}title").text for entry in atom.iter(f"{ATOM}entry")] == [
        item["title"] for item in feed["items"]]
    assert (folder / "nianbao-demo" / "logs" / "crawl-2.log").is_file()


def test_demo_docx_report_reads_back_exactly() -> None:
    site = SITES[0]
    report = next(r for r in site.reports if r.style == "docx")
    metrics = report_metrics(site, report, revised=False)
    parsed = parse_bytes(docx_bytes(report_meta(site, report), metrics, template_of(report.year)), "a.docx")
    assert parsed["metrics"] == metrics
    assert parsed["title"] == report_meta(site, report)["title"]
