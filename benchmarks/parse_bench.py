"""How fast the normalizer reads reports, against a bare lxml parse of the same bytes.

    .venv/bin/python benchmarks/parse_bench.py [--documents 2000] [--corpus ../shared/corpus]

Documents are the HTML and text reports of the shared corpus (when present) and of
``tests/fixtures/reports``, repeated until there are at least ``--documents`` of them.  The run is
pinned to one core.  It prints reports per second for HTML and text, the ratio of the parse time
to ``lxml.html.fromstring`` of the same bytes (goal: ≥ 200 HTML reports/s and ≤ 3×), and the
process's peak resident memory after each tenth of the documents, which should be flat: nothing
may accumulate per document.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline import ParseError, parse_bytes  # noqa: E402  (the repository root is put on the path first)

FIXTURE_REPORTS = REPO / "tests" / "fixtures" / "reports"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def load_documents(corpus: Path) -> list[tuple[str, bytes]]:
    """(kind, bytes) of every HTML and text report in the corpus and the fixtures."""
    paths = []
    for folder in (corpus, corpus / "real", FIXTURE_REPORTS):
        if folder.is_dir():
            paths += sorted(folder.glob("*.html")) + sorted(folder.glob("*.txt"))
    return [("html" if path.suffix == ".html" else "text", path.read_bytes()) for path in paths]


def repeated(documents: list[tuple[str, bytes]], count: int) -> list[tuple[str, bytes]]:
    """The documents cycled to at least ``count`` items."""
    rounds = -(-count // len(documents))
    return list(itertools.islice(itertools.cycle(documents), rounds * len(documents)))


def parse_quietly(data: bytes) -> None:
    """Parse and drop the result; unreadable documents still cost their time."""
    with contextlib.suppress(ParseError):
        parse_bytes(data)


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(documents: list[tuple[str, bytes]], parse: Callable[[bytes], object]) -> tuple[dict, list]:
    """CPU seconds ``parse`` spends on each kind of document, and the peak resident memory after
    each tenth of the documents.  CPU time, not wall clock: on a machine shared with other work
    the wall clock measures the neighbours as much as the parser."""
    totals: dict[str, float] = {}
    peaks = []
    tenth = max(1, len(documents) // 10)
    for index, (kind, data) in enumerate(documents, 1):
        start = time.process_time()
        parse(data)
        totals[kind] = totals.get(kind, 0.0) + time.process_time() - start
        if index % tenth == 0:
            peaks.append(peak_rss_mib())
    return totals, peaks


def pin_to_one_core() -> str:
    """Run on a single core where the OS allows it, so figures are per core."""
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000, help="at least this many parses")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="shared corpus directory")
    args = parser.parse_args()

    documents = load_documents(args.corpus)
    if not documents:
        sys.exit("no documents found")
    run = repeated(documents, args.documents)
    print(f"{len(documents)} distinct documents, {len(run)} parses, {pin_to_one_core()}")

    for _kind, data in documents:  # warm caches and imports outside the timed runs
        parse_quietly(data)
    ours, peaks = timed(run, parse_quietly)
    bare, _ = timed(run, lxml.html.fromstring)
    counts = {kind: sum(1 for k, _d in run if k == kind) for kind in ours}

    print(f"\n{'kind':<6}{'docs':>7}{'nianbao/s':>12}{'lxml/s':>10}{'ratio':>8}")
    for kind in sorted(ours):
        n = counts[kind]
        print(f"{kind:<6}{n:>7}{n / ours[kind]:>12.0f}{n / bare[kind]:>10.0f}{ours[kind] / bare[kind]:>7.1f}×")

    print("\npeak resident memory after each tenth of the parses (MiB): "
          + " ".join(f"{peak:.0f}" for peak in peaks)
          + f"  (last/first {peaks[-1] / peaks[0]:.2f}×; flat means ≈ 1)")


if __name__ == "__main__":
    main()
