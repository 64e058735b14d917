"""The sites registry: valid entries load; every kind of bad entry is a one-line error naming file, entry, field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.registry import RegistryError, load_registry
from nianbao.cli import cli

GOOD = """
sites:
  - id: yunhu
    name: 云湖区人民政府
    region_code: "900001"
    start_urls: [http://www.yunhu.gov.cn/]
    report_columns: [http://www.yunhu.gov.cn/col/col6044/index.html]
    extra_domains: [xxgk.yunhu.gov.cn, "http://127.0.0.21:8080"]
  - id: qinglan
    name: 青岚区人民政府
    region_code: 900002
    start_urls: [https://www.qinglan.gov.cn/]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_registry_loads_with_hints(tmp_path: Path) -> None:
    sites = load_registry(write(tmp_path, GOOD))
    assert [site.id for site in sites] == ["yunhu", "qinglan"]
    assert sites[1].region_code == "900002"  # an unquoted code is still text
    assert sites[0].report_columns == ("http://www.yunhu.gov.cn/col/col6044/index.html",)
    assert sites[0].as_record()["extra_domains"] == ["xxgk.yunhu.gov.cn", "http://127.0.0.21:8080"]


def test_only_selects_sites_and_rejects_unknown_ids(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert [site.id for site in load_registry(path, ["qinglan"])] == ["qinglan"]
    with pytest.raises(RegistryError, match=r"--site nowhere: no such site id"):
        load_registry(path, ["nowhere"])


def test_site_allows_its_origin_declared_domains_and_scheme_upgrade_only(tmp_path: Path) -> None:
    site = load_registry(write(tmp_path, GOOD))[0]
    assert site.allows("http://www.yunhu.gov.cn/art/1.html")
    assert site.allows("https://www.yunhu.gov.cn/art/1.html")  # http -> https on default ports
    assert site.allows("http://xxgk.yunhu.gov.cn/a.pdf")  # declared host
    assert site.allows("http://127.0.0.21:8080/a.pdf")  # declared origin
    assert not site.allows("http://127.0.0.21:8081/a.pdf")  # same host, other port: another origin
    assert not site.allows("http://www.yunhu.gov.cn:8080/a.html")
    assert not site.allows("http://mirror.example.com/www.yunhu.gov.cn/a.html")
    assert not site.allows("ftp://www.yunhu.gov.cn/a.pdf")


BAD_ENTRIES = [
    ("sites: []", r"sites\.yaml: expected a mapping with a non-empty list under 'sites'"),
    ("sites: [1]", r"sites\[0\]: expected a mapping, got int"),
    ("sites:\n  - {id: a, name: A, region_code: '900001'}", r"sites\[0\] \(id 'a'\): start_urls: missing"),
    ("sites:\n  - {id: a, name: A, region_code: '9001', start_urls: [http://a.cn/]}",
     r"sites\[0\] \(id 'a'\): region_code: must be 6 or 12 digits, got '9001'"),
    ("sites:\n  - {id: a, name: A, region_code: '900001', start_urls: [www.a.cn]}",
     r"sites\[0\] \(id 'a'\): start_urls: not an http\(s\) URL: 'www.a.cn'"),
    ("sites:\n  - {id: 'a b', name: A, region_code: '900001', start_urls: [http://a.cn/]}",
     r"sites\[0\] \(id 'a b'\): id: must be letters"),
    ("sites:\n  - {id: a, name: A, region_code: '900001', start_urls: [http://a.cn/], start_url: x}",
     r"sites\[0\] \(id 'a'\): start_url: unknown field"),
    ("sites:\n  - {id: a, name: A, region_code: '900001', start_urls: [http://a.cn/], extra_domains: [a.cn/x]}",
     r"sites\[0\] \(id 'a'\): extra_domains: not a host name or origin"),
    ("sites:\n  - {id: a, name: A, region_code: '900001', start_urls: [http://a.cn/]}\n"
     "  - {id: a, name: B, region_code: '900002', start_urls: [http://b.cn/]}",
     r"sites\[1\] \(id 'a'\): id: duplicate"),
    ("sites:\n  - {id: a, name: [A, B", r"sites\.yaml: line \d+: not valid YAML"),
]


@pytest.mark.parametrize(("text", "message"), BAD_ENTRIES)
def test_bad_registry_is_one_line_error_naming_file_entry_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message) as caught:
        load_registry(write(tmp_path, text))
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "sites.yaml"))


def test_crawl_with_bad_registry_stops_before_crawling(tmp_path: Path) -> None:
    registry = write(tmp_path, "sites:\n  - {id: a, name: A, region_code: '900001', start_urls: [nowhere]}")
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["crawl", "--sites", str(registry), "--db", str(db)])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"Error: {registry}: sites[0] (id 'a'): start_urls: not an http(s) URL: 'nowhere'"]
    assert not db.exists()


def test_crawl_rejects_setting_without_value(tmp_path: Path) -> None:
    registry = write(tmp_path, GOOD)
    result = CliRunner().invoke(cli, ["crawl", "--sites", str(registry), "--db", str(tmp_path / "a.db"),
                                      "-s", "DOWNLOAD_DELAY"])
    assert result.exit_code == 2
    assert "expected NAME=VALUE, got 'DOWNLOAD_DELAY'" in result.output
