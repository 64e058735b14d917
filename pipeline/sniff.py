"""Tell a document's format from its bytes, never from its name or Content-Type.

Government servers often send a PDF as ``application/octet-stream`` or a DOCX named ``.doc``;
the magic bytes are the only evidence that does not lie.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


def sniff(data: bytes) -> str:
    """The format of ``data``: pdf, docx, zip, ole (DOC/WPS), rtf, image, html, text or empty."""
    head = data[:2048].lstrip()
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(OLE2_MAGIC):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "zip"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(IMAGE_MAGICS):
        return "image"
    lowered = head[:1024].lower()
    if any(tag in lowered for tag in (b"<html", b"<!doctype html", b"<body", b"<table", b"<div", b"<p")):
        return "html"
    return "text"


# Stream names in an OLE2 directory, stored as UTF-16LE, tell what the container holds.  Word
# and Kingsoft WPS write a WordDocument stream; Microsoft Works word processing writes MatOST.
_OLE_STREAMS = (
    ("WordDocument", "doc"),
    ("MatOST", "wps"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("PowerPoint Document", "ppt"),
)


def ole_kind(data: bytes) -> str:
    """What an OLE2 container holds: doc, wps, xls, ppt, or ole when no known stream is named."""
    for stream, kind in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            return kind
    return "ole"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
