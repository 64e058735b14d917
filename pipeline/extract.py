"""Find the template's rows in a stream of rows, by their labels, and read their values.

Every row is split into its labels (the text cells before its first value) and its values (the
cells from there on).  A row is identified by matching its innermost label against the official
row labels; its values are taken in printed order and given to the columns in the order the
table's header shows (or the template's order where no header was found).  Taking values by order
rather than by grid position is what keeps a row right when its header and data put their merged
cells on different columns.

The result is a list of :class:`FoundRow` and the evidence for the template; turning them into
metrics is :func:`pipeline.assemble.assemble`'s job.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import schema as s
from .labels import LabelIndex, LabelMatch, label_segments, normalize_label
from .rows import Row, RowCell
from .values import BLANK, NUMBER, TEXT

ACTIVE = "active"
APPLICATIONS = "applications"
APPEALS = "appeals"

_ACTIVE_ROWS = LabelIndex(
    {row.key: tuple(dict.fromkeys(row.labels.values())) + row.aliases for row in s.ACTIVE_ROWS}
)
_ACTIVE_COLUMNS = LabelIndex(
    {
        f"{template}:{column.key}:{column.label}": (column.label, *column.aliases)
        for row in s.ACTIVE_ROWS
        for template, columns in row.columns.items()
        for column in columns
    }
)
_ACTIVE_DEFINITIONS = {row.key: row for row in s.ACTIVE_ROWS}
_APPLICATION_ROWS = LabelIndex({row.key: (row.label, *row.aliases) for row in s.APPLICATION_ROWS})
_GROUPS = LabelIndex({group.key: (group.label, *group.aliases) for group in s.GROUPS})
_APPLICANT_COLUMNS = LabelIndex(
    {col.key: (col.label.split(" / ")[-1], *col.aliases) for col in s.APPLICANT_COLUMNS}
    | {"org": (s.ORG,), "applicants": ("申请人情况",)}
)
_APPEAL_COLUMNS = LabelIndex({col.key: (col.label, *col.aliases) for col in s.APPEAL_COLUMNS})
_APPEAL_GROUPS = LabelIndex(
    {"review": ("行政复议",), "litigation": ("行政诉讼",), "litigation_direct": ("未经复议直接起诉",),
     "litigation_after_review": ("复议后起诉",)}
)
# Column labels that only one template prints: the strongest evidence of the template.
_TEMPLATE_COLUMNS = {
    "issued": s.T2021, "repealed": s.T2021, "in_force": s.T2021,
    "made": s.T2019, "published": s.T2019, "total_published": s.T2019, "prev_items": s.T2019,
    "delta": s.T2019, "projects": s.T2019,
}
# Section headings are reworded and misspelt: each is known by a few words it cannot lack.
_SECTION_HEADINGS = (
    (("主动公开",), ACTIVE),
    (("申请", "处理"), APPLICATIONS),
    (("复议", "诉讼"), APPEALS),
    (("存在", "问题"), None),
    (("改进",), None),
    (("其他需要报告",), None),
)
_HEADING_NUMBER = re.compile(r"^\s*[一二三四五六七八九十]{1,2}\s*[、.．]")
_CHILD_GROUPS = {"denied", "unavailable", "not_processed", "other"}
_APPEAL_CELLS = len(s.APPEAL_GROUPS) * len(s.APPEAL_COLUMNS)


@dataclass
class FoundRow:
    """A template row found in the document, with its printed values in order; ``columns`` are
    the (column key, printed header, column index) of the header above a table 二 row."""

    table: str
    key: str
    label: str
    cells: list[RowCell]
    row: Row
    expected: int
    columns: list[tuple[str, str, int]] | None = None

    @property
    def complete(self) -> bool:
        """True once the row holds as many values as its columns."""
        return len(self.cells) >= self.expected


@dataclass
class Extraction:
    """What the extractor found: rows, template evidence, column orders and findings."""

    rows: list[FoundRow] = field(default_factory=list)
    votes: Counter = field(default_factory=Counter)
    applicant_order: list[str] = field(default_factory=lambda: [c.key for c in s.APPLICANT_COLUMNS])
    appeal_order: list[str] = field(default_factory=lambda: [f"{g}.{c.key}" for g, _ in s.APPEAL_GROUPS
                                                             for c in s.APPEAL_COLUMNS])
    applicant_positions: dict[str, int] = field(default_factory=dict)
    appeal_positions: list[int] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    sections: set[str] = field(default_factory=set)

    def variant(self, match: LabelMatch, printed: str, what: str) -> None:
        """Record a tolerated label variant once per printed label."""
        detail = f"{what} '{printed.strip()}' is a variant of '{match.official}'"
        if not any(f["detail"] == detail for f in self.findings):
            self.findings.append({"kind": "label_variant", "detail": detail})


def split_row(row: Row) -> tuple[list[RowCell], list[RowCell]]:
    """A row's label cells and its value cells.

    The labels end at the last text cell before the first number (a text cell after a number,
    such as ``未收取``, is an unreadable value, not a label); blanks and dashes after the labels
    are values meaning 0, blanks before them are merged corners.
    """
    cells = [c for c in row.cells if not c.empty_field]
    # One pass to the first number, remembering the last text cell before it.
    last_label = -1
    for i, cell in enumerate(cells):
        kind = cell.value.kind
        if kind == NUMBER:
            break
        if kind == TEXT:
            last_label = i
    if last_label < 0:
        start = next((i for i, c in enumerate(cells) if not (c.carried and c.value.kind == BLANK)), len(cells))
        return [], cells[start:]
    labels = [c for c in cells[: last_label + 1] if c.value.kind == TEXT]
    return labels, cells[last_label + 1 :]


def _blank_fields_after(row: Row) -> bool:
    """True for a text line whose label is followed by empty fields: blank cells, not a label
    waiting for its values on the next lines."""
    labels = [c for c in row.cells if not c.empty_field]
    # One trailing tab is a typing habit; a run of them is a row of blank cells.
    return bool(labels) and sum(c.empty_field and c.col > labels[-1].col for c in row.cells) >= 2


def _with_blank_fields(row: Row, values: list[RowCell], need: int) -> list[RowCell]:
    """The values of a line continuing a row: its empty fields too, when they make up exactly
    the cells the row still needs (``\t\t9`` under 规章 is two blanks and a 9)."""
    fields = list(row.cells)
    while fields and fields[-1].empty_field and len(fields) > need:
        fields.pop()
    return fields if row.from_text and (len(fields) == need or _is_empty_paragraph(row)) else values


def _is_empty_paragraph(row: Row) -> bool:
    """An empty paragraph: in a table flattened into paragraphs, one blank cell."""
    return len(row.cells) == 1 and row.cells[0].empty_field


def _regular_columns(cols: dict[str, int]) -> dict[str, int] | None:
    """Applicant column positions when a header cell broke over lines and lost its place: the
    seven columns stand side by side, so 自然人 and 总计 six apart, with a third column where the
    same count puts it, fix the others."""
    keys = [c.key for c in s.APPLICANT_COLUMNS]
    first = cols.get(keys[0])
    if first is None or cols.get(keys[-1]) != first + len(keys) - 1:
        return None
    agreeing = [k for k in keys[1:-1] if cols.get(k) == first + keys.index(k)]
    return {k: first + i for i, k in enumerate(keys)} if agreeing else None


class Extractor:
    """A single pass over the rows, keeping the context a reader keeps: which table, which
    header, which parent block."""

    def __init__(self) -> None:
        self.result = Extraction()
        self.section: str | None = None
        self.active_columns: list[tuple[str, str, int]] | None = None
        self.header_continues = False
        self.header_fragment = ""
        self.pending: FoundRow | None = None
        self.dangling: str = ""
        self.child_indents: list[int] = []
        self.applicant_cols: dict[str, int] = {}
        self.appeal_cols: set[int] = set()
        self.appeal_header_seen = False

    def run(self, rows: list[Row]) -> Extraction:
        """Extract every template row from ``rows``."""
        for row in rows:
            self.feed(row)
        self.result.sections = {r.table for r in self.result.rows}
        return self.result

    def feed(self, row: Row) -> None:
        """Take one row."""
        self.header_continues, header_continues = False, self.header_continues
        fragment, self.header_fragment = self.header_fragment, ""
        labels, values = split_row(row)
        if not values and self._header_line(row, labels, header_continues, fragment):
            self.dangling, self.pending = "", None
            return
        if not labels:
            self._values_only(row, values)
            return
        if not values:
            self._labels_only(row, labels)
            return
        self.pending = None
        if self._labelled_values(row, labels, values):
            return
        if all(c.value.kind == BLANK for c in values):
            # Empty cells after labels that name no row: a header row padded to the table's width.
            self._labels_only(row, labels)
            return
        if self.section == APPEALS and len(values) >= len(s.APPEAL_COLUMNS):
            self._appeal_row(row, labels, values)
        else:
            self._unmatched(row, labels, values)

    # --- rows with labels and values ----------------------------------------------------------

    def _labelled_values(self, row: Row, labels: list[RowCell], values: list[RowCell]) -> bool:
        texts = [c.text for c in labels]
        dangling, self.dangling = self.dangling, ""
        if self._labelled_values_with(row, texts, values):
            return True
        # A label broken over two lines: the fragment on the line above begins it.
        return bool(dangling) and self._labelled_values_with(row, [dangling + texts[0], *texts[1:]], values)

    def _labelled_values_with(self, row: Row, texts: list[str], values: list[RowCell]) -> bool:
        segments = [seg for text in texts for seg in label_segments(text)]
        found = self._match_active(row, segments[-1], values) or self._match_application(row, segments, values)
        return found is not None

    def _match_active(self, row: Row, label: str, values: list[RowCell]) -> FoundRow | None:
        if self.section == APPLICATIONS:
            return None
        match = _ACTIVE_ROWS.match(label)
        if match is None:
            return None
        if not match.exact:
            self.result.variant(match, label, "row label")
        self.section = ACTIVE
        columns = list(self.active_columns) if self.active_columns else None
        found = FoundRow(ACTIVE, match.key, label, values, row, len(columns) if columns else len(values), columns)
        if values or _blank_fields_after(row):
            self.result.rows.append(found)
        return found

    def _match_application(self, row: Row, segments: list[str], values: list[RowCell]) -> FoundRow | None:
        *outer, inner = segments
        match = _APPLICATION_ROWS.match(inner)
        if match is not None and match.key == "total" and self.section == APPEALS:
            return None  # table 四's 总计 columns, not table 三's （七）总计 row
        if match is None:
            group = _GROUPS.match(inner)
            if group and group.key == "other":
                # The 2019 template's （六）其他处理 is a row of its own, without sub-items.
                match = LabelMatch("other.total", group.official, group.exact, group.score)
            else:
                return None
        if not match.exact:
            self.result.variant(match, inner, "row label")
        self._note_child(row, match.key, outer)
        self.section = APPLICATIONS
        found = FoundRow(APPLICATIONS, match.key, inner, values, row, len(s.APPLICANT_COLUMNS))
        if values or _blank_fields_after(row):
            # A label alone waits for the values on the next lines before it counts as a row.
            self.result.rows.append(found)
        if match.key.startswith("other.") and match.key != "other.total":
            self.result.votes[s.T2021] += 1
        elif match.key == "other.total":
            self.result.votes[s.T2019] += 1
        if not found.complete:
            self.pending = found
        return found

    def _note_child(self, row: Row, key: str, outer: list[str]) -> None:
        """Track numbered sub-rows; one printed flush left without its parent is a split row."""
        group = key.split(".")[0]
        if group not in _CHILD_GROUPS or key == "other.total":
            return
        flush_left = row.from_text and not outer and row.indent == 0
        if flush_left and self.child_indents and min(self.child_indents) > 0:
            parent = next(g.label for g in s.GROUPS if g.key == group)
            self.result.findings.append({
                "kind": "split_row",
                "detail": f"row '{split_row(row)[0][0].text}' of {parent} stands on its own line "
                          "without its parent label",
                "key": f"applications.{key}.all",
            })
        self.child_indents.append(row.indent)

    def _unmatched(self, row: Row, labels: list[RowCell], values: list[RowCell]) -> None:
        label = " ".join(c.text for c in labels)
        numeric = [c for c in values if c.value.is_value]
        if self.section in (ACTIVE, APPLICATIONS) and numeric and len(label) <= 40:
            self.result.findings.append({
                "kind": "extra_row",
                "detail": f"row '{label}' in table {'二' if self.section == ACTIVE else '三'} is not in the template; "
                          f"values {[c.text for c in values]} kept out of the metrics",
            })

    # --- rows of labels only: headings, headers, parent labels, labels whose values follow ------

    def _labels_only(self, row: Row, labels: list[RowCell]) -> None:
        texts = [c.text for c in labels]
        if self._heading(texts) or self._appeal_header(labels) or self._applicant_header(labels):
            self.dangling = ""
            return
        segments = [seg for text in texts for seg in label_segments(text)]
        # Table 三's labels name no row of table 二, so a reworded or missing heading does not
        # keep them from being found.
        candidate = self._match_application(row, segments, [])
        if candidate is None and self.section != APPLICATIONS:
            candidate = self._match_active(row, segments[-1], [])
            if candidate is not None:
                # The template is not known yet and a header may have broken over lines: wait for
                # as many values as the row's widest template has; the next label ends the row.
                widths = _ACTIVE_DEFINITIONS[candidate.key].columns.values()
                candidate.expected = max(len(columns) for columns in widths)
        if candidate is not None:
            self.pending = candidate
            self.dangling = ""
            return
        is_group = any(_GROUPS.match(t) for t in segments)
        self.dangling = "" if is_group or len(texts[-1]) > 40 else texts[-1]

    def _heading(self, texts: list[str]) -> bool:
        """A numbered section heading (二、主动公开… 三、收到和处理… 四、…复议…诉讼 五、…)."""
        if len(texts) != 1 or len(texts[0]) > 40 or not _HEADING_NUMBER.match(texts[0]):
            return False
        for words, section in _SECTION_HEADINGS:
            if all(word in texts[0] for word in words):
                self.section = section
                self.pending = None
                return True
        return False

    def _header_line(self, row: Row, labels: list[RowCell], continues: bool, fragment: str) -> bool:
        """A line of table 二's header, whole or a piece of a header cell broken over lines
        (``本年制`` / ``发件数``)."""
        if self._active_header(labels, continues):
            return True
        if not continues or len(labels) != 1:
            return False
        text = labels[0].text
        if fragment:
            joined = RowCell(fragment + text, labels[0].col, False, labels[0].value)
            if self._active_header([joined], True):
                return True
        if len(text) <= 8 and _ACTIVE_ROWS.match(text) is None and _APPLICATION_ROWS.match(text) is None:
            self.header_fragment, self.header_continues = fragment + text, True
            return True
        return False

    def _active_header(self, labels: list[RowCell], continues: bool) -> bool:
        """A header row of a table 二 block; a Word ``<p>`` soup prints it one cell per line."""
        if len(labels) == 1 and normalize_label(labels[0].text) == "信息内容":
            self.active_columns, self.header_continues = [], True
            return True
        matches = [(c, _ACTIVE_COLUMNS.match(c.text)) for c in labels if not c.carried]
        matched = [(c, m) for c, m in matches if m is not None]
        if not matched:
            return False
        columns = list(self.active_columns or []) if continues else []
        for cell, match in matched:
            column = match.key.split(":", 2)[1]
            if not match.exact:
                self.result.variant(match, cell.text, "column header")
            if column in _TEMPLATE_COLUMNS:
                self.result.votes[_TEMPLATE_COLUMNS[column]] += 1
            columns.append((column, cell.text, cell.col))
        self.active_columns, self.header_continues = columns, True
        self.section = ACTIVE
        return True

    def _applicant_header(self, labels: list[RowCell]) -> bool:
        matched = [(c, _APPLICANT_COLUMNS.match(c.text)) for c in labels]
        matched = [(c, m) for c, m in matched if m is not None]
        if len(matched) < 2 or (self.section == APPEALS and not any(m.key == "natural_person" for _, m in matched)):
            return False
        for cell, match in matched:
            if match.key in ("org", "applicants"):
                continue
            self.applicant_cols.setdefault(match.key, cell.col)
        cols = self.applicant_cols
        if len(cols) == len(s.APPLICANT_COLUMNS) and len(set(cols.values())) == len(cols):
            self.result.applicant_order = sorted(cols, key=cols.__getitem__)
            self.result.applicant_positions = dict(cols)
        elif regular := _regular_columns(cols):
            self.result.applicant_positions = regular
        self.section = APPLICATIONS
        return True

    def _appeal_header(self, labels: list[RowCell]) -> bool:
        groups = [(c, _APPEAL_GROUPS.match(c.text)) for c in labels]
        groups = [(c, m) for c, m in groups if m is not None]
        columns = [(c, m) for c, m in ((c, _APPEAL_COLUMNS.match(c.text)) for c in labels) if m is not None]
        if not groups and len(columns) < 4:
            return False
        self.appeal_header_seen = True
        for cell, _ in columns:
            self.appeal_cols.add(cell.col)
        if len(self.appeal_cols) == _APPEAL_CELLS:
            self.result.appeal_positions = sorted(self.appeal_cols)
        by_key = {m.key: c.col for c, m in groups}
        if by_key.get("litigation_after_review", 1) < by_key.get("litigation_direct", 0):
            self.result.appeal_order = [f"{g}.{c.key}" for g in ("review", "litigation_after_review",
                                                                  "litigation_direct") for c in s.APPEAL_COLUMNS]
        self.section = APPEALS
        return True

    # --- rows of values only: values that continue a row, or table 四's data row ---------------

    def _values_only(self, row: Row, values: list[RowCell]) -> None:
        if self.pending is not None and not self.pending.complete:
            need = self.pending.expected - len(self.pending.cells)
            cells = _with_blank_fields(row, values, need)[:need]
            if not cells:
                return
            if not self.pending.cells:
                self.result.rows.append(self.pending)
            self.pending.cells.extend(cells)
            if self.pending.complete:
                self.pending = None
            return
        if self.section != APPEALS:
            return
        if values:
            self._appeal_values(row, values)
        elif _is_empty_paragraph(row) and self.appeal_header_seen:
            self._appeal_values(row, row.cells)  # a blank cell of table 四 flattened into a <p> soup
        elif len(row.cells) >= len(s.APPEAL_COLUMNS):
            self._appeal_values(row, [])  # table 四's data row of tabs only: every cell blank

    def _appeal_row(self, row: Row, labels: list[RowCell], values: list[RowCell]) -> None:
        """Table 四 printed vertically: a row per group (行政复议, 未经复议直接起诉, 复议后起诉)."""
        match = _APPEAL_GROUPS.match(labels[-1].text)
        if match is None or match.key == "litigation":
            self._appeal_values(row, values)
        elif not any(r.table == APPEALS and r.key == match.key for r in self.result.rows):
            self.result.rows.append(FoundRow(APPEALS, match.key, labels[-1].text, list(values), row,
                                             len(s.APPEAL_COLUMNS)))

    def _appeal_values(self, row: Row, values: list[RowCell]) -> None:
        existing = next((r for r in self.result.rows if r.table == APPEALS), None)
        if existing is None:
            self.result.rows.append(FoundRow(APPEALS, "appeals", "", list(values), row, _APPEAL_CELLS))
        elif not existing.complete:
            existing.cells.extend(values[: _APPEAL_CELLS - len(existing.cells)])
        elif all(c.value.number == 0 for c in existing.cells) and any(c.value.number for c in values):
            # An all-blank row before the real one is a spacer the page left in.
            existing.cells, existing.row = list(values), row


def extract(rows: list[Row]) -> Extraction:
    """Find the template's rows in ``rows``."""
    return Extractor().run(rows)
