"""Read one table cell as a value: a number, a blank meaning 0, or text that is not a value.

The template's cells hold counts, but published reports write them as ``&nbsp;``, ``-``, ``—``,
``/``, ``无``, full-width digits, ``3,985,758``, ``-18``, ``251000元`` or ``9031.3536``.  The kind
of cell is kept beside the value because users care whether a 0 was printed or left blank.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

NUMBER = "number"
BLANK = "blank"
DASH = "dash"
SLASH = "slash"
NONE_WORD = "none_word"
TEXT = "text"
MISSING = "missing"

_DASHES = {"-", "--", "—", "——", "–", "―", "─", "−", "~", "－", "一"}
_SLASHES = {"/", "\\", "//"}
_NONE_WORDS = {"无", "没有", "暂无", "零", "〇"}
_UNITS = {"万元": 1.0, "元": 0.0001, "亿元": 10000.0, "千元": 0.1}
_COUNT_UNITS = ("件", "条", "个", "项", "次", "份", "人次", "宗", "起")
_NUMBER_RE = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_UNIT_RE = re.compile(r"^(.*?\d)\s*(" + "|".join(sorted({*_UNITS, *_COUNT_UNITS}, key=len, reverse=True)) + r")$")


@dataclass(frozen=True)
class Value:
    """A parsed cell: ``number`` is None for text; ``unit`` is a money unit written in the cell."""

    number: float | None
    kind: str
    unit: str | None = None

    @property
    def is_value(self) -> bool:
        """True for cells that hold a value (numbers and the blanks that mean 0)."""
        return self.kind != TEXT


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) with whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@lru_cache(maxsize=1 << 16)
def parse_value(text: str) -> Value:
    """Classify and read one cell's text."""
    compact = normalize_text(text).replace("，", ",")
    if not compact:
        return Value(0, BLANK)
    if compact in _DASHES:
        return Value(0, DASH)
    if compact in _SLASHES:
        return Value(0, SLASH)
    if compact in _NONE_WORDS:
        return Value(0, NONE_WORD)
    unit = None
    match = _UNIT_RE.match(compact)
    if match:
        compact, unit = match.group(1), match.group(2)
    number = _number(compact)
    if number is None:
        return Value(None, TEXT)
    return Value(number, NUMBER, unit if unit in _UNITS else None)


def _number(text: str) -> float | None:
    match = _NUMBER_RE.match(text.replace("−", "-"))
    if not match:
        return None
    sign, digits, decimals = match.groups()
    value = float(digits.replace(",", "") + (decimals or ""))
    return -value if sign == "-" else value


def to_wan_yuan(value: float, unit: str | None) -> float:
    """Convert an amount in ``unit`` (元, 万元, 亿元…; None means 万元) to 万元."""
    return round(value * _UNITS.get(unit or "万元", 1.0), 8)
