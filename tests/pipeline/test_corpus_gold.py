"""The whole development corpus against its gold files: every metric right, every expected finding.

The shared corpus lives beside the clone (../shared/corpus); these tests skip where it is absent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline import parse_file

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
MONEY = {"active.fees.amount", "active.procurement.amount"}


def gold_files() -> list[Path]:
    """Every gold record of the shared corpus and its real reports."""
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.glob("*.gold.json")) + sorted((CORPUS / "real").glob("*.gold.json"))


def wrong_cells(gold: dict, metrics: dict) -> list[tuple[str, float, float | None]]:
    """(key, gold, parsed) for every gold cell the parser got wrong."""
    wrong = []
    for key, want in gold["metrics"].items():
        got = metrics.get(key)
        tolerance = 1e-4 if key in MONEY else 0
        if got is None or abs(float(got) - float(want)) > tolerance:
            wrong.append((key, want, got))
    return wrong


def form_of(gold_path: Path, gold: dict) -> str:
    """The published form a corpus document stands for: html, txt, pdf, docx, real.html …"""
    prefix = "real." if gold_path.parent.name == "real" else ""
    return prefix + gold["source"].rsplit(".", 1)[-1]


@pytest.mark.parametrize("gold_path", gold_files(), ids=lambda p: p.name.removesuffix(".gold.json"))
def test_corpus_document_matches_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    report = parse_file(gold_path.parent / gold["source"])
    assert wrong_cells(gold, report["metrics"]) == []
    assert report["year"] == gold["year"]
    assert report["template"] == gold["template"]
    assert report["org"] == gold["org"]
    assert report["title"] == gold["title"]
    found = {f["kind"] for f in report["findings"]}
    assert {f["kind"] for f in gold["expected_findings"]} <= found


def test_corpus_cell_accuracy_per_form(capsys: pytest.CaptureFixture[str]) -> None:
    paths = gold_files()
    if not paths:
        pytest.skip(f"shared corpus {CORPUS} not present")
    right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for gold_path in paths:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        report = parse_file(gold_path.parent / gold["source"])
        tally = right[form_of(gold_path, gold)]
        tally[0] += len(gold["metrics"]) - len(wrong_cells(gold, report["metrics"]))
        tally[1] += len(gold["metrics"])
    with capsys.disabled():
        print("\ncell accuracy per form (shared corpus):")
        for form, (ok, total) in sorted(right.items()):
            print(f"  {form:<10} {ok:>5}/{total:<5} {ok / total:.2%}")
    assert all(ok == total for ok, total in right.values())
