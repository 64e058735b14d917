"""Crawl benchmark: a synthetic web of district sites on loopback, next to ``scrapy bench`` on the same machine.

    python benchmarks/crawl_bench.py [--sites 300] [--reports 6] [--json results.json]

Builds a web of ``--sites`` sites (Hanweb, TRS, ``?page=N`` and JSON-endpoint columns in turn, each with
``--reports`` annual reports and look-alike noise), serves it with ``python -m crawler.fixtureweb`` in its
own process, then measures in one run:

* ``scrapy bench`` (Scrapy's own loopback benchmark, default settings, run outside the project);
* a full ``nianbao crawl`` into a new archive (normalizer and SQLite included), politeness relaxed
  (``AUTOTHROTTLE_ENABLED=False``, ``DOWNLOAD_DELAY=0``; still 2 connections per site);
* a no-change recrawl of the same archive (report requests answered 304).

Pages/s counts every response (robots.txt, listings, reports, 304s) over the crawl's own elapsed time.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPORT_TEMPLATE = REPO / "tests" / "fixtures" / "sites" / "trs02" / "xxgk" / "ndbg" / "202401" / "t20240120_5001.html"
TEMPLATE_TITLE = "北川区2023年政府信息公开工作年度报告"
PATTERNS = ("hanweb", "trs", "paged", "json")
RELAXED = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=ERROR",
           "-s", "NIANBAO_PROGRESS_INTERVAL=0", "-s", "CONCURRENT_REQUESTS=128", "-s", "NIANBAO_ALLOW_LOOPBACK=True"]


def page(title: str, body: str) -> str:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def item(href: str, title: str) -> str:
    return f'<li><a href="{href}" title="{title}">{title}</a></li>'


def site_items(index: int, reports: int) -> list[tuple[str, str, bool]]:
    """(path, title, is report) of one site's column: reports of successive years and look-alike noise."""
    name = f"测试{index:03d}区"
    items = [(f"/art/{2024 - n}/report_{index}_{n}.html", f"{name}{2023 - n}年政府信息公开工作年度报告", True)
             for n in range(reports)]
    items += [(f"/art/2024/notice_{index}.html", f"关于做好{name}2023年政府信息公开工作年度报告的通知", False),
              (f"/art/2024/budget_{index}.html", f"{name}2024年部门预算公开说明", False)]
    return items


def column_files(pattern: str, items: list[tuple[str, str, bool]]) -> tuple[dict[str, str], dict]:
    """The column's listing files and ``_serve`` settings, paged the way ``pattern`` pages."""
    links = [item(path, title) for path, title, _ in items]
    half = len(links) // 2
    if pattern == "hanweb":
        records = "".join(f"<record><![CDATA[{link}]]></record>" for link in links[:half])
        script = (f"<script>$('#1').jpage({{perPage:{half},totalRecord:{len(links)},"
                  "proxyUrl:'/module/web/jpage/dataproxy.jsp',columnid:77,unitid:1,webid:1}});</script>")
        store = f'<script type="text/xml"><datastore><recordset>{records}</recordset></datastore></script>'
        body = f'<div id="1">{store}</div>'
        return {"ndbg/index.html": page("年报", body + script)}, {"dataproxy": {"77": links}}
    if pattern == "trs":
        pager = '<script>createPageHTML(2, {}, "index", "html");</script>'
        return {"ndbg/index.html": page("年报", "".join(links[:half]) + pager.format(0)),
                "ndbg/index_1.html": page("年报", "".join(links[half:]) + pager.format(1))}, {}
    if pattern == "paged":
        pager = '<div>共2页 <a href="/ndbg/list.aspx?page=2">下一页</a></div>'
        return {"ndbg/list.aspx": page("年报", "".join(links[:half]) + pager),
                "ndbg/list.aspx__page=2": page("年报", "".join(links[half:]))}, {}
    entries = [{"title": title, "url": path} for path, title, _ in items]
    api = '<script>var api = "/api/ndbg/docs.json";</script>'
    return {"ndbg/index.html": page("年报", "".join(links[:half]) + api),
            "api/ndbg/docs.json__page=1": json.dumps({"list": entries[:half], "pageCount": 2}, ensure_ascii=False),
            "api/ndbg/docs.json__page=2": json.dumps({"list": entries[half:], "pageCount": 2}, ensure_ascii=False)}, {}


