"""Fixture webs on loopback and a real crawl in a subprocess (Twisted's reactor cannot restart in-process)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler import fixtureweb

OWN_WEB = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
REPO = Path(__file__).resolve().parents[2]
# Loopback needs no politeness; short waits keep the suite fast while still exercising retries.
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_BACKOFF_BASE=0.05",
        "-s", "DOWNLOAD_TIMEOUT=10", "-s", "NIANBAO_PROGRESS_INTERVAL=1"]


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


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("_cache", "_model"))
    return target


@pytest.fixture
def shared_web(shared_dir: Path, tmp_path: Path) -> Iterator[Web]:
    """A copy of ``../shared/corpus/sites`` served by ``../shared/tools/serve_web.py``."""
    source = shared_dir / "corpus" / "sites"
    tools = shared_dir / "tools"
    if not (source / "manifest.json").is_file() or not (tools / "serve_web.py").is_file():
        pytest.skip("shared fixture web or serve_web.py not present")
    sys.path.insert(0, str(tools))
    try:
        from serve_web import start_web, stop_web
    finally:
        sys.path.remove(str(tools))
    root = _copy(source, tmp_path / "shared-web")
    log = tmp_path / "shared-requests.jsonl"
    urls, servers = start_web(str(root), log_path=str(log))
    yield Web(root, urls, log)
    stop_web(servers)


@pytest.fixture
def own_web(tmp_path: Path) -> Iterator[Web]:
    """A copy of ``tests/fixtures/sites`` served by :mod:`crawler.fixtureweb`."""
    root = _copy(OWN_WEB, tmp_path / "own-web")
    log = tmp_path / "own-requests.jsonl"
    urls, servers = fixtureweb.start_web(root, log)
    yield Web(root, urls, log)
    fixtureweb.stop_web(servers)


@pytest.fixture
def crawl(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run ``nianbao crawl --sites REGISTRY --db DB`` (loopback settings) in a subprocess."""

    def run(registry: Path, db: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl",
                   "--sites", str(registry), "--db", str(db), *FAST, *arguments]
        result = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=tmp_path)
        if check and result.returncode != 0:
            raise AssertionError(f"crawl failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    return run
