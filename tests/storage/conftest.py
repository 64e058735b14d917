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


@pytest.fixture
def report_html(shared_corpus: Path) -> Path:
    """A clean HTML report of the shared corpus (the test is skipped where the corpus is absent)."""
    return shared_corpus / "dev-01-html-clean-2022.html"


@pytest.fixture
def report_text(shared_corpus: Path) -> Path:
    """A tab-separated text report of the shared corpus."""
    return shared_corpus / "dev-09-txt-tab-2023.txt"
