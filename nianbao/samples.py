"""Synthetic annual reports (政府信息公开工作年度报告) in the many forms districts publish them.

The normalizer is judged on report forms the shared corpus does not show, so this module writes
reports with known numbers: :func:`random_metrics` draws a metrics dict over exactly the keys of
one template that satisfies the template's arithmetic, and :func:`render` prints it in a named
style (clean HTML, Word-exported HTML, ``<p>`` soup, GBK pages, flattened text …).

``quirks`` (a plain dict, all keys optional) adds the content variations seen in real reports:

* ``numbering``: label numbering scheme, one of :data:`NUMBERINGS`;
* ``typos``: ``{official label fragment: printed fragment}`` for label typos;
* ``zero``: the text printed for a zero count (``"0"``, ``""``, ``"-"``, ``"—"``, ``"/"``, ``"无"``);
* ``fullwidth`` / ``thousands``: full-width digits, thousands separators;
* ``money``: ``"wan"`` (万元, default) or ``"yuan"`` (the cell carries ``元``);
  ``money_decimals``: decimals printed for 万元 amounts (4 by default);
* ``blank_totals``: leave the 总计 column blank on the detail rows of 三、本年度办理结果;
* ``drop_cells``: metric keys whose cell is left out of its row altogether;
* ``extra_rows``: ``{section: [(label, [values…])]}`` non-standard rows in table 二;
* ``omit_tables``: table names (``active``, ``applications``, ``appeals``) not printed;
* ``tables_as_images``: print every table as an ``<img>`` (HTML styles only);
* ``split_tables``: print each logical table as several tables or blocks;
* ``colspan_shift``: table 二's header and data rows put their colspans on different columns;
* ``narrative``: ``{"claim_no_appeals": True}`` and/or ``{"stated_received": N}`` to make the
  text contradict the tables;
* ``cite``: the template whose document number the report cites (``"2019"`` or ``"2021"``);
* ``headings``: ``"standard"`` or ``"reworded"`` section headings;
* ``label_spaces``, ``wrap_headers``, ``trailing_empty_row``: typists' layout habits (see the
  functions that read them).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from html import escape

from pipeline.schema import (
    ACTIVE_ROWS,
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    GROUPS,
    MONEY_KEYS,
    OUTCOME_ROWS,
    SCHEMA,
    T2019,
    T2021,
)

Metrics = dict[str, int | float]

# Fictional districts: real names would collide with the gazetteer and with published reports.
REGIONS = ("云湖区", "青岚区", "白沙区", "松陵区", "柳溪区", "桃源区", "西津区", "枫林县", "石门县",
           "江屿区", "南溪县", "临泽市", "鹤山区", "栖霞县", "金川区", "梧桐县")
ORG_SUFFIXES = ("人民政府", "人民政府办公室", "教育局", "卫生健康委员会", "自然资源局", "生态环境分局")
CITED_DOCUMENT = {T2019: "国办公开办函〔2019〕60号", T2021: "国办公开办函〔2021〕30号"}


# --- metadata -------------------------------------------------------------------------------


def random_meta(seed: int, year: int, *, org_suffix: str | None = None, title_form: str = "org") -> dict:
    """Plain metadata of a fictional report: region, org, year, title, dates and index numbers.

    ``title_form`` is ``org`` (``{org}{year}年…``), ``region`` (``{region}{year}年…``),
    ``year_first`` (``{year}年{org}…``) or ``niandu`` (``{org}{year}年度…``).
    """
    rng = random.Random(f"meta:{seed}")
    region = rng.choice(REGIONS)
    org = region + (org_suffix or rng.choice(ORG_SUFFIXES))
    published = date(year + 1, 1, 10) + timedelta(days=rng.randrange(70))
    titles = {
        "org": f"{org}{year}年政府信息公开工作年度报告",
        "region": f"{region}{year}年政府信息公开工作年度报告",
        "year_first": f"{year}年{org}政府信息公开工作年度报告",
        "niandu": f"{org}{year}年度政府信息公开工作年度报告",
    }
    return {
        "region": region,
        "org": org,
        "year": year,
        "title": titles[title_form],
        "published": published.isoformat(),
        "written": (published - timedelta(days=rng.randrange(1, 9))).isoformat(),
        "index_no": f"{rng.randrange(11_000_000, 11_999_999)}/{year + 1}-{rng.randrange(1, 999):05d}",
        "seed": seed,
    }


# --- metrics --------------------------------------------------------------------------------


def random_metrics(template: str, seed: int, *, volume: int = 30, money_decimals: int = 4) -> Metrics:
    """A metrics dict over exactly ``SCHEMA.keys(template)`` satisfying the template's arithmetic.

    ``volume`` is roughly the number of requests a natural person files; money amounts are in
    万元 rounded to ``money_decimals`` places (6 keeps whole 分 when printed in 元).
    """
    rng = random.Random(f"metrics:{template}:{seed}")
    metrics: Metrics = {}
    metrics.update(_random_active(rng, template, money_decimals))
    metrics.update(_random_applications(rng, template, volume))
    metrics.update(_random_appeals(rng))
    return {key: metrics[key] for key in SCHEMA.keys(template)}


def _random_money(rng: random.Random, decimals: int) -> float:
    """An amount in 万元, zero a third of the time as in most district reports."""
    if rng.random() < 0.33:
        return 0.0
    return round(rng.randrange(1, 10**8) / 10**6, decimals)


def _random_active(rng: random.Random, template: str, money_decimals: int) -> Metrics:
    """Table 二: small counts for rules, large ones for licensing and punishment."""
    ceilings = {"rules": 3, "normative_docs": 40, "licensing": 20000, "other_services": 800,
                "punishment": 3000, "enforcement": 120, "fees": 60, "procurement": 300}
    out: Metrics = {}
    for row in ACTIVE_ROWS:
        for column in row.columns.get(template, ()):
            key = f"active.{row.key}.{column.key}"
            ceiling = ceilings[row.key]
            if key in MONEY_KEYS:
                out[key] = _random_money(rng, money_decimals)
            elif column.key == "delta":
                out[key] = rng.randint(-ceiling // 10 - 1, ceiling // 10 + 1)
            elif column.key in ("in_force", "total_published"):
                out[key] = rng.randint(0, ceiling * 8)
            else:
                out[key] = rng.randint(0, ceiling) if rng.random() < 0.8 else 0
    return out


# Outcome weights: most requests are granted or the office does not hold the information.
_OUTCOME_WEIGHTS = {"granted": 6.0, "partially_granted": 1.5, "unavailable.not_held": 3.0,
                    "not_processed.duplicate": 0.6, "other.misc": 0.6, "other.total": 0.8}


def follow(previous: Metrics, metrics: Metrics) -> Metrics:
    """``metrics`` made to follow the same body's report of the year before, as real series do:
    二、上年结转 equals last year's 四、结转下年度继续办理 (column by column, 一 absorbing the
    difference so that the 勾稽关系 still holds), 现行有效件数 carries on from last year's, and
    the 2019 template's 上一年项目数量 is last year's plus its 本年增/减."""
    metrics = dict(metrics)
    parts = [c.key for c in APPLICANT_COLUMNS if c.key != "all"]
    for column in parts:
        wanted = previous[f"applications.carried_forward.{column}"]
        difference = wanted - metrics[f"applications.carried_over.{column}"]
        metrics[f"applications.carried_over.{column}"] = wanted
        received = f"applications.new_received.{column}"
        if metrics[received] >= difference:
            metrics[received] -= difference
        else:  # too few new requests to absorb it: the extra ones were granted
            for row in ("new_received", "granted", "total"):
                metrics[f"applications.{row}.{column}"] += difference if row != "new_received" else 0
    for row in ("new_received", "carried_over", "granted", "total"):
        metrics[f"applications.{row}.all"] = sum(metrics[f"applications.{row}.{c}"] for c in parts)
    for row in ("rules", "normative_docs"):
        if f"active.{row}.in_force" in metrics and f"active.{row}.in_force" in previous:
            issued, repealed = metrics[f"active.{row}.issued"], metrics[f"active.{row}.repealed"]
            repealed = min(repealed, previous[f"active.{row}.in_force"] + issued)
            metrics[f"active.{row}.repealed"] = repealed
            metrics[f"active.{row}.in_force"] = previous[f"active.{row}.in_force"] + issued - repealed
    for row in ("licensing", "other_services", "punishment", "enforcement", "fees"):
        if f"active.{row}.prev_items" in metrics and f"active.{row}.delta" in previous:
            metrics[f"active.{row}.prev_items"] = max(0, previous[f"active.{row}.prev_items"]
                                                      + previous[f"active.{row}.delta"])
    return metrics


def outcome_rows(template: str) -> list[str]:
    """Row keys of 三、本年度办理结果 that count toward （七）总计 in ``template``."""
    keys = set(SCHEMA.keys(template))
    return [row for row in OUTCOME_ROWS if f"applications.{row}.all" in keys]


def _random_applications(rng: random.Random, template: str, volume: int) -> Metrics:
    """Table 三, drawn column by column so that every column balances: 一+二 = （七）+四."""
    rows = outcome_rows(template)
    weights = [_OUTCOME_WEIGHTS.get(row, 0.15) for row in rows]
    table: dict[str, dict[str, int]] = {}
    for index, column in enumerate(c.key for c in APPLICANT_COLUMNS if c.key != "all"):
        scale = volume if index == 0 else max(1, volume // 8) if rng.random() < 0.5 else 0
        received = rng.randint(0, scale)
        carried = rng.randint(0, max(0, scale // 10))
        forward = rng.randint(0, min(3, received + carried))
        counts = dict.fromkeys(rows, 0)
        for row in rng.choices(rows, weights, k=received + carried - forward):
            counts[row] += 1
        table[column] = {"new_received": received, "carried_over": carried, **counts,
                         "total": received + carried - forward, "carried_forward": forward}
    out: Metrics = {}
    for row in ["new_received", "carried_over", *rows, "total", "carried_forward"]:
        for column, values in table.items():
            out[f"applications.{row}.{column}"] = values[row]
        out[f"applications.{row}.all"] = sum(values[row] for values in table.values())
    return out


def _random_appeals(rng: random.Random) -> Metrics:
    """Table 四: mostly zero, with the occasional review or lawsuit."""
    out: Metrics = {}
    for group, _label in APPEAL_GROUPS:
        parts = {c.key: (rng.randint(0, 3) if rng.random() < 0.25 else 0)
                 for c in APPEAL_COLUMNS if c.key != "total"}
        out.update({f"appeals.{group}.{key}": value for key, value in parts.items()})
        out[f"appeals.{group}.total"] = sum(parts.values())
    return out


def arithmetic_errors(metrics: Metrics, template: str) -> list[str]:
    """Every rule of the template's arithmetic that ``metrics`` breaks, as short sentences."""
    errors = []
    applicants = [c.key for c in APPLICANT_COLUMNS if c.key != "all"]
    rows = ["new_received", "carried_over", *outcome_rows(template), "total", "carried_forward"]
    for row in rows:
        parts = sum(metrics[f"applications.{row}.{c}"] for c in applicants)
        if parts != metrics[f"applications.{row}.all"]:
            errors.append(f"applications.{row}: 总计 {metrics[f'applications.{row}.all']} != {parts}")
    for column in [*applicants, "all"]:
        value = {row: metrics[f"applications.{row}.{column}"] for row in rows}
        outcomes = sum(value[row] for row in outcome_rows(template))
        if outcomes != value["total"]:
            errors.append(f"applications.total.{column}: （七）总计 {value['total']} != {outcomes}")
        if value["new_received"] + value["carried_over"] != value["total"] + value["carried_forward"]:
            errors.append(f"applications.*.{column}: 一+二 != （七）+四")
    for group, _label in APPEAL_GROUPS:
        parts = sum(metrics[f"appeals.{group}.{c.key}"] for c in APPEAL_COLUMNS if c.key != "total")
        if parts != metrics[f"appeals.{group}.total"]:
            errors.append(f"appeals.{group}.total {metrics[f'appeals.{group}.total']} != {parts}")
    return errors


