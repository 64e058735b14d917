"""Helpers of the browser tests: the demo archive served by ``nianbao serve``, and headless Debian Chromium."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGUMENTS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--window-size=1600,1000", "--lang=zh-CN")
NIANBAO = (sys.executable, "-c", "from nianbao.cli import cli; cli()")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_demo_archive(folder: Path) -> Path:
    """Run ``nianbao demo`` in ``folder``; return the archive it made."""
    subprocess.run([*NIANBAO, "demo"], cwd=folder, check=True, capture_output=True, timeout=120)
    return folder / "nianbao-demo.db"


def serve(db: Path) -> tuple[subprocess.Popen, str]:
    """Start ``nianbao serve`` on a free loopback port; return the process and its base URL once it answers."""
    port = free_port()
    server = subprocess.Popen([*NIANBAO, "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"nianbao serve did not answer: {server.stderr.read().decode(errors='replace')}")


def start_chromium():
    """Headless Debian Chromium through Debian's chromedriver (never a downloaded browser)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
