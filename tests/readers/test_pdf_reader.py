"""PDF reader on real files: the shared corpus and the generated fixtures."""

from __future__ import annotations

import time
from pathlib import Path

import pdfplumber
import pytest

from pipeline import limits
from pipeline.document import Document, Table
from pipeline.errors import ParseError
from pipeline.readers import pdf, read_document
from pipeline.readers.grid import clean_text, join_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not beside the repository")


def read_fixture(name: str) -> Document:
    return read_document((FIXTURES / name).read_bytes())


def row_texts(table: Table, label: str) -> list[str]:
    """The texts of the first row that has a cell reading ``label``."""
    for row in table.rows:
        if any(cell.text == label for cell in row):
            return [cell.text for cell in row]
    raise AssertionError(f"no row labelled {label}")


def outcome_table(document: Document) -> Table:
    return next(t for t in document.tables if any(c.text == "三、本年度办理结果" for r in t.rows for c in r))


@needs_corpus
def test_word_export_tables_keep_values_and_spans():
    document = read_document((CORPUS / "dev-11-pdf-2019.pdf").read_bytes())
    table = outcome_table(document)
    assert row_texts(table, "（七）总计")[-7:] == ["11", "0", "0", "0", "0", "1", "12"]
    assert row_texts(table, "四、结转下年度继续办理")[-7:] == ["1", "0", "0", "0", "0", "0", "1"]
    label = next(c for r in table.rows for c in r if c.text == "三、本年度办理结果")
    # The label spans from （一）予以公开 to （七）总计 across the page break: 20 grid rows.
    assert label.rowspan == 20
    review = document.tables[-1]
    assert [c.text for c in review.rows[-1]] == ["0"] * 11 + ["1", "0", "0", "1"]


@needs_corpus
def test_wps_export_joins_labels_cut_by_page_break():
    document = read_document((CORPUS / "real" / "huaian-2024.pdf").read_bytes())
    table = outcome_table(document)
    rows = {row[2].text: row for row in table.rows if len(row) > 3}
    cut = rows["2.没有现成信息需要另行制作"]
    assert cut[1].text == "（四）无法提供"
    assert cut[1] is rows["1.本机关不掌握相关政府信息"][1]
    assert [c.text for c in cut[3:]] == ["11", "0", "0", "0", "0", "0", "11"]
    assert row_texts(table, "（七）总计")[-7:] == ["2932", "53", "0", "0", "61", "4", "3050"]
    active = document.tables[0]
    assert row_texts(active, "行政处罚") == ["行政处罚", "3985758"]
    assert row_texts(active, "行政事业性收费") == ["行政事业性收费", "96171.6"]
    assert not any(p.strip("- ").isdigit() for p in document.paragraphs)
    assert any("全年收取政府信息公开信息处理费3940元" in p for p in document.paragraphs)


SPLIT_TABLES = ["split_table.pdf", "whole_rows_table.pdf", "form_wrapped_table.pdf"]


@pytest.mark.parametrize("name", SPLIT_TABLES)
def test_fixture_table_really_runs_over_pages(name):
    with pdfplumber.open(FIXTURES / name) as document:
        assert len(document.pages) >= 2
        assert all(page.find_tables() for page in document.pages)


@pytest.mark.parametrize("name", SPLIT_TABLES)
def test_table_over_page_breaks_is_one_grid_without_repeated_header(name, generator):
    document = read_fixture(name)
    assert len(document.tables) == 1
    table = document.tables[0]
    header = generator.HEADER_ROWS
    assert len(table.rows) == header + len(generator.DATA_LABELS)
    assert [c.text for c in table.rows[2][-6:-1]] == list(generator.APPLICANTS)
    for row, (_block, _group, leaf), values in zip(
        table.rows[header:], generator.DATA_LABELS, generator.data_values(), strict=True
    ):
        assert row[-8].text == leaf
        assert [c.text for c in row[-7:]] == [str(v) for v in values]
    outcome = table.rows[header + 2][0]
    assert (outcome.text, outcome.rowspan) == ("三、本年度办理结果", 22)
    assert all(row[0] is outcome for row in table.rows[header + 2 : header + 24])
    assert {c.row for row in table.rows for c in row} == set(range(len(table.rows)))
    assert generator.RUNNING_HEADER not in document.paragraphs
    assert not any(p.strip("- ").isdigit() for p in document.paragraphs)


def test_table_without_ruling_lines_becomes_tab_separated_lines():
    document = read_fixture("borderless.pdf")
    assert document.tables == []
    assert "规章\t1\t0\t11" in document.paragraphs
    assert "行政规范性文件\t8\t26\t66" in document.paragraphs
    assert "二、主动公开政府信息情况" in document.paragraphs


