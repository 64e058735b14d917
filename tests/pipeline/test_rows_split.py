"""Splitting lines of flattened text into cells."""

from __future__ import annotations

from pipeline.rows import line_row, split_fields


def texts(line: str) -> list[str]:
    return [c.text for c in line_row(line, 0).cells if not c.empty_field]


def test_tabs_keep_empty_fields_marked_and_indent() -> None:
    row = line_row("\t\t2.重复申请\t\t0\t0", 3)
    assert row.indent == 2
    assert [c.text for c in row.cells if not c.empty_field] == ["2.重复申请", "0", "0"]
    assert [c.col for c in row.cells if not c.empty_field] == [2, 4, 5]


def test_pipes_and_wide_spaces() -> None:
    assert split_fields("| 规章 | 1 |  | 15 |") == [" 规章 ", " 1 ", "  ", " 15 ", ""]
    assert texts("规章    0    0    0") == ["规章", "0", "0", "0"]
    assert texts("规章\u30000\u30000") == ["规章", "0", "0"]


def test_label_followed_by_space_separated_numbers() -> None:
    assert texts("一、本年新收政府信息公开申请数量 17 0 0 0 1 0 18") == [
        "一、本年新收政府信息公开申请数量", "17", "0", "0", "0", "1", "0", "18"]
    assert texts("2 0 0 0 2") == ["2", "0", "0", "0", "2"]


def test_sentence_is_one_cell() -> None:
    assert texts("2022年，通过区政府门户网站主动公开各类信息1600条。") == [
        "2022年，通过区政府门户网站主动公开各类信息1600条。"]
