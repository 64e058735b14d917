"""Cell values and label matching: the small rules every report depends on."""

from __future__ import annotations

import pytest

from pipeline.labels import LabelIndex, label_segments, normalize_label
from pipeline.values import parse_value, to_wan_yuan


@pytest.mark.parametrize(
    ("text", "number", "kind"),
    [
        ("", 0, "blank"),
        ("\xa0", 0, "blank"),
        ("-", 0, "dash"),
        ("——", 0, "dash"),
        ("／", 0, "slash"),
        ("无", 0, "none_word"),
        ("１２３", 123, "number"),
        ("3,985,758", 3985758, "number"),
        ("3，985，758", 3985758, "number"),
        ("-18", -18, "number"),
        ("－18", -18, "number"),
        ("9031.3536", 9031.3536, "number"),
        ("12 件", 12, "number"),
        ("未收取", None, "text"),
        ("1.属于国家秘密", None, "text"),
    ],
)
def test_parse_value(text: str, number: float | None, kind: str) -> None:
    value = parse_value(text)
    assert (value.number, value.kind) == (number, kind)


@pytest.mark.parametrize(
    ("text", "wan_yuan"),
    [("251000元", 25.1), ("73802895.90元", 7380.28959), ("1.5亿元", 15000.0), ("96171.6", 96171.6)],
)
def test_money_units_convert_to_wan_yuan(text: str, wan_yuan: float) -> None:
    value = parse_value(text)
    assert to_wan_yuan(value.number, value.unit) == pytest.approx(wan_yuan)


@pytest.mark.parametrize(
    ("printed", "core"),
    [
        ("（一）予以公开", "予以公开"),
        ("(一)予以公开", "予以公开"),
        ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
        ("1. 属于国家秘密", "属于国家秘密"),
        ("①属于国家秘密", "属于国家秘密"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
        ("本年增/减", "本年增减"),
        ("本年新<br>制作数量".replace("<br>", ""), "本年新制作数量"),
        ("3.危及“三安全一稳定”", "危及三安全一稳定"),
    ],
)
def test_normalize_label(printed: str, core: str) -> None:
    assert normalize_label(printed) == core


def test_typo_is_a_variant_and_different_words_are_not() -> None:
    index = LabelIndex({"repealed": ("本年废止件数",), "issued": ("本年制发件数",), "licensing": ("行政许可",),
                        "punishment": ("行政处罚",)})
    variant = index.match("本年度止件数")
    assert variant is not None and variant.key == "repealed" and not variant.exact
    assert index.match("本年制发件数").exact
    assert index.match("行政检查") is None
    assert index.match("行政处罚").key == "punishment"


def test_short_labels_match_only_exactly() -> None:
    index = LabelIndex({"other_org": ("其他",)})
    assert index.match("其他").key == "other_org"
    assert index.match("其它") is None


def test_label_segments_split_glued_parent_and_child() -> None:
    assert label_segments("三、本年度办理结果（一）予以公开") == ["三、本年度办理结果", "（一）予以公开"]
    assert label_segments("3.危及“三安全一稳定”") == ["3.危及“三安全一稳定”"]


def test_a_long_label_cut_short_is_a_variant_if_it_begins_one_label_only() -> None:
    index = LabelIndex({"overdue_correction": ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",),
                        "overdue_fee": ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",)})
    match = index.match("1.申请人无正当理由逾期不补正")
    assert match is not None and match.key == "overdue_correction" and not match.exact
    assert index.match("申请人") is None
