"""How fast PDF and DOCX reports are read, on one core.

    .venv/bin/python benchmarks/attachments_bench.py [--rounds 20] [--corpus ../shared/corpus]

Documents are the PDF and DOCX reports of the shared corpus (when present) and the attachment
fixtures of ``tests/fixtures/attachments``.  Each kind is parsed ``--rounds`` times over; the run
prints reports per second for the format reader alone and for the whole ``parse_bytes``
(reader and normalizer).  Goals: ≥ 5 PDF and ≥ 50 DOCX reports per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline import ParseError, parse_bytes  # noqa: E402  (the repository root is put on the path first)
from pipeline.readers import read_document  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "attachments"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
GOALS = {"pdf": 5.0, "docx": 50.0}


def load_documents(corpus: Path, suffix: str) -> list[bytes]:
    """Every readable ``*.suffix`` report in the corpus, its real/ folder and the fixtures.

    Fixtures that exist to be refused (the page-tree bomb) are left out: they are no reports.
    """
    paths: list[Path] = []
    for folder in (corpus, corpus / "real", FIXTURES):
        if folder.is_dir():
            paths += sorted(folder.glob(f"*.{suffix}"))
    return [data for data in (path.read_bytes() for path in paths) if _readable(data)]


def _readable(data: bytes) -> bool:
    try:
        read_document(data)
    except ParseError:
        return False
    return True


def reports_per_second(parse: Callable[[bytes], object], documents: list[bytes], rounds: int) -> float:
    """Documents parsed per second of wall time, ``rounds`` passes over ``documents``."""
    for data in documents:
        parse(data)  # warm caches (fonts, CMaps, imports) before timing
    started = time.perf_counter()
    for _ in range(rounds):
        for data in documents:
            parse(data)
    return rounds * len(documents) / (time.perf_counter() - started)


def pin_to_one_core() -> None:
    """Run on a single CPU so that the figure means "per core"."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def main() -> None:
    """Measure and print reports/s for PDF and DOCX."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    pin_to_one_core()
    for kind, goal in GOALS.items():
        documents = load_documents(args.corpus, kind)
        reader = reports_per_second(read_document, documents, args.rounds)
        whole = reports_per_second(parse_bytes, documents, args.rounds)
        verdict = "ok" if whole >= goal else "BELOW GOAL"
        print(
            f"{kind:5} {len(documents)} documents x {args.rounds}: reader {reader:7.1f}/s, "
            f"parse_bytes {whole:7.1f}/s (goal >= {goal:g}/s: {verdict})"
        )


if __name__ == "__main__":
    main()
