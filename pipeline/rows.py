"""Turn a Document's blocks into one stream of rows of cells.

Tables give their grid rows directly.  Paragraphs are lines of text, and a table flattened into
text keeps its cells as tab-, pipe- or space-separated fields, so every line is split the same
way: whether a row came from a ``<table>``, a Word ``<p>`` soup, a PDF text layer or a ``.txt``
file, the extractor sees the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .document import Document, Paragraph
from .values import Value, parse_value

_WIDE_GAP = re.compile(r"\s{2,}")


@dataclass(slots=True)
class RowCell:
    """A cell of a row: ``col`` is its grid column or field index; ``carried`` marks a merged
    cell that started in a row above; ``empty_field`` an empty field of a text line, which may be
    a blank cell or only the trace of a merged label column."""

    text: str
    col: int
    carried: bool
    value: Value
    empty_field: bool = False


@dataclass(slots=True)
class Row:
    """One row of cells and where it stood: ``table`` is the table's index (None for text lines),
    ``index`` the row within the table or the line within the document, ``indent`` the number of
    empty fields before the first cell of a text line."""

    cells: list[RowCell]
    table: int | None
    index: int
    indent: int = 0

    @property
    def from_text(self) -> bool:
        """True when the row was split out of a line of text rather than read from a grid."""
        return self.table is None


def document_rows(document: Document) -> Iterator[Row]:
    """Every row of the document in reading order."""
    table_index = 0
    for line_index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            row = line_row(block.text, line_index)
            if row.cells:
                yield row
            continue
        for r, cells in enumerate(block.rows):
            if cells:
                yield Row([RowCell(c.text, c.col, c.row < r, parse_value(c.text)) for c in cells], table_index, r)
        table_index += 1


def line_row(text: str, index: int) -> Row:
    """Split one line of flattened table text into cells."""
    fields = split_fields(text)
    indent = 0
    while indent < len(fields) and not fields[indent].strip():
        indent += 1
    # An empty field in flattened text may be a blank cell or only the trace of a merged label
    # column; it is kept, marked, for the extractor to read both ways (see checks.repair_gaps).
    cells = []
    for col, field in enumerate(fields):
        if not field.strip():
            cells.append(RowCell("", col, False, parse_value(""), empty_field=True))
            continue
        cells += [RowCell(piece, col, False, parse_value(piece)) for piece in _split_trailing_numbers(field.strip())]
    return Row(cells, None, index, indent)


def split_fields(text: str) -> list[str]:
    """Fields of a line: by tabs, else by pipes, else by runs of two or more spaces."""
    if "\t" in text:
        return text.split("\t")
    if text.count("|") >= 2 or text.count("｜") >= 2:
        fields = re.split(r"[|｜]", text)
        if fields and not fields[0].strip():
            fields = fields[1:]
        return fields
    return _WIDE_GAP.split(text.strip())


def _split_trailing_numbers(field: str) -> list[str]:
    """``一、本年新收政府信息公开申请数量 17 0 0 0 1 0 18`` → the label and seven values."""
    tokens = field.split()
    if len(tokens) < 2:
        return [field]
    cut = len(tokens)
    while cut > 0 and parse_value(tokens[cut - 1]).kind != "text":
        cut -= 1
    if cut == len(tokens):
        return [field]
    head = [" ".join(tokens[:cut])] if cut else []
    return head + tokens[cut:]
