"""Shared fixtures: where the shared development corpus lives, and a per-style cell-accuracy
tally that the fixture-report tests fill and the terminal summary prints."""

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


ACCURACY = pytest.StashKey[dict[str, list[int]]]()


@pytest.fixture(scope="session")
def accuracy_tally(request: pytest.FixtureRequest) -> dict[str, list[int]]:
    """``{style: [cells right, cells, reports fully right, reports]}``, printed after the run."""
    return request.config.stash.setdefault(ACCURACY, defaultdict(lambda: [0, 0, 0, 0]))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Print the per-style cell accuracy the fixture-report tests tallied, if they ran."""
    tally = config.stash.get(ACCURACY, None)
    if not tally:
        return
    terminalreporter.write_sep("-", "cell accuracy per style (fixture reports)")
    terminalreporter.write_line(f"{'style':<22}{'cells':>14}{'accuracy':>10}{'reports':>10}")
    for style, (right, cells, exact, reports) in sorted(tally.items()):
        share = f"{right / cells:.1%}" if cells else "-"
        terminalreporter.write_line(f"{style:<22}{f'{right}/{cells}':>14}{share:>10}{f'{exact}/{reports}':>10}")
