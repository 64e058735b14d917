"""Shared fixtures: where the shared development corpus and our own fixture reports live, and a
per-style cell-accuracy tally printed at the end of the run."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The shared tree sits beside the clone on the development machines; NIANBAO_SHARED overrides.
SHARED = Path(os.environ.get("NIANBAO_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; tests that need it are skipped where it is absent (a fresh clone)."""
    if not SHARED.is_dir():
        pytest.skip(f"shared directory {SHARED} not present")
    return SHARED


@pytest.fixture(scope="session")
def shared_corpus(shared_dir: Path) -> Path:
    """``../shared/corpus``, skipped where absent."""
    corpus = shared_dir / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"shared corpus {corpus} not present")
    return corpus


@pytest.fixture(scope="session")
def accuracy_tally(request: pytest.FixtureRequest) -> dict[str, list[int]]:
    """``{style: [cells right, cells, reports fully right, reports]}``, printed after the run."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    yield tally
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not tally:
        return
    reporter.write_sep("-", "cell accuracy per style (fixture reports)")
    reporter.write_line(f"{'style':<22}{'cells':>14}{'accuracy':>10}{'reports':>10}")
    for style, (right, cells, exact, reports) in sorted(tally.items()):
        share = f"{right / cells:.1%}" if cells else "-"
        reporter.write_line(f"{style:<22}{f'{right}/{cells}':>14}{share:>10}{f'{exact}/{reports}':>10}")
