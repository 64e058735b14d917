"""The demo archive in Datasette, opened in headless Chromium (skipped where Chromium is not installed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_testing import CHROMEDRIVER, CHROMIUM, make_demo_archive, serve, start_chromium


@pytest.fixture(scope="session")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``nianbao serve`` on a fresh demo archive."""
    db = make_demo_archive(tmp_path_factory.mktemp("browser-demo"))
    server, base = serve(db)
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """A headless Chromium session (.ci/run installs chromium and chromium-driver)."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    pytest.importorskip("selenium")
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: NIANBAO_SCREENSHOTS (e.g. docs/img, to refresh the README's) or a temporary folder."""
    folder = os.environ.get("NIANBAO_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
