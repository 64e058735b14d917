"""Fixtures for cross-report check tests: a real archive file in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.archive import Archive


@pytest.fixture
def crosscheck_archive(tmp_path: Path):
    archive = Archive(tmp_path / "crosschecks.db")
    yield archive
    archive.close()
