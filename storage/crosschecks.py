"""Checks across reports, kept in ``report_checks``: what no single report shows.

Between a body's report on year t and its report on year t−1 (``relation = 'previous_year'``):

* ``carry_over_mismatch`` — 二、上年结转 of year t is not 四、结转下年度继续办理 of year t−1, in one
  applicant column (``key`` names it);
* ``in_force_chain`` — 2021 template: 现行有效件数(t) is not 现行有效件数(t−1) + 本年制发件数(t) −
  本年废止件数(t).  A soft check: clean-up campaigns re-base the count, so ``difference`` gives its size;
* ``project_count_chain`` — 2019 template: 上一年项目数量(t) is not 上一年项目数量(t−1) + 本年增/减(t−1);
* ``copied_text`` — section 一 or 五 (``key``) is at least 90% the same as last year's (``similarity``).

And ``copied_text`` between reports of the same year of different bodies (``relation = 'same_year'``),
filed under both reports.  Only checks that fail are stored.  Every row is filed under ``report_id``
and points to ``other_report_id``; both are current reports.

:func:`refresh_documents` keeps the table right after documents changed (the archive calls it before
each commit, for the documents given a new current version): it recomputes the checks of the reports
that changed, of their next year's reports, and of every report whose checks pointed to them — so the
order reports arrive in does not matter.  :func:`recompute_all` rebuilds everything.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np
import sqlite_utils

from pipeline.schema import APPLICANT_COLUMNS, SCHEMA

from .bodies import assign_bodies
from .similarity import BANDS, COPY_THRESHOLD, band_keys, report_sections, similarity

PREVIOUS_YEAR, SAME_YEAR = "previous_year", "same_year"
CARRY_COLUMNS = tuple(c.key for c in APPLICANT_COLUMNS)
IN_FORCE_ROWS = ("rules", "normative_docs")
PROJECT_ROWS = ("licensing", "other_services", "punishment", "enforcement", "fees")
CHECK_KEYS = (
    *(f"applications.{row}.{column}" for row in ("carried_over", "carried_forward") for column in CARRY_COLUMNS),
    *(f"active.{row}.{column}" for row in IN_FORCE_ROWS for column in ("issued", "repealed", "in_force")),
    *(f"active.{row}.{column}" for row in PROJECT_ROWS for column in ("prev_items", "delta")),
)
COLUMNS = ("report_id", "other_report_id", "relation", "kind", "key", "expected", "actual", "difference",
           "similarity", "detail")
REPORT_COLUMNS = ("id", "body", "year", "template", "published", "url", "org", "region", "text")
# Documents refreshed together: their reports' ids (each document's versions) go into IN lists, which
# SQLite limits to 32,766 bound values.
REFRESH_CHUNK = 500
BANDS_INDEX = "CREATE INDEX text_bands_report_id ON text_bands(report_id)"


# --- the checks, on plain report dicts ----------------------------------------------------------------


def check(current: dict, other: dict, kind: str, key: str, detail: str, *, expected: float | None = None,
          actual: float | None = None, alike: float | None = None, relation: str = PREVIOUS_YEAR) -> dict:
    """One ``report_checks`` row as a dict."""
    difference = None if expected is None or actual is None else actual - expected
    return {"report_id": current["id"], "other_report_id": other["id"], "relation": relation, "kind": kind,
            "key": key, "expected": expected, "actual": actual, "difference": difference, "similarity": alike,
            "detail": detail}


def carry_over_checks(current: dict, previous: dict) -> list[dict]:
    """二、上年结转 of ``current`` against 四、结转下年度继续办理 of ``previous``, column by column."""
    rows = []
    for column in CARRY_COLUMNS:
        actual = current["metrics"].get(f"applications.carried_over.{column}")
        expected = previous["metrics"].get(f"applications.carried_forward.{column}")
        if actual is not None and expected is not None and actual != expected:
            label = SCHEMA.by_key[f"applications.carried_over.{column}"].column_label
            rows.append(check(current, previous, "carry_over_mismatch", f"applications.carried_over.{column}",
                              f"{label}: 上年结转 {actual:g} but {previous['year']} carried forward {expected:g} "
                              "(结转下年度继续办理)", expected=expected, actual=actual))
    return rows


def in_force_checks(current: dict, previous: dict) -> list[dict]:
    """2021 template: 现行有效件数(t) against 现行有效件数(t−1) + 本年制发件数(t) − 本年废止件数(t)."""
    rows = []
    for row in IN_FORCE_ROWS:
        values = [current["metrics"].get(f"active.{row}.{c}") for c in ("in_force", "issued", "repealed")]
        before = previous["metrics"].get(f"active.{row}.in_force")
        if None in values or before is None:
            continue
        actual, issued, repealed = values
        expected = before + issued - repealed
        if actual != expected:
            rows.append(check(current, previous, "in_force_chain", f"active.{row}.in_force",
                              f"现行有效 {actual:g}, expected {before:g} + {issued:g} − {repealed:g} = {expected:g}",
                              expected=expected, actual=actual))
    return rows


def project_count_checks(current: dict, previous: dict) -> list[dict]:
    """2019 template: 上一年项目数量(t) against 上一年项目数量(t−1) + 本年增/减(t−1)."""
    rows = []
    for row in PROJECT_ROWS:
        actual = current["metrics"].get(f"active.{row}.prev_items")
        before = previous["metrics"].get(f"active.{row}.prev_items")
        delta = previous["metrics"].get(f"active.{row}.delta")
        if None in (actual, before, delta):
            continue
        expected = before + delta
        if actual != expected:
            rows.append(check(current, previous, "project_count_chain", f"active.{row}.prev_items",
                              f"上一年项目数量 {actual:g}, expected {before:g} + {delta:g} = {expected:g}",
                              expected=expected, actual=actual))
    return rows


def copy_checks(current: dict, other: dict, relation: str) -> list[dict]:
    """``copied_text`` for each section both reports have that is at least ``COPY_THRESHOLD`` alike."""
    rows = []
    for section, text in current["sections"].items():
        if section not in other["sections"]:
            continue
        alike = similarity(text, other["sections"][section])
        if alike >= COPY_THRESHOLD:
            rows.append(check(current, other, "copied_text", section,
                              f"section {section} is {alike:.0%} the same as report {other['id']} "
                              f"({other['org']}, {other['year']})", alike=alike, relation=relation))
    return rows


def year_checks(current: dict, previous: dict) -> list[dict]:
    """Every check between a body's report and its report on the year before."""
    return [
        *carry_over_checks(current, previous),
        *in_force_checks(current, previous),
        *project_count_checks(current, previous),
        *copy_checks(current, previous, PREVIOUS_YEAR),
    ]


