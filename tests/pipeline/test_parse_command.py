"""``nianbao parse`` as users run it: the installed console command, one JSON object per file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NIANBAO = shutil.which("nianbao") or str(Path(sys.executable).with_name("nianbao"))
REPORT = "云湖区2022年政府信息公开工作年度报告\n一、总体情况\n工作有序推进。\n".encode()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NIANBAO, "parse", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.txt"
    good.write_bytes(REPORT)
    junk = tmp_path / "junk.docx"  # the extension lies: it is an RTF file
    junk.write_bytes(b"{\\rtf1 not a report}")
    return {"good": good, "junk": junk, "missing": tmp_path / "missing.html"}


def test_json_lines_one_per_file_and_the_run_goes_on(files: dict[str, Path]) -> None:
    result = run("--json", str(files["missing"]), str(files["good"]), str(files["junk"]))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert [line["source"] for line in lines] == [str(files[k]) for k in ("missing", "good", "junk")]
    assert "missing.html" in lines[0]["error"] and "\n" not in lines[0]["error"]
    assert lines[1]["year"] == 2022 and "provenance" not in lines[1] and "text" not in lines[1]
    assert set(lines[1]) == {"source", "title", "org", "region", "region_code", "year", "published", "template",
                             "metrics", "findings"}
    assert lines[2]["findings"][0]["kind"] == "unsupported_format"


def test_provenance_on_request(shared_corpus: Path) -> None:
    result = run("--json", "--provenance", str(shared_corpus / "huaiyang-2022.txt"))
    report = json.loads(result.stdout)
    assert result.returncode == 0
    cell = report["provenance"]["active.normative_docs.in_force"]
    assert cell["raw"] == "8" and cell["kind"] == "number" and cell["column_label"] == "现行有效件数"


def test_human_summary(files: dict[str, Path]) -> None:
    result = run(str(files["good"]))
    assert result.returncode == 0
    assert "year 2022, template unknown, 0 metrics, findings: missing_table×3" in result.stdout
