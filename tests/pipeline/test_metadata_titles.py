"""Metadata from the ways titles, signatures and dates are written."""

from __future__ import annotations

import pytest

from pipeline.metadata import iso_date, report_org, report_title, report_year


@pytest.mark.parametrize(
    ("title", "org", "year"),
    [
        ("云湖区人民政府办公室2022年政府信息公开工作年度报告", "云湖区人民政府办公室", 2022),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
        ("XX县人民政府关于印发2022年度政府信息公开工作年度报告的通知", "XX县人民政府", 2022),
        ("云湖区教育局二〇二二年政府信息公开工作年度报告", "云湖区教育局", 2022),
        ("云湖区人民政府政府信息公开工作年度报告（2023年）", "云湖区人民政府", 2023),
        ("云湖区人民政府2021年度政务公开工作年度报告", "云湖区人民政府", 2021),
    ],
)
def test_org_and_year_from_the_title(title: str, org: str, year: int) -> None:
    assert report_org(title, []) == org
    assert report_year(title, []) == year


def test_a_title_naming_only_a_place_takes_the_body_from_the_signature() -> None:
    paragraphs = ["正文。", "青岚区人民政府", "2020年2月10日"]
    assert report_org("青岚区2019年政府信息公开工作年度报告", paragraphs) == "青岚区人民政府"
    assert report_org("关于2022年政府信息公开工作年度报告的公告", paragraphs) == "青岚区人民政府"


def test_title_prefers_a_line_with_the_year_and_joins_a_broken_title() -> None:
    assert report_title("政府信息公开工作年度报告", ["淮安市人民政府2024 年政府信息公开工作年度报告"]) == \
        "淮安市人民政府2024年政府信息公开工作年度报告"
    assert report_title(None, ["云湖区人民政府办公室", "2022年政府信息公开工作年度报告", "一、总体情况"]) == \
        "云湖区人民政府办公室2022年政府信息公开工作年度报告"
    page_title = "云湖区2022年政府信息公开工作年度报告_云湖区人民政府"
    assert report_title(page_title, []) == "云湖区2022年政府信息公开工作年度报告"


def test_year_from_the_statistics_period_when_the_title_has_none() -> None:
    period = "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    assert report_year("政府信息公开工作年度报告", [period]) == 2023


@pytest.mark.parametrize(("text", "iso"), [("2020年2月11日", "2020-02-11"), ("2020 年 2 月 24 日", "2020-02-24"),
                                           ("2023-01-20 09:30", "2023-01-20"), ("2023/13/40", None)])
def test_iso_date(text: str, iso: str | None) -> None:
    assert iso_date(text) == iso
