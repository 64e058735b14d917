"""Damaged attachments (cut short, bytes overwritten) give a ParseError or a Document, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.errors import ParseError
from pipeline.readers import docx, pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"
CASES = [("split_table.pdf", pdf.read), ("merged_labels.docx", docx.read)]


def damaged(original: bytes, data: st.DataObject) -> bytes:
    """``original`` cut at a random point, or with a few random bytes overwritten."""
    if data.draw(st.booleans(), label="truncate"):
        return original[: data.draw(st.integers(0, len(original) - 1), label="cut")]
    changed = bytearray(original)
    for _ in range(data.draw(st.integers(1, 16), label="flips")):
        changed[data.draw(st.integers(0, len(original) - 1))] = data.draw(st.integers(0, 255))
    return bytes(changed)


@pytest.mark.parametrize(("name", "read"), CASES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damage_never_escapes_as_another_exception(name, read, data):
    original = (FIXTURES / name).read_bytes()
    try:
        result = read(damaged(original, data))
    except ParseError:
        return
    assert isinstance(result, Document)