def canonical(reports: list[dict]) -> dict | None:
    """The one report a body's year is compared with when it published several: the latest, then by URL.

    Chosen from the reports alone (not their ids, which follow arrival order), so arrival order does
    not change the result.
    """
    if not reports:
        return None
    return max(reports, key=lambda r: (r["published"] or "", r["url"] or ""))


# --- loading and storing --------------------------------------------------------------------------------


def load_reports(db: sqlite_utils.Database, where: str, params: Iterable = ()) -> list[dict]:
    """Current reports with a body and a year matching ``where`` (on ``reports r``), with the metrics
    the checks read and their sections."""
    # Unary plus: these columns must not pick the index (is_current, year), which would scan every current
    # report; the caller's condition names the rows.
    condition = f"+r.is_current = 1 AND r.body IS NOT NULL AND +r.year IS NOT NULL AND ({where})"
    params = list(params)
    rows = db.execute(f"SELECT {', '.join('r.' + c for c in REPORT_COLUMNS)} FROM reports r WHERE {condition}",
                      params).fetchall()
    reports = {}
    for row in rows:
        report = dict(zip(REPORT_COLUMNS, row, strict=True))
        report["sections"] = report_sections(report.pop("text"), [report["org"], report["region"]])
        report["metrics"] = {}
        reports[report["id"]] = report
    keys = ", ".join(f"'{key}'" for key in CHECK_KEYS)
    metrics = db.execute(
        f"SELECT m.report_id, m.key, m.value FROM reports r JOIN metrics m ON m.report_id = r.id AND m.key IN ({keys}) "
        f"WHERE {condition}", params)
    for report_id, key, value in metrics:
        reports[report_id]["metrics"][key] = value
    return list(reports.values())


