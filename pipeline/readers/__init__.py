"""Format readers: bytes in, :class:`pipeline.document.Document` out.

The format is decided by :func:`pipeline.sniff.sniff` from the content.  Adding a format means
adding a module here with a ``read(data: bytes) -> Document`` function and one line in READERS.
"""

from __future__ import annotations

from collections.abc import Callable

from ..document import Document
from ..errors import UnsupportedFormat
from ..limits import check_file_size
from ..sniff import sniff
from . import doc, docx, html, image, pdf, text

READERS: dict[str, Callable[[bytes], Document]] = {
    "html": html.read,
    "text": text.read,
    "pdf": pdf.read,
    "docx": docx.read,
    "ole": doc.read,
    "image": image.read,
}


def read_document(data: bytes) -> Document:
    """Read ``data`` with the reader its magic bytes call for."""
    kind = sniff(data)
    check_file_size(data, kind)
    reader = READERS.get(kind)
    if reader is None:
        raise UnsupportedFormat(kind, "nianbao reads HTML, text, PDF, DOCX, DOC and WPS reports")
    return reader(data)
