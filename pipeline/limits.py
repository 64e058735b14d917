"""Size, page and time limits for attachments, so that a hostile or broken file fails fast.

A report is a few pages and well under 10 MB even as a scan; anything far beyond that is a ZIP
bomb, a PDF claiming a billion pages or a download that went wrong.  Each limit raises
:class:`pipeline.errors.ParseError` with one sentence that names the limit.
"""

from __future__ import annotations

import time
import zipfile

from .errors import ParseError

MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_PDF_PAGES = 300
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
READ_SECONDS = 60.0
CONVERT_SECONDS = 120.0


def check_file_size(data: bytes, what: str) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES`."""
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(
            f"the {what} file is {len(data) / 2**20:.0f} MB, over the {MAX_FILE_BYTES / 2**20:.0f} MB limit"
        )


def check_page_count(pages: int) -> None:
    """Refuse a PDF of more than :data:`MAX_PDF_PAGES` pages."""
    if pages > MAX_PDF_PAGES:
        raise ParseError(f"the PDF has {pages} pages, over the {MAX_PDF_PAGES}-page limit")


def check_archive(archive: zipfile.ZipFile, what: str) -> None:
    """Refuse a ZIP container whose members would unpack beyond :data:`MAX_UNZIPPED_BYTES`.

    The declared sizes are enough: :mod:`zipfile` never inflates a member past its declared
    size, so a member that lies about it is cut short rather than exploding.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ParseError(f"the {what} holds {len(members)} files, over the {MAX_ZIP_MEMBERS}-file limit")
    unzipped = sum(member.file_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ParseError(
            f"the {what} unpacks to {unzipped / 2**20:.0f} MB, over the "
            f"{MAX_UNZIPPED_BYTES / 2**20:.0f} MB limit (a ZIP bomb?)"
        )


def deadline() -> float:
    """The monotonic time by which a read that starts now must finish."""
    return time.monotonic() + READ_SECONDS


def check_deadline(due: float, what: str) -> None:
    """Give up on a read that has run past ``due``."""
    if time.monotonic() > due:
        raise ParseError(f"reading the {what} took longer than the {READ_SECONDS:.0f} s limit")
