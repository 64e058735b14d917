"""Reader for DOCX reports: body paragraphs and tables in order, merged cells on the true grid.

The package is read with :mod:`zipfile` and lxml rather than python-docx: opening a package with
python-docx parses every part (styles, numbering, theme), three quarters or more of the read
time and several times the cost of the two parts needed here (see docs/attachments.md).  The body is walked
directly in any case, because python-docx's table API repeats a merged cell in every grid slot
and hides the ``gridSpan``/``vMerge`` structure that says which slots are one cell.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO

from lxml import etree

from .. import limits
from ..document import Block, Cell, Document, Paragraph, Table
from ..errors import ParseError
from .grid import clean_text, table_from_cells

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P, _TBL, _TR, _TC, _SDT, _T, _TAB, _BR, _CR, _BODY = (
    f"{{{W}}}{tag}" for tag in ("p", "tbl", "tr", "tc", "sdt", "t", "tab", "br", "cr", "body")
)
_SDT_CONTENT = f"{{{W}}}sdtContent"
_GRID_BEFORE = f"{{{W}}}trPr/{{{W}}}gridBefore"
_GRID_SPAN = f"{{{W}}}tcPr/{{{W}}}gridSpan"
_V_MERGE = f"{{{W}}}tcPr/{{{W}}}vMerge"
_VAL = f"{{{W}}}val"
_IMAGES = etree.XPath(".//w:drawing|.//w:pict|.//w:object", namespaces={"w": W})
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MOVE_FROM = f"{{{W}}}moveFrom"
# Entities are never expanded and nothing is fetched: the XML comes from strangers.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
# A span beyond this is a corrupt file, not a layout (the HTML reader uses the same bound).
MAX_SPAN = 200


def read(data: bytes) -> Document:
    """Parse a DOCX package into a :class:`Document`."""
    limits.check_file_size(data, "DOCX")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            limits.check_archive(archive, "DOCX")
            parts = package_parts(archive)
            root = etree.fromstring(archive.read(parts["officeDocument"]), _PARSER)
            core = parts.get("core-properties")
            title = core_title(etree.fromstring(archive.read(core), _PARSER)) if core else None
    except (zipfile.BadZipFile, zlib.error, KeyError, etree.XMLSyntaxError) as error:
        raise ParseError(f"not a readable DOCX document: {error}") from error
    body = root.find(_BODY)
    if body is None:
        raise ParseError("not a readable DOCX document: its main part has no body")
    # Word stores each text box and drawing twice, as the modern choice and a VML fallback, and
    # tracked moves twice, at the old and the new place: reading both would double them.
    etree.strip_elements(body, _MC_FALLBACK, _MOVE_FROM, with_tail=False)
    return Document(blocks=list(body_blocks(body)), kind="docx", title=title, images=len(_IMAGES(body)))


def package_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Member names of the package's top-level parts by relationship kind (officeDocument …)."""
    parts = {"officeDocument": "word/document.xml"}
    names = set(archive.namelist())
    if "_rels/.rels" not in names:
        return parts
    for relationship in etree.fromstring(archive.read("_rels/.rels"), _PARSER).iter(_RELATIONSHIP):
        kind = relationship.get("Type", "").rsplit("/", 1)[-1]
        target = posixpath.normpath(relationship.get("Target", "").lstrip("/"))
        if kind and target in names:
            parts[kind] = target
    return parts


def core_title(core: etree._Element) -> str | None:
    """The ``dc:title`` of the core properties, if it says anything."""
    element = core.find(_DC_TITLE)
    return clean_text(element.text or "") or None if element is not None else None


def body_blocks(container: etree._Element) -> Iterator[Block]:
    """Paragraphs and tables of a body in document order (content controls looked into)."""
    for child in container:
        if child.tag == _P:
            text = clean_text(paragraph_text(child))
            if text:
                yield Paragraph(text)
        elif child.tag == _TBL:
            table = build_grid(child)
            if table.rows:
                yield table
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from body_blocks(content)


def paragraph_text(element: etree._Element) -> str:
    """The visible text under ``element``: runs joined, tabs and breaks as spaces."""
    return "".join(node.text or "" if node.tag == _T else " " for node in element.iter(_T, _TAB, _BR, _CR))


def cell_text(tc: etree._Element) -> str:
    """A cell's text; its paragraphs are joined without a separator.

    Word users break one label or number over several paragraphs (``（三）`` / ``不予公开``),
    the same convention the HTML reader follows for ``<p>`` inside ``<td>``.
    """
    return clean_text("".join(paragraph_text(p) for p in tc.iter(_P)))


def _int_attribute(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return max(0, min(int(element.get(_VAL, default)), MAX_SPAN))
    except ValueError:
        return default


def build_grid(tbl: etree._Element) -> Table:
    """The table's true grid: ``gridSpan`` widens a cell, ``vMerge`` continues the cell above.

    A continued cell is the same :class:`Cell` object as the one above it, with its rowspan
    increased, as :class:`pipeline.document.Table` requires.
    """
    cells: list[Cell] = []
    above: dict[int, Cell] = {}
    rows = [tr for tr in tbl if tr.tag == _TR]
    for r, tr in enumerate(rows):
        col = _int_attribute(tr.find(_GRID_BEFORE), 0)
        current: dict[int, Cell] = {}
        for tc in (tc for tc in tr if tc.tag == _TC):
            span = max(1, _int_attribute(tc.find(_GRID_SPAN), 1))
            merge = tc.find(_V_MERGE)
            continued = above.get(col)
            if merge is not None and merge.get(_VAL, "continue") == "continue" and continued:
                continued.rowspan = r - continued.row + 1
                cell = continued
            else:
                cell = Cell(cell_text(tc), r, col, 1, span)
                cells.append(cell)
            for c in range(col, col + span):
                current[c] = cell
            col += span
        above = current
    return table_from_cells(cells, len(rows))
