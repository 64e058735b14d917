"""Turn the rows the extractor found into metrics under the schema's keys, with provenance.

The template is decided here, from the labels alone; each row's values go to its columns in
order.  Rows with fewer values than columns are handed on as :class:`Gap` for the repair step,
which alone may decide where the missing cells were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema as s
from .extract import ACTIVE, APPEALS, APPLICATIONS, Extraction, FoundRow
from .rows import RowCell
from .values import TEXT, to_wan_yuan


@dataclass
class Gap:
    """A row whose cells cannot all be read: fewer printed cells than columns, or an unreadable
    one.  ``present`` holds the printed values in order (None for an unreadable cell) and
    ``keys``/``headers`` the row's columns in order."""

    row: FoundRow
    keys: list[str]
    headers: list[str]
    present: list[float | None]


@dataclass
class Assembly:
    """Metrics by key, their provenance, the template, and what is still missing."""

    template: str
    metrics: dict[str, float] = field(default_factory=dict)
    provenance: dict[str, dict] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)


def decide_template(extraction: Extraction, year: int | None) -> str | None:
    """The template the table labels show; None when there are no standard tables."""
    if not extraction.rows:
        return None
    votes = extraction.votes.copy()
    for row in extraction.rows:
        if row.key in ("other_services", "procurement"):
            votes[s.T2019] += 1
        elif row.table == ACTIVE and row.key in ("licensing", "punishment", "enforcement") and not row.columns:
            votes[s.T2019 if len(row.cells) >= 3 else s.T2021] += 1
    if votes[s.T2019] != votes[s.T2021]:
        return s.T2019 if votes[s.T2019] > votes[s.T2021] else s.T2021
    # No label tells the templates apart (tables 三 and 四 alone): the year is all that is left.
    return s.T2021 if (year or 2021) >= 2021 else s.T2019


def assemble(extraction: Extraction, template: str) -> Assembly:
    """Metrics of every row found, for ``template``."""
    result = Assembly(template)
    seen: set[tuple[str, str]] = set()
    for row in extraction.rows:
        if (row.table, row.key) in seen:
            continue
        seen.add((row.table, row.key))
        if row.table == ACTIVE:
            _active(result, row)
        elif row.table == APPLICATIONS:
            keys = [f"applications.{row.key}.{col}" for col in extraction.applicant_order]
            _assign(result, row, keys, [s.SCHEMA.by_key[k].column_label for k in keys])
        elif row.table == APPEALS:
            keys = [f"appeals.{key}" for key in extraction.appeal_order]
            _assign(result, row, keys, [s.SCHEMA.by_key[k].column_label for k in keys])
    return result


def _active(result: Assembly, row: FoundRow) -> None:
    definition = next(r for r in s.ACTIVE_ROWS if r.key == row.key)
    defaults = [(c.key, c.label) for c in definition.columns.get(result.template, ())]
    columns = row.columns or defaults
    header_fits = all(f"active.{row.key}.{col}" in s.SCHEMA.by_key for col, _ in columns)
    if not header_fits or len(row.cells) < len(columns) < len(defaults):
        columns = defaults
    keys = [f"active.{row.key}.{col}" for col, _ in columns]
    _assign(result, row, keys, [label for _, label in columns])


def _assign(result: Assembly, row: FoundRow, keys: list[str], headers: list[str]) -> None:
    template_keys = {k for k in keys if k in s.SCHEMA.by_key and result.template in s.SCHEMA.by_key[k].templates}
    if not template_keys:
        result.findings.append({
            "kind": "extra_row",
            "detail": f"row '{row.label}' belongs to the other template than {result.template}; values kept out",
        })
        return
    cells = row.cells[: len(keys)]
    values = [_number(key, cell, header) for key, cell, header in zip(keys, cells, headers, strict=False)]
    if len(cells) < len(keys) or None in values:
        result.gaps.append(Gap(row, keys, headers, values))
        return
    for key, cell, header, value in zip(keys, cells, headers, values, strict=True):
        if key in template_keys:
            result.metrics[key] = value
            result.provenance[key] = provenance(cell, row, header)


def _number(key: str, cell: RowCell, header: str) -> float | None:
    if cell.value.kind == TEXT or cell.value.number is None:
        return None
    if key in s.MONEY_KEYS:
        header_unit = "元" if "元" in header and "万元" not in header else None
        return to_wan_yuan(cell.value.number, cell.value.unit or header_unit)
    number = cell.value.number
    return int(number) if float(number).is_integer() else number


def provenance(cell: RowCell, row: FoundRow, header: str) -> dict:
    """Where a value came from: its raw text, kind of cell and location."""
    return {
        "raw": cell.text,
        "kind": cell.value.kind,
        "table": row.row.table,
        "row_label": row.label,
        "column_label": header,
        "row": row.row.index,
        "col": cell.col,
    }
