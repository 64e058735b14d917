"""What a PDF page holds, read with PDFium: characters with boxes, ruling edges, pictures.

PDFium (pypdfium2, a C library that pdfplumber already depends on) decodes content streams
about ten times faster than pdfminer's pure-Python interpreter, which dominated the parse time
(see docs/attachments.md).  Cells are then found from the ruling edges with pdfplumber's
table geometry (snap, join, intersections, cells), which needs only plain edge dicts.
Coordinates are turned to pdfplumber's convention: points from the page's top-left corner.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import table as plumber_table

from ..errors import ParseError

# pdfplumber's defaults for the "lines" strategy, which suit Word and WPS exports.
SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
INTERSECTION_TOLERANCE = 3.0
MIN_EDGE_LENGTH = 3.0
# A stroke or filled rectangle thinner than this is a ruling line, not a shape.
MAX_RULE_THICKNESS = 3.0
# Forms nest forms; a chain deeper than this is a malicious file, not a layout.
MAX_FORM_DEPTH = 8

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Char:
    """One visible character, its box (x0, top, x1, bottom) and its height, in points."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


@dataclass(frozen=True)
class PageObjects:
    """The characters, ruling edges and picture count of one page."""

    height: float
    chars: list[Char]
    edges: list[dict]
    images: int


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The PDF loaded by PDFium; :class:`ParseError` if PDFium refuses it."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ParseError(f"not a readable PDF ({error})") from error


def metadata_text(pdf: pdfium.PdfDocument, key: str) -> str:
    """A document-info entry such as ``Title``; undecodable UTF-16 is replaced, not fatal.

    pypdfium2's own ``get_metadata_value`` raises on a lone surrogate, which damaged files have.
    """
    name = key.encode("ascii") + b"\0"
    size = pdfium_c.FPDF_GetMetaText(pdf.raw, name, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDF_GetMetaText(pdf.raw, name, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


def page_objects(page: pdfium.PdfPage) -> PageObjects:
    """Read the characters, the ruling edges and the pictures of ``page``."""
    height = page.get_height()
    edges: list[dict] = []
    images = 0
    for kind, handle, matrix in drawn_objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        else:
            edges.extend(_path_edges(list(_path_points(handle, matrix)), height))
    return PageObjects(height=height, chars=list(_chars(page, height)), edges=edges, images=images)


def drawn_objects(page: pdfium.PdfPage) -> Iterator[tuple[int, ctypes.c_void_p, pdfium.PdfMatrix]]:
    """Every path and image on the page with the matrix from its own space to the page's.

    Form XObjects are looked into: "print to PDF" tools wrap a whole page in one, and the
    objects inside are placed by the form's matrix, not the page's.
    """
    yield from _walk(page.raw, _PAGE_CHILDREN, pdfium.PdfMatrix(), 0)


_PAGE_CHILDREN = (pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject)
_FORM_CHILDREN = (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject)


def _walk(container, children: tuple, outer: pdfium.PdfMatrix, depth: int) -> Iterator:
    count, get = children
    for index in range(count(container)):
        handle = get(container, index)
        kind = pdfium_c.FPDFPageObj_GetType(handle)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            yield from _walk(handle, _FORM_CHILDREN, _matrix(handle).multiply(outer), depth + 1)
        elif kind in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE):
            yield kind, handle, _matrix(handle).multiply(outer)


def _matrix(handle) -> pdfium.PdfMatrix:
    raw = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(handle, ctypes.byref(raw))
    return pdfium.PdfMatrix.from_raw(raw)


def _chars(page: pdfium.PdfPage, height: float) -> Iterator[Char]:
    textpage = page.get_textpage()
    try:
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            text = chr(code) if 0 < code < 0x110000 else ""
            # PDFium adds spaces and line breaks of its own; layout is rebuilt from positions.
            if not text or text.isspace() or pdfium_c.FPDFText_IsGenerated(textpage.raw, index):
                continue
            # The loose box spans the font's ascent to descent, the same for every character of
            # a line, so its height serves as the character size (FPDFText_GetFontSize ignores
            # the text matrix and reports 439 for a 22-point title).
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            yield Char(text, left, height - top, right, height - bottom, top - bottom)
    finally:
        textpage.close()


def _path_edges(points: list[tuple[float, float, bool]], height: float) -> Iterator[dict]:
    """Horizontal and vertical edges of a path: its straight segments and thin rectangles."""
    if not points:
        return
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    if min(right - left, top - bottom) <= MAX_RULE_THICKNESS:
        # A thin filled rectangle or a single stroke: one rule along its long side.
        yield _edge(left, height - top, right, height - bottom)
        return
    for (x0, y0, move), (x1, y1, _move) in pairwise(points):
        if not move and (abs(x0 - x1) < 1 or abs(y0 - y1) < 1):
            yield _edge(min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1))


def _path_points(handle, matrix: pdfium.PdfMatrix) -> Iterator[tuple[float, float, bool]]:
    """The path's points in page space, each flagged when it starts a new sub-path."""
    x, y = ctypes.c_float(), ctypes.c_float()
    start = None
    for index in range(pdfium_c.FPDFPath_CountSegments(handle)):
        segment = pdfium_c.FPDFPath_GetPathSegment(handle, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        point = matrix.on_point(x.value, y.value)
        # A Bézier control point is no corner: treat the curve as a break in the outline.
        move = kind in (pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        yield (*point, move)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            yield (*start, False)


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict:
    horizontal = (x1 - x0) >= (bottom - top)
    if horizontal:
        middle = (top + bottom) / 2
        top = bottom = middle
    else:
        middle = (x0 + x1) / 2
        x0 = x1 = middle
    return {
        "x0": x0, "x1": x1, "top": top, "bottom": bottom,
        "width": x1 - x0, "height": bottom - top,
        "orientation": "h" if horizontal else "v", "object_type": "line",
    }


def table_cells(edges: list[dict]) -> list[list[BBox]]:
    """The cell boxes of each ruled table the edges draw, top to bottom."""
    edges = [e for e in edges if max(e["width"], e["height"]) >= 1]
    merged = plumber_table.merge_edges(edges, SNAP_TOLERANCE, SNAP_TOLERANCE, JOIN_TOLERANCE, JOIN_TOLERANCE)
    merged = [e for e in merged if max(e["width"], e["height"]) >= MIN_EDGE_LENGTH]
    crossings = plumber_table.edges_to_intersections(merged, INTERSECTION_TOLERANCE, INTERSECTION_TOLERANCE)
    return plumber_table.cells_to_tables(plumber_table.intersections_to_cells(crossings))
