"""Reader for pdf attachments (see issue: attachments)."""

from __future__ import annotations

from ..document import Document
from ..errors import UnsupportedFormat


def read(data: bytes) -> Document:
    """Not yet supported: say so instead of guessing."""
    raise UnsupportedFormat("pdf", "support for this attachment format is not installed yet")
