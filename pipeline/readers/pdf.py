"""Reader for PDF reports: table grids rebuilt from ruling lines, running text from positions.

Reports reach us as PDFs exported from Word or WPS.  Their tables are drawn with ruling lines,
so the cells are found from the page's edges (:mod:`.pdf_objects`); the grid is rebuilt from the
cell edges, which gives the true rowspan/colspan.  Text outside ruled tables becomes
paragraphs; where a line has wide gaps (a table drawn without lines) the gaps become tabs, the
shape the normalizer reads from flattened text.  A table broken by a page break is joined
again: its repeated header rows are dropped and a merged label cell cut by the break becomes one
cell.  Page numbers (``- 4 -``) are dropped.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise
from statistics import median

import pypdfium2 as pdfium

from .. import limits
from ..document import Block, Cell, Document, Paragraph, Table
from ..errors import ParseError
from .grid import CJK, clean_text, join_lines, table_from_cells
from .pdf_objects import BBox, Char, PageObjects, metadata_text, open_pdf, page_objects, table_cells

# Edges closer than this (points) are the same ruling line; Word and WPS exports differ by a
# point or two between pages, and no real column is this narrow.
EDGE_TOLERANCE = 4.0
# A gap of this many character widths inside a line separates two cells of an unruled table.
TAB_GAP_EMS = 1.5
# A gap over this many character widths between two Latin characters is a word space.
SPACE_GAP_EMS = 0.15
# Rows compared when looking for a header repeated at the top of a continued table.
MAX_HEADER_ROWS = 4

_PAGE_NUMBER = re.compile(
    r"^[-—–－‒_ ]*(第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}(\s*/\s*\d{1,4})?)[-—–－‒_ ]*$"
)
_GAP_NEXT_TO_CJK = re.compile(rf"(?<=[{CJK}]) +| +(?=[{CJK}])")
_NUMBER = re.compile(r"^[-+]?[\d,.]+%?$")
_NUMERAL = r"[一二三四五六七八九十\d]+"
_NEW_ITEM = re.compile(rf"^(（{_NUMERAL}）|\({_NUMERAL}\)|[一二三四五六七八九十]+、|\d+[.、．])")


@dataclass(frozen=True)
class Box:
    """A table cell as drawn: its text and its edges in points."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class DrawnTable:
    """A ruled table found on a page (or joined over several pages), still as boxes."""

    boxes: tuple[Box, ...]
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Line:
    """One line of text outside the ruled tables; ``text`` holds tabs where wide gaps were."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    page: int


Item = Line | DrawnTable


@dataclass(frozen=True)
class PageContent:
    """What one page holds, top to bottom, how many pictures it shows, and its height."""

    items: list[Item]
    images: int
    height: float


def read(data: bytes) -> Document:
    """Parse a PDF into a :class:`Document` of paragraphs and table grids."""
    limits.check_file_size(data, "PDF")
    due = limits.deadline()
    pdf = open_pdf(data)
    try:
        limits.check_page_count(len(pdf))
        title = metadata_title(metadata_text(pdf, "Title"))
        pages = list(_read_pages(pdf, due))
    except pdfium.PdfiumError as error:
        raise ParseError(f"not a readable PDF ({error})") from error
    finally:
        pdf.close()
    items = join_page_breaks(drop_running_lines(pages))
    return Document(blocks=to_blocks(items), kind="pdf", title=title, images=sum(p.images for p in pages))


def _read_pages(pdf: pdfium.PdfDocument, due: float) -> Iterator[PageContent]:
    for index in range(len(pdf)):
        limits.check_deadline(due, "PDF")
        page = pdf[index]
        try:
            yield read_page(page_objects(page), index)
        finally:
            page.close()


def metadata_title(title: str) -> str | None:
    """The document-info title, unless it is a file name the exporter left there."""
    title = clean_text(title)
    if not title or re.search(r"^Microsoft Word|\.(docx?|wps|pdf)$", title, re.I):
        return None
    return title


def read_page(page: PageObjects, index: int) -> PageContent:
    """The ruled tables and the text lines of one page, top to bottom, page numbers dropped."""
    tables = [cells for cells in table_cells(page.edges) if len({round(c[0]) for c in cells}) >= 2]
    claimed: set[int] = set()
    drawn = []
    for cells in tables:
        boxes, used = _fill_cells(cells, page.chars)
        claimed |= used
        drawn.append(DrawnTable(tuple(boxes), *_union(cells)))
    outside = [char for i, char in enumerate(page.chars) if i not in claimed]
    lines = [line for line in text_lines(outside, index) if not is_page_number(line, page.height)]
    items: list[Item] = [*lines, *drawn]
    items.sort(key=lambda item: item.top)
    return PageContent(items=items, images=page.images, height=page.height)


def _union(cells: list[BBox]) -> BBox:
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


def _fill_cells(cells: list[BBox], chars: list[Char]) -> tuple[list[Box], set[int]]:
    """Each cell as a :class:`Box` with the text of the characters centred in it.

    Returns the boxes and the indexes of the characters they took.
    """
    x0, top, x1, bottom = _union(cells)
    content: dict[int, list[Char]] = {i: [] for i in range(len(cells))}
    used = set()
    for index, char in enumerate(chars):
        x, y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        if not (x0 <= x <= x1 and top <= y <= bottom):
            continue
        for i, (cx0, ctop, cx1, cbottom) in enumerate(cells):
            if cx0 <= x <= cx1 and ctop <= y <= cbottom:
                content[i].append(char)
                used.add(index)
                break
    boxes = [Box(cell_text(content[i]), *cell) for i, cell in enumerate(cells)]
    return boxes, used


def cell_text(chars: list[Char]) -> str:
    """The text of a cell: its lines joined, gaps inside a line read as spaces."""
    return pdf_text(join_lines([_spaced_text(line, tabs=False) for line in group_lines(chars)]))


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (same top within half a character), top to bottom."""
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c.top, c.x0)):
        if lines and abs(char.top - lines[-1][0].top) <= 0.5 * char.size:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def text_lines(chars: list[Char], index: int) -> list[Line]:
    """Text lines outside the tables, with a tab wherever a gap is wide enough to separate cells."""
    lines = []
    for line in group_lines(chars):
        text = "\t".join(pdf_text(cell) for cell in _spaced_text(line, tabs=True).split("\t"))
        size = median(c.size for c in line)
        x0, top, x1, bottom = min(c.x0 for c in line), min(c.top for c in line), max(c.x1 for c in line), max(
            c.bottom for c in line
        )
        lines.append(Line(text, x0, top, x1, bottom, size, index))
    return lines


