"""Which government body a report belongs to, so that one body's reports link across years.

A body is its scope — the site that publishes it, else its region code, else its region name — and
its organisation name, normalized.  Institutional reforms rename bodies (卫生和计划生育局 became
卫生健康委员会 in 2019) and names are printed with stray spaces or brackets, so a site's registry entry
may map names to the body they belong to::

    {"id": "yunhu", "name": "云湖区", "bodies": {"云湖区卫生和计划生育局": "云湖区卫生健康委员会"}}

(``Archive.upsert_sites`` keeps such keys in ``sites.extra``.)  Every report of a body has the same
``reports.body``.
"""

from __future__ import annotations

import json
import re
import unicodedata

import sqlite_utils

from .coverage import report_subject

_NOT_NAME = re.compile(r"[\W_]+")


def normalize_org(name: str | None) -> str:
    """An organisation name without spaces, punctuation or width differences (``云湖区（政府）`` → ``云湖区政府``)."""
    return _NOT_NAME.sub("", unicodedata.normalize("NFKC", name or ""))


def body_key(report: dict, aliases: dict[str, str] | None = None) -> str | None:
    """The body of a report (``site_id``, ``region_code``, ``region``, ``org``, ``title``), or None if nameless.

    ``aliases`` maps normalized names to the normalized name of the body they belong to.
    """
    name = normalize_org(report.get("org") or report_subject(report.get("title"), None))
    if not name:
        return None
    name = (aliases or {}).get(name, name)
    if report.get("site_id"):
        scope = f"site:{report['site_id']}"
    elif report.get("region_code"):
        scope = f"region:{report['region_code']}"
    else:
        scope = f"region:{normalize_org(report.get('region'))}"
    return f"{scope}/{name}"


def site_aliases(db: sqlite_utils.Database, site_ids: set[str] | None = None) -> dict[str, dict[str, str]]:
    """``{site_id: {normalized name: normalized body name}}`` from the ``bodies`` of each site's registry entry."""
    sql = "SELECT id, extra FROM sites WHERE extra LIKE '%\"bodies\"%'"
    params = []
    if site_ids is not None:
        # By primary key: ingesting one report reads its site, not the whole registry.  A JSON array
        # has no limit on its length, unlike bound variables.
        sql += " AND id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(site_ids)))
    aliases: dict[str, dict[str, str]] = {}
    for site_id, extra in db.execute(sql, params).fetchall():
        try:
            bodies = json.loads(extra).get("bodies") or {}
        except (ValueError, AttributeError):
            continue
        if isinstance(bodies, dict):
            aliases[site_id] = {normalize_org(name): normalize_org(body) for name, body in bodies.items()}
    return aliases


REPORT_COLUMNS = ("id", "site_id", "region_code", "region", "org", "title", "body")


def assign_bodies(db: sqlite_utils.Database, where: str = "1", params: list | None = None) -> list[int]:
    """Set ``reports.body`` for the reports matching ``where``; return the ids of those whose body changed."""
    rows = db.execute(f"SELECT {', '.join(REPORT_COLUMNS)} FROM reports WHERE {where}", params or []).fetchall()
    reports = [dict(zip(REPORT_COLUMNS, row, strict=True)) for row in rows]
    aliases = site_aliases(db, {r["site_id"] for r in reports if r["site_id"]})
    updates = []
    for report in reports:
        body = body_key(report, aliases.get(report["site_id"]))
        if body != report["body"]:
            updates.append((body, report["id"]))
    db.conn.executemany("UPDATE reports SET body = ? WHERE id = ?", updates)
    return [report_id for _body, report_id in updates]
