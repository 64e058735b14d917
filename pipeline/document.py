"""What a format reader hands to the normalizer: paragraphs and table grids, nothing more.

Every reader (HTML, text, PDF, DOCX, DOC) produces a :class:`Document`.  The normalizer never looks
at the original format, so one set of rules (labels, repairs, checks, metadata) serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False, slots=True)
class Cell:
    """One cell of a table, placed on the table's true grid (rowspan/colspan expanded).

    Cells compare by identity: a cell spanning several rows or columns is one object that
    appears in every row it covers.
    """

    text: str
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A table as rows of the distinct cells covering each grid row, left to right.

    A cell with ``rowspan`` > 1 appears in each row it covers (``cell.row`` tells where it
    starts), so a row's labels include those of the merged cells to its left.
    """

    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Paragraph:
    """A line or paragraph of running text outside any table."""

    text: str


Block = Paragraph | Table


@dataclass
class Document:
    """A report as the reader found it, in reading order.

    ``title`` is the title the container states (HTML ``<h1>``/``<title>``, DOCX core
    properties), ``meta`` the page's metadata block (索引号, 发布机构, 发文日期 …) and
    ``images`` the number of pictures in the body, so that tables published only as images
    can be told apart from missing ones.
    """

    blocks: list[Block] = field(default_factory=list)
    kind: str = "text"
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    images: int = 0

    @property
    def paragraphs(self) -> list[str]:
        """The text of every paragraph, in order."""
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        """Every table, in order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """The whole report as plain text: paragraphs, and table rows with tab-separated cells."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                # A merged cell is printed once, in the row where it starts.
                lines.extend("\t".join(c.text for c in row if c.row == r) for r, row in enumerate(block.rows))
        return "\n".join(lines)