# --- cell text ------------------------------------------------------------------------------

NUMBERINGS = ("standard", "halfwidth", "dun", "circled", "paren_arabic", "fullwidth")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_FULLWIDTH_DIGITS = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
_SUBITEM = re.compile(r"^(\d+)[.．、]")
_BLOCK = re.compile(r"^（([一二三四五六七八九十]+)）")


def renumber(label: str, scheme: str) -> str:
    """``label`` with its （一）/1. numbering written in ``scheme`` (one of :data:`NUMBERINGS`)."""
    block = {"halfwidth": r"(\1)", "dun": r"\1、", "paren_arabic": r"(\1)"}.get(scheme)
    if block:
        label = _BLOCK.sub(block, label)
    match = _SUBITEM.match(label)
    if not match or scheme == "standard":
        return label
    number = int(match.group(1))
    prefix = {
        "halfwidth": f"{number}.",
        "dun": f"{number}、",
        "circled": _CIRCLED[number - 1],
        "paren_arabic": f"({number})",
        "fullwidth": f"{number}．".translate(_FULLWIDTH_DIGITS),
    }[scheme]
    return prefix + label[match.end():]


def printed_label(label: str, quirks: dict) -> str:
    """An official label as this report prints it: typos first, then the numbering scheme;
    ``label_spaces`` spreads short labels with full-width spaces (规　章) as typists align them."""
    for official, printed in quirks.get("typos", {}).items():
        label = label.replace(official, printed)
    if quirks.get("label_spaces") and 2 <= len(label) <= 3:
        label = "\u3000".join(label)
    return renumber(label, quirks.get("numbering", "standard"))


