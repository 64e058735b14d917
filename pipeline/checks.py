"""The template's arithmetic: checks that report contradictions, repairs that fill what it fixes.

Tables 三 and 四 are bound by sums: each row's 总计 is the sum of its six applicant columns,
（七）总计 is the sum of the outcome rows, the 勾稽关系 一 + 二 = （七）总计 + 四 holds column by
column, and each appeals group's 总计 is the sum of its four results.  A cell that is missing or
unreadable is filled only when these equations determine it uniquely; every check that fails
is a finding with the rule, the expected and the printed value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations, product
from math import prod

from . import schema as s
from .assemble import Assembly, Gap, is_total, provenance
from .rows import RowCell
from .values import BLANK, DASH, MISSING, SLASH

# More placements than this (a row missing most of its cells) is guessing, not repairing.
MAX_PLACEMENTS = 5000
_LEFT_BLANK = (BLANK, DASH, SLASH)


@dataclass(frozen=True)
class Equation:
    """``sum(lhs) == sum(rhs)``; ``kind`` is the finding a violation gives."""

    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    kind: str
    rule: str

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key the equation involves."""
        return self.lhs + self.rhs

    def holds(self, values: dict[str, float]) -> bool:
        """True when both sides are equal (within rounding)."""
        return abs(sum(values[k] for k in self.lhs) - sum(values[k] for k in self.rhs)) < 1e-6


def _applicant_keys(row: str) -> tuple[str, ...]:
    return tuple(f"applications.{row}.{c.key}" for c in s.APPLICANT_COLUMNS[:-1])


@cache
def equations(template: str) -> tuple[Equation, ...]:
    """Every equation of ``template``'s tables 三 and 四."""
    rows = [r for r in s.APPLICATION_ROWS if template in r.templates]
    outcomes = [r.key for r in rows if r.key in s.OUTCOME_ROWS]
    found = [
        Equation((f"applications.{r.key}.all",), _applicant_keys(r.key), "inconsistent_total",
                 f"总计 of {r.label} = sum of the six applicant columns")
        for r in rows
    ]
    for column in s.APPLICANT_COLUMNS:
        c = column.key
        found.append(Equation((f"applications.total.{c}",), tuple(f"applications.{r}.{c}" for r in outcomes),
                              "inconsistent_total", f"（七）总计 = sum of the outcome rows ({column.label})"))
        found.append(Equation((f"applications.new_received.{c}", f"applications.carried_over.{c}"),
                              (f"applications.total.{c}", f"applications.carried_forward.{c}"),
                              "balance_mismatch", f"一 + 二 = （七）总计 + 四 ({column.label})"))
    for group, label in s.APPEAL_GROUPS:
        parts = tuple(f"appeals.{group}.{c.key}" for c in s.APPEAL_COLUMNS[:-1])
        found.append(Equation((f"appeals.{group}.total",), parts, "inconsistent_total",
                              f"总计 of {label} = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"))
    return tuple(found)


def fill_blank_totals(assembly: Assembly) -> list[dict]:
    """Fill each 总计 cell left blank on a row whose parts are not zero, with their sum."""
    findings = []
    for equation in equations(assembly.template):
        if equation.kind != "inconsistent_total" or len(equation.lhs) != 1:
            continue
        (total,) = equation.lhs
        cell = assembly.provenance.get(total)
        if cell is None or cell["kind"] not in _LEFT_BLANK or not all(k in assembly.metrics for k in equation.rhs):
            continue
        parts = sum(assembly.metrics[k] for k in equation.rhs)
        if parts and total not in _filled_totals(assembly):
            assembly.metrics[total] = parts
            cell["repair"] = "blank_total"
            findings.append({"kind": "blank_total", "key": total,
                             "detail": f"{equation.rule}: 总计 left blank, filled with the sum {parts}"})
    return findings


def _filled_totals(assembly: Assembly) -> set[str]:
    return {k for k, p in assembly.provenance.items() if p.get("repair") == "blank_total"}


