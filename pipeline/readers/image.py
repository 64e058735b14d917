"""Reader for a bare picture (a scanned report published as a JPEG or PNG).

Nothing is read from it (OCR is out of scope): the Document only says there is an image, so
the report gets an ``image_only`` finding instead of invented numbers.
"""

from __future__ import annotations

from ..document import Document


def read(data: bytes) -> Document:
    """A document holding one image and no text."""
    return Document(kind="image", images=1)
