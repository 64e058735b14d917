"""Random sequences of fetches and disappearances against a small model of the change rules."""

from __future__ import annotations

import tempfile
from pathlib import Path

from archive_testing import make_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.archive import Archive

URLS = ("http://a/1", "http://a/2")
# Contents 0 and 1 carry the same report (only the page around it differs); 2 carries another.
REPORT_OF_CONTENT = {0: "first", 1: "first", 2: "second"}

fetch = st.tuples(st.just("fetch"), st.sampled_from(URLS), st.sampled_from(sorted(REPORT_OF_CONTENT)))
missing = st.tuples(st.just("missing"), st.sampled_from(URLS), st.sampled_from(["not_found", "unlisted", "soft404"]))
not_modified = st.tuples(st.just("not_modified"), st.sampled_from(URLS), st.none())
operations = st.lists(st.one_of(fetch, missing, not_modified), max_size=25)


def report(name: str) -> dict:
    return make_report({"applications.total.all": 1 if name == "first" else 2}, text=f"report {name}")


class Model:
    """What the archive should say, document by document."""

    def __init__(self) -> None:
        self.content: dict[str, int] = {}
        self.missing_runs: dict[str, int] = {}
        self.removed: set[str] = set()

    def fetch(self, url: str, content: int) -> str:
        before = self.content.get(url)
        self.content[url] = content
        self.missing_runs[url] = 0
        if before is None:
            return "added"
        if url in self.removed:
            self.removed.discard(url)
            return "restored"
        if before == content:
            return "unchanged"
        return "new_version" if REPORT_OF_CONTENT[before] == REPORT_OF_CONTENT[content] else "modified"

    def missing(self, url: str, reason: str) -> str | None:
        if url not in self.content or url in self.removed:
            return None
        self.missing_runs[url] += 1
        if reason == "soft404" or self.missing_runs[url] >= 2:
            self.removed.add(url)
            return "removed"
        return None

    def not_modified(self, url: str) -> None:
        if url in self.content:
            self.missing_runs[url] = 0
            self.removed.discard(url)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_archive_follows_the_change_rules(steps):
    model = Model()
    with tempfile.TemporaryDirectory() as folder, Archive(Path(folder) / "a.db") as archive:
        for kind, url, argument in steps:
            if kind == "fetch":
                body = f"page {argument}".encode()
                got = archive.record_report(site_id="s", url=url, body=body,
                                            report=report(REPORT_OF_CONTENT[argument]))
                assert got == model.fetch(url, argument)
            elif kind == "missing":
                assert archive.record_missing(url=url, status=404, reason=argument) == model.missing(url, argument)
            else:
                archive.record_not_modified(url)
                model.not_modified(url)
        assert sorted(archive.site_urls("s")) == sorted(set(model.content) - model.removed)
        db = archive.db
        for url in model.content:
            kinds = [row[0] for row in db.execute(
                "SELECT c.kind FROM changes c JOIN documents d ON d.id = c.document_id WHERE d.url = ? "
                "AND c.kind IN ('added', 'removed', 'restored') ORDER BY c.id", [url])]
            assert kinds[0] == "added"
            assert set(kinds[1::2]) <= {"removed"} and set(kinds[2::2]) <= {"restored"}
            assert (url in model.removed) == (kinds[-1] == "removed")
            versions = db.execute(
                "SELECT count(*) FROM versions v JOIN documents d ON d.id = v.document_id WHERE d.url = ?", [url]
            ).fetchone()[0]
            fetched = {argument for kind, u, argument in steps if kind == "fetch" and u == url}
            assert versions == len(fetched)
        current = db.execute("SELECT document_id, count(*) FROM reports WHERE is_current = 1 GROUP BY document_id")
        assert all(n == 1 for _, n in current)