def format_count(value: int, quirks: dict) -> str:
    """A count as printed: zero style, thousands separators, full-width digits."""
    digits = f"{value:,}" if quirks.get("thousands") else str(value)
    text = digits if value else quirks.get("zero", "0")
    return text.translate(_FULLWIDTH_DIGITS) if quirks.get("fullwidth") else text


def format_money(amount: float, quirks: dict) -> str:
    """An amount of 万元 as printed: in 万元 with fixed decimals, or in 元 with the unit."""
    if amount == 0:
        return quirks.get("zero", "0")
    if quirks.get("money") == "yuan":
        yuan = round(amount * 10_000, 2)
        return (f"{yuan:.0f}" if yuan == int(yuan) else f"{yuan:.2f}") + "元"
    return f"{amount:.{quirks.get('money_decimals', 4)}f}"


def format_value(key: str, value: int | float, quirks: dict) -> str:
    """The printed text of metric ``key``."""
    return format_money(value, quirks) if key in MONEY_KEYS else format_count(int(value), quirks)


# --- table layout ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A printed table cell: its text, spans, and whether it is a label (header) or a value."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Table = list[list[Cell]]


def _label(text: str, quirks: dict, **spans: int) -> Cell:
    return Cell(printed_label(text, quirks), header=True, **spans)


def _column_label(text: str, quirks: dict, **spans: int) -> Cell:
    """A column header; ``wrap_headers`` breaks long ones over two lines as a narrow column does."""
    cell = _label(text, quirks, **spans)
    if quirks.get("wrap_headers") and len(cell.text) >= 6:
        middle = len(cell.text) // 2
        cell = replace(cell, text=cell.text[:middle] + "\n" + cell.text[middle:])
    return cell


def _spans(count: int, width: int, stretch: int) -> list[int]:
    """Colspans of ``count`` cells filling ``width`` columns, the slack on cell ``stretch``."""
    spans = [1] * count
    spans[min(stretch, count - 1)] += width - count
    return spans


# The printed template differs from the CSV's combined labels in table 二's headers.
_ACTIVE_HEADERS = {
    (T2021, "decisions"): "本年处理决定数量",
    (T2019, "decisions"): "处理决定数量",
    (T2021, "amount"): "本年收费金额（单位：万元）",
    (T2019, "amount"): "采购总金额（万元）",
}


