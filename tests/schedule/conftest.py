"""Fixtures of the schedule tests: the demo web and a webhook receiver, both on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from schedule_testing import Receiver, serve_demo_web, start_receiver

from crawler import fixtureweb


@pytest.fixture
def demo_web(tmp_path: Path) -> Iterator[tuple[dict, Path]]:
    """(manifest, registry path) of the demo web served for this test."""
    manifest, _origins, servers, sites = serve_demo_web(tmp_path)
    yield manifest, sites
    fixtureweb.stop_web(servers)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1."""
    hook = start_receiver()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()
