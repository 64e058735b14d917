"""A body's reports linked across years: by site and normalized name, or by the registry after a reform."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from crosscheck_series import own_words, page, rebalance, series, stored_checks

from nianbao.cli import cli
from storage.archive import Archive
from storage.bodies import body_key, normalize_org

OLD, NEW = "松陵区卫生和计划生育局", "松陵区卫生健康委员会"


def reform_archive(path: Path, bodies: dict | None) -> Archive:
    """2019 under the old name, 2020–2021 under the new one; 2020 carries over 1 request more than 2019 left."""
    metrics = series(3, range(2019, 2022))
    metrics[2020]["applications.carried_over.commercial"] += 1
    metrics[2020]["applications.new_received.commercial"] += 1
    metrics[2020]["applications.total.commercial"] += 2
    metrics[2020]["applications.granted.commercial"] += 2
    metrics[2020]["applications.total.all"] += 2
    metrics[2020]["applications.granted.all"] += 2
    rebalance(metrics[2020])
    archive = Archive(path)
    archive.upsert_sites([{"id": "songling", "name": "松陵区", **({"bodies": bodies} if bodies else {})}])
    for year, org in ((2019, OLD), (2020, NEW), (2021, NEW)):
        body = page(org, "松陵区", year, metrics[year], own_words(f"一{year}"), own_words(f"五{year}"))
        archive.record_fetch(site_id="songling", url=f"http://songling.example/{year}.html", body=body)
    return archive


def test_a_renamed_body_is_linked_through_the_registry(tmp_path: Path):
    with reform_archive(tmp_path / "a.db", {OLD: NEW}) as archive:
        assert {row[0] for row in archive.db.execute("SELECT body FROM reports")} == {f"site:songling/{NEW}"}
        checks = stored_checks(archive.db)
    assert [(row[0], row[1], row[2], row[3], row[4], row[5], row[8]) for row in checks] == [
        (NEW, 2020, OLD, 2019, "carry_over_mismatch", "applications.carried_over.all", 1),
        (NEW, 2020, OLD, 2019, "carry_over_mismatch", "applications.carried_over.commercial", 1),
    ]


def test_without_the_registry_the_old_name_is_another_body_until_the_registry_says(tmp_path: Path):
    path = tmp_path / "a.db"
    with reform_archive(path, None) as archive:
        assert stored_checks(archive.db) == []
        archive.upsert_sites([{"id": "songling", "name": "松陵区", "bodies": {OLD: NEW}}])
        linked = stored_checks(archive.db)
        assert [(row[0], row[2], row[4]) for row in linked] == [(NEW, OLD, "carry_over_mismatch")] * 2
        archive.upsert_sites([{"id": "songling", "name": "松陵区"}])
        assert stored_checks(archive.db) == []
        archive.upsert_sites([{"id": "songling", "name": "松陵区", "bodies": {OLD: NEW}}])
    result = CliRunner().invoke(cli, ["checks", "--db", str(path), "--all"])
    assert result.exit_code == 0, result.output
    assert "carry_over_mismatch" in result.output and "2 checks in 1 reports" in result.output
    with Archive(path) as archive:
        assert stored_checks(archive.db) == linked


def test_names_are_compared_without_spaces_punctuation_or_width():
    assert normalize_org(" 松陵区（教育局） ") == normalize_org("松陵区(教育局)") == "松陵区教育局"


def test_scope_is_the_site_then_the_region_code_then_the_region_name():
    report = {"org": "松陵区教育局", "region": "松陵区", "region_code": "320509", "site_id": "songling"}
    assert body_key(report) == "site:songling/松陵区教育局"
    assert body_key({**report, "site_id": None}) == "region:320509/松陵区教育局"
    assert body_key({**report, "site_id": None, "region_code": None}) == "region:松陵区/松陵区教育局"
    assert body_key({"org": None, "title": "松陵区2022年政府信息公开工作年度报告"}) == "region:/松陵区"