def build_web(root: Path, sites: int, reports: int) -> int:
    """Write the synthetic web under ``root``; return the number of true reports."""
    template = REPORT_TEMPLATE.read_text(encoding="utf-8")
    (root / "_serve").mkdir(parents=True)
    manifest: dict = {"sites": [], "reports": []}
    for index in range(sites):
        site_id, pattern = f"s{index:03d}", PATTERNS[index % len(PATTERNS)]
        items = site_items(index, reports)
        listing, serve = column_files(pattern, items)
        column = next(iter(listing)).replace("__", "?")
        files = {"index.html": page("首页", '<a href="/zwgk/index.html">政务公开</a>'),
                 "zwgk/index.html": page("政务公开", f'<a href="/{column}">政府信息公开年报</a>'),
                 "robots.txt": "User-agent: *\nDisallow: /admin/\n", **listing}
        for path, title, is_report in items:
            noise = page(title, "<p>全文略。</p>")
            files[path.lstrip("/")] = template.replace(TEMPLATE_TITLE, title) if is_report else noise
            if is_report:
                manifest["reports"].append({"site": site_id, "path": path})
        for name, text in files.items():
            target = root / site_id / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (root / "_serve" / f"{site_id}.json").write_text(json.dumps({"charset": "utf-8", **serve}, ensure_ascii=False),
                                                        encoding="utf-8")
        manifest["sites"].append({"id": site_id, "name": f"测试{index:03d}区人民政府",
                                  "region_code": f"{910000 + index}", "pattern": pattern})
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return len(manifest["reports"])


def serve(root: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    """Start the web in its own process; return it and {site: base URL}."""
    server = subprocess.Popen([sys.executable, "-m", "crawler.fixtureweb", str(root)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    return server, json.loads(server.stdout.readline())


def write_registry(path: Path, root: Path, urls: dict[str, str]) -> None:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    sites = [{"id": s["id"], "name": s["name"], "region_code": s["region_code"], "start_urls": [urls[s["id"]]]}
             for s in manifest["sites"]]
    path.write_text(json.dumps({"sites": sites}, ensure_ascii=False), encoding="utf-8")


def scrapy_bench(workdir: Path) -> dict[str, float]:
    """Run ``scrapy bench`` outside any project (Scrapy's defaults) and read its final stats."""
    result = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=workdir, capture_output=True, text=True,
                            timeout=300)
    pages = int(re.search(r"'downloader/response_count': (\d+)", result.stderr).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr).group(1))
    return {"pages": pages, "seconds": round(elapsed, 2), "pages_per_second": round(pages / elapsed, 1)}


def nianbao_crawl(registry: Path, db: Path, workdir: Path) -> dict[str, float]:
    """One ``nianbao crawl`` of the whole registry; its figures from the run row it stored."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl", "--sites", str(registry),
                    "--db", str(db), *RELAXED], cwd=workdir, check=True, capture_output=True, timeout=3600)
    wall = time.monotonic() - started
    with sqlite3.connect(db) as connection:
        fetched, not_modified, added, stats = connection.execute(
            "SELECT pages_fetched, pages_not_modified, docs_added, stats FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        documents, versions = connection.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions)").fetchone()
    stats = json.loads(stats)
    pages, elapsed = fetched + not_modified, stats["elapsed_seconds"]
    return {"pages": pages, "not_modified": not_modified, "reports_added": added, "documents": documents,
            "versions": versions, "seconds": elapsed,
            "wall_seconds": round(wall, 1), "megabytes": round(stats["bytes_received"] / 1e6, 2),
            "failed_sites": len(stats["site_failures"]), "pages_per_second": round(pages / elapsed, 1)}


def coverage(db: Path, root: Path, urls: dict[str, str]) -> dict[str, int]:
    """True reports missing from the archive, and archived documents that are not true reports."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    expected = {urls[r["site"]].rstrip("/") + r["path"] for r in manifest["reports"]}
    with sqlite3.connect(db) as connection:
        archived = {url for (url,) in connection.execute("SELECT url FROM documents")}
    return {"missing_reports": len(expected - archived), "not_reports": len(archived - expected)}


def emit(results: dict, path: Path | None) -> None:
    """Print the results as JSON, and write them to ``path`` too if one is given."""
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if path:
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--reports", type=int, default=6, help="true reports per site")
    parser.add_argument("--json", type=Path, help="also write the results here")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as temporary:
        workdir = Path(temporary)
        reports = build_web(workdir / "web", arguments.sites, arguments.reports)
        server, urls = serve(workdir / "web")
        try:
            write_registry(workdir / "sites.yaml", workdir / "web", urls)
            results = {"sites": arguments.sites, "true_reports": reports,
                       "scrapy_bench": scrapy_bench(workdir),
                       "full_crawl": nianbao_crawl(workdir / "sites.yaml", workdir / "bench.db", workdir),
                       "no_change_recrawl": nianbao_crawl(workdir / "sites.yaml", workdir / "bench.db", workdir),
                       "archive": coverage(workdir / "bench.db", workdir / "web", urls)}
        finally:
            server.terminate()
            server.wait()
    bench = results["scrapy_bench"]["pages_per_second"]
    for name in ("full_crawl", "no_change_recrawl"):
        results[name]["vs_scrapy_bench"] = round(results[name]["pages_per_second"] / bench, 2)
    emit(results, arguments.json)
    return results


if __name__ == "__main__":
    main()
