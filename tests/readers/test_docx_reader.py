"""DOCX reader on real files: merged cells on the true grid, body order, limits."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import docx
import pytest
from lxml import etree
from PIL import Image

from pipeline import limits
from pipeline.document import Paragraph, Table
from pipeline.errors import ParseError
from pipeline.readers import docx as docx_reader
from pipeline.readers import read_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def merged_labels() -> bytes:
    return (FIXTURES / "merged_labels.docx").read_bytes()


def test_vertically_merged_labels_are_one_cell(generator):
    table = read_document(merged_labels()).tables[0]
    first = generator.HEADER_ROWS + 2
    outcome = table.rows[first][0]
    assert outcome.text == "三、本年度办理结果"
    assert (outcome.row, outcome.col, outcome.rowspan, outcome.colspan) == (first, 0, 22, 1)
    assert all(row[0] is outcome for row in table.rows[first : first + 22])
    withheld = [row for row in table.rows if len(row) > 1 and row[1].text == "（三）不予公开"]
    assert len(withheld) == 8
    assert len({id(row[1]) for row in withheld}) == 1
    labels = (generator.OUTCOME, "（三）不予公开", "8.属于行政查询事项")
    last_values = generator.data_values()[generator.DATA_LABELS.index(labels)]
    assert [c.text for c in withheld[-1][2:]] == ["8.属于行政查询事项", *map(str, last_values)]


def test_horizontal_merges_keep_their_columns(generator):
    table = read_document(merged_labels()).tables[0]
    corner, applicants = table.rows[0]
    assert (corner.text, corner.rowspan, corner.colspan) == (generator.CORNER, 3, 3)
    assert (applicants.col, applicants.colspan, applicants.text) == (3, 7, "申请人情况")
    assert [c.text for c in table.rows[2][1:]] == ["自然人", *generator.APPLICANTS, "总计"]
    new = table.rows[generator.HEADER_ROWS][0]
    assert (new.text, new.col, new.colspan) == ("一、本年新收政府信息公开申请数量", 0, 3)
    granted = table.rows[generator.HEADER_ROWS + 2][1]
    assert (granted.text, granted.col, granted.colspan) == ("（一）予以公开", 1, 2)


def test_body_order_and_core_title():
    document = read_document(merged_labels())
    assert document.kind == "docx"
    assert document.title == "示例区2023年政府信息公开工作年度报告"
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Paragraph", "Table", "Paragraph"]
    assert document.blocks[2] == Paragraph("三、收到和处理政府信息公开申请情况")


@pytest.mark.skipif(not (CORPUS / "dev-13-docx-2024.docx").exists(), reason="shared corpus not present")
def test_corpus_docx_values():
    document = read_document((CORPUS / "dev-13-docx-2024.docx").read_bytes())
    assert len(document.tables) == 3
    outcome = document.tables[1]
    total = next(row for row in outcome.rows if row[1].text == "（七）总计")
    assert [c.text for c in total[2:]] == ["36", "4", "0", "0", "2", "1", "43"]
    review = document.tables[2]
    assert [c.text for c in review.rows[-1]][:5] == ["1", "1", "0", "0", "2"]


def test_pictures_are_counted():
    picture = BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, "PNG")
    document = docx.Document()
    document.add_paragraph("表格见下图")
    document.add_picture(picture)
    data = BytesIO()
    document.save(data)
    read = docx_reader.read(data.getvalue())
    assert read.images == 1
    assert read.tables == []


def test_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    data = BytesIO()
    with zipfile.ZipFile(BytesIO(merged_labels())) as source, zipfile.ZipFile(data, "w") as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        bomb.writestr("word/media/padding.bin", b"\0" * (2 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    with pytest.raises(ParseError, match="ZIP bomb"):
        read_document(data.getvalue())


def test_damaged_package_is_a_parse_error():
    data = merged_labels()
    with pytest.raises(ParseError, match="DOCX"):
        docx_reader.read(data[: len(data) // 2])


def test_table_grid_is_rectangular_in_every_row():
    table: Table = read_document(merged_labels()).tables[0]
    for r, row in enumerate(table.rows):
        assert sum(c.colspan for c in row) == 10
        assert all(c.row <= r < c.row + c.rowspan for c in row)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_text_box_alternatives_and_tracked_moves_are_read_once():
    document = docx.Document()
    paragraph = document.add_paragraph("正文")
    alternate = etree.fromstring(
        f'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" {W_NS}>'
        "<mc:Choice Requires=\"wps\"><w:r><w:drawing/><w:t>文本框</w:t></w:r></mc:Choice>"
        "<mc:Fallback><w:r><w:pict/><w:t>文本框</w:t></w:r></mc:Fallback></mc:AlternateContent>"
    )
    paragraph._p.append(alternate)
    paragraph._p.append(etree.fromstring(f'<w:moveFrom {W_NS} w:id="1"><w:r><w:t>旧位置</w:t></w:r></w:moveFrom>'))
    data = BytesIO()
    document.save(data)
    read = docx_reader.read(data.getvalue())
    assert read.paragraphs == ["正文文本框"]
    assert read.images == 1
