"""The normalizer against our generated fixture reports (tests/fixtures/reports).

Each report's gold says what the document prints; the parser must return every gold metric
(money within 1e-4 万元), the year, template and org, and every expected finding kind.  The cell
accuracy per style is tallied and printed at the end of the run (see ``conftest.py``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from nianbao.samples import STYLES, arithmetic_errors, random_metrics, render
from pipeline import parse_file
from pipeline.schema import MONEY_KEYS, SCHEMA

FIXTURE_REPORTS = Path(__file__).parent / "fixtures" / "reports"
INDEX = json.loads((FIXTURE_REPORTS / "index.json").read_text())


def _same(key: str, expected: float, found: object) -> bool:
    if key in MONEY_KEYS:
        return isinstance(found, int | float) and abs(found - expected) <= 1e-4
    return found == expected and not isinstance(found, bool)


def _decode(data: bytes) -> str:
    """Our styles write UTF-8 or a GB encoding; GB18030 reads every GB one."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


@pytest.mark.parametrize("entry", INDEX, ids=[entry["file"] for entry in INDEX])
def test_fixture_report(entry: dict, accuracy_tally: dict[str, list[int]]) -> None:
    """Every gold metric, the metadata and the expected finding kinds of one fixture report."""
    gold = json.loads((FIXTURE_REPORTS / entry["gold"]).read_text())
    report = parse_file(FIXTURE_REPORTS / entry["file"])
    metrics = report["metrics"]
    wrong = {key: (value, metrics.get(key)) for key, value in gold["metrics"].items()
             if not _same(key, value, metrics.get(key))}
    tally = accuracy_tally[entry["style"]]
    tally[0] += len(gold["metrics"]) - len(wrong)
    tally[1] += len(gold["metrics"])
    tally[2] += not wrong
    tally[3] += 1

    found_kinds = {f["kind"] for f in report["findings"]}
    missing_kinds = {f["kind"] for f in gold["expected_findings"]} - found_kinds
    problems = []
    if wrong:
        sample = dict(list(wrong.items())[:8])
        problems.append(f"{len(wrong)}/{len(gold['metrics'])} metrics wrong (gold, parsed), e.g. {sample}")
    for field in ("year", "template", "org"):
        if report.get(field) != gold[field]:
            problems.append(f"{field}: expected {gold[field]!r}, parsed {report.get(field)!r}")
    if missing_kinds:
        problems.append(f"findings missing: {sorted(missing_kinds)} (parsed: {sorted(found_kinds)})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_random_metrics_satisfy_the_template(template: str) -> None:
    """The generator's numbers cover exactly the template's keys and keep its arithmetic."""
    for seed in range(50):
        metrics = random_metrics(template, seed)
        assert list(metrics) == SCHEMA.keys(template)
        assert arithmetic_errors(metrics, template) == []


def test_every_style_renders_both_templates() -> None:
    """Every registered style prints both templates; the fixtures cover every style."""
    for style in STYLES:
        for template in ("2019", "2021"):
            meta = {"region": "云湖区", "org": "云湖区人民政府", "year": 2022, "seed": 1,
                    "title": "云湖区人民政府2022年政府信息公开工作年度报告", "published": "2023-01-20",
                    "written": "2023-01-15", "index_no": "11000000/2023-00001"}
            data = render(meta, random_metrics(template, 1), template, style)
            assert "政府信息公开" in _decode(data)
    assert {entry["style"] for entry in INDEX} == set(STYLES)


def test_fixtures_are_reproducible() -> None:
    """``make_fixtures.py`` regenerates the committed files byte for byte."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURE_REPORTS / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for fixture in [*module.generic_specs(), *module.HAND_MADE]:
        data, gold = module.build(fixture)
        assert data == (FIXTURE_REPORTS / gold["source"]).read_bytes(), gold["source"]
        committed = json.loads((FIXTURE_REPORTS / (fixture["name"] + ".gold.json")).read_text())
        assert gold == committed, fixture["name"]
