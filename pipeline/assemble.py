"""Turn the rows the extractor found into metrics under the schema's keys, with provenance.

The template is decided here, from the labels alone; each row's values go to its columns in
order.  Rows with fewer values than columns are handed on as :class:`Gap` for the repair step,
which alone may decide where the missing cells were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from . import schema as s
from .extract import ACTIVE, APPEALS, APPLICATIONS, Extraction, FoundRow
from .rows import RowCell
from .values import BLANK, TEXT, to_wan_yuan


@dataclass
class Gap:
    """A row whose cells cannot all be read: fewer printed cells than columns, or an unreadable
    one.  ``present`` holds the printed values in order (None for an unreadable cell) and
    ``keys``/``headers`` the row's columns in order.  ``readings`` are the other readings of a
    text row, whose empty fields may be blank cells: its fields under the header's columns by
    position, or the fields after its label when they are exactly as many as its columns.  Each
    reading holds the values (0 for a blank, None for a blank total) and the printed cells."""

    row: FoundRow
    keys: list[str]
    headers: list[str]
    present: list[float | None]
    readings: list[tuple[list[float | None], list[RowCell | None]]] = field(default_factory=list)


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
    applicant_order = tuple(extraction.applicant_order)
    applicant_positions = [extraction.applicant_positions[c] for c in applicant_order] \
        if extraction.applicant_positions else None
    for row in extraction.rows:
        if (row.table, row.key) in seen:
            continue
        seen.add((row.table, row.key))
        if row.table == ACTIVE:
            _active(result, row)
        elif row.table == APPLICATIONS:
            keys, headers = _application_columns(row.key, applicant_order)
            _assign(result, row, list(keys), list(headers), applicant_positions)
        elif row.table == APPEALS and row.key != "appeals":
            keys = [f"appeals.{row.key}.{c.key}" for c in s.APPEAL_COLUMNS]
            _assign(result, row, keys, [c.label for c in s.APPEAL_COLUMNS], None)
        elif row.table == APPEALS:
            keys = [f"appeals.{key}" for key in extraction.appeal_order]
            _assign(result, row, keys, [s.SCHEMA.by_key[k].column_label for k in keys],
                    extraction.appeal_positions or None)
    return result


@lru_cache(maxsize=1024)
def _application_columns(row_key: str, order: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys and printed headers of a table 三 row with its applicant columns in ``order``;
    every report asks for the same few dozen, so they are built once."""
    keys = tuple(f"applications.{row_key}.{col}" for col in order)
    return keys, tuple(s.SCHEMA.by_key[k].column_label for k in keys)


@lru_cache(maxsize=1024)
def _template_keys(keys: tuple[str, ...], template: str) -> frozenset[str]:
    """Those of ``keys`` that ``template`` has."""
    return frozenset(k for k in keys if k in s.SCHEMA.by_key and template in s.SCHEMA.by_key[k].templates)


def _active(result: Assembly, row: FoundRow) -> None:
    definition = next(r for r in s.ACTIVE_ROWS if r.key == row.key)
    defaults = [(c.key, c.label, None) for c in definition.columns.get(result.template, ())]
    columns = row.columns or defaults
    keys = [f"active.{row.key}.{col}" for col, _, _ in columns]
    header_fits = all(k in s.SCHEMA.by_key for k in keys) and len(set(keys)) == len(keys)
    # A header naming fewer columns than the template has, or other than the row's values, lost a
    # cell (broken over two lines, left unnamed): the template's own order is the better guide.
    if not header_fits or len(columns) < len(defaults) or len(columns) != len(row.cells) == len(defaults):
        columns = defaults
    keys = [f"active.{row.key}.{col}" for col, _, _ in columns]
    positions = [p for _, _, p in columns]
    _assign(result, row, keys, [label for _, label, _ in columns], None if None in positions else positions)


def _assign(result: Assembly, row: FoundRow, keys: list[str], headers: list[str],
            positions: list[int] | None) -> None:
    template_keys = _template_keys(tuple(keys), result.template)
    if not template_keys:
        result.findings.append({
            "kind": "extra_row",
            "detail": f"row '{row.label}' belongs to the other template than {result.template}; values kept out",
        })
        return
    cells = _fit(row.cells, len(keys))
    values = [_number(key, cell, header) for key, cell, header in zip(keys, cells, headers, strict=False)]
    if len(cells) < len(keys) or None in values:
        # Exactly as many fields as columns is the stronger evidence: a header's positions are
        # lost when one of its cells broke over lines.
        layouts = [cells for cells in (_after_label(row, len(keys)), _aligned(row, positions)) if cells]
        readings = [
            ([_number(key, cell, header) if cell else None if is_total(key) else 0
              for key, cell, header in zip(keys, layout, headers, strict=True)], layout)
            for i, layout in enumerate(layouts) if layout not in layouts[:i]
        ]
        result.gaps.append(Gap(row, keys, headers, values, readings))
        return
    for key, cell, header, value in zip(keys, cells, headers, values, strict=True):
        if key in template_keys:
            result.metrics[key] = value
            result.provenance[key] = provenance(cell, row, header)


def _fit(cells: list[RowCell], size: int) -> list[RowCell]:
    """The row's value cells for ``size`` columns: surplus blanks right after the labels are
    the empty halves of a merged label cell, not values."""
    start = 0
    while len(cells) - start > size and cells[start].value.kind == BLANK:
        start += 1
    return cells[start : start + size]


def _aligned(row: FoundRow, positions: list[int] | None) -> list[RowCell | None] | None:
    """A text row's printed cells by position under its header (None where the field is empty),
    or None when its fields do not line up with the header."""
    if positions is None or not row.row.from_text:
        return None
    printed = [c for c in row.row.cells if not c.empty_field]
    value_cols = [c.col for c in row.cells]
    if len(set(value_cols)) != len(value_cols) or not set(value_cols) <= set(positions) or any(
        c.value.kind == TEXT and c.col in positions for c in printed
    ):
        return None
    by_col = {c.col: c for c in printed}
    return [by_col.get(col) for col in positions]


def _after_label(row: FoundRow, size: int) -> list[RowCell | None] | None:
    """A text row's fields after its label, empty ones as None, when they are exactly ``size``
    (``规章\t\t1\t1``: a blank and two ones), or None."""
    if not row.row.from_text or any(cell not in row.row.cells for cell in row.cells):
        return None
    labels = [c for c in row.row.cells if not c.empty_field and c.value.kind == TEXT]
    start = labels[-1].col if labels else -1
    fields = [c for c in row.row.cells if c.col > start]
    while fields and fields[-1].empty_field and len(fields) > size:
        fields.pop()
    if len(fields) != size:
        return None
    return [None if c.empty_field else c for c in fields]


def is_total(key: str) -> bool:
    """True for the 总计 cells: a blank one there is a sum left out, not a zero."""
    return key.endswith((".all", ".total"))



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