def repair_gaps(assembly: Assembly) -> list[dict]:
    """Fill the gaps the equations determine uniquely; report the others as missing cells.

    A row of flattened text can be read with its empty fields as blank cells (its fields after
    the label, or its fields under the header's columns: the gap's ``readings``, accepted first
    when every equation they enter can be checked), or as its printed values in order with cells
    missing somewhere (placements the equations decide).  Gaps are solved one at a time while
    that makes progress, then the remaining ones jointly (two rows each missing a cell of the same
    column only determine each other together), and last by a reading that contradicts nothing.
    """
    findings: list[dict] = []
    system = equations(assembly.template)
    pending = list(assembly.gaps)
    progress = True
    while pending and progress:
        progress = False
        for gap in list(pending):
            if _repair_aligned(assembly, gap, system, findings, verified=True) or _repair(
                    assembly, [gap], system, findings):
                pending.remove(gap)
                progress = True
    if pending and _repair(assembly, pending, system, findings):
        pending = []
    pending = [gap for gap in pending if not _repair_aligned(assembly, gap, system, findings, verified=False)]
    for gap in pending:
        findings.append({
            "kind": "missing_cell",
            "detail": f"row {gap.row.label or gap.row.table} has {len(gap.present)} of {len(gap.keys)} readable cells; "
                      f"the template's sums do not determine the rest, so its values are left out",
        })
    assembly.gaps = pending
    return findings


def _repair(assembly: Assembly, gaps: list[Gap], system: tuple[Equation, ...], findings: list[dict]) -> bool:
    """Fill ``gaps`` by placing their printed values, if exactly one assignment fits."""
    solved = _solve(gaps, assembly.metrics, system)
    if solved is None:
        return False
    solution, placement = solved
    for gap in gaps:
        printed = iter(gap.row.cells)
        _apply(assembly, gap, solution, {k: next(printed) if k in placement else None for k in gap.keys})
        filled = [k for k in gap.keys if placement.get(k) is None]
        if all(is_total(k) and solution[k] for k in filled):
            # Only non-zero totals were absent: the row printed its parts and left 总计 blank.
            findings += [_blank_total(gap, k, solution[k]) for k in filled]
        elif reading := next((values for values, _ in gap.readings if all(
                v is None or v == solution[k] for k, v in zip(gap.keys, values, strict=True))), None):
            findings += _blank_total_findings(gap, reading, solution)
        else:
            findings.append({"kind": "repaired_cell", "key": gap.keys[-1], "detail": _repair_detail(gap, solution)})
    return True


def _repair_aligned(assembly: Assembly, gap: Gap, system: tuple[Equation, ...], findings: list[dict],
                    verified: bool) -> bool:
    """Accept the first reading of a text row that solves and contradicts no equation;
    ``verified`` also asks that every equation it enters could be checked."""
    relevant = [e for e in system if set(e.keys) & set(gap.keys)]
    for values_read, cells in gap.readings:
        values = {k: v for k, v in assembly.metrics.items() if k not in gap.keys}
        values.update({k: v for k, v in zip(gap.keys, values_read, strict=True) if v is not None})
        if _propagate(values, set(gap.keys) - set(values), relevant) != "solved":
            continue
        checkable = [e for e in relevant if all(k in values for k in e.keys)]
        if (verified and len(checkable) < len(relevant)) or not all(e.holds(values) for e in checkable):
            continue
        solution = {k: values[k] for k in gap.keys}
        _apply(assembly, gap, solution, dict(zip(gap.keys, cells, strict=True)))
        findings += _blank_total_findings(gap, values_read, solution)
        return True
    return False


def _blank_total_findings(gap: Gap, values_read: list[float | None], solution: dict[str, float]) -> list[dict]:
    return [
        _blank_total(gap, key, solution[key])
        for key, value in zip(gap.keys, values_read, strict=True)
        if value is None and solution[key]
    ]


def _blank_total(gap: Gap, key: str, value: float) -> dict:
    return {"kind": "blank_total", "key": key,
            "detail": f"总计 of {gap.row.label} left blank; filled with the sum of its parts, {value:g}"}


def _placements(gap: Gap) -> list[dict[str, float | None]]:
    positions = list(combinations(range(len(gap.keys)), len(gap.present)))
    return [{gap.keys[i]: value for i, value in zip(chosen, gap.present, strict=True)} for chosen in positions]


