"""Reader for binary Word (DOC) and WPS reports: converted to DOCX by LibreOffice, then read as DOCX.

Both formats are OLE2 containers.  No maintained pure-Python reader keeps their tables, so the
conversion runs LibreOffice headless in a throw-away directory with its own profile (two
conversions must not share one) under a time limit.  Without LibreOffice the reader raises
:class:`pipeline.errors.UnsupportedFormat` with an install hint instead of guessing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .. import limits
from ..document import Document
from ..errors import ParseError, UnsupportedFormat
from ..sniff import ole_kind
from . import docx

INSTALL_HINT = "install LibreOffice (soffice) to read DOC/WPS reports, e.g. apt-get install libreoffice-writer-nogui"
_CONVERTIBLE = ("doc", "wps")
# Without a forced import filter LibreOffice reads an unrecognised DOC as plain text and
# "converts" its bytes into gibberish; Works files (wps) are left to its own detection.
_IMPORT_FILTERS = {"doc": ["--infilter=MS Word 97"]}


def read(data: bytes) -> Document:
    """Convert a DOC or WPS file with LibreOffice and read the result as DOCX."""
    kind = ole_kind(data)
    if kind not in _CONVERTIBLE:
        raise UnsupportedFormat(kind, "of OLE2 files nianbao reads Word and WPS documents, not spreadsheets or slides")
    limits.check_file_size(data, kind.upper())
    soffice = find_soffice()
    if soffice is None:
        raise UnsupportedFormat(kind, INSTALL_HINT)
    document = docx.read(convert_to_docx(data, soffice, kind))
    document.kind = kind
    return document


def find_soffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, soffice: str, kind: str = "doc") -> bytes:
    """The DOCX that LibreOffice makes of ``data``; :class:`ParseError` if it cannot."""
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as work:
        source = Path(work, f"report.{kind}")
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={Path(work, 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            *_IMPORT_FILTERS.get(kind, []),
            "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", work,
            str(source),
        ]
        _run_with_timeout(command, limits.CONVERT_SECONDS)
        converted = source.with_suffix(".docx")
        if not converted.exists():
            raise ParseError(f"LibreOffice could not convert this {kind.upper()} file (damaged or encrypted?)")
        return converted.read_bytes()


def _run_with_timeout(command: list[str], seconds: float) -> None:
    # soffice is a launcher that forks the real office process: on timeout the whole process
    # group has to go, or a hung soffice.bin outlives the parse.
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired as error:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ParseError(f"LibreOffice took longer than {seconds:.0f} s to convert the document") from error
