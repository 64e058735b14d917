"""What one crawl changed, published: a JSON Feed file, an Atom file and an optional webhook POST.

Each change of the run (a report added, revised, removed or restored) is one feed item whose text
lists the numbers that moved, with the template's Chinese labels and units.  The files are
``run-<id>.json`` (JSON Feed 1.1) and ``run-<id>.atom`` (Atom 1.0), and ``latest.json`` /
``latest.atom`` are the newest run's, for readers that poll one address.  The webhook receives
the JSON Feed document as the body of a POST.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM = "http://www.w3.org/2005/Atom"
KIND_TITLES = {"added": "新增", "modified": "修订", "removed": "撤下", "restored": "恢复"}
WEBHOOK_TIMEOUT = 10.0

_CHANGES_SQL = """
SELECT c.id, c.kind, c.detected_at, c.summary, d.url,
    coalesce(rn.title, ro.title, d.title, d.url) AS title, coalesce(rn.region, ro.region) AS region,
    coalesce(rn.year, ro.year) AS year
FROM changes c JOIN documents d ON d.id = c.document_id
LEFT JOIN reports rn ON rn.version_id = c.new_version_id
LEFT JOIN reports ro ON ro.version_id = c.old_version_id
WHERE c.run_id = ? ORDER BY c.id
"""
_METRICS_SQL = """
SELECT mc.change_id, mc.key, s.row_label, s.column_label, s.unit, mc.old_value AS old, mc.new_value AS new
FROM metric_changes mc JOIN changes c ON c.id = mc.change_id LEFT JOIN schema_metrics s ON s.key = mc.key
WHERE c.run_id = ? ORDER BY mc.change_id, s.position, mc.key
"""


def run_changes(db_path: Path, run_id: int) -> tuple[dict, list[dict]]:
    """The ``crawl_runs`` row of ``run_id`` and its changes, each with the metrics that moved."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        run = connection.execute("SELECT * FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
        if run is None:
            raise ValueError(f"{db_path}: no crawl run {run_id}")
        changes = [dict(row, metrics=[]) for row in connection.execute(_CHANGES_SQL, [run_id])]
        by_id = {change["id"]: change for change in changes}
        for row in connection.execute(_METRICS_SQL, [run_id]):
            metric = dict(row)
            by_id[metric.pop("change_id")]["metrics"].append(metric)
    return dict(run), changes


def metric_line(metric: dict) -> str:
    """``申请人情况 / 自然人 (一、本年新收…): 12 → 15 件`` for people."""
    label = " / ".join(part for part in (metric["row_label"], metric["column_label"]) if part) or metric["key"]
    return f"{label}: {_number(metric['old'])} → {_number(metric['new'])} {metric['unit'] or ''}".rstrip()


def _number(value: float | int | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


def item_text(change: dict) -> str:
    """The plain text of one change: its summary, then one line per metric that moved."""
    lines = [change["summary"]] if change["summary"] else []
    return "\n".join(lines + [metric_line(metric) for metric in change["metrics"]])


def item_title(change: dict) -> str:
    """``修订：青岚区人民政府2023年政府信息公开工作年度报告``."""
    return f"{KIND_TITLES.get(change['kind'], change['kind'])}：{change['title']}"


def json_feed(db_path: Path, run: dict, changes: list[dict]) -> dict:
    """The run's changes as a JSON Feed 1.1 document (nianbao's own fields under ``_nianbao``)."""
    items = [{
        "id": f"nianbao:{db_path.stem}:change:{change['id']}",
        "url": change["url"],
        "title": item_title(change),
        "content_text": item_text(change),
        "date_published": change["detected_at"],
        "tags": [change["kind"]],
        "_nianbao": {key: change[key] for key in ("kind", "region", "year", "summary", "metrics")},
    } for change in changes]
    counts = {key: run[key] for key in ("docs_added", "docs_modified", "docs_removed", "pages_fetched")}
    return {
        "version": JSON_FEED_VERSION,
        "title": f"nianbao {db_path.stem}: changes of crawl run {run['id']}",
        "description": "Government information-disclosure annual reports added, revised or removed by publishers.",
        "items": items,
        "_nianbao": {"archive": db_path.stem, "run_id": run["id"], "status": run["status"],
                     "started_at": run["started_at"], "finished_at": run["finished_at"], **counts},
    }


def atom_feed(feed: dict) -> bytes:
    """The same feed as Atom 1.0 XML."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    run = feed["_nianbao"]
    _text(root, "id", f"nianbao:{run['archive']}:run:{run['run_id']}")
    _text(root, "title", feed["title"])
    _text(root, "updated", run["finished_at"] or run["started_at"])
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", "nianbao")
    for item in feed["items"]:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", item["id"])
        _text(entry, "title", item["title"])
        _text(entry, "updated", item["date_published"])
        ET.SubElement(entry, f"{{{ATOM}}}link", href=item["url"])
        ET.SubElement(entry, f"{{{ATOM}}}category", term=item["tags"][0])
        _text(entry, "content", item["content_text"]).set("type", "text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = text
    return element


def write_feeds(db_path: Path, run_id: int, folder: Path) -> tuple[dict, list[Path]]:
    """Write the run's JSON and Atom feeds (and ``latest.*``) into ``folder``; return the feed and files."""
    run, changes = run_changes(db_path, run_id)
    feed = json_feed(db_path, run, changes)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, atom_path = folder / f"run-{run_id}.json", folder / f"run-{run_id}.atom"
    json_path.write_text(json.dumps(feed, ensure_ascii=False, indent=1), encoding="utf-8")
    atom_path.write_bytes(atom_feed(feed))
    shutil.copyfile(json_path, folder / "latest.json")
    shutil.copyfile(atom_path, folder / "latest.atom")
    return feed, [json_path, atom_path]


def post_webhook(url: str, feed: dict, timeout: float = WEBHOOK_TIMEOUT) -> str:
    """POST the feed as JSON to ``url``; return ``HTTP <status>`` or why it failed (never raises)."""
    body = json.dumps(feed, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "nianbao-webhook"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return f"failed: {getattr(error, 'reason', error)}"
