"""Benchmark the archive: ingest rate, bytes per report, and the time of each canned query.

    .venv/bin/python benchmarks/archive_bench.py                  # 100,000 reports, 2019–2024, 2,800 regions
    .venv/bin/python benchmarks/archive_bench.py --reports 5000   # a quick run

Reports are synthetic report dicts (as ``pipeline.parse_bytes`` returns them, with a full set of
metrics and provenance) with an HTML page as raw bytes; they go through ``Archive.record_report``,
the path of ``record_fetch`` after parsing, one transaction each.  Parsing is not measured here.
After the first ingest, 2% of the reports are republished with changed numbers and 2% with only a
changed view counter, so the change tables are not empty.  The numbers the cross-report checks
compare across years (carry-overs, the in-force and project-count chains) follow on from a body's
previous year except for 2% planted breaks, as in real archives; random ones would fail almost
every check of every report.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.schema import SCHEMA
from storage.archive import Archive
from storage.crosschecks import CARRY_COLUMNS, IN_FORCE_ROWS, PROJECT_ROWS
from storage.metadata import QUERIES
from storage.views import VIEWS

YEARS = range(2019, 2025)
BREAK_RATE = 0.02
SENTENCES = (
    "本年度{org}深入贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息{n}条。",
    "全年共收到政府信息公开申请{n}件，其中自然人申请{m}件，均在法定期限内答复。",
    "围绕优化营商环境、乡村振兴、民生保障等重点领域，发布政策解读{n}篇，图解{m}篇。",
    "因政府信息公开工作被申请行政复议{m}件，提起行政诉讼{m}件，结果均为维持。",
    "召开新闻发布会{m}场，回应社会关切{n}次，政务新媒体发布信息{n}条。",
    "存在的主要问题是基层政务公开标准化规范化建设有待加强，政策解读形式还不够丰富。",
    "下一步，将持续完善政府信息公开平台建设，加强工作人员业务培训{m}次。",
)


def region_name(number: int) -> str:
    """A synthetic district name."""
    syllables = "云湖山溪江河城林安平华阳东西南北新兴和泰宁远"
    size = len(syllables)
    return syllables[number % size] + syllables[(number // size) % size] + syllables[number // size**2 % size] + "区"


def make_text(rng: random.Random, org: str, sentences: int) -> str:
    """A report narrative of realistic length and vocabulary."""
    return "\n".join(
        rng.choice(SENTENCES).format(org=org, n=rng.randint(10, 5000), m=rng.randint(0, 50)) for _ in range(sentences)
    )


@functools.cache
def chained(region: int, department: int) -> dict[int, dict[str, int]]:
    """Per year, a body's numbers that the cross-report checks compare with its previous year."""
    rng = random.Random(region * 1_000 + department)
    in_force = {row: rng.randint(200, 400) for row in IN_FORCE_ROWS}
    items = {row: rng.randint(20, 200) for row in PROJECT_ROWS}
    carried = {column: rng.randint(0, 20) for column in CARRY_COLUMNS}
    series = {}
    for year in YEARS:
        values = {}
        for column in CARRY_COLUMNS:
            planted = 1 if rng.random() < BREAK_RATE else 0
            values[f"applications.carried_over.{column}"] = carried[column] + planted
            carried[column] = values[f"applications.carried_forward.{column}"] = rng.randint(0, 20)
        for row in IN_FORCE_ROWS:
            issued, repealed = rng.randint(0, 30), rng.randint(0, 10)
            in_force[row] += issued - repealed + (1 if rng.random() < BREAK_RATE else 0)
            values.update({f"active.{row}.issued": issued, f"active.{row}.repealed": repealed,
                           f"active.{row}.in_force": in_force[row]})
        for row in PROJECT_ROWS:
            delta = rng.randint(-5, 5)
            values.update({f"active.{row}.prev_items": items[row], f"active.{row}.delta": delta})
            items[row] += delta + (1 if rng.random() < BREAK_RATE else 0)
        series[year] = values
    return series


