"""Helpers shared by the attachment readers: placing cells on a grid and cleaning cell text."""

from __future__ import annotations

import re
import unicodedata

from ..document import Cell, Table

# Some PDF producers map common ideographs to Kangxi radicals (⽂ U+2F42 for 文), which look the
# same but match no label; NFKC maps each radical back to its ideograph.
_RADICALS = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for cp in [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6)]
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}
CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])[ \u00a0]+(?=[{CJK}])")


def clean_text(text: str) -> str:
    """``text`` with radicals fixed, whitespace collapsed and spaces between ideographs removed.

    Justified Chinese text leaves gaps between characters that PDF extraction reads as spaces
    (``结 果``); a space between two ideographs never carries meaning.
    """
    text = " ".join(text.translate(_RADICALS).split())
    return _SPACE_BETWEEN_CJK.sub("", text)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one cell or paragraph.

    Only two Latin words get a space between them: Chinese text and numbers wrap anywhere
    (``96171.`` + ``6`` in a narrow cell is one number).
    """
    joined = ""
    for line in (clean_text(line) for line in lines):
        if not line:
            continue
        if joined and _is_latin_letter(joined[-1]) and _is_latin_letter(line[0]):
            joined += " "
        joined += line
    return clean_text(joined)


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def table_from_cells(cells: list[Cell], row_count: int) -> Table:
    """A :class:`Table` whose row ``r`` lists, left to right, the distinct cells covering it."""
    covering: dict[tuple[int, int], Cell] = {}
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covering.setdefault((r, c), cell)
    rows: list[list[Cell]] = [[] for _ in range(row_count)]
    for (r, _c), cell in sorted(covering.items(), key=lambda item: item[0]):
        if not rows[r] or rows[r][-1] is not cell:
            rows[r].append(cell)
    return Table([row for row in rows if row])