def _solve(gaps: list[Gap], known: dict[str, float], system: tuple[Equation, ...]) -> tuple[dict, dict] | None:
    """The one assignment of the gaps' keys consistent with every equation, with a placement of
    the printed cells that gives it; None unless exactly one assignment is possible."""
    keys = [k for gap in gaps for k in gap.keys]
    options = [_placements(gap) for gap in gaps]
    if prod(len(o) for o in options) > MAX_PLACEMENTS:
        return None
    relevant = [e for e in system if set(e.keys) & set(keys)]
    solutions: dict[tuple, dict] = {}
    for combination in product(*options):
        placement = {k: v for part in combination for k, v in part.items()}
        values = {k: v for k, v in known.items() if k not in placement}
        values.update({k: v for k, v in placement.items() if v is not None})
        unknown = set(keys) - set(values)
        status = _propagate(values, unknown, relevant)
        if status == "free":
            return None  # this placement leaves a cell undetermined: nothing is certain
        if status == "solved" and all(e.holds(values) for e in relevant if all(k in values for k in e.keys)):
            solutions.setdefault(tuple(values[k] for k in keys), placement)
    if len(solutions) != 1:
        return None
    ((values, placement),) = solutions.items()
    return dict(zip(keys, values, strict=True)), placement


def _propagate(values: dict[str, float], unknown: set[str], system: tuple[Equation, ...]) -> str:
    """Solve equations with one unknown until none is left: "solved", "free" if a cell stays
    undetermined, "invalid" if one comes out negative or fractional."""
    progress = True
    while unknown and progress:
        progress = False
        for equation in system:
            missing = [k for k in equation.keys if k not in values]
            if len(missing) != 1 or missing[0] not in unknown:
                continue
            (key,) = missing
            lhs = sum(values.get(k, 0) for k in equation.lhs)
            rhs = sum(values.get(k, 0) for k in equation.rhs)
            value = rhs - lhs if key in equation.lhs else lhs - rhs
            if value < 0 or not float(value).is_integer():
                return "invalid"
            values[key] = int(value)
            unknown.discard(key)
            progress = True
    return "free" if unknown else "solved"


def _apply(assembly: Assembly, gap: Gap, solution: dict[str, float], cells: dict[str, RowCell | None]) -> None:
    """Store a gap's solution; ``cells`` names the printed cell behind each key, if any."""
    for key, header in zip(gap.keys, gap.headers, strict=True):
        if assembly.template not in s.SCHEMA.by_key[key].templates:
            continue
        assembly.metrics[key] = solution[key]
        cell = cells.get(key)
        if cell is not None and cell.value.number == solution[key]:
            assembly.provenance[key] = provenance(cell, gap.row, header)
        else:
            assembly.provenance[key] = {
                "raw": cell.text if cell else None, "kind": cell.value.kind if cell else MISSING,
                "repair": "filled", "table": gap.row.row.table, "row_label": gap.row.label,
                "column_label": header, "row": gap.row.row.index, "col": cell.col if cell else None,
            }


def _repair_detail(gap: Gap, solution: dict[str, float]) -> str:
    filled = len(gap.keys) - sum(v is not None for v in gap.present)
    values = sorted({solution[k] for k in gap.keys} - {v for v in gap.present if v is not None}) or [0]
    return (f"row {gap.row.label} has {len(gap.keys) - filled} of {len(gap.keys)} cells; the missing cell"
            f"{'s are' if filled > 1 else ' is'} recoverable from the row total and the column sums "
            f"(filled: {', '.join(str(v) for v in values)})")


def check(assembly: Assembly) -> list[dict]:
    """Every equation whose cells are all known and that fails, as a finding."""
    findings = []
    for equation in equations(assembly.template):
        if not all(k in assembly.metrics for k in equation.keys) or equation.holds(assembly.metrics):
            continue
        printed = sum(assembly.metrics[k] for k in equation.lhs)
        expected = sum(assembly.metrics[k] for k in equation.rhs)
        findings.append({
            "kind": equation.kind,
            "key": equation.lhs[0],
            "detail": f"{equation.rule}: expected {expected:g}, found {printed:g}",
        })
    return findings