def pdf_text(text: str) -> str:
    """Cleaned text of a PDF line or cell, without the gaps typesetting leaves next to ideographs.

    A PDF has no spaces, only gaps; Word and WPS widen the gap between Latin and Chinese text
    (``2024 年``), which extraction reads as a space that the author never typed.
    """
    return _GAP_NEXT_TO_CJK.sub("", clean_text(text))


def _spaced_text(line: list[Char], tabs: bool) -> str:
    """A line's characters left to right; wide gaps become tabs (if ``tabs``), narrow ones spaces."""
    text = line[0].text
    for before, char in pairwise(line):
        gap = char.x0 - before.x1
        size = max(before.size, char.size, 1.0)
        if tabs and gap > TAB_GAP_EMS * size:
            text += "\t"
        elif gap > SPACE_GAP_EMS * size:
            text += " "
        text += char.text
    return text


def is_page_number(line: Line, page_height: float) -> bool:
    """A line such as ``- 4 -`` or ``第4页`` in the top or bottom margin of the page."""
    return _in_margin(line, page_height) and bool(_PAGE_NUMBER.match(line.text))


def _in_margin(line: Line, page_height: float) -> bool:
    return line.top > page_height * 0.85 or line.bottom < page_height * 0.12


def drop_running_lines(pages: list[PageContent]) -> list[PageContent]:
    """The pages without running headers and footers: margin lines repeated on several pages.

    Left in, a running header stands between a table and its continuation on the next page.
    Digits are ignored when comparing, so ``第3页`` and ``第4页`` count as the same line.
    """
    seen = Counter(key for page in pages for key in {_running_key(line) for line in _margin_lines(page)})
    repeated = {key for key, pages_with_it in seen.items() if pages_with_it >= 2}
    return [_without(page, repeated) for page in pages]


