"""Shared by the reader tests: the attachment fixtures and the script that generated them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    """``make_fixtures``, whose labels and values the tests check the readers against."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
