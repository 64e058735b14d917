"""Fixtures for archive tests: a real SQLite file in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.archive import Archive


@pytest.fixture
def archive(tmp_path: Path):
    archive = Archive(tmp_path / "archive.db")
    yield archive
    archive.close()