def _without(page: PageContent, running: set[str]) -> PageContent:
    margin = {id(line) for line in _margin_lines(page)}
    return replace(page, items=[i for i in page.items if id(i) not in margin or _running_key(i) not in running])


def _margin_lines(page: PageContent) -> list[Line]:
    return [item for item in page.items if isinstance(item, Line) and _in_margin(item, page.height)]


def _running_key(line: Line) -> str:
    return re.sub(r"\d+", "#", line.text)


def join_page_breaks(pages: list[PageContent]) -> list[Item]:
    """All items in reading order, each table that a page break cut joined into one."""
    items: list[Item] = []
    for page in pages:
        rest = page.items
        if items and rest and _continues(items[-1], rest[0]):
            items[-1] = join_tables(items[-1], rest[0])
            rest = rest[1:]
        items.extend(rest)
    return items


def _continues(before: Item, after: Item) -> bool:
    return (
        isinstance(before, DrawnTable)
        and isinstance(after, DrawnTable)
        and abs(before.x0 - after.x0) <= EDGE_TOLERANCE
        and abs(before.x1 - after.x1) <= EDGE_TOLERANCE
    )


def join_tables(first: DrawnTable, rest: DrawnTable) -> DrawnTable:
    """``first`` continued by ``rest`` from the next page, as one table.

    Header rows that ``rest`` repeats are dropped and the remainder moved to start where
    ``first`` ends; a label cell or a row that the page break cut in two becomes one again.
    """
    remaining = _drop_repeated_header(list(first.boxes), list(rest.boxes))
    top = min(b.top for b in remaining)
    shift = first.bottom - top
    moved = [replace(b, top=b.top + shift, bottom=b.bottom + shift) for b in remaining]
    boxes = list(first.boxes)
    top_row = _rows_of_boxes(moved)[0]
    aboves = [_box_above(boxes, below, first.bottom) for below in top_row]
    # A cut row keeps the column layout of its first part; a new table's header does not.
    fragment = None not in aboves and _is_row_fragment(top_row)
    for below, above in zip(top_row, aboves, strict=True):
        if above is not None and (fragment or _same_cell(above.text, below.text)):
            boxes[boxes.index(above)] = replace(above, text=join_lines([above.text, below.text]), bottom=below.bottom)
            moved.remove(below)
    return DrawnTable((*boxes, *moved), first.x0, first.top, first.x1, first.bottom + rest.bottom - top)


def _rows_of_boxes(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped by the row they start in, top to bottom, each row left to right."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.top, b.x0)):
        if rows and abs(rows[-1][0].top - box.top) <= EDGE_TOLERANCE:
            rows[-1].append(box)
        else:
            rows.append([box])
    return rows


def _drop_repeated_header(first: list[Box], rest: list[Box]) -> list[Box]:
    """``rest`` without the leading rows that repeat ``first``'s header; one row always stays."""
    first_rows = _rows_of_boxes(first)[:MAX_HEADER_ROWS]
    rest_rows = _rows_of_boxes(rest)
    repeated = 0
    for mine, theirs in zip(first_rows, rest_rows[:-1], strict=False):
        if [b.text for b in mine] != [b.text for b in theirs]:
            break
        repeated += 1
    return [box for row in rest_rows[repeated:] for box in row]


def _is_row_fragment(row: list[Box]) -> bool:
    """Whether ``row``, at the top of a page, is the rest of a row the page break cut.

    Word lets a row break across pages; what is left below the break holds no value and no new
    numbered label, only empty cells and the rest of wrapped labels.
    """
    return bool(row) and not any(_NUMBER.match(b.text) or _NEW_ITEM.match(b.text) for b in row)


def _box_above(boxes: list[Box], below: Box, bottom: float) -> Box | None:
    for box in boxes:
        if (
            abs(box.bottom - bottom) <= EDGE_TOLERANCE
            and abs(box.x0 - below.x0) <= EDGE_TOLERANCE
            and abs(box.x1 - below.x1) <= EDGE_TOLERANCE
        ):
            return box
    return None


def _same_cell(above: str, below: str) -> bool:
    """Whether ``below``, at the top of a page, continues the label cell ``above``.

    Word draws a merged cell cut by a page break twice: empty below the break, or holding the
    rest of its text (``（四）无`` / ``法提供``).  Values never merge, and a cell that starts a
    new numbered item (``（五）…``, ``2.…``) is a new cell.
    """
    if not above or _NUMBER.match(above) or _NUMBER.match(below):
        return False
    return not below or (bool(_NEW_ITEM.match(above)) and not _NEW_ITEM.match(below))


def grid_table(table: DrawnTable) -> Table:
    """The table's true grid: every box edge is a grid line, so spans follow from the edges."""
    xs = _cluster([x for b in table.boxes for x in (b.x0, b.x1)])
    ys = _cluster([y for b in table.boxes for y in (b.top, b.bottom)])
    cells = []
    for box in table.boxes:
        col, row = _nearest(xs, box.x0), _nearest(ys, box.top)
        colspan = max(1, _nearest(xs, box.x1) - col)
        rowspan = max(1, _nearest(ys, box.bottom) - row)
        cells.append(Cell(box.text, row, col, rowspan, colspan))
    return table_from_cells(cells, max(1, len(ys) - 1))


def _cluster(values: list[float]) -> list[float]:
    """Values within :data:`EDGE_TOLERANCE` of each other merged into one, ascending."""
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][0] <= EDGE_TOLERANCE:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(group) / len(group) for group in groups]


