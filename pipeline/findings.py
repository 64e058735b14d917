"""The fixed vocabulary of finding kinds.  Users filter on these in SQL: never rename one."""

from __future__ import annotations

KINDS: dict[str, str] = {
    "label_variant": "a row or column label differs from the official one but was recognised (typo, old wording)",
    "repaired_cell": "a missing or unreadable cell was filled because the template's sums determine it uniquely",
    "missing_cell": "cells could not be read and the template's sums do not determine them; left out",
    "blank_total": "a 总计 cell left blank on a row whose parts are not all zero; filled with their sum",
    "split_row": "a sub-row stands on its own line without its parent label (read by its position)",
    "extra_row": "a row that is not in the template (e.g. 其他主动公开文件, 行政检查); kept out of the metrics",
    "inconsistent_total": "a total that is not the sum of its parts (row 总计, （七）总计, appeals 总计)",
    "balance_mismatch": "the 勾稽关系 一 + 二 = （七）总计 + 四 fails in a column",
    "narrative_contradiction": "the report's text states a number or fact that its tables contradict",
    "missing_table": "one of the three standard tables (二, 三, 四) was not found",
    "image_only": "the tables are published only as images; no numbers are read from them",
    "unsupported_format": "the document's format cannot be read here; the detail says what would help",
}


def finding(kind: str, detail: str, key: str | None = None) -> dict:
    """A finding as the JSON output and the archive store it."""
    if kind not in KINDS:
        raise ValueError(f"unknown finding kind {kind!r}")
    return {"kind": kind, "detail": detail, **({"key": key} if key else {})}
