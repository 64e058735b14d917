"""Link roles and report titles: annual reports against their look-alikes."""

from __future__ import annotations

import pytest

from crawler.discovery import Role, canonical_report_url, classify_link, is_attachment_url, is_report_title

REPORTS = [
    "云湖区人民政府2024年政府信息公开工作年度报告",
    "云湖区2020年政府信息公开工作年度报告",
    "云湖区市场监督管理局2023年政府信息公开工作年度报告",
    "2022年度政府信息公开工作报告",
    "白沙区2019年政府信息公开年报",
    "青岚区 2021 年\n政府信息公开工作年度报告",
    "云湖区人民政府2024年政府信息公开工作年度报告.pdf",
    "青岚区人民政府办公室2023年政务公开工作年度报告",
]

LOOK_ALIKES = [
    "图解：云湖区2023年政府信息公开工作年度报告",
    "一图读懂白沙区2022年政府信息公开工作年度报告",
    "关于做好2023年政府信息公开工作年度报告编制发布工作的通知",
    "《云湖区2023年政府信息公开工作年度报告》解读",
    "云湖区2023年财政决算报告",
    "云湖区2024年区级部门预算公开说明",
    "2024年云湖区人民政府工作报告",
    "云湖区2023年国民经济和社会发展统计公报",
    "云湖区召开2024年政务公开工作推进会",
    "云湖区2024年政府信息公开工作年度报告（草稿）",
    "政府信息公开年报",  # a column, no year
    "2018年报告（链接失效）",
    "云湖区2023年政府信息公开工作第三方评估报告",
]


@pytest.mark.parametrize("title", REPORTS)
def test_report_titles_are_recognised(title: str) -> None:
    assert is_report_title(title)


@pytest.mark.parametrize("title", LOOK_ALIKES)
def test_look_alikes_are_not_reports(title: str) -> None:
    assert not is_report_title(title)


@pytest.mark.parametrize(("text", "url", "role"), [
    ("政务公开", "/col/col4417/index.html", Role.AREA),
    ("政府信息公开", "/xxgk/index.html", Role.AREA),
    ("信息公开年报", "/col/col6044/index.html", Role.COLUMN),
    ("政府信息公开年度报告", "/zwgk/zfxxgkndbg/index.html", Role.COLUMN),
    ("部门年报", "/col/col1987/index.html", Role.COLUMN),
    ("信息公开年报（旧版）", "/old/ndbg.html", Role.COLUMN),
    ("云湖区2020年政府信息公开工作年度报告", "/art/2021/2/23/art_6044_281174.html", Role.REPORT),
    ("财政预决算", "/col/col5529/index.html", None),
    ("政府工作报告", "/col/col4797/index.html", None),
    ("政府信息公开指南", "/xxgk/zn/index.html", None),
    ("新闻动态", "/xwzx/index.html", None),
    ("青岚区召开2024年政务公开工作推进会", "/xwzx/202404/t20240414_174136.html", None),
    ("2018年报告（链接失效）", "/zwgk/ndbg/2018.html", None),
])
def test_links_get_their_role(text: str, url: str, role: Role | None) -> None:
    assert classify_link(text, url) is role


def test_mobile_twin_maps_to_desktop_page() -> None:
    assert (canonical_report_url("http://a.cn/xxgk/202301/t20230118_11520599_wap.html?x=1")
            == "http://a.cn/xxgk/202301/t20230118_11520599.html?x=1")
    assert canonical_report_url("http://a.cn/content/post_123.html") == "http://a.cn/content/post_123.html"


def test_attachments_are_told_by_extension() -> None:
    assert is_attachment_url("http://a.cn/uploads/2025/282259.PDF")
    assert is_attachment_url("http://a.cn/P0170303.docx?t=1")
    assert is_attachment_url("http://a.cn/a.wps")
    assert not is_attachment_url("http://a.cn/show.aspx?id=pdf")
