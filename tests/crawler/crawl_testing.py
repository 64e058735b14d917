"""Helpers of the crawler tests: a served fixture web, and a crawl's results read back from the archive."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

OWN_WEB = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
REPO = Path(__file__).resolve().parents[2]
# Loopback needs no politeness; short waits keep the suite fast while still exercising retries.
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_BACKOFF_BASE=0.05",
        "-s", "DOWNLOAD_TIMEOUT=10", "-s", "NIANBAO_PROGRESS_INTERVAL=1", "-s", "NIANBAO_ALLOW_LOOPBACK=True"]


@dataclass
class Web:
    """A served copy of a fixture web: its files (editable between crawls), base URLs and request log."""

    root: Path
    urls: dict[str, str]
    log: Path

    @property
    def manifest(self) -> dict:
        return json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))

    def url(self, site: str, path: str) -> str:
        return self.urls[site].rstrip("/") + path

    def requests(self) -> list[dict]:
        """Requests logged so far."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def bytes_served(self) -> int:
        return sum(record["bytes"] for record in self.requests())

    def reset_log(self) -> None:
        self.log.write_text("", encoding="utf-8")

    def registry(self, path: Path, sites: list[str] | None = None, extra: dict | None = None) -> Path:
        """Write a sites registry for the web's crawlable sites (those without a ``role``)."""
        entries = []
        for site in self.manifest["sites"]:
            if site.get("role") or (sites is not None and site["id"] not in sites):
                continue
            entry = {"id": site["id"], "name": site["name"], "region_code": site["region_code"],
                     "start_urls": [self.urls[site["id"]]]}
            if site.get("extra_domains"):
                entry["extra_domains"] = [self.urls[other].rstrip("/") for other in site["extra_domains"]]
            entries.append(entry)
        entries.extend((extra or {}).get("sites", []))
        path.write_text(json.dumps({"sites": entries}, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
        return path


def archived_urls(db: Path) -> set[str]:
    """URLs of the archive's documents that are not removed."""
    with sqlite3.connect(db) as connection:
        return {url for (url,) in connection.execute("SELECT url FROM documents WHERE removed_at IS NULL")}


def changes(db: Path, run_id: int) -> set[tuple[str, str]]:
    """(kind, url) of every change a run recorded."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT c.kind, d.url FROM changes c JOIN documents d ON d.id = c.document_id WHERE c.run_id = ?",
            [run_id])
        return set(rows)


def last_run(db: Path) -> dict:
    """The newest ``crawl_runs`` row, its stats decoded."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = dict(connection.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone())
    row["stats"] = json.loads(row["stats"] or "{}")
    return row


def version_count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM versions").fetchone()[0]
