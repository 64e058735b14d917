"""``nianbao serve`` in headless Chromium: canned queries, Chinese full-text search, labelled metrics, the chart."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By

from storage.metadata import QUERIES

DATABASE = "nianbao-demo"
# The opening words of one report's section 一, as the demo's generator writes them: a phrase
# found in that report's text and in no other.
PHRASE = "2021年，在上级政务公开"


def open_page(browser, url: str) -> None:
    browser.get(url)
    assert not browser.find_elements(By.CSS_SELECTOR, ".message-error"), browser.page_source[:2000]


def result_rows(browser) -> list[dict[str, str]]:
    """The rows of Datasette's result table as {column: cell text}."""
    columns = [th.text.strip() for th in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns thead th")]
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    return [dict(zip(columns, [td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")], strict=False))
            for row in rows]


def test_database_page_lists_every_canned_query(browser, served_demo: str, screenshot_dir: Path) -> None:
    open_page(browser, f"{served_demo}/{DATABASE}")
    links = {a.get_attribute("href").rsplit("/", 1)[-1] for a in browser.find_elements(By.CSS_SELECTOR, "a")}
    assert set(QUERIES) <= links
    browser.save_screenshot(str(screenshot_dir / "datasette-database.png"))


@pytest.mark.parametrize(("query", "parameters", "column", "expected"), [
    ("applications_by_outcome", "year=&region=", "region", {"青岚区", "石门县", "松陵区"}),
    ("revised_reports", "", "title", {"青岚区人民政府2023年政府信息公开工作年度报告"}),
    ("failing_checks", "", None, set()),
    ("late_reports", "", None, set()),
    ("missing_reports", "year=", None, set()),
])
def test_canned_query_renders_with_demo_data(browser, served_demo, query, parameters, column, expected) -> None:
    open_page(browser, f"{served_demo}/{DATABASE}/{query}?{parameters}")
    assert QUERIES[query]["title"] in browser.find_element(By.TAG_NAME, "h1").text
    rows = result_rows(browser)
    if column:
        assert {row[column] for row in rows} == expected
    else:
        assert browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns, p.zero-results")


def test_revised_report_shows_the_numbers_that_moved(browser, served_demo: str, screenshot_dir: Path) -> None:
    open_page(browser, f"{served_demo}/{DATABASE}/revised_reports")
    moved = {(row["row_label"], row["column_label"]): (row["old_value"], row["new_value"], row["unit"])
             for row in result_rows(browser)}
    assert moved[("一、本年新收政府信息公开申请数量", "自然人")][2] == "件"
    old, new, _unit = moved[("一、本年新收政府信息公开申请数量", "总计")]
    assert int(new) - int(old) == 3
    browser.save_screenshot(str(screenshot_dir / "datasette-revised.png"))


def test_full_text_search_finds_a_report_by_a_chinese_phrase(browser, served_demo: str, screenshot_dir) -> None:
    open_page(browser, f"{served_demo}/{DATABASE}/search_reports?q={quote(PHRASE)}")
    rows = result_rows(browser)
    assert [row["title"] for row in rows] == ["石门县人民政府2021年政府信息公开工作年度报告"]
    assert "【" in rows[0]["snippet"]
    browser.save_screenshot(str(screenshot_dir / "datasette-search.png"))


def test_metrics_show_with_chinese_labels_and_units(browser, served_demo: str) -> None:
    key = "applications.granted.all"
    open_page(browser, f"{served_demo}/{DATABASE}/metrics_labelled?key={key}&region=石门县&year=2021")
    (row,) = result_rows(browser)
    assert (row["row_label"], row["column_label"], row["unit"]) == ("三、本年度办理结果 /（一）予以公开", "总计", "件")
    assert int(row["value"]) >= 0
    open_page(browser, f"{served_demo}/{DATABASE}/metrics_labelled?key=active.fees.amount&_size=1")
    (money,) = result_rows(browser)
    assert money["unit"] == "万元"


def test_chart_page_draws_outcomes_by_year(browser, served_demo: str, screenshot_dir: Path) -> None:
    open_page(browser, f"{served_demo}/{DATABASE}")
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href="/-/nianbao/applications"]')  # in Datasette's menu
    open_page(browser, f"{served_demo}/-/nianbao/applications?region={quote('青岚区')}")
    assert "青岚区" in browser.find_element(By.TAG_NAME, "h1").text
    years = [text.text for text in browser.find_elements(By.CSS_SELECTOR, "svg text.year")]
    assert years == ["2019", "2020", "2021", "2022", "2023"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg rect.bar")) >= 5
    assert "予以公开" in browser.find_element(By.CSS_SELECTOR, "p.legend").text
    height = browser.execute_script("return document.querySelector('svg').getBoundingClientRect().height")
    assert height > 200
    browser.save_screenshot(str(screenshot_dir / "chart-applications.png"))
