"""Attachments through the whole parse: the same table gives the same numbers in every format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import parse_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"

FORMATS = ["merged_labels.docx", "split_table.pdf", "lying_extension.doc"]
if shutil.which("soffice"):
    FORMATS.append("merged_labels.doc")


@pytest.mark.parametrize("name", FORMATS)
def test_table_three_reads_the_same_in_every_format(name, generator):
    report = parse_bytes((FIXTURES / name).read_bytes(), source=name)
    metrics = report["metrics"]
    totals = generator.data_values()[generator.DATA_LABELS.index((generator.OUTCOME, None, "（七）总计"))]
    assert report["template"] == "2021"
    assert metrics["applications.total.all"] == totals[-1]
    assert metrics["applications.total.natural_person"] == totals[0]
    assert metrics["applications.carried_forward.commercial"] == 1
    kinds = {finding["kind"] for finding in report["findings"]}
    assert kinds == {"missing_table"}, "only tables 二 and 四 are missing; no arithmetic finding"


def test_every_format_gives_identical_metrics():
    reports = [parse_bytes((FIXTURES / name).read_bytes())["metrics"] for name in FORMATS]
    assert len(reports[0]) == 175
    assert all(metrics == reports[0] for metrics in reports[1:])


def test_scan_reports_image_only_and_no_numbers():
    report = parse_bytes((FIXTURES / "scan.pdf").read_bytes())
    assert report["metrics"] == {}
    assert [finding["kind"] for finding in report["findings"]] == ["image_only"]


def test_doc_without_libreoffice_is_an_unsupported_format_finding(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    report = parse_bytes((FIXTURES / "merged_labels.doc").read_bytes())
    assert report["template"] == "unknown"
    [finding] = report["findings"]
    assert finding["kind"] == "unsupported_format"
    assert "LibreOffice" in finding["detail"]
