"""Benchmark the cross-report checks: a full recompute over 100,000 reports, and one report's refresh.

    .venv/bin/python benchmarks/crosscheck_bench.py                  # 100,000 reports, 2019–2024, 2,800 regions
    .venv/bin/python benchmarks/crosscheck_bench.py --reports 10000  # a quick run

The archive is built with direct SQL inserts (not through the parser or ``record_report``): per report
a ``reports`` row with a text of sections 一 and 五 (about 200 characters each) and the ``metrics`` rows
the checks read.  Each body's numbers chain from year to year, except planted breaks (2% of reports
carry over one request too many, 2% re-base 现行有效件数); 2% of reports repeat their body's previous
sections and 1% share section 一 with another body of the same year.  The benchmark then times
``recompute_all`` (bodies, every check, MinHash bands) and ``refresh_reports`` for single reports, the
work done per new current version during a crawl, counts the checks found against those planted, and
times the canned queries of the checks and indicators (one run each, all rows fetched).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.archive import Archive
from storage.crosschecks import CARRY_COLUMNS, IN_FORCE_ROWS, PROJECT_ROWS, recompute_all, refresh_reports
from storage.metadata import QUERIES

YEARS = range(2019, 2025)
QUERY_CASES = [("cross_report_checks", {"kind": ""}), ("cross_report_checks", {"kind": "carry_over_mismatch"}),
               ("region_time_series", {"region": "区12"}), ("regions_compared", {"year": "2022"})]
# A few thousand common characters, so that unrelated texts share clauses no more than real ones do.
CHARACTERS = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]


def words(rng: random.Random, sentences: int = 6) -> str:
    """A paragraph of sentences of random characters."""
    return "".join("".join(rng.choices(CHARACTERS, k=rng.randint(25, 40))) + "。" for _ in range(sentences))


def text(org: str, overview: str, problems: str) -> str:
    """A report text with the outline around sections 一 and 五."""
    return (f"{org}政府信息公开工作年度报告\n一、总体情况\n{overview}\n二、主动公开政府信息情况\n（表格）\n"
            f"五、存在的主要问题及改进情况\n{problems}\n六、其他需要报告的事项\n无。")


def body_metrics(rng: random.Random, template: str, previous: dict | None) -> dict:
    """The numbers the checks read, chained from ``previous`` (the body's year before)."""
    metrics = {}
    for column in CARRY_COLUMNS:
        carried = previous[f"applications.carried_forward.{column}"] if previous else rng.randint(0, 5)
        metrics[f"applications.carried_over.{column}"] = carried
        metrics[f"applications.carried_forward.{column}"] = rng.randint(0, 5)
    if template == "2021":
        for row in IN_FORCE_ROWS:
            before = (previous or {}).get(f"active.{row}.in_force", rng.randint(20, 200))
            issued, repealed = rng.randint(0, 10), rng.randint(0, 10)
            metrics.update({f"active.{row}.issued": issued, f"active.{row}.repealed": repealed,
                            f"active.{row}.in_force": max(0, before + issued - repealed)})
    else:
        for row in PROJECT_ROWS:
            before = previous[f"active.{row}.prev_items"] + previous[f"active.{row}.delta"] if previous \
                else rng.randint(10, 100)
            metrics.update({f"active.{row}.prev_items": before, f"active.{row}.delta": rng.randint(-3, 3)})
    return metrics


def build(archive: Archive, count: int, regions: int, seed: int) -> dict[str, int]:
    """Insert ``count`` current reports and their metrics; return how many breaks and copies were planted."""
    rng = random.Random(seed)
    bodies = max(1, count // (regions * len(YEARS)))
    planted = {"carry_over": 0, "in_force": 0, "copied_previous": 0, "copied_same_year": 0}
    report_rows, metric_rows = [], []
    previous: dict[tuple[int, int], tuple[dict, str, str]] = {}
    same_year_text: dict[int, str] = {}
    number = 0
    for year in YEARS:
        template = "2019" if year < 2021 else "2021"
        for region in range(regions):
            for department in range(bodies):
                if number >= count:
                    break
                number += 1
                org = f"区{region}人民政府" if department == 0 else f"区{region}第{department}局"
                before = previous.get((region, department))
                metrics = body_metrics(rng, template, before[0] if before else None)
                overview, problems = words(rng), words(rng)
                draw = rng.random()
                if before and draw < 0.02:
                    metrics["applications.carried_over.natural_person"] += 1
                    planted["carry_over"] += 1
                elif before and template == "2021" and "active.normative_docs.in_force" in before[0] and draw < 0.04:
                    metrics["active.normative_docs.in_force"] += 25
                    planted["in_force"] += 1
                elif before and draw < 0.06:
                    overview, problems = before[1], before[2]
                    planted["copied_previous"] += 1
                elif year in same_year_text and draw < 0.07:
                    overview = same_year_text[year]
                    planted["copied_same_year"] += 1
                same_year_text[year] = overview
                previous[region, department] = (metrics, overview, problems)
                report_rows.append((number, number, number, f"site{region:04d}", f"http://site{region:04d}/{number}",
                                    org, f"区{region}", f"{330000 + region:06d}", year, f"{year + 1}-03-01", template,
                                    text(org, overview, problems)))
                metric_rows.extend((number, key, value) for key, value in metrics.items())
    with archive.transaction() as db:
        db.conn.executemany(
            "INSERT INTO reports (id, version_id, document_id, site_id, url, org, region, region_code, year, "
            "published, template, text, is_current) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", report_rows)
        db.conn.executemany("INSERT INTO metrics (report_id, key, value) VALUES (?, ?, ?)", metric_rows)
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--regions", type=int, default=2_800)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--refreshes", type=int, default=500, help="Single-report refreshes to time.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-crosscheck-") as folder:
        archive = Archive(Path(folder) / "bench.db")
        start = time.perf_counter()
        planted = build(archive, args.reports, args.regions, args.seed)
        print(f"build: {args.reports:,} reports in {time.perf_counter() - start:.1f} s; planted {planted}")
        start, start_cpu = time.perf_counter(), time.process_time()
        with archive.transaction() as db:
            counts = recompute_all(db)
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        print(f"recompute_all: {wall:.1f} s wall, {cpu:.1f} s CPU; failing checks by kind {counts}")
        found = dict(archive.db.execute(
            "SELECT kind || ':' || relation, count(DISTINCT report_id) FROM report_checks "
            "GROUP BY kind, relation").fetchall())
        print(f"reports with a failing check: {found}")
        ids = random.Random(args.seed).sample(range(1, args.reports + 1), min(args.refreshes, args.reports))
        start = time.perf_counter()
        for report_id in ids:
            with archive.transaction() as db:
                refresh_reports(db, [report_id])
        per_report = (time.perf_counter() - start) / len(ids)
        print(f"refresh_reports: {per_report * 1000:.1f} ms per report (mean of {len(ids)}, one transaction each)")
        for name, params in QUERY_CASES:
            start = time.perf_counter()
            rows = len(archive.db.execute(QUERIES[name]["sql"], params).fetchall())
            print(f"query {name}({params}): {(time.perf_counter() - start) * 1000:,.0f} ms, {rows:,} rows")
        archive.close()


if __name__ == "__main__":
    main()
