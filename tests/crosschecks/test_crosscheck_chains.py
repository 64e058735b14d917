"""Carry-over and soft chains across a body's years, through real ingestion, in any arrival order."""

from __future__ import annotations

from pathlib import Path

import pytest
from crosscheck_series import COLUMNS, own_words, page, rebalance, series, stored_checks

from nianbao.samples import arithmetic_errors
from storage.archive import Archive

ORG, REGION = "枫林县教育局", "枫林县"
YEARS = range(2019, 2024)


def body_pages(metrics_by_year: dict[int, dict]) -> dict[int, bytes]:
    """The body's page for each year, each with its own words."""
    return {year: page(ORG, REGION, year, metrics, own_words(f"一{year}"), own_words(f"五{year}"))
            for year, metrics in metrics_by_year.items()}


def broken_series() -> dict[int, dict]:
    """A chained series whose 2022 report carries over 2 more natural-person requests than 2021 left,
    whose 2023 现行有效 规范性文件 was re-based by a clean-up, and whose 2020 上一年项目数量 of 行政许可 is off by 5."""
    metrics = series(7, YEARS)
    shift_carry_over(metrics[2022], 2)
    metrics[2023]["active.normative_docs.in_force"] -= 30
    metrics[2020]["active.licensing.prev_items"] += 5
    return metrics


def shift_carry_over(metrics: dict, count: int) -> None:
    """Carry over ``count`` more natural-person requests and receive ``count`` fewer: the report still balances."""
    assert metrics["applications.new_received.natural_person"] >= count
    metrics["applications.carried_over.natural_person"] += count
    metrics["applications.new_received.natural_person"] -= count
    rebalance(metrics)


def ingest(path: Path, pages: dict, order: list) -> list[tuple]:
    """Archive the pages (by name) in ``order``; return the stored checks."""
    with Archive(path) as archive:
        archive.add_site("fenglin")
        for year in order:
            assert archive.record_fetch(site_id="fenglin", url=f"http://fenglin.example/{year}.html",
                                        body=pages[year]) == "added"
        return stored_checks(archive.db)


def test_a_chained_series_has_no_failing_checks(tmp_path: Path):
    assert ingest(tmp_path / "a.db", body_pages(series(7, YEARS)), list(YEARS)) == []


def test_each_break_is_found_once_with_its_size(tmp_path: Path):
    checks = ingest(tmp_path / "a.db", body_pages(broken_series()), list(YEARS))
    by_kind = {(row[1], row[4], row[5]): row for row in checks}
    assert set(by_kind) == {
        (2022, "carry_over_mismatch", "applications.carried_over.natural_person"),
        (2022, "carry_over_mismatch", "applications.carried_over.all"),
        (2023, "in_force_chain", "active.normative_docs.in_force"),
        (2020, "project_count_chain", "active.licensing.prev_items"),
    }
    natural_person = by_kind[2022, "carry_over_mismatch", "applications.carried_over.natural_person"]
    assert natural_person[3] == 2021  # compared with the year before
    assert natural_person[8] == 2  # difference: 2 more carried over than left
    assert natural_person[6] + 2 == natural_person[7]
    assert by_kind[2023, "in_force_chain", "active.normative_docs.in_force"][8] == -30
    assert by_kind[2020, "project_count_chain", "active.licensing.prev_items"][8] == 5
    assert {row[9] for row in checks} == {"previous_year"}


@pytest.mark.parametrize("order", [["other", 2023, 2022, 2021, 2020, 2019], [2019, 2023, "other", 2021, 2020, 2022]])
def test_arrival_order_does_not_change_the_result(tmp_path: Path, order: list):
    metrics = broken_series()
    pages = body_pages(metrics)
    # 2023 repeats 2022's section 五; another body's 2021 report repeats this body's 2021 section 一.
    pages[2023] = page(ORG, REGION, 2023, metrics[2023], own_words("一2023"), own_words("五2022"))
    pages["other"] = page("枫林县民政局", REGION, 2021, series(8, range(2021, 2022))[2021], own_words("一2021"),
                          own_words("other"))
    in_order = ingest(tmp_path / "in-order.db", pages, [*YEARS, "other"])
    assert {(row[4], row[9]) for row in in_order} == {
        ("carry_over_mismatch", "previous_year"), ("in_force_chain", "previous_year"),
        ("project_count_chain", "previous_year"), ("copied_text", "previous_year"), ("copied_text", "same_year")}
    assert ingest(tmp_path / "shuffled.db", pages, order) == in_order
    with Archive(tmp_path / "shuffled.db") as archive:
        assert stored_checks(archive.db, recompute=True) == in_order


def test_a_corrected_report_clears_its_break(tmp_path: Path):
    metrics = broken_series()
    ingest(tmp_path / "a.db", body_pages(metrics), list(YEARS))
    fixed = dict(metrics[2022])
    shift_carry_over(fixed, -2)
    with Archive(tmp_path / "a.db") as archive:
        url = "http://fenglin.example/2022.html"
        assert archive.record_fetch(site_id="fenglin", url=url, body=page(
            ORG, REGION, 2022, fixed, own_words("一2022"), own_words("五2022"))) == "modified"
        kinds = {(row[1], row[4]) for row in stored_checks(archive.db)}
        assert kinds == {(2023, "in_force_chain"), (2020, "project_count_chain")}
        assert stored_checks(archive.db) == stored_checks(archive.db, recompute=True)


def test_every_applicant_column_is_compared(crosscheck_archive: Archive):
    metrics = series(11, range(2021, 2023))
    for column in COLUMNS:
        metrics[2022][f"applications.carried_over.{column}"] += 1
        metrics[2022][f"applications.carried_forward.{column}"] += 1
    rebalance(metrics[2022])
    assert not arithmetic_errors(metrics[2022], "2021")
    for year, body in body_pages(metrics).items():
        crosscheck_archive.record_fetch(site_id=None, url=f"http://x.example/{year}", body=body)
    keys = {row[5] for row in stored_checks(crosscheck_archive.db)}
    assert keys == {f"applications.carried_over.{column}" for column in [*COLUMNS, "all"]}
