"""SIGKILL at random moments, ten times in a row, then one more crawl: the same archive as one clean crawl."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from faults_testing import archive_tables, crawl, crawl_command, runs

from crawler.faultweb import FaultWeb

KILLS = 10
# Seconds after the start: from the imports, through opening the archive, to the last reports (a crawl of
# this web takes 5-10 s on two busy cores).
KILL_WINDOW = (0.2, 6.0)


def test_ten_kills_then_one_run_equal_one_uninterrupted_crawl(tmp_path: Path) -> None:
    # Slow sites stretch the crawl so that kills land while reports are being fetched, parsed and written.
    web = FaultWeb({f"k{index}": "slow" if index % 2 else "none" for index in range(8)},
                   years=(2021, 2022, 2023)).start()
    registry = web.registry(tmp_path / "sites.yaml")
    (tmp_path / "clean").mkdir()
    (tmp_path / "killed").mkdir()
    clean_db, killed_db = tmp_path / "clean" / "a.db", tmp_path / "killed" / "a.db"
    moments = []
    # The reference crawl runs beside the killed ones (another archive, the same web).
    reference = subprocess.Popen(crawl_command(registry, clean_db), cwd=tmp_path / "clean",
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        chance = random.Random()
        for _ in range(KILLS):
            moments.append(round(chance.uniform(*KILL_WINDOW), 2))
            crawl_process = subprocess.Popen(crawl_command(registry, killed_db), cwd=tmp_path / "killed",
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                crawl_process.wait(timeout=moments[-1])
            except subprocess.TimeoutExpired:
                crawl_process.kill()
                crawl_process.wait()
        crawl(registry, killed_db, tmp_path / "killed")
        assert reference.wait(timeout=120) == 0
    finally:
        reference.kill()
        web.stop()
    clean_reports, clean_metrics = archive_tables(clean_db)
    assert len(clean_reports) == 8 * 3 and len(clean_metrics) > 8 * 3 * 100
    assert archive_tables(killed_db) == (clean_reports, clean_metrics), f"kills after {moments} s"
    assert runs(killed_db)[-1]["status"] == "finished"