def active_blocks(metrics: Metrics, template: str, quirks: dict) -> list[Table]:
    """Table 二 as one block of rows per 第二十条 item, in the template's order."""
    width = 4 if quirks.get("colspan_shift") else 3
    header_stretch, data_stretch = (1, 0) if quirks.get("colspan_shift") else (2, 2)
    rows = [row for row in ACTIVE_ROWS if template in row.columns]
    blocks = []
    for section in dict.fromkeys(row.section for row in rows):
        members = [row for row in rows if row.section == section]
        columns = members[0].columns[template]
        headers = [_ACTIVE_HEADERS.get((template, c.key), c.label) for c in columns]
        block = [[_label(section, quirks, colspan=width + 1)],
                 [_label("信息内容", quirks)] + [
                     _column_label(text, quirks, colspan=span)
                     for text, span in zip(headers, _spans(len(columns), width, header_stretch), strict=True)]]
        printed = [(row.labels[template], [format_value(f"active.{row.key}.{c.key}",
                                                        metrics[f"active.{row.key}.{c.key}"], quirks)
                                           for c in columns]) for row in members]
        printed += [(label, [format_count(v, quirks) for v in values])
                    for label, values in quirks.get("extra_rows", {}).get(section, [])]
        for label, values in printed:
            spans = _spans(len(values), width, data_stretch)
            block.append([_label(label, quirks)] + [Cell(text, colspan=span)
                                                     for text, span in zip(values, spans, strict=True)])
        blocks.append(block)
    return blocks


def _application_paths(template: str) -> list[tuple[str, tuple[str, ...]]]:
    """(row key, label path) of every row of table 三 in ``template``, top to bottom."""
    keys = set(SCHEMA.keys(template))
    groups = {group.key: group.label for group in GROUPS}
    paths = []
    for row in APPLICATION_ROWS:
        if f"applications.{row.key}.all" not in keys:
            continue
        if row.key == "other.total":  # the 2019 template's single （六） row has no group in the schema
            paths.append((row.key, (groups["outcomes"], row.label)))
        elif row.group is None:
            paths.append((row.key, (row.label,)))
        elif row.group == "outcomes":
            paths.append((row.key, (groups["outcomes"], row.label)))
        else:
            paths.append((row.key, (groups["outcomes"], groups[row.group], row.label)))
    return paths


def _tree_rows(rows: list[tuple[tuple[str, ...], list[Cell]]], depth: int, quirks: dict) -> Table:
    """Lay out rows whose labels form a hierarchy: shared parents become rowspans, short
    paths stretch their last label over the remaining label columns."""
    out = []
    for index, (path, values) in enumerate(rows):
        labels = []
        for level, text in enumerate(path):
            prefix = path[: level + 1]
            if index and rows[index - 1][0][: level + 1] == prefix:
                continue
            rowspan = 1
            while index + rowspan < len(rows) and rows[index + rowspan][0][: level + 1] == prefix:
                rowspan += 1
            colspan = depth - level if level == len(path) - 1 else 1
            labels.append(_label(text, quirks, rowspan=rowspan, colspan=colspan))
        out.append(labels + values)
    return out


def _applications_header(quirks: dict) -> Table:
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    orgs = [c.label.split(" / ")[-1] for c in APPLICANT_COLUMNS[1:-1]]
    return [
        [_label(note, quirks, rowspan=3, colspan=3), _label("申请人情况", quirks, colspan=7)],
        [_label("自然人", quirks, rowspan=2), _label("法人或其他组织", quirks, colspan=5),
         _label("总计", quirks, rowspan=2)],
        [_column_label(text, quirks) for text in orgs],
    ]


def _application_values(row_key: str, metrics: Metrics, quirks: dict) -> list[Cell]:
    """The seven value cells of a row of table 三, less any dropped or blanked ones."""
    detail = row_key not in ("new_received", "carried_over", "total", "carried_forward")
    cells = []
    for column in APPLICANT_COLUMNS:
        key = f"applications.{row_key}.{column.key}"
        if key in quirks.get("drop_cells", ()):
            continue
        blank = column.key == "all" and detail and quirks.get("blank_totals")
        cells.append(Cell("" if blank else format_value(key, metrics[key], quirks)))
    return cells


# Where a long table 三 breaks when it is printed as several tables (a Word page break).
_SPLIT_BEFORE = ("unavailable.not_held", "other.total", "other.overdue_correction")


def application_parts(metrics: Metrics, template: str, quirks: dict) -> list[Table]:
    """Table 三, as one part or (``split_tables``) several, each part laid out on its own so
    that 三、本年度办理结果 is repeated with its own rowspan as Word does across pages."""
    parts: list[list] = [[]]
    for row_key, path in _application_paths(template):
        if quirks.get("split_tables") and row_key in _SPLIT_BEFORE:
            parts.append([])
        parts[-1].append((path, _application_values(row_key, metrics, quirks)))
    tables = [_tree_rows(rows, 3, quirks) for rows in parts]
    tables[0] = _applications_header(quirks) + tables[0]
    return tables


def appeals_table(metrics: Metrics, quirks: dict) -> Table:
    """Table 四: a three-row header over one row of fifteen values, and a row of fifteen
    blanks after it if ``trailing_empty_row`` (Word leaves one when the table is resized)."""
    results = [_column_label(c.label, quirks) for c in APPEAL_COLUMNS]
    return [
        [_label("行政复议", quirks, colspan=5), _label("行政诉讼", quirks, colspan=10)],
        [replace(cell, rowspan=2) for cell in results]
        + [_label("未经复议直接起诉", quirks, colspan=5), _label("复议后起诉", quirks, colspan=5)],
        results + results,
        [Cell(format_value(f"appeals.{group}.{c.key}", metrics[f"appeals.{group}.{c.key}"], quirks))
         for group, _label_text in APPEAL_GROUPS for c in APPEAL_COLUMNS],
        *([[Cell("")] * 15] if quirks.get("trailing_empty_row") else []),
    ]


