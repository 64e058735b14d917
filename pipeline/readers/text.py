"""Reader for plain text: one paragraph per line, tabs kept.

Tables flattened into text keep their cells as tab-, pipe- or space-separated fields; the
normalizer splits them (see :mod:`pipeline.rows`), so the leading tabs that show a row's
indentation under merged label cells survive here.
"""

from __future__ import annotations

from ..document import Document, Paragraph
from ..encoding import decode


def read(data: bytes) -> Document:
    """Split decoded text into line paragraphs, dropping blank lines."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    # Trailing tabs stay: they are the empty cells at the end of a flattened table row.
    # A line of tabs only is a row of blank cells (table 四 with nothing to report), not a gap.
    blocks = [Paragraph(line.rstrip(" \u3000")) for line in text.split("\n") if line.strip(" \u3000")]
    return Document(blocks=blocks, kind="text")
