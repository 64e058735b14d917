"""Finding kinds are a fixed, documented vocabulary: every kind emitted is in it and in the docs."""

from __future__ import annotations

from pathlib import Path

from pipeline import parse_file
from pipeline.findings import KINDS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "reports"
DOCUMENTS = sorted(FIXTURES.glob("*.html")) + sorted(FIXTURES.glob("*.txt"))


def test_every_emitted_kind_is_in_the_vocabulary() -> None:
    emitted = {f["kind"] for path in DOCUMENTS for f in parse_file(path)["findings"]}
    assert emitted <= set(KINDS)
    assert {"label_variant", "repaired_cell", "blank_total", "inconsistent_total", "balance_mismatch",
            "narrative_contradiction", "extra_row", "missing_table", "image_only"} <= emitted


def test_every_kind_is_documented() -> None:
    docs = (REPO / "docs" / "normalizer.md").read_text(encoding="utf-8")
    assert all(f"| `{kind}` |" in docs for kind in KINDS)