def grid(table: Table) -> list[list[Cell | None]]:
    """The table on its true grid: each cell at its top-left position, None where it spans."""
    placed: dict[tuple[int, int], Cell | None] = {}
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in placed:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    placed[(r + dr, c + dc)] = None
            placed[(r, c)] = cell
            c += cell.colspan
    width = max((c for _r, c in placed), default=-1) + 1
    return [[placed.get((r, c)) for c in range(width)] for r in range(len(table))]


# --- the report as blocks -------------------------------------------------------------------


def _headings(quirks: dict) -> dict[str, str]:
    """Section headings; ``reworded`` uses wordings and slips seen in published reports."""
    if quirks.get("headings") == "reworded":
        return {"overview": "一、总体情况概述", "active": "二、主动公开政府信息的情况",
                "applications": "三、收到和处理政府信息公开申请的情况",
                "appeals": "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
                "problems": "五、存在的主要问题和改进措施", "other": "六、其它需要报告的事项"}
    return {"overview": "一、总体情况", "active": "二、主动公开政府信息情况",
            "applications": "三、收到和处理政府信息公开申请情况",
            "appeals": "四、政府信息公开行政复议、行政诉讼情况",
            "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项"}


def _appeals_sentence(metrics: Metrics, quirks: dict) -> str:
    reviews = metrics["appeals.review.total"]
    lawsuits = metrics["appeals.litigation_direct.total"] + metrics["appeals.litigation_after_review.total"]
    if quirks.get("narrative", {}).get("claim_no_appeals") or reviews + lawsuits == 0:
        return "本年度没有因政府信息公开工作被申请行政复议或提起行政诉讼的情况。"
    return f"全年因政府信息公开被申请行政复议{reviews}件，被提起行政诉讼{lawsuits}件。"


# Stock phrases districts reuse, several of each, so that two generated reports share some
# sentences but are not copies of one another (the archive flags copied narrative sections).
_OPENINGS = (
    "{year}年，{org}认真贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》），围绕中心工作不断深化政务公开，各项工作有序推进。",
    "{year}年，{org}坚持以公开为常态、不公开为例外，持续提升政务公开质量，较好完成了年度各项任务。",
    "{year}年，{org}按照上级关于政务公开工作的部署要求，持续完善公开制度，扩大公开范围，回应社会关切。",
    "{year}年，在上级政务公开办公室的指导下，{org}聚焦重点领域信息公开，推动政务公开工作提质增效。",
)
_MANAGEMENT = (
    "政府信息管理。严格落实信息发布前保密审查制度，全年未发生失泄密事件。",
    "政府信息管理。建立信息发布“三审三校”机制，动态更新政府信息公开指南和目录。",
    "政府信息管理。开展规范性文件清理，及时公布清理结果，确保公开内容准确规范。",
    "政府信息管理。完善政府信息公开属性源头认定机制，公文拟制时同步明确公开方式。",
)
_PLATFORMS = (
    "平台建设。优化政府门户网站信息公开专栏，推动政务新媒体与网站信息同步发布。",
    "平台建设。升级政府网站集约化平台，完善站内搜索功能，提升信息查找便利性。",
    "平台建设。规范政务新媒体账号管理，关停整合更新不及时的账号。",
    "平台建设。在政务服务中心设立政府信息公开查阅点，方便群众现场查询。",
)
_SUPERVISION = (
    "监督保障。将政务公开纳入年度绩效考核，组织业务培训{n}次。",
    "监督保障。定期开展网站自查，对发现的问题建立台账限期整改，组织培训{n}次。",
    "监督保障。聘请社会监督员开展评议，召开专题推进会{n}次。",
    "监督保障。建立政务公开工作通报制度，全年印发工作通报{n}期。",
)
_PROBLEMS = (
    "工作人员业务能力有待提高，公开内容的规范性还需加强。下一步将加大培训力度，强化审核把关。",
    "政策解读形式较为单一，图解和视频解读偏少。下一步将丰富解读形式，提高解读的针对性。",
    "基层政务公开标准化规范化水平仍有差距。下一步将加强业务指导，完善公开目录。",
    "依申请公开答复的规范性有待加强。下一步将统一答复文书，加强法律审核。",
    "部分栏目更新不够及时。下一步将落实专人维护，建立更新提醒机制。",
)


def _overview(meta: dict, metrics: Metrics, quirks: dict) -> list[str]:
    """Section 一's paragraphs, whose numbers agree with the tables unless ``narrative`` says not."""
    rng = random.Random(f"narrative:{meta['seed']}:{meta['year']}:{meta['org']}")
    number = [renumber(f"（{n}）", quirks.get("numbering", "standard")) for n in "一二三四五"]
    received = quirks.get("narrative", {}).get("stated_received", metrics["applications.new_received.all"])
    docs = metrics.get("active.normative_docs.issued", metrics.get("active.normative_docs.made", 0))
    paragraphs = [
        rng.choice(_OPENINGS).format(year=meta["year"], org=meta["org"]),
        f"{number[0]}主动公开。全年主动公开政府信息{rng.randint(300, 5000)}条，"
        f"制发行政规范性文件{docs}件，发布政策解读材料{rng.randint(5, 60)}篇。",
        f"{number[1]}依申请公开。本年度新收政府信息公开申请{received}件，"
        f"加上上年结转{metrics['applications.carried_over.all']}件，"
        f"已办结{metrics['applications.total.all']}件，"
        f"结转下年度继续办理{metrics['applications.carried_forward.all']}件。"
        + _appeals_sentence(metrics, quirks),
        number[2] + rng.choice(_MANAGEMENT),
        number[3] + rng.choice(_PLATFORMS),
        number[4] + rng.choice(_SUPERVISION).format(n=rng.randint(1, 9)),
    ]
    if quirks.get("cite"):
        paragraphs.insert(0, "本报告依据《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国"
                             f"政府信息公开工作年度报告格式〉的通知》（{CITED_DOCUMENT[quirks['cite']]}）编制。")
    return paragraphs


