"""Every fault of a hostile or broken web, one site each, crawled healthy, faulty, then mended.

Three real crawls share one archive: run 1 with every site healthy, run 2 with every site faulty
(one fault per site), run 3 mended.  For each fault: run 2 finishes, the site's failure is in its
summary and ``crawl_runs`` (faults the crawler absorbs show none), nothing archived in run 1 changes
or is lost, and run 3 is clean again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults_testing import crawl, current_reports, parse_errors, runs, versions

from crawler.faultweb import MISBEHAVIOURS, FaultWeb

# What the run summary says about each site in run 2 (None: the crawler absorbs the fault, no failure).
EXPECTED_FAILURE = {
    "http_5xx": "HTTP 503", "reset": "Connection", "timeout": "took longer than 2.0 seconds",
    "trickle": "took longer than 2.0 seconds", "truncated": "DataLoss", "bad_gzip": "does not decompress",
    "gzip_bomb": "decompresses beyond DOWNLOAD_MAXSIZE", "redirect_loop": "max redirections",
    "error_page": "soft error", "wrong_type": None, "lying_charset": None, "trap": "pagination trap",
    "unsafe_redirect": "refused: a private address (10.1.2.3)", "oversize": "larger than download max size",
    "docx_bomb": None, "parse_limits": None, "hostile_names": None,
}


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The web, the archive, and per run: the summary text and the archive's state after it."""
    tmp = tmp_path_factory.mktemp("faults")
    web = FaultWeb({"healthy": "none", **{fault: "none" for fault in MISBEHAVIOURS}}).start()
    registry, db = web.registry(tmp / "sites.yaml"), tmp / "archive.db"
    states = []
    try:
        for phase in ("healthy", "faulty", "mended"):
            for fault in MISBEHAVIOURS:
                web.set_fault(fault, fault if phase == "faulty" else "none")
            result = crawl(registry, db, tmp)
            states.append({"stdout": result.stdout, "reports": current_reports(db), "versions": versions(db),
                           "parse_errors": parse_errors(db), "run": runs(db)[-1]})
        yield {"web": web, "states": states, "cwd": tmp}
    finally:
        web.stop()


def good_reports(state: dict, web: FaultWeb, site: str) -> dict:
    return {url: state["reports"].get(url) for url in web.report_urls(site)}


@pytest.mark.parametrize("fault", MISBEHAVIOURS)
def test_fault_is_survived_reported_and_recovered(three_runs: dict, fault: str) -> None:
    web, (healthy, faulty, mended) = three_runs["web"], three_runs["states"]
    assert all(None not in good_reports(healthy, web, site).values() for site in web.faults)  # run 1 got all

    run = faulty["run"]
    assert run["status"] == "finished" and run["stats"]["sites_done"] == len(web.faults)
    failures = " | ".join(run["stats"]["site_failures"].get(fault, []))
    if EXPECTED_FAILURE[fault] is None:
        assert not failures
    else:
        assert EXPECTED_FAILURE[fault] in failures
        assert f"site {fault}: " in faulty["stdout"]  # the printed summary too
    assert good_reports(faulty, web, fault) == good_reports(healthy, web, fault)  # nothing changed,
    assert healthy["versions"] <= faulty["versions"]  # nothing lost

    assert fault not in mended["run"]["stats"]["site_failures"]
    assert good_reports(mended, web, fault) == good_reports(healthy, web, fault)


def test_healthy_site_is_untouched_by_its_neighbours_faults(three_runs: dict) -> None:
    states = three_runs["states"]
    assert all("healthy" not in state["run"]["stats"]["site_failures"] for state in states)
    assert {len(state["versions"] & {(url, digest) for url, (digest, *_) in states[0]["reports"].items()})
            for state in states} == {len(states[0]["reports"])}
    assert states[2]["run"]["stats"]["site_failures"] == {}  # mended: a clean run again


def test_error_page_is_kept_as_a_version_but_not_made_current(three_runs: dict) -> None:
    web, (healthy, faulty, _) = three_runs["web"], three_runs["states"]
    new = {url for url, _ in faulty["versions"] - healthy["versions"]}
    assert new >= set(web.report_urls("error_page"))
    assert faulty["run"]["stats"]["docs_soft_error"] == len(web.report_urls("error_page"))
    assert faulty["run"]["docs_modified"] == 0


def test_limits_make_an_error_of_that_document_only(three_runs: dict) -> None:
    web, faulty = three_runs["web"], three_runs["states"][1]
    errors = faulty["parse_errors"]
    assert "ZIP bomb" in errors[web.urls["docx_bomb"] + "ndbg/2021.docx"]
    assert "over the 300-page limit" in errors[web.urls["parse_limits"] + "ndbg/2020.pdf"]
    assert "parsing took longer than 1 s" in errors[web.urls["parse_limits"] + "ndbg/2017.html"]
    assert web.urls["oversize"] + "ndbg/2018.pdf" not in faulty["reports"]
    assert not [url for url in faulty["reports"] if "/moved-" in url]  # no unsafe redirect was followed


def test_unsafe_redirects_are_refused_and_listed(three_runs: dict) -> None:
    failures = " | ".join(three_runs["states"][1]["run"]["stats"]["site_failures"]["unsafe_redirect"])
    assert "refused: a private address (10.1.2.3)" in failures
    assert "refused: a link-local address (169.254.169.254)" in failures


def test_hostile_file_names_never_become_paths(three_runs: dict) -> None:
    faulty, cwd = three_runs["states"][1], three_runs["cwd"]
    assert any("nianbao-pwned" in url for url in faulty["reports"])  # archived by URL, as data
    own_files = {"sites.yaml", "archive.db", "archive.db-shm", "archive.db-wal", "archive.db.lock"}
    assert {path.name for path in cwd.iterdir()} <= own_files
    assert not Path("/tmp/nianbao-pwned.html").exists() and not list(cwd.parent.glob("**/pwned.sh"))


def test_session_ids_and_the_request_budget_stop_a_trap(tmp_path: Path) -> None:
    web = FaultWeb({"trap": "trap"}).start()
    try:
        result = crawl(web.registry(tmp_path / "sites.yaml"), tmp_path / "a.db", tmp_path,
                       NIANBAO_MAX_LISTING_DEPTH="1000", NIANBAO_MAX_REQUESTS_PER_SITE="20")
    finally:
        web.stop()
    assert "request budget of 20 spent" in result.stdout
    assert len(web.requests) <= 20 + 1  # robots.txt is Scrapy's own request
    first_pages = [path for _, path in web.requests if re.match(r"/ndbg/list\.html\?page=1(&|$)", path)]
    assert len(first_pages) == 1  # every link to it carried a new session id
    assert set(current_reports(tmp_path / "a.db")) == set(web.report_urls("trap"))