def load_groups(db: sqlite_utils.Database, groups: Iterable[tuple[str, int]]) -> list[dict]:
    """The current reports of each ``(body, year)``."""
    groups = [[body, year] for body, year in groups]
    if not groups:
        return []
    # A JSON array, not bound variables: a batch's groups can outnumber SQLite's limit on those.
    return load_reports(db, "(r.body, r.year) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))",
                        [json.dumps(groups, ensure_ascii=False)])


def insert_checks(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Insert ``report_checks`` rows."""
    db.conn.executemany(
        f"INSERT INTO report_checks ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [[row[c] for c in COLUMNS] for row in rows],
    )


def insert_bands(db: sqlite_utils.Database, reports: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Store the MinHash bands of each report's sections; return ``(bands, report_ids)``, sorted by band."""
    items = [(report, section) for report in reports for section in report["sections"]]
    keys = band_keys([(report["year"], section, report["sections"][section]) for report, section in items])
    bands = keys.ravel()
    owners = np.repeat(np.array([report["id"] for report, _section in items], dtype=np.int64), BANDS)
    # In key order, SQLite appends to the primary key's B-tree instead of splitting pages all over it.
    order = np.lexsort((owners, bands))
    bands, owners = bands[order], owners[order]
    db.conn.executemany("INSERT OR IGNORE INTO text_bands (band, report_id) VALUES (?, ?)",
                        zip(bands.tolist(), owners.tolist(), strict=True))
    return bands, owners


def shared_bands(bands: np.ndarray, owners: np.ndarray) -> Iterator[list[int]]:
    """The report ids of each band (``bands`` sorted) that more than one section has."""
    starts = np.flatnonzero(np.r_[True, bands[1:] != bands[:-1]])
    ends = np.r_[starts[1:], len(bands)]
    shared = ends - starts > 1
    for start, end in zip(starts[shared], ends[shared], strict=True):
        yield owners[start:end].tolist()


def previous_year_rows(db: sqlite_utils.Database, reports: list[dict]) -> list[dict]:
    """The year checks of ``reports`` against their body's previous year, loaded from the archive."""
    previous: dict[tuple, list[dict]] = defaultdict(list)
    for report in load_groups(db, {(r["body"], r["year"] - 1) for r in reports}):
        previous[report["body"], report["year"]].append(report)
    rows = []
    for report in reports:
        other = canonical(previous[report["body"], report["year"] - 1])
        if other is not None:
            rows.extend(year_checks(report, other))
    return rows


def same_year_rows(db: sqlite_utils.Database, report: dict, bands: list[int]) -> list[dict]:
    """``copied_text`` between ``report`` and the stored reports sharing one of its ``bands``, both directions."""
    candidates = [row[0] for row in db.execute(
        f"SELECT DISTINCT report_id FROM text_bands WHERE band IN ({', '.join('?' * len(bands))}) AND report_id != ?",
        [*bands, report["id"]])] if bands else []
    others = load_reports(db, f"r.id IN ({', '.join('?' * len(candidates))}) AND r.body IS NOT ?",
                          [*candidates, report["body"]]) if candidates else []
    rows = []
    for other in others:
        rows.extend(copy_checks(report, other, SAME_YEAR))
        rows.extend(copy_checks(other, report, SAME_YEAR))
    return rows


# --- keeping the table right ------------------------------------------------------------------------------


def refresh_documents(db: sqlite_utils.Database, document_ids: Iterable[int]) -> None:
    """Recompute the checks these documents' new current versions can affect (inside the caller's transaction)."""
    ids = sorted(set(document_ids))
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start:start + REFRESH_CHUNK]
        marks = ", ".join("?" * len(chunk))
        assign_bodies(db, f"document_id IN ({marks}) AND +is_current = 1", chunk)  # by document, not is_current
        refresh_reports(db, [row[0] for row in db.execute(
            f"SELECT id FROM reports WHERE document_id IN ({marks})", chunk)])