def _chinese_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def report_blocks(meta: dict, metrics: Metrics, template: str, quirks: dict) -> list[tuple[str, object]]:
    """The report in reading order as (kind, content) pairs: ``title``, ``heading`` and
    ``para`` carry text, ``table`` a list of parts (each a :data:`Table`) of one logical table."""
    heads = _headings(quirks)
    omitted = set(quirks.get("omit_tables", ()))
    tables = {
        "active": active_blocks(metrics, template, quirks) if quirks.get("split_tables")
        else [[row for block in active_blocks(metrics, template, quirks) for row in block]],
        "applications": application_parts(metrics, template, quirks),
        "appeals": [appeals_table(metrics, quirks)],
    }
    blocks: list[tuple[str, object]] = [("title", meta["title"]), ("heading", heads["overview"])]
    blocks += [("para", text) for text in _overview(meta, metrics, quirks)]
    for name in ("active", "applications", "appeals"):
        blocks.append(("heading", heads[name]))
        blocks.append(("para", "详见下表。") if name in omitted else ("table", tables[name]))
    blocks += [
        ("heading", heads["problems"]),
        ("para", random.Random(f"problems:{meta['seed']}:{meta['year']}:{meta['org']}").choice(_PROBLEMS)),
        ("heading", heads["other"]),
        ("para", "本年度未收取信息处理费。"),
        ("para", meta["org"]),
        ("para", _chinese_date(meta["published"])),
    ]
    return blocks


