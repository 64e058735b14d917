"""``nianbao serve``: a real Datasette on a loopback port, read through its JSON API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from archive_testing import make_report

from storage.archive import Archive
from storage.metadata import QUERIES

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def build(path: Path) -> None:
    with Archive(path) as archive:
        archive.upsert_sites([{"id": "yh", "name": "云湖区", "region_code": "330101"},
                              {"id": "sx", "name": "山溪县", "region_code": "330102"}])
        archive.record_report(site_id="yh", url="http://yh/1", body=b"1", report=make_report())
        changed = make_report({"applications.granted.all": 10}, published="2023-05-02",
                              findings=[{"kind": "balance_mismatch", "detail": "一+二≠七+四"}])
        archive.record_report(site_id="yh", url="http://yh/1", body=b"2", report=changed)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "nianbao.db"
    build(path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from storage.cli import serve; serve()", "--db", str(path), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(f"{base}/-/versions.json")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_tables_and_views_are_described(server):
    meta = get(f"{server}/-/metadata.json")
    tables = meta["databases"]["nianbao"]["tables"]
    assert "勾稽" in meta["databases"]["nianbao"]["queries"]["failing_checks"]["title"]
    assert "万元" in tables["metrics"]["columns"]["value"]
    assert get(f"{server}/nianbao/schema_metrics.json?key=active.fees.amount&_shape=array")[0]["unit"] == "万元"


def test_every_table_and_view_has_a_description(server):
    described = get(f"{server}/-/metadata.json")["databases"]["nianbao"]["tables"]
    listed = get(f"{server}/nianbao.json")
    names = [t["name"] for t in listed["tables"] if not t["hidden"]] + [v["name"] for v in listed["views"]]
    assert [name for name in names if not described.get(name, {}).get("description")] == []


def test_canned_queries_answer(server):
    assert {query["name"] for query in get(f"{server}/nianbao.json")["queries"]} == set(QUERIES)
    revised = get(f"{server}/nianbao/revised_reports.json?_shape=array")
    assert [(r["key"], r["old_value"], r["new_value"]) for r in revised if r["key"] == "applications.granted.all"] == [
        ("applications.granted.all", 9, 10)]
    assert get(f"{server}/nianbao/failing_checks.json?_shape=array")[0]["kind"] == "balance_mismatch"
    late = get(f"{server}/nianbao/late_reports.json?_shape=array")
    assert [(r["published"], r["days_late"]) for r in late] == [("2023-05-02", 32)]
    missing = get(f"{server}/nianbao/missing_reports.json?year=2022&_shape=array")
    assert [r["site_id"] for r in missing] == ["sx"]
    outcomes = get(f"{server}/nianbao/applications_by_outcome.json?year=2022&region=&_shape=array")
    assert [(r["region"], r["reports"], r["granted"], r["new_received"]) for r in outcomes] == [("云湖区", 1, 10, None)]
    found = get(f"{server}/nianbao/search_reports.json?q={urllib.parse.quote('认真贯彻')}&_shape=array")
    assert len(found) == 2  # both versions' reports


def test_search_box_finds_a_chinese_phrase(server):
    query = urllib.parse.quote("认真贯彻落实")
    found = get(f"{server}/nianbao/reports.json?_search={query}&_shape=array&_col=title")
    assert len(found) == 2
    assert get(f"{server}/nianbao/reports.json?_search={urllib.parse.quote('行政复议')}&_shape=array") == []


def test_serves_read_only(server):
    path = Path(get(f"{server}/-/databases.json")[0]["path"])
    before = path.read_bytes()
    sql = urllib.parse.quote("DELETE FROM documents")
    with pytest.raises(urllib.error.HTTPError):
        get(f"{server}/nianbao.json?sql={sql}")
    for query in QUERIES:
        get(f"{server}/nianbao/{query}.json?year=&region=&q=%E5%85%AC%E5%BC%80")
    assert path.read_bytes() == before
    assert get(f"{server}/-/databases.json")[0]["is_mutable"]  # a crawl may keep writing to it
    assert get(f"{server}/nianbao/documents.json?_shape=array")
