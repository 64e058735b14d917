"""The common schema: every metric of the national template's three tables under a stable key.

The template has three statistical tables:

* table 二 (``active``): proactive disclosure, a few small blocks of rows (第二十条第（一）项 …),
* table 三 (``applications``): requests received and handled, rows × seven applicant columns,
* table 四 (``appeals``): administrative review and litigation, one row of fifteen cells.

The 2019 template (reports on 2019 and 2020) and the 2021 template (reports on 2021 onwards) share
tables 三 and 四 except for row （六）其他处理, and differ in table 二.  Keys are built here from the
row and column definitions so that the parser and the schema cannot drift apart; a test checks the
result against ``shared/schema/metrics.csv`` key for key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

T2019 = "2019"
T2021 = "2021"
BOTH = (T2019, T2021)

MONEY_KEYS = frozenset({"active.fees.amount", "active.procurement.amount"})


@dataclass(frozen=True)
class Column:
    """A column of a table: its key part and its official label (with accepted variants)."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    unit: str = "件"


@dataclass(frozen=True)
class ActiveRow:
    """A row of table 二 and, per template, the columns it carries in order."""

    key: str
    section: str
    labels: dict[str, str]
    columns: dict[str, tuple[Column, ...]]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApplicationRow:
    """A row of table 三.  ``group`` is the key of the parent block (（三）不予公开 …) if any."""

    key: str
    label: str
    csv_label: str
    templates: tuple[str, ...] = BOTH
    group: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """A parent block of table 三 whose rows are numbered sub-items (1. 2. 3. …)."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    """One cell of the template: a row of ``metrics.csv``."""

    key: str
    table: str
    section: str
    row_label: str
    column_label: str
    templates: tuple[str, ...]
    unit: str


# --- table 二 -------------------------------------------------------------------------------

ISSUED = Column("issued", "本年制发件数")
REPEALED = Column("repealed", "本年废止件数")
IN_FORCE = Column("in_force", "现行有效件数")
MADE = Column("made", "本年新制作数量")
PUBLISHED = Column("published", "本年新公开数量")
TOTAL_PUBLISHED = Column("total_published", "对外公开总数量")
DECISIONS = Column("decisions", "本年处理决定数量 / 处理决定数量", aliases=("本年处理决定数量", "处理决定数量"))
# other_services exists only in the 2019 template, so the CSV names only that template's label.
SERVICE_DECISIONS = Column("decisions", "处理决定数量", aliases=("本年处理决定数量",))
PREV_ITEMS = Column("prev_items", "上一年项目数量")
DELTA = Column("delta", "本年增/减", aliases=("本年增减",))
FEE_AMOUNT = Column("amount", "本年收费金额（万元）", aliases=("本年收费金额",), unit="万元")
PROJECTS = Column("projects", "采购项目数量")
PROCUREMENT_AMOUNT = Column("amount", "采购总金额（万元）", aliases=("采购总金额",), unit="万元")

ACTIVE_ROWS: tuple[ActiveRow, ...] = (
    ActiveRow("rules", "第二十条第（一）项", {T2021: "规章", T2019: "规章"},
              {T2021: (ISSUED, REPEALED, IN_FORCE), T2019: (MADE, PUBLISHED, TOTAL_PUBLISHED)}),
    ActiveRow("normative_docs", "第二十条第（一）项", {T2021: "行政规范性文件", T2019: "规范性文件"},
              {T2021: (ISSUED, REPEALED, IN_FORCE), T2019: (MADE, PUBLISHED, TOTAL_PUBLISHED)}),
    ActiveRow("licensing", "第二十条第（五）项", {T2021: "行政许可", T2019: "行政许可"},
              {T2021: (DECISIONS,), T2019: (PREV_ITEMS, DELTA, DECISIONS)}),
    ActiveRow("other_services", "第二十条第（五）项", {T2019: "其他对外管理服务事项"},
              {T2019: (PREV_ITEMS, DELTA, SERVICE_DECISIONS)}),
    ActiveRow("punishment", "第二十条第（六）项", {T2021: "行政处罚", T2019: "行政处罚"},
              {T2021: (DECISIONS,), T2019: (PREV_ITEMS, DELTA, DECISIONS)}),
    ActiveRow("enforcement", "第二十条第（六）项", {T2021: "行政强制", T2019: "行政强制"},
              {T2021: (DECISIONS,), T2019: (PREV_ITEMS, DELTA, DECISIONS)}),
    ActiveRow("fees", "第二十条第（八）项", {T2021: "行政事业性收费", T2019: "行政事业性收费"},
              {T2021: (FEE_AMOUNT,), T2019: (PREV_ITEMS, DELTA)}),
    ActiveRow("procurement", "第二十条第（九）项", {T2019: "政府集中采购"},
              {T2019: (PROJECTS, PROCUREMENT_AMOUNT)}),
)

# The CSV lists table 二 by row, but fees and procurement put their money column first or last
# as the printed template does; this is the CSV's order of (row, column) pairs.
_ACTIVE_CSV_ORDER = (
    ("rules", "issued"), ("rules", "repealed"), ("rules", "in_force"),
    ("rules", "made"), ("rules", "published"), ("rules", "total_published"),
    ("normative_docs", "issued"), ("normative_docs", "repealed"), ("normative_docs", "in_force"),
    ("normative_docs", "made"), ("normative_docs", "published"), ("normative_docs", "total_published"),
    ("licensing", "decisions"), ("licensing", "prev_items"), ("licensing", "delta"),
    ("other_services", "prev_items"), ("other_services", "delta"), ("other_services", "decisions"),
    ("punishment", "decisions"), ("punishment", "prev_items"), ("punishment", "delta"),
    ("enforcement", "decisions"), ("enforcement", "prev_items"), ("enforcement", "delta"),
    ("fees", "amount"), ("fees", "prev_items"), ("fees", "delta"),
    ("procurement", "projects"), ("procurement", "amount"),
)

# --- table 三 -------------------------------------------------------------------------------

ORG = "法人或其他组织"
APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", f"{ORG} / 商业企业", aliases=("商业企业",)),
    Column("research", f"{ORG} / 科研机构", aliases=("科研机构",)),
    Column("public_interest", f"{ORG} / 社会公益组织", aliases=("社会公益组织",)),
    Column("legal_services", f"{ORG} / 法律服务机构", aliases=("法律服务机构",)),
    Column("other_org", f"{ORG} / 其他", aliases=("其他",)),
    Column("all", "总计", aliases=("合计",)),
)

GROUPS: tuple[Group, ...] = (
    Group("outcomes", "三、本年度办理结果", aliases=("本年度办理结果", "办理结果")),
    Group("denied", "（三）不予公开"),
    Group("unavailable", "（四）无法提供"),
    Group("not_processed", "（五）不予处理"),
    Group("other", "（六）其他处理"),
)

_DENIED = "三 /（三）不予公开 / "
_UNAVAILABLE = "三 /（四）无法提供 / "
_NOT_PROCESSED = "三 /（五）不予处理 / "
_OTHER = "三 /（六）其他处理 / "

APPLICATION_ROWS: tuple[ApplicationRow, ...] = (
    ApplicationRow("new_received", "一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"),
    ApplicationRow("carried_over", "二、上年结转政府信息公开申请数量", "二、上年结转政府信息公开申请数量"),
    ApplicationRow("granted", "（一）予以公开", "三、本年度办理结果 /（一）予以公开", group="outcomes"),
    ApplicationRow("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                   "三 /（二）部分公开（区分处理的，只计这一情形，不计其他情形）", group="outcomes",
                   aliases=("部分公开",)),
    *(
        ApplicationRow(f"denied.{key}", label, _DENIED + label, group="denied", aliases=aliases)
        for key, label, aliases in (
            ("state_secret", "1.属于国家秘密", ()),
            ("law_forbidden", "2.其他法律行政法规禁止公开", ("其他法律法规禁止公开",)),
            ("security_stability", "3.危及“三安全一稳定”", ("危及三安全一稳定",)),
            ("third_party", "4.保护第三方合法权益", ()),
            ("internal_affairs", "5.属于三类内部事务信息", ()),
            ("process_info", "6.属于四类过程性信息", ()),
            ("enforcement_files", "7.属于行政执法案卷", ()),
            ("query_matters", "8.属于行政查询事项", ()),
        )
    ),
    *(
        ApplicationRow(f"unavailable.{key}", label, _UNAVAILABLE + label, group="unavailable")
        for key, label in (
            ("not_held", "1.本机关不掌握相关政府信息"),
            ("needs_creation", "2.没有现成信息需要另行制作"),
            ("unclear", "3.补正后申请内容仍不明确"),
        )
    ),
    *(
        ApplicationRow(f"not_processed.{key}", label, _NOT_PROCESSED + label, group="not_processed")
        for key, label in (
            ("petition", "1.信访举报投诉类申请"),
            ("duplicate", "2.重复申请"),
            ("publication", "3.要求提供公开出版物"),
            ("excessive", "4.无正当理由大量反复申请"),
            ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        )
    ),
    ApplicationRow("other.total", "（六）其他处理", "三 /（六）其他处理 (2019: one row)", templates=(T2019,)),
    *(
        ApplicationRow(f"other.{key}", label, _OTHER + label, templates=(T2021,), group="other")
        for key, label in (
            ("overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
            ("overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
            ("misc", "3.其他"),
        )
    ),
    ApplicationRow("total", "（七）总计", "三 /（七）总计", group="outcomes", aliases=("（七）合计",)),
    ApplicationRow("carried_forward", "四、结转下年度继续办理", "四、结转下年度继续办理"),
)

OUTCOME_ROWS = tuple(r.key for r in APPLICATION_ROWS if r.key not in
                     ("new_received", "carried_over", "total", "carried_forward"))

# --- table 四 -------------------------------------------------------------------------------

APPEAL_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计", aliases=("合计",)),
)
APPEAL_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼 / 未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼 / 复议后起诉"),
)

SECTION_APPLICATIONS = "收到和处理政府信息公开申请情况"
SECTION_APPEALS = "政府信息公开行政复议、行政诉讼情况"


@dataclass
class Schema:
    """All metrics, in the order of ``metrics.csv``, with lookups by key and template."""

    metrics: list[Metric] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_key = {m.key: m for m in self.metrics}
        self._keys = {t: tuple(m.key for m in self.metrics if t is None or t in m.templates) for t in (None, *BOTH)}

    def keys(self, template: str | None = None) -> list[str]:
        """Metric keys, all of them or only those of one template."""
        return list(self._keys[template])


def _active_metrics() -> list[Metric]:
    rows = {r.key: r for r in ACTIVE_ROWS}
    out = []
    for row_key, col_key in _ACTIVE_CSV_ORDER:
        row = rows[row_key]
        templates = tuple(t for t in BOTH if any(c.key == col_key for c in row.columns.get(t, ())))
        column = next(c for t in templates for c in row.columns[t] if c.key == col_key)
        label_template = T2021 if T2021 in templates else T2019
        out.append(Metric(f"active.{row_key}.{col_key}", "active", row.section, row.labels[label_template],
                          column.label, templates, column.unit))
    return out


def _application_metrics() -> list[Metric]:
    return [
        Metric(f"applications.{row.key}.{col.key}", "applications", SECTION_APPLICATIONS, row.csv_label,
               col.label, row.templates, col.unit)
        for row in APPLICATION_ROWS
        for col in APPLICANT_COLUMNS
    ]


def _appeal_metrics() -> list[Metric]:
    return [
        Metric(f"appeals.{group}.{col.key}", "appeals", SECTION_APPEALS, label, col.label, BOTH, col.unit)
        for group, label in APPEAL_GROUPS
        for col in APPEAL_COLUMNS
    ]


SCHEMA = Schema(_active_metrics() + _application_metrics() + _appeal_metrics())
