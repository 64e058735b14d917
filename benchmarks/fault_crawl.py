"""Fault benchmark: a 50-site web where a third of the sites misbehave, next to the same web with no faults.

    python benchmarks/fault_crawl.py [--sites 50] [--years 4] [--timeout 5] [--json results.json]

Serves a :class:`crawler.faultweb.FaultWeb` of ``--sites`` sites (one report per year each) on loopback
and runs two full ``nianbao crawl`` into new archives: first with every site healthy, then with one
site in three given one fault each (every fault of ``crawler.faultweb``, in turn).  Politeness is
relaxed as in ``crawl_bench.py`` (``AUTOTHROTTLE_ENABLED=False``, ``DOWNLOAD_DELAY=0``; still 2
connections per site); retries keep their defaults (3, after 2, 4 and 8 s); ``DOWNLOAD_TIMEOUT`` is
``--timeout``.  Reports whether each crawl finished, its time, which sites failed, and whether every
report of a well-behaved site — and every good report a faulty site still served — is archived with
the same report and metrics rows as in the fault-free crawl.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawl_bench import emit  # a sibling script: benchmarks/ is on sys.path when run

from crawler.faultweb import MISBEHAVIOURS, FaultWeb

RELAXED = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "LOG_LEVEL": "ERROR",
           "NIANBAO_PROGRESS_INTERVAL": "0", "NIANBAO_ALLOW_LOOPBACK": "True"}


def site_faults(sites: int) -> dict[str, str]:
    """{site id: fault}: every third site misbehaves, cycling through the faults."""
    faulty = list(range(0, sites, 3))
    return {f"s{index:03d}": MISBEHAVIOURS[faulty.index(index) % len(MISBEHAVIOURS)] if index in faulty else "none"
            for index in range(sites)}


def run_crawl(registry: Path, db: Path, workdir: Path, timeout: float) -> dict:
    """One ``nianbao crawl``: exit status, wall time and the figures of the run row it stored."""
    command = [sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl", "--sites", str(registry),
               "--db", str(db)]
    for name, value in {**RELAXED, "DOWNLOAD_TIMEOUT": str(timeout)}.items():
        command += ["-s", f"{name}={value}"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=3600)
    wall = time.monotonic() - started
    with sqlite3.connect(db) as connection:
        status, fetched, failed, stats = connection.execute(
            "SELECT status, pages_fetched, pages_failed, stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    stats = json.loads(stats)
    return {"exit_status": result.returncode, "status": status, "wall_seconds": round(wall, 1),
            "crawl_seconds": stats["elapsed_seconds"], "pages_fetched": fetched, "pages_failed": failed,
            "reports_added": stats["docs_added"], "unreadable": stats["docs_error"],
            "soft_errors": stats["docs_soft_error"], "failed_sites": sorted(stats["site_failures"])}


def archived(db: Path) -> dict[str, tuple]:
    """{url: (current report row, its metrics)} without ids and times, which differ between archives."""
    with sqlite3.connect(db) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(reports)")
                   if row[1] not in ("id", "version_id", "document_id") and not row[1].endswith("_at")]
        reports = {row[0]: row for row in connection.execute(
            f"SELECT url, {', '.join(columns)} FROM reports WHERE is_current = 1")}
        metrics: dict[str, list] = {}
        for url, *metric in connection.execute(
                "SELECT r.url, m.key, m.value, m.raw, m.cell_kind FROM metrics m JOIN reports r ON r.id = m.report_id "
                "WHERE r.is_current = 1 ORDER BY r.url, m.key"):
            metrics.setdefault(url, []).append(tuple(metric))
    return {url: (row, tuple(metrics.get(url, []))) for url, row in reports.items()}


def compare(web: FaultWeb, faults: dict[str, str], clean: dict, faulty: dict) -> dict:
    """How the faulty crawl's archive matches the clean one, report by report."""
    healthy = [url for site, fault in faults.items() if fault == "none" for url in web.report_urls(site)]
    of_faulty = [url for site, fault in faults.items() if fault != "none" for url in web.report_urls(site)]
    served = [url for url in of_faulty if url in faulty]
    return {"well_behaved_reports": len(healthy),
            "well_behaved_in_clean_crawl": sum(url in clean for url in healthy),
            "well_behaved_identical": sum(url in faulty and faulty[url] == clean.get(url) for url in healthy),
            "faulty_sites_good_reports": len(of_faulty),
            "faulty_sites_good_reports_archived": len(served),
            "faulty_sites_archived_identical": sum(faulty[url] == clean.get(url) for url in served)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--years", type=int, default=4, help="reports per site (one per year, ending 2023)")
    parser.add_argument("--timeout", type=float, default=5.0, help="DOWNLOAD_TIMEOUT in seconds")
    parser.add_argument("--json", type=Path, help="also write the results here")
    arguments = parser.parse_args(argv)
    faults = site_faults(arguments.sites)
    years = tuple(range(2024 - arguments.years, 2024))
    web = FaultWeb(dict.fromkeys(faults, "none"), years).start()
    try:
        with tempfile.TemporaryDirectory(prefix="fault-crawl-") as temporary:
            workdir = Path(temporary)
            registry = web.registry(workdir / "sites.yaml")
            clean = run_crawl(registry, workdir / "clean.db", workdir, arguments.timeout)
            for site, fault in faults.items():
                web.set_fault(site, fault)
            faulty = run_crawl(registry, workdir / "faulty.db", workdir, arguments.timeout)
            comparison = compare(web, faults, archived(workdir / "clean.db"), archived(workdir / "faulty.db"))
    finally:
        web.stop()
    misbehaving = {site: fault for site, fault in faults.items() if fault != "none"}
    results = {"sites": arguments.sites, "misbehaving_sites": misbehaving, "reports_per_site": len(years),
               "download_timeout": arguments.timeout, "fault_free_crawl": clean, "faulty_crawl": faulty,
               "time_ratio": round(faulty["crawl_seconds"] / clean["crawl_seconds"], 2), "archive": comparison}
    emit(results, arguments.json)
    return results


if __name__ == "__main__":
    main()