def test_scanned_pdf_is_image_only():
    document = read_fixture("scan.pdf")
    assert document.images == 1
    assert document.tables == []
    assert document.text() == ""


def test_billion_page_pdf_is_refused_at_once():
    started = time.monotonic()
    with pytest.raises(ParseError, match="PDF"):
        read_fixture("billion_pages.pdf")
    assert time.monotonic() - started < 2


def test_page_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 1)
    with pytest.raises(ParseError, match="4 pages, over the 1-page limit"):
        read_fixture("split_table.pdf")


def test_truncated_pdf_is_a_parse_error():
    data = (FIXTURES / "split_table.pdf").read_bytes()[:400]
    with pytest.raises(ParseError):
        pdf.read(data)


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ParseError, match="limit"):
        read_fixture("borderless.pdf")


def test_slow_read_is_stopped(monkeypatch):
    monkeypatch.setattr(limits, "READ_SECONDS", -1.0)
    with pytest.raises(ParseError, match="took longer"):
        read_fixture("borderless.pdf")


@pytest.mark.parametrize(
    ("text", "top", "expected"),
    [("- 4 -", 800, True), ("—12—", 800, True), ("第 3 页 共 6 页", 20, True), ("4", 400, False),
     ("- 4 -", 400, False), ("2024年", 800, False)],
)
def test_page_numbers_only_in_margins(text, top, expected):
    line = pdf.Line(text, 280, top, 300, top + 10, 10, 0)
    assert pdf.is_page_number(line, page_height=842) is expected


def test_text_cleaning_fixes_radicals_and_cjk_gaps():
    assert clean_text("⽂件 结 果 2024 年") == "文件结果 2024 年"
    assert join_lines(["三、", "本", "年度", "办理结果"]) == "三、本年度办理结果"
    assert join_lines(["96171.", "6"]) == "96171.6"
    assert join_lines(["Email", "address"]) == "Email address"
    assert pdf.pdf_text("2024 年 收到 12 件, see Table 3") == "2024年收到12件, see Table 3"


def test_undecodable_metadata_title_is_replaced_not_fatal(generator):
    document = pdf.read(generator.broken_title_pdf())
    assert document.title is not None and document.title.startswith("年")


def drawn(rows: list[list[tuple[str, float, float]]], top: float = 0.0) -> pdf.DrawnTable:
    """A drawn table of 20-point rows; each cell is (text, x0, x1)."""
    boxes = tuple(
        pdf.Box(text, x0, top + 20 * r, x1, top + 20 * (r + 1)) for r, row in enumerate(rows) for text, x0, x1 in row
    )
    return pdf.DrawnTable(boxes, 0, top, 300, top + 20 * len(rows))


def joined_texts(first: pdf.DrawnTable, rest: pdf.DrawnTable) -> list[list[str]]:
    return [[c.text for c in row] for row in pdf.grid_table(pdf.join_tables(first, rest)).rows]


def test_join_merges_a_label_cut_by_the_break_but_not_the_values():
    first = drawn([[("（三）不予公开", 0, 100), ("8.属于行政查询事项", 100, 200), ("0", 200, 300)],
                   [("（四）无", 0, 100), ("1.本机关不掌握", 100, 200), ("746", 200, 300)]])
    rest = drawn([[("法提供", 0, 100), ("2.没有现成信息", 100, 200), ("11", 200, 300)]], top=500)
    assert joined_texts(first, rest) == [
        ["（三）不予公开", "8.属于行政查询事项", "0"],
        ["（四）无法提供", "1.本机关不掌握", "746"],
        ["（四）无法提供", "2.没有现成信息", "11"],
    ]


def test_join_merges_the_rest_of_a_cut_row():
    first = drawn([[("5.要求行政机关确认或重新出", 0, 200), ("1", 200, 300)]])
    rest = drawn([[("具已获取信息", 0, 200), ("", 200, 300)], [("（六）其他处理", 0, 200), ("0", 200, 300)]], top=500)
    assert joined_texts(first, rest) == [["5.要求行政机关确认或重新出具已获取信息", "1"], ["（六）其他处理", "0"]]


def test_join_keeps_a_differently_ruled_header_row_apart():
    first = drawn([[("行政事业性收费", 0, 100), ("0", 100, 300)]])
    header = [("行政复议", 0, 100), ("行政诉讼", 100, 200), ("其他", 200, 300)]
    rest = drawn([header, [("1", 0, 100), ("2", 100, 200), ("3", 200, 300)]], top=500)
    assert joined_texts(first, rest)[:2] == [["行政事业性收费", "0"], ["行政复议", "行政诉讼", "其他"]]
