"""Fixture webs on loopback and a real crawl in a subprocess (Twisted's reactor cannot restart in-process)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from crawl_testing import FAST, OWN_WEB, Web

from crawler import fixtureweb


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
