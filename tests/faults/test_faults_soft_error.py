"""The soft-error rule of storage: a 200 error page is kept as a version but never replaces a good report."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from nianbao.samples import random_meta, random_metrics, render
from storage.archive import Archive
from storage.softerror import is_soft_error

URL = "http://www.yunhu.gov.cn/art/2024/1/10/art_1_1.html"
ERROR_PAGE = "<html><head><title>系统繁忙</title></head><body>系统繁忙，请稍后再试。</body></html>".encode()


def report_bytes(year: int, seed: int, metrics_seed: int | None = None) -> bytes:
    """A real report page (one sample body per ``seed``) with numbers drawn from ``metrics_seed``."""
    metrics = random_metrics("2021", seed if metrics_seed is None else metrics_seed)
    return render(random_meta(seed, year), metrics, "2021", "html_page")


def current_state(db: Path) -> tuple[int, int, int]:
    """(current version id, versions, modified changes) of the one document."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT (SELECT current_version_id FROM documents), (SELECT count(*) FROM versions), "
            "(SELECT count(*) FROM changes WHERE kind = 'modified')").fetchone()


def test_error_page_is_stored_but_the_good_report_stays_current(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        assert archive.record_fetch(site_id="s", url=URL, body=report_bytes(2023, 1)) == "added"
        good_version = current_state(db)[0]
        assert archive.record_fetch(site_id="s", url=URL, body=ERROR_PAGE) == "soft_error"
        assert current_state(db) == (good_version, 2, 0)
        assert archive.record_fetch(site_id="s", url=URL, body=ERROR_PAGE) == "soft_error"  # again: no 3rd version
        assert archive.record_fetch(site_id="s", url=URL, body=report_bytes(2023, 1)) == "unchanged"  # recovered
        assert current_state(db) == (good_version, 2, 0)


def test_a_report_of_another_year_or_body_is_a_soft_error_too(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.record_fetch(site_id="s", url=URL, body=report_bytes(2023, 1))
        assert archive.record_fetch(site_id="s", url=URL, body=report_bytes(2022, 1)) == "soft_error"
        assert archive.record_fetch(site_id="s", url=URL, body=report_bytes(2023, 2)) == "soft_error"
        current_year, current_org = archive.db.execute(
            "SELECT year, org FROM reports WHERE is_current = 1").fetchone()
    assert (current_year, current_org) == (2023, random_meta(1, 2023)["org"])


def test_a_revised_report_of_the_same_year_and_body_is_modified(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.record_fetch(site_id="s", url=URL, body=report_bytes(2023, 1))
        assert archive.record_fetch(site_id="s", url=URL, body=report_bytes(2023, 1, metrics_seed=7)) == "modified"
    assert current_state(db)[1:] == (2, 1)


def test_only_a_good_current_report_is_protected() -> None:
    good = {"year": 2023, "org": "云湖区人民政府", "template": "2021"}
    assert is_soft_error(good, None)
    assert is_soft_error(good, {"year": None, "org": None, "template": "unknown"})
    assert not is_soft_error(good, {**good, "title": "revised"})
    assert not is_soft_error(None, None)  # nothing readable archived: anything may become current
    assert not is_soft_error({"year": None, "template": "unknown"}, good)