def make_report(rng: random.Random, number: int, regions: int) -> tuple[str, dict]:
    """The site id and the report dict of synthetic report ``number``."""
    region = number % regions
    year = YEARS[(number // regions) % len(YEARS)]
    department = number // (regions * len(YEARS))  # 0: the government's own report
    name = region_name(region)
    org = f"{name}人民政府" if department == 0 else f"{name}第{department}局"
    template = "2019" if year < 2021 else "2021"
    metrics = {key: rng.randint(0, 300) for key in SCHEMA.keys(template)}
    metrics.update((key, value) for key, value in chained(region, department)[year].items() if key in metrics)
    for key in ("active.fees.amount", "active.procurement.amount"):
        if key in metrics:
            metrics[key] = round(rng.uniform(0, 500), 2)
    by_key = SCHEMA.by_key
    provenance = {
        key: {"raw": str(value), "kind": "number", "table": 1 + ("applications", "appeals").index(by_key[key].table)
              if by_key[key].table != "active" else 0, "row_label": by_key[key].row_label.split(" / ")[-1],
              "column_label": by_key[key].column_label.split(" / ")[-1], "row": index // 7, "col": index % 7}
        for index, (key, value) in enumerate(metrics.items())
    }
    findings = [{"kind": "balance_mismatch", "detail": "一+二 ≠ （七）总计+四"}] if rng.random() < 0.05 else []
    month = rng.choice((1, 2, 3, 3, 3, 4, 5))
    report = {
        "source": f"bench-{number}", "title": f"{org}{year}年政府信息公开工作年度报告", "org": org,
        "region": name, "region_code": f"{330000 + region:06d}", "year": year,
        "published": f"{year + 1}-{month:02d}-{rng.randint(1, 28):02d}", "template": template,
        "metrics": metrics, "findings": findings, "provenance": provenance,
        "text": make_text(rng, org, 40), "parser_version": "bench",
    }
    return f"site{region:04d}", report


def page(report: dict, counter: int) -> bytes:
    """An HTML page for a report: chrome, a view counter, the text and the table."""
    cells = "".join(f"<tr><td>{key}</td><td>{value}</td></tr>" for key, value in report["metrics"].items())
    paragraphs = "".join(f"<p>{line}</p>" for line in report["text"].split("\n"))
    return (
        f"<html><head><title>{report['title']}</title></head><body><div class='nav'>首页 政务公开</div>"
        f"<h1>{report['title']}</h1><div class='content'>{paragraphs}<table>{cells}</table></div>"
        f"<div class='footer'>访问量：{counter}</div></body></html>"
    ).encode()


def ingest(archive: Archive, count: int, regions: int, seed: int) -> tuple[float, float, int]:
    """Ingest ``count`` reports; return the wall and CPU seconds spent in the archive, and the page bytes."""
    rng = random.Random(seed)
    archive.upsert_sites([{"id": f"site{r:04d}", "name": region_name(r), "region_code": f"{330000 + r:06d}"}
                          for r in range(regions)])
    wall, cpu, size = 0.0, 0.0, 0
    with archive.bulk():
        for number in range(count):
            site_id, report = make_report(rng, number, regions)
            body = page(report, 1)
            size += len(body)
            start, start_cpu = time.perf_counter(), time.process_time()
            archive.record_report(site_id=site_id, url=f"http://{site_id}.example/art/{number}.html", body=body,
                                  report=report)
            wall += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
        # The last commit is part of the ingest.
        start, start_cpu = time.perf_counter(), time.process_time()
    wall += time.perf_counter() - start
    cpu += time.process_time() - start_cpu
    return wall, cpu, size


def republish(archive: Archive, count: int, regions: int, seed: int) -> dict[str, int]:
    """Republish 2% of reports with changed numbers and 2% with a new view counter only."""
    rng, outcomes = random.Random(seed), {}
    for number in range(count):
        site_id, report = make_report(rng, number, regions)
        kind = number % 50
        if kind not in (0, 1):
            continue
        if kind == 0:
            report["metrics"]["applications.granted.all"] += 1
        outcome = archive.record_report(site_id=site_id, url=f"http://{site_id}.example/art/{number}.html",
                                        body=page(report, 2), report=report)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def ingest_files(archive: Archive, files: list[Path]) -> float:
    """Archive real report files through ``record_fetch`` (parsing included); return the wall seconds."""
    start = time.perf_counter()
    for path in files:
        archive.record_fetch(site_id=None, url=path.resolve().as_uri(), body=path.read_bytes())
    return time.perf_counter() - start


def best_of_three(archive: Archive, sql: str, params: dict) -> tuple[float, int]:
    """The fastest of three runs of ``sql`` (all rows fetched), and its row count."""
    best, rows = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        rows = len(archive.db.execute(sql, params).fetchall())
        best = min(best, time.perf_counter() - start)
    return best, rows


def time_queries(archive: Archive) -> list[tuple[str, float, int]]:
    """Time each canned query with its parameters, and the first page Datasette shows of each view."""
    canned = [
        ("revised_reports", {}),
        ("failing_checks", {}),
        ("applications_by_outcome", {"year": "2020", "region": ""}),
        ("applications_by_outcome", {"year": "", "region": "云湖"}),
        ("applications_by_outcome", {"year": "", "region": ""}),
        ("late_reports", {}),
        ("missing_reports", {"year": ""}),
        ("search_reports", {"q": "乡村振兴"}),
        ("search_reports", {"q": "图解"}),
        ("cross_report_checks", {"kind": ""}),
        ("cross_report_checks", {"kind": "carry_over_mismatch"}),
        ("region_time_series", {"region": "云湖"}),
        ("regions_compared", {"year": "2022"}),
    ]
    results = []
    for name, params in canned:
        shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
        results.append((f"query {name}({shown})", *best_of_three(archive, QUERIES[name]["sql"], params)))
    pages = [f"SELECT * FROM {view} LIMIT 101" for view in VIEWS]
    pages.append("SELECT * FROM applications_wide WHERE year = 2020 AND region LIKE '云%' LIMIT 101")
    for sql in pages:
        results.append((f"page {sql}", *best_of_three(archive, sql, {})))
    return results


def print_sizes(archive: Archive, reports: int) -> None:
    """Bytes per report of the largest tables and indexes, and of free pages (SQLite's dbstat)."""
    page_size = archive.db.execute("PRAGMA page_size").fetchone()[0]
    free = archive.db.execute("PRAGMA freelist_count").fetchone()[0] * page_size
    sizes = archive.db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6")
    shown = ", ".join(f"{name} {size / reports:,.0f}" for name, size in sizes)
    print(f"bytes per report: {shown}, free pages {free / reports:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--regions", type=int, default=2_800)
    parser.add_argument("--db", type=Path, help="Archive file to build (default: a temporary file, deleted after).")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--corpus", type=Path,
                        help="Also archive this folder's HTML and text reports through record_fetch (parsing them).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as folder:
        path = args.db or Path(folder) / "bench.db"
        archive = Archive(path)
        wall, cpu, page_bytes = ingest(archive, args.reports, args.regions, args.seed)
        print(f"ingest: {args.reports:,} reports in {wall:.1f} s = {args.reports / wall:,.0f} reports/s "
              f"(CPU {cpu:.1f} s = {args.reports / cpu:,.0f} reports per CPU second; "
              f"pages {page_bytes / args.reports:,.0f} bytes on average)")
        start = time.perf_counter()
        outcomes = republish(archive, args.reports, args.regions, args.seed)
        print(f"republish: {outcomes} in {time.perf_counter() - start:.1f} s")
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        print(f"size: {size / 1e6:,.0f} MB = {size / args.reports:,.0f} bytes per report")
        print_sizes(archive, args.reports)
        for label, seconds, rows in time_queries(archive):
            print(f"{label}: {seconds * 1000:,.0f} ms, {rows:,} rows")
        if args.corpus:
            files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".html", ".txt"))
            seconds = ingest_files(archive, files)
            print(f"record_fetch with parsing: {len(files)} files of {args.corpus} in {seconds:.2f} s = "
                  f"{len(files) / seconds:,.0f} reports/s")
        archive.close()


if __name__ == "__main__":
    main()