def legacy_blocks(meta: dict) -> list[tuple[str, object]]:
    """A pre-2019 free-form report: the old outline, numbers only inside sentences, no tables."""
    rng = random.Random(f"legacy:{meta['seed']}")
    received, granted = rng.randint(5, 80), rng.randint(0, 5)
    return [
        ("title", meta["title"]),
        ("para", f"本报告根据《中华人民共和国政府信息公开条例》要求，由{meta['org']}编制。全文包括概述，"
                 "主动公开政府信息情况，依申请公开政府信息情况，政府信息公开的收费及减免情况，"
                 "因政府信息公开申请行政复议、提起行政诉讼的情况，存在的主要问题及改进措施。"),
        ("heading", "一、概述"),
        ("para", f"{meta['year']}年，我区政府信息公开工作按照上级部署稳步推进。"),
        ("heading", "二、主动公开政府信息情况"),
        ("para", f"全年共主动公开政府信息{rng.randint(500, 5000)}条，其中规范性文件{rng.randint(1, 30)}件。"),
        ("heading", "三、依申请公开政府信息情况"),
        ("para", f"全年共受理政府信息公开申请{received}件，已全部按期答复，其中同意公开{received - granted}件，"
                 f"不予公开{granted}件。"),
        ("heading", "四、政府信息公开的收费及减免情况"),
        ("para", "全年未收取任何费用。"),
        ("heading", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("para", "全年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"),
        ("heading", "六、存在的主要问题及改进措施"),
        ("para", "信息公开的及时性有待提高，下一步将进一步完善工作机制。"),
        ("para", _chinese_date(meta["published"])),
    ]


# --- HTML -----------------------------------------------------------------------------------

_MSO_TD = ("style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;"
           "padding:0cm 5.4pt 0cm 5.4pt'")
_MSO_SPAN = "style='font-size:10.0pt;font-family:仿宋_GB2312;mso-bidi-font-family:宋体'"


def _span_attrs(cell: Cell, quote: str = '"') -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f" rowspan={quote}{cell.rowspan}{quote}"
    if cell.colspan > 1:
        attrs += f" colspan={quote}{cell.colspan}{quote}"
    return attrs


def _clean_cell(cell: Cell) -> str:
    """A cell of a hand-written or CMS-editor table: ``<th>`` labels, bare text."""
    tag = "th" if cell.header else "td"
    return f"<{tag}{_span_attrs(cell)}>{escape(cell.text)}</{tag}>"


def _word_break(text: str) -> str:
    """A long label broken by ``<br>`` as Word wraps it in a narrow cell (本年新<br>制作数量)."""
    if len(text) < 6 or len(text) > 16:
        return escape(text)
    middle = len(text) // 2
    return escape(text[:middle]) + "<br>" + escape(text[middle:])


def _word_digits(text: str) -> str:
    """A number split over runs as Word does after an edit (``<span>2</span><span>0</span>``)."""
    if len(text) < 2:
        return f"<span {_MSO_SPAN}>{escape(text)}</span>"
    middle = len(text) // 2
    return f"<span {_MSO_SPAN}>{escape(text[:middle])}</span><span lang=EN-US>{escape(text[middle:])}</span>"


def _word_paragraphs(text: str) -> list[str]:
    """A label's paragraphs: very long labels run over two (``（三）`` + ``不予公开`` style)."""
    if len(text) <= 16:
        return [_word_break(text)]
    cut = text.find("）") + 1 or len(text) // 2
    return [escape(text[:cut]), escape(text[cut:])]


def _word_cell(cell: Cell) -> str:
    """A cell of Word's "save as web page": every cell a MsoNormal paragraph, blanks ``&nbsp;``."""
    if cell.header:
        paragraphs = _word_paragraphs(cell.text)
        inner = "</p><p class=MsoNormal>".join(f"<span {_MSO_SPAN}>{text}</span>" for text in paragraphs)
    elif cell.text.strip() in ("", "0"):
        inner = f"<span lang=EN-US {_MSO_SPAN}>&nbsp;</span>"
    else:
        inner = _word_digits(cell.text)
    return (f"<td{_span_attrs(cell, '')} valign=center {_MSO_TD}><p class=MsoNormal align=center "
            f"style='text-align:center'>{inner}</p></td>")


def _html_table(table: Table, cell_html: Callable[[Cell], str], attrs: str) -> str:
    rows = "\n".join("<tr>" + "".join(cell_html(cell) for cell in row) + "</tr>" for row in table)
    return f"<table {attrs}>\n{rows}\n</table>"


def _soup_table(table: Table) -> str:
    """A table pasted as text: one ``<p>`` per cell in grid order, no ``<table>`` at all."""
    cells = [cell for row in grid(table) for cell in row if cell is not None]
    return "\n".join(f"<p>{escape(cell.text) or '&nbsp;'}</p>" for cell in cells)


@dataclass(frozen=True)
class HtmlFlavor:
    """How one publishing tool writes a report body: headings, paragraphs and table parts."""

    heading: Callable[[str], str]
    para: Callable[[str], str]
    table: Callable[[Table], str]
    title: Callable[[str], str] = lambda text: f"<h1>{escape(text)}</h1>"


CLEAN = HtmlFlavor(
    heading=lambda text: f"<h3>{escape(text)}</h3>",
    para=lambda text: f"<p>{escape(text)}</p>",
    table=lambda table: _html_table(table, _clean_cell, 'border="1" cellspacing="0" cellpadding="4"'),
)
WORD = HtmlFlavor(
    heading=lambda text: f"<p class=MsoNormal style='text-indent:32.0pt'><b><span "
                         f"style='font-family:黑体'>{escape(text)}</span></b></p>",
    para=lambda text: f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><span "
                      f"style='font-size:16.0pt;font-family:仿宋_GB2312'>{escape(text)}</span></p>",
    table=lambda table: _html_table(table, _word_cell, "class=MsoNormalTable border=1 cellspacing=0 "
                                    "cellpadding=0 style='border-collapse:collapse;border:none'"),
    title=lambda text: f"<p class=MsoNormal align=center style='text-align:center'><b><span "
                       f"style='font-size:22.0pt;font-family:方正小标宋简体'>{escape(text)}</span></b></p>",
)
SOUP = replace(CLEAN, heading=lambda text: f"<p><strong>{escape(text)}</strong></p>", table=_soup_table)


def _image_table(index: int) -> str:
    return f'<p style="text-align:center"><img src="/uploads/nb/table{index}.png" width="600" alt="" /></p>'


def html_body(blocks: list[tuple[str, object]], flavor: HtmlFlavor, quirks: dict) -> str:
    """The article body: every block in ``flavor``, tables as images if ``tables_as_images``."""
    out = []
    for kind, content in blocks:
        if kind == "table" and quirks.get("tables_as_images"):
            out.append(_image_table(len(out)))
        elif kind == "table":
            out.extend(flavor.table(part) for part in content)
        else:
            out.append({"title": flavor.title, "heading": flavor.heading, "para": flavor.para}[kind](content))
    return "\n".join(out)


def _minimal_page(meta: dict, body: str, charset: str | None) -> str:
    """A bare page around the body, with or without a ``<meta charset>``."""
    declaration = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return (f"<!DOCTYPE html>\n<html>\n<head>\n{declaration}\n<title>{escape(meta['title'])}</title>\n</head>\n"
            f'<body>\n<div class="article" id="zoom">\n{body}\n</div>\n</body>\n</html>\n')


def _site_page(meta: dict, body: str, charset: str | None) -> str:
    """The whole published page: navigation, breadcrumbs, metadata block, related links and a
    footer around the body, as a CMS serves it; the related links name other years' reports."""
    region, year = meta["region"], meta["year"]
    nav = "".join(f'<li><a href="/col/{i}/">{name}</a></li>'
                  for i, name in enumerate(("首页", "政务公开", "政务服务", "互动交流", "走进" + region)))
    related = "".join(f'<li><a href="/art/{year - k}/nb.html">{region}人民政府{year - k}年政府信息公开'
                      f"工作年度报告</a><span>{year - k + 1}-01-2{k}</span></li>" for k in (1, 2, 3))
    info = (("索引号", meta["index_no"]), ("发布机构", meta["org"]), ("主题分类", "政务公开"),
            ("成文日期", meta["written"]), ("发文日期", meta["published"]), ("文号", "无"))
    info_rows = "".join(f"<tr><th>{k}：</th><td>{escape(v)}</td></tr>" for k, v in info)
    declaration = f'<meta charset="{charset}">' if charset else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{declaration}
<title>{escape(meta['title'])}_{region}人民政府门户网站</title>
<meta name="keywords" content="{region},政府信息公开,年报">
<script>var _hmt = _hmt || []; var siteId = "{meta['seed']}";</script>
</head>
<body>
<div class="top"><a href="/">{region}人民政府门户网站</a> <a href="/wza/">无障碍</a> <a href="/en/">English</a></div>
<ul class="nav">{nav}</ul>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zwgk/nb/">政府信息公开年报</a></div>
<table class="xxgk-info">{info_rows}</table>
<div class="article">
<div class="article-title">{escape(meta['title'])}</div>
<div class="article-info">来源：{escape(meta['org'])} 发布时间：{meta['published']}
浏览次数：<span id="hits">2{meta['seed']}7</span></div>
<div class="TRS_Editor" id="zoom">
{body}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a>
<a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h4>相关链接</h4><ul>{related}</ul></div>
<div class="footer">
<p>主办：{region}人民政府办公室　承办：{region}大数据中心</p>
<p>网站标识码：{meta['index_no'][:8]}　备案号：某ICP备{meta['seed']:08d}号</p>
<p>您是本站第<span class="counter">{meta['seed'] * 7919 % 999_999}</span>位访客</p>
</div>
</body>
</html>
"""


def _encode(text: str, codec: str) -> bytes:
    """``text`` in ``codec``; characters outside it become character references, as CMSs do."""
    return text.encode(codec, errors="xmlcharrefreplace")


def _html_renderer(flavor: HtmlFlavor, page: Callable[[dict, str, str | None], str] = _minimal_page,
                   codec: str = "utf-8", declared: str | None = "utf-8", **forced: object) -> Renderer:
    """A renderer printing the report body in ``flavor`` inside ``page``, encoded in ``codec``
    with ``declared`` in its meta tag (None: no declaration); ``forced`` quirks always apply."""

    def render_html(meta: dict, metrics: Metrics, template: str, quirks: dict) -> bytes:
        quirks = {**quirks, **forced}
        blocks = (legacy_blocks(meta) if template == "legacy"
                  else report_blocks(meta, metrics, template, quirks))
        return _encode(page(meta, html_body(blocks, flavor, quirks), declared), codec)

    return render_html


# --- flattened text -------------------------------------------------------------------------


def _texts(row: list[Cell | None]) -> list[str]:
    return ["" if cell is None else cell.text for cell in row]


def _tab_row(row: list[Cell | None]) -> list[str]:
    return ["\t".join(_texts(row))]


def _spaced_row(row: list[Cell | None]) -> list[str]:
    """Cells separated by runs of spaces; empty cells vanish, as in a copy from a PDF viewer."""
    return ["    ".join(text for text in _texts(row) if text)]


def _pipe_row(row: list[Cell | None]) -> list[str]:
    return ["| " + " | ".join(_texts(row)) + " |"]


def _line_per_cell(row: list[Cell | None]) -> list[str]:
    return [text for text in _texts(row) if text]


def _label_own_line(row: list[Cell | None]) -> list[str]:
    """The row's labels on one line and its values on the next, as a narrow page wraps them."""
    labels = [cell.text for cell in row if cell is not None and cell.header]
    values = [cell.text for cell in row if cell is not None and not cell.header]
    if not labels or not values:
        return _tab_row(row)
    return ["\t".join(labels), "\t".join(values)]


def text_body(blocks: list[tuple[str, object]], row_lines: Callable[[list[Cell | None]], list[str]]) -> str:
    """The report as plain text, every table row flattened by ``row_lines``."""
    lines = ["", ""]
    for kind, content in blocks:
        if kind == "table":
            for part in content:
                lines.extend(line for row in grid(part) for line in row_lines(row))
            lines.append("")
        else:
            lines.extend([content, ""])
    return "\n".join(lines)


def _text_renderer(row_lines: Callable[[list[Cell | None]], list[str]], codec: str = "utf-8",
                   **forced: object) -> Renderer:
    """A renderer flattening tables with ``row_lines``, encoded in ``codec``."""

    def render_text(meta: dict, metrics: Metrics, template: str, quirks: dict) -> bytes:
        quirks = {**quirks, **forced}
        blocks = (legacy_blocks(meta) if template == "legacy"
                  else report_blocks(meta, metrics, template, quirks))
        return _encode(text_body(blocks, row_lines), codec)

    return render_text


# --- the registry ---------------------------------------------------------------------------

Renderer = Callable[[dict, Metrics, str, dict], bytes]

STYLES: dict[str, Renderer] = {
    "html_clean": _html_renderer(CLEAN),
    "html_word": _html_renderer(WORD),
    "html_colspan_shift": _html_renderer(CLEAN, colspan_shift=True),
    "html_split": _html_renderer(WORD, split_tables=True),
    "html_p_soup": _html_renderer(SOUP),
    "html_page": _html_renderer(CLEAN, page=_site_page),
    "html_page_word": _html_renderer(WORD, page=_site_page),
    "html_gbk": _html_renderer(CLEAN, page=_site_page, codec="gbk", declared="gbk"),
    "html_gb2312_nometa": _html_renderer(WORD, codec="gb2312", declared=None),
    "html_gb18030": _html_renderer(CLEAN, codec="gb18030", declared="gb18030"),
    "txt_tab": _text_renderer(_tab_row),
    "txt_spaces": _text_renderer(_spaced_row),
    "txt_pipes": _text_renderer(_pipe_row),
    "txt_lines": _text_renderer(_line_per_cell),
    "txt_label_line": _text_renderer(_label_own_line),
    "txt_gbk": _text_renderer(_tab_row, codec="gbk"),
}


def render(report_meta: dict, metrics: Metrics, template: str, style: str, quirks: dict | None = None) -> bytes:
    """The report's bytes as published in ``style`` (a key of :data:`STYLES`).

    ``template`` is ``"2019"``, ``"2021"`` or ``"legacy"`` (free-form text, ``metrics`` unused).
    """
    return STYLES[style](report_meta, metrics, template, quirks or {})
