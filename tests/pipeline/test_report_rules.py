"""Whole-report rules on small hand-written reports: template, repairs, checks, metadata, errors."""

from __future__ import annotations

from pipeline import ParseError, parse_bytes
from pipeline.schema import APPLICANT_COLUMNS, APPLICATION_ROWS

ACTIVE_2021 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t0\t0\t3
行政规范性文件\t5\t1\t40
第二十条第（五）项
信息内容\t本年处理决定数量
行政许可\t120
第二十条第（六）项
信息内容\t本年处理决定数量
行政处罚\t7
行政强制\t0
第二十条第（八）项
信息内容\t本年收费金额（单位：万元）
行政事业性收费\t1.2345
"""

ACTIVE_2019 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t3
规范性文件\t5\t5\t40
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t100\t-18\t120
其他对外管理服务事项\t3\t0\t4
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t9\t1\t7
行政强制\t2\t0\t0
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t4\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额（万元）
政府集中采购\t12\t251000元
"""

APPEALS = """四、政府信息公开行政复议、行政诉讼情况
行政复议\t\t\t\t\t行政诉讼
结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉
\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计
{appeals}
"""


def applications(template: str, rows: dict[str, list[object]]) -> str:
    """Table 三 as tab text; rows not given are all zeros (（七）总计 and 一 are made to balance)."""
    lines = ["三、收到和处理政府信息公开申请情况",
             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况",
             "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
             "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]
    for row in APPLICATION_ROWS:
        if template not in row.templates:
            continue
        values = rows.get(row.key, [0] * len(APPLICANT_COLUMNS))
        # Labels in the first two columns, values from the fourth, as under the header.
        label = "\t" + row.label + "\t\t" if row.group else row.label + "\t\t\t"
        lines.append(label + "\t".join(str(v) for v in values))
    return "\n".join(lines) + "\n"


def report(template: str = "2021", rows: dict | None = None, appeals: str = "0\t" * 14 + "0",
           title: str = "云湖区人民政府办公室2022年政府信息公开工作年度报告", text: str = "") -> bytes:
    active = ACTIVE_2021 if template == "2021" else ACTIVE_2019
    body = (f"{title}\n一、总体情况\n{text or '本年度工作有序推进。'}\n{active}"
            f"{applications(template, rows or {})}{APPEALS.format(appeals=appeals)}"
            "五、存在的主要问题及改进情况\n无。\n云湖区人民政府办公室\n2023年1月20日\n")
    return body.encode("utf-8")


def kinds(result: dict) -> list[str]:
    return [f["kind"] for f in result["findings"]]


BALANCED = {"new_received": [3, 0, 0, 0, 0, 1, 4], "granted": [2, 0, 0, 0, 0, 1, 3],
            "unavailable.not_held": [1, 0, 0, 0, 0, 0, 1], "total": [3, 0, 0, 0, 0, 1, 4]}


def test_clean_2021_report_has_every_key_and_no_findings() -> None:
    result = parse_bytes(report(rows=BALANCED), "r.txt")
    assert result["template"] == "2021" and len(result["metrics"]) == 200
    assert result["findings"] == []
    assert result["metrics"]["active.fees.amount"] == 1.2345
    assert result["metrics"]["applications.granted.other_org"] == 1
    assert (result["year"], result["org"], result["published"]) == (2022, "云湖区人民政府办公室", "2023-01-20")


def test_2019_tables_decide_the_template_whatever_the_year_says() -> None:
    result = parse_bytes(report("2019", BALANCED, title="云湖区人民政府2021年政府信息公开工作年度报告"), "r.txt")
    assert result["template"] == "2019" and len(result["metrics"]) == 198
    assert result["metrics"]["active.licensing.delta"] == -18
    assert result["metrics"]["active.procurement.amount"] == 25.1


def test_missing_cell_is_repaired_when_the_sums_determine_it() -> None:
    rows = dict(BALANCED, granted=[2, 0, 0, 0, 1, 3])  # other_org cell lost: 6 of 7 cells
    result = parse_bytes(report(rows=rows), "r.txt")
    assert result["metrics"]["applications.granted.other_org"] == 1
    assert "repaired_cell" in kinds(result)
    assert result["provenance"]["applications.granted.all"]["raw"] == "3"


def test_missing_cell_is_not_guessed_when_undetermined() -> None:
    # Two rows short of cells, printed without column positions (space-separated), in columns
    # the sums bind only together: nothing says where the printed values stood.
    body = report(rows=BALANCED).decode()
    body = body.replace("\t（一）予以公开\t\t2\t0\t0\t0\t0\t1\t3", "（一）予以公开 2 1")
    body = body.replace("\t1.本机关不掌握相关政府信息\t\t1\t0\t0\t0\t0\t0\t1", "1.本机关不掌握相关政府信息 1")
    result = parse_bytes(body.encode(), "r.txt")
    assert "applications.granted.natural_person" not in result["metrics"]
    assert "missing_cell" in kinds(result)


def test_inconsistent_total_and_balance_mismatch_keep_the_printed_values() -> None:
    rows = dict(BALANCED, granted=[2, 0, 0, 0, 0, 1, 5], new_received=[4, 0, 0, 0, 0, 1, 5])
    result = parse_bytes(report(rows=rows), "r.txt")
    assert result["metrics"]["applications.granted.all"] == 5
    assert {"inconsistent_total", "balance_mismatch"} <= set(kinds(result))
    detail = next(f["detail"] for f in result["findings"] if f["key"] == "applications.granted.all")
    assert "expected 3" in detail and "found 5" in detail


def test_appeals_total_checked() -> None:
    result = parse_bytes(report(rows=BALANCED, appeals="1\t1\t0\t0\t3" + "\t0" * 10), "r.txt")
    assert "inconsistent_total" in kinds(result)


def test_narrative_contradicting_table_four() -> None:
    text = "（二）依申请公开。全年未发生因政府信息公开引起的行政复议、行政诉讼。"
    result = parse_bytes(report(rows=BALANCED, appeals="1\t0\t0\t0\t1" + "\t0" * 10, text=text), "r.txt")
    assert "narrative_contradiction" in kinds(result)
    quiet = parse_bytes(report(rows=BALANCED, text=text), "r.txt")
    assert "narrative_contradiction" not in kinds(quiet)


def test_narrative_number_contradicting_table_three() -> None:
    says = "本年度共受理政府信息公开申请9件，予以公开3件。"
    assert "narrative_contradiction" in kinds(parse_bytes(report(rows=BALANCED, text=says), "r.txt"))
    agrees = "本年度共受理政府信息公开申请4件，予以公开3件，无法提供1件。"
    assert "narrative_contradiction" not in kinds(parse_bytes(report(rows=BALANCED, text=agrees), "r.txt"))


def test_extra_row_is_a_finding_not_a_metric() -> None:
    body = report(rows=BALANCED).replace("行政强制\t0\n".encode(), "行政强制\t0\n行政检查\t15\n".encode())
    result = parse_bytes(body, "r.txt")
    assert "extra_row" in kinds(result)
    assert result["metrics"]["active.enforcement.decisions"] == 0


def test_legacy_report_has_no_metrics() -> None:
    body = "云湖区2017年政府信息公开工作年度报告\n一、概述\n2017年，我区主动公开政府信息1200条。\n".encode()
    result = parse_bytes(body, "old.txt")
    assert (result["template"], result["metrics"], result["year"]) == ("legacy", {}, 2017)


def test_report_without_tables_lists_missing_tables() -> None:
    body = "云湖区2022年政府信息公开工作年度报告\n一、总体情况\n工作有序推进。\n".encode()
    result = parse_bytes(body, "r.txt")
    assert result["template"] == "unknown" and kinds(result).count("missing_table") == 3


def test_tables_only_as_images() -> None:
    body = ("<html><body><h1>云湖区2022年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
            "<p><img src='t1.png'></p><p><img src='t2.png'></p></body></html>").encode()
    result = parse_bytes(body, "r.html")
    assert result["metrics"] == {} and kinds(result) == ["image_only"]


def test_unsupported_format_is_a_result_not_a_crash() -> None:
    result = parse_bytes(b"{\\rtf1\\ansi report}", "r.rtf")
    assert result["template"] == "unknown" and kinds(result) == ["unsupported_format"]


def test_empty_input_is_an_error() -> None:
    try:
        parse_bytes(b"  \n", "empty.txt")
    except ParseError as error:
        assert "empty.txt" in str(error)
    else:
        raise AssertionError("an empty file must raise ParseError")


def test_a_bare_picture_is_image_only() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    result = parse_bytes(png, "scan.png")
    assert result["metrics"] == {} and kinds(result) == ["image_only"]


def test_signature_with_typed_spaces_names_the_body() -> None:
    body = report(rows=BALANCED, title="云湖区2022年政府信息公开工作年度报告").replace(
        "2023年1月20日".encode(), "2023 年 1 月 20 日".encode())
    result = parse_bytes(body, "r.txt")
    assert result["org"] == "云湖区人民政府办公室" and result["published"] == "2023-01-20"


def test_table_four_printed_vertically_is_read_by_its_row_labels() -> None:
    base = report(rows=BALANCED).decode()
    vertical = ("四、政府信息公开行政复议、行政诉讼情况\n\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
                "行政诉讼\t复议后起诉\t2\t0\t0\t0\t2\n\t未经复议直接起诉\t0\t0\t1\t0\t1\n行政复议\t\t1\t0\t0\t0\t1\n")
    body = base[: base.index("四、政府信息公开行政复议")] + vertical + base[base.index("五、存在的主要问题"):]
    metrics = parse_bytes(body.encode(), "v.txt")["metrics"]
    assert (metrics["appeals.review.upheld"], metrics["appeals.litigation_direct.other"],
            metrics["appeals.litigation_after_review.total"]) == (1, 1, 2)


def test_one_cell_per_line_with_reworded_headings() -> None:
    """A Word <p> soup flattened to one cell per line, table 三's heading reworded."""
    text = report(rows=BALANCED).decode().replace("三、收到和处理政府信息公开申请情况", "三、依申请办理情况")
    lines = text.splitlines()
    body = "\n".join(cell for line in lines for cell in line.split("\t") if cell)
    result = parse_bytes(body.encode(), "soup.txt")
    assert result["metrics"]["applications.granted.other_org"] == 1
    assert result["metrics"]["active.normative_docs.in_force"] == 40
    assert result["metrics"]["appeals.review.total"] == 0 and len(result["metrics"]) == 200