def _nearest(edges: list[float], value: float) -> int:
    i = bisect.bisect_left(edges, value)
    candidates = [j for j in (i - 1, i) if 0 <= j < len(edges)]
    return min(candidates, key=lambda j: abs(edges[j] - value))


@dataclass(frozen=True)
class Margins:
    """Where body text starts and ends on the page, in points."""

    left: float
    right: float


def to_blocks(items: list[Item]) -> list[Block]:
    """Tables become grids; wrapped lines are joined back into paragraphs."""
    lines = [item for item in items if isinstance(item, Line)]
    margins = body_margins(lines)
    blocks: list[Block] = []
    paragraph: list[Line] = []
    for item in items:
        if isinstance(item, Line) and paragraph and continues_paragraph(paragraph[-1], item, margins):
            paragraph.append(item)
            continue
        if paragraph:
            blocks.append(_paragraph(paragraph))
        paragraph = [item] if isinstance(item, Line) else []
        if isinstance(item, DrawnTable):
            blocks.append(grid_table(item))
    if paragraph:
        blocks.append(_paragraph(paragraph))
    return blocks


def _paragraph(lines: list[Line]) -> Paragraph:
    if len(lines) == 1:
        return Paragraph(lines[0].text)
    return Paragraph(join_lines([line.text for line in lines]))


def body_margins(lines: list[Line]) -> Margins:
    """The usual left and right edges of body text (headings and short lines aside)."""
    if not lines:
        return Margins(0.0, 0.0)
    lefts = sorted(line.x0 for line in lines)
    rights = sorted(line.x1 for line in lines)
    return Margins(left=lefts[len(lefts) // 4], right=rights[len(rights) * 3 // 4])


def continues_paragraph(before: Line, line: Line, margins: Margins) -> bool:
    """Whether ``line`` wraps on from ``before``: ``before`` ran to the margin, ``line`` is not indented.

    Lines with tabs are table rows and stand alone.  Consecutive centred lines of one size
    (a title set over two lines) also form one paragraph.
    """
    if "\t" in before.text or "\t" in line.text:
        return False
    if line.page == before.page and line.top - before.bottom > line.size * 1.2:
        return False
    # Sizes come from font ascent and descent, which differ between the Latin and Chinese fonts
    # of one paragraph; a heading set larger still differs by more than this.
    if abs(line.size - before.size) > 0.25 * max(line.size, before.size):
        return False
    wrapped = before.x1 >= margins.right - 1.5 * before.size and line.x0 <= margins.left + 0.5 * line.size
    return wrapped or (_centred(before, margins) and _centred(line, margins))


def _centred(line: Line, margins: Margins) -> bool:
    indent_left = line.x0 - margins.left
    indent_right = margins.right - line.x1
    return min(indent_left, indent_right) > 2 * line.size and abs(indent_left - indent_right) < 2 * line.size
