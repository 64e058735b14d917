"""Multi-year series of one body's reports whose numbers chain from year to year, as published pages.

:func:`series` draws each year's metrics with :func:`nianbao.samples.random_metrics` and then chains
them: 二、上年结转 of year t is 四、结转下年度继续办理 of year t−1 (column by column, every report still
balancing 一+二 = （七）+四), 现行有效件数 follows 制发 and 废止, and 上一年项目数量 follows 本年增/减.
:func:`page` prints a report with its own sections 一 and 五.
"""

from __future__ import annotations

import random
import re
from html import escape

from nianbao.samples import random_meta, render
from nianbao.samples import random_metrics as sample_metrics
from pipeline.schema import APPLICANT_COLUMNS
from storage.crosschecks import IN_FORCE_ROWS, PROJECT_ROWS, recompute_all

COLUMNS = [c.key for c in APPLICANT_COLUMNS if c.key != "all"]
CHECK_FIELDS = ("kind", "key", "expected", "actual", "difference", "relation")


def template_of(year: int) -> str:
    """The national template a report on ``year`` is printed in."""
    return "2019" if year < 2021 else "2021"


def chain(previous: dict, metrics: dict) -> dict:
    """``metrics`` changed so that they follow ``previous`` (same template or 2019 → 2021)."""
    metrics = dict(metrics)
    for column in COLUMNS:
        carried = previous[f"applications.carried_forward.{column}"]
        received = metrics[f"applications.new_received.{column}"]
        forward = received + carried - metrics[f"applications.total.{column}"]
        if forward < 0:
            metrics[f"applications.new_received.{column}"] = received - forward
            forward = 0
        metrics[f"applications.carried_over.{column}"] = carried
        metrics[f"applications.carried_forward.{column}"] = forward
    rebalance(metrics)
    for row in IN_FORCE_ROWS:
        if f"active.{row}.in_force" in metrics and f"active.{row}.in_force" in previous:
            before, issued = previous[f"active.{row}.in_force"], metrics[f"active.{row}.issued"]
            repealed = min(metrics[f"active.{row}.repealed"], before + issued)
            metrics[f"active.{row}.repealed"] = repealed
            metrics[f"active.{row}.in_force"] = before + issued - repealed
    for row in PROJECT_ROWS:
        if f"active.{row}.prev_items" in metrics and f"active.{row}.prev_items" in previous:
            metrics[f"active.{row}.prev_items"] = previous[f"active.{row}.prev_items"] + previous[f"active.{row}.delta"]
    return metrics


def rebalance(metrics: dict) -> None:
    """Set the 总计 column of table 三's first, second and fourth rows from their applicant columns."""
    for row in ("new_received", "carried_over", "carried_forward"):
        metrics[f"applications.{row}.all"] = sum(metrics[f"applications.{row}.{c}"] for c in COLUMNS)


def series(seed: int, years: range) -> dict[int, dict]:
    """``{year: metrics}`` for one body, chained from each year to the next."""
    out: dict[int, dict] = {}
    for year in years:
        metrics = sample_metrics(template_of(year), seed * 100 + year)
        out[year] = chain(out[year - 1], metrics) if year - 1 in out else metrics
    return out


def own_words(seed: str, sentences: int = 6) -> list[str]:
    """Paragraphs of text no other seed writes (random characters of the CJK block)."""
    rng = random.Random(seed)
    return ["".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(25, 40))) + "。"
            for _ in range(sentences)]


def page(org: str, region: str, year: int, metrics: dict, overview: list[str], problems: list[str]) -> bytes:
    """The HTML page of ``org``'s report on ``year`` with sections 一 and 五 made of the paragraphs given."""
    meta = {**random_meta(len(org) + year, year), "region": region, "org": org,
            "title": f"{org}{year}年政府信息公开工作年度报告"}
    html = render(meta, metrics, template_of(year), "html_clean").decode()
    html = replace_section(html, "一", "二", overview)
    html = replace_section(html, "五", "六", problems)
    return html.encode()


def replace_section(html: str, number: str, following: str, paragraphs: list[str]) -> str:
    """``html`` with the paragraphs of section ``number`` (up to the heading of ``following``) replaced."""
    pattern = re.compile(rf"(<h3>{number}、[^<]*</h3>).*?(<h3>{following}、)", re.S)
    text = "".join(f"<p>{escape(paragraph)}</p>\n" for paragraph in paragraphs)
    return pattern.sub(lambda m: m.group(1) + "\n" + text + m.group(2), html, count=1)


def stored_checks(db, recompute: bool = False) -> list[tuple]:
    """Every ``report_checks`` row as ``(org, year, other org, other year, kind, key, …)``, ids left out.

    Ids follow arrival order; these tuples do not, so archives filled in different orders compare.
    With ``recompute``, the table is rebuilt from scratch first.
    """
    if recompute:
        recompute_all(db)
    rows = db.execute(
        f"SELECT r.org, r.year, o.org, o.year, {', '.join('c.' + f for f in CHECK_FIELDS)}, "
        "round(c.similarity, 4) FROM report_checks c JOIN reports r ON r.id = c.report_id "
        "JOIN reports o ON o.id = c.other_report_id"
    ).fetchall()
    return sorted(rows, key=repr)
