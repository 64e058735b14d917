"""The crawl lock: one crawl per archive, a clear refusal for the second, nothing stale after a crash."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from storage.lock import LOCKED_EXIT_STATUS, CrawlLocked, LockError, crawl_lock, is_locked, lock_path

HOLD = ("import sys, time; from storage.lock import hold_crawl_lock; hold_crawl_lock(sys.argv[1]); "
        "print('held', flush=True); time.sleep(60)")


def test_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with crawl_lock(db):
        assert is_locked(db)
        refused = pytest.raises(CrawlLocked, match=r"another crawl is running on .*a\.db \(pid \d+, since")
        with refused, crawl_lock(db):
            pass
    assert not is_locked(db)
    assert lock_path(db).read_text(encoding="utf-8") == ""


def test_lock_of_a_killed_process_is_free_at_once(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert is_locked(db)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert not is_locked(db)


def test_lock_in_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(LockError, match="cannot open the lock file"), crawl_lock(tmp_path / "missing" / "a.db"):
        pass


def test_nianbao_crawl_refuses_while_the_lock_is_held(tmp_path: Path) -> None:
    db, registry = tmp_path / "a.db", tmp_path / "sites.yaml"
    registry.write_text('{"sites": [{"id": "x", "name": "x", "region_code": "900001", '
                        '"start_urls": ["http://127.0.0.1:9/"]}]}', encoding="utf-8")
    with crawl_lock(db):
        result = subprocess.run([sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl",
                                 "--sites", str(registry), "--db", str(db)],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == LOCKED_EXIT_STATUS
    assert result.stderr.strip().splitlines()[-1].startswith("Error: another crawl is running on")
    assert not db.exists()