def relink_sites(db: sqlite_utils.Database, site_ids: list[str]) -> None:
    """Assign the bodies of these sites' reports again (their registry ``bodies`` may have changed) and
    recompute the checks of every site whose reports moved to another body."""
    if not site_ids:
        return
    moved = assign_bodies(db, f"site_id IN ({', '.join('?' * len(site_ids))})", site_ids)
    if not moved:
        return
    sites = [row[0] for row in db.execute(
        f"SELECT DISTINCT site_id FROM reports WHERE id IN ({', '.join('?' * len(moved))})", moved)]
    refresh_reports(db, [row[0] for row in db.execute(
        f"SELECT id FROM reports WHERE site_id IN ({', '.join('?' * len(sites))})", sites)])


def refresh_reports(db: sqlite_utils.Database, report_ids: list[int]) -> None:
    """Recompute the checks of ``report_ids`` (current or not), of their bodies' next year, and of every
    report whose checks pointed to one of them."""
    if not report_ids:
        return
    marks = ", ".join("?" * len(report_ids))
    pointing = [row[0] for row in db.execute(
        f"SELECT DISTINCT report_id FROM report_checks WHERE other_report_id IN ({marks}) "
        f"AND relation = '{PREVIOUS_YEAR}'", report_ids)]
    db.execute(f"DELETE FROM report_checks WHERE report_id IN ({marks}) OR other_report_id IN ({marks})",
               [*report_ids, *report_ids])
    db.execute(f"DELETE FROM text_bands WHERE report_id IN ({marks})", report_ids)
    changed = load_reports(db, f"r.id IN ({marks})", report_ids)
    groups = set(db.execute(f"SELECT body, year + 1 FROM reports WHERE id IN ({marks}) AND body IS NOT NULL "
                            "AND year IS NOT NULL", report_ids).fetchall())
    following = load_groups(db, groups)
    pointing_reports = load_reports(db, f"r.id IN ({', '.join('?' * len(pointing))})", pointing) if pointing else []
    targets = {r["id"]: r for r in [*following, *pointing_reports] if r["id"] not in report_ids}
    if targets:
        db.execute(f"DELETE FROM report_checks WHERE relation = '{PREVIOUS_YEAR}' AND report_id IN "
                   f"({', '.join('?' * len(targets))})", list(targets))
    rows = previous_year_rows(db, [*changed, *targets.values()])
    for report in changed:
        bands, _owners = insert_bands(db, [report])
        rows.extend(same_year_rows(db, report, bands.tolist()))
    insert_checks(db, rows)


def recompute_all(db: sqlite_utils.Database) -> dict[str, int]:
    """Assign every report's body and rebuild ``report_checks`` and ``text_bands``; return rows by kind."""
    assign_bodies(db)
    db.execute("DELETE FROM report_checks")
    db.execute("DELETE FROM text_bands")
    # One index build after the inserts is faster than keeping the index up to date row by row.
    db.execute("DROP INDEX text_bands_report_id")
    reports = load_reports(db, "1")
    by_group: dict[tuple, list[dict]] = defaultdict(list)
    for report in reports:
        by_group[report["body"], report["year"]].append(report)
    rows = []
    for report in reports:
        previous = canonical(by_group.get((report["body"], report["year"] - 1), []))
        if previous is not None:
            rows.extend(year_checks(report, previous))
    by_id = {report["id"]: report for report in reports}
    pairs = set()
    for members in shared_bands(*insert_bands(db, reports)):
        for index, first in enumerate(members):
            for second in members[index + 1:]:
                if by_id[first]["body"] != by_id[second]["body"]:
                    pairs.add((min(first, second), max(first, second)))
    for first, second in sorted(pairs):
        rows.extend(copy_checks(by_id[first], by_id[second], SAME_YEAR))
        rows.extend(copy_checks(by_id[second], by_id[first], SAME_YEAR))
    db.execute(BANDS_INDEX)
    insert_checks(db, rows)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["kind"]] += 1
    return dict(counts)
