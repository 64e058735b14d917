"""DOC/WPS reader: conversion through a real LibreOffice, and a clear refusal without one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import ParseError, UnsupportedFormat
from pipeline.readers import read_document
from pipeline.sniff import OLE2_MAGIC, ole_kind, sniff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")


def cells(document) -> list[list[tuple[str, int, int, int, int]]]:
    return [[(c.text, c.row, c.col, c.rowspan, c.colspan) for c in row] for row in document.tables[0].rows]


def test_without_libreoffice_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UnsupportedFormat) as raised:
        read_document((FIXTURES / "merged_labels.doc").read_bytes())
    assert raised.value.kind == "doc"
    assert "LibreOffice" in raised.value.hint


@needs_soffice
def test_doc_converted_by_libreoffice_gives_the_docx_grid():
    converted = read_document((FIXTURES / "merged_labels.doc").read_bytes())
    original = read_document((FIXTURES / "merged_labels.docx").read_bytes())
    assert converted.kind == "doc"
    assert converted.title == original.title
    assert cells(converted) == cells(original)
    assert converted.paragraphs == original.paragraphs


@needs_soffice
def test_damaged_doc_is_a_parse_error():
    data = OLE2_MAGIC + "WordDocument".encode("utf-16-le") + b"\x00" * 600
    with pytest.raises(ParseError, match="could not convert"):
        read_document(data)


@pytest.mark.parametrize(("stream", "kind"), [("Workbook", "xls"), ("PowerPoint Document", "ppt"), ("Foo", "ole")])
def test_other_ole_files_are_not_taken_for_reports(stream, kind):
    data = OLE2_MAGIC + b"\x00" * 64 + stream.encode("utf-16-le")
    with pytest.raises(UnsupportedFormat) as raised:
        read_document(data)
    assert raised.value.kind == kind


def test_type_comes_from_content_not_extension():
    assert sniff((FIXTURES / "lying_extension.doc").read_bytes()) == "docx"
    assert read_document((FIXTURES / "lying_extension.doc").read_bytes()).kind == "docx"
    doc = (FIXTURES / "merged_labels.doc").read_bytes()
    assert (sniff(doc), ole_kind(doc)) == ("ole", "doc")
    assert sniff(b"\r\n" + (FIXTURES / "scan.pdf").read_bytes()) == "pdf"
