"""The item pipeline: every report outcome goes into the archive (storage.archive), one run per crawl.

Archive writes parse the report (PDFs take seconds), so they run on one worker thread: the crawl
keeps downloading meanwhile, and the single thread keeps the writes in the order the items came.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, threads
from twisted.python.threadpool import ThreadPool

from crawler.items import ReportDocument, ReportMissing, ReportNotModified, SiteCrawled
from storage.archive import Archive

logger = logging.getLogger(__name__)

DOCUMENT_COUNTS = ("docs_added", "docs_modified", "docs_restored", "docs_unchanged", "docs_new_version",
                   "docs_error", "docs_not_modified", "docs_missing", "docs_removed")


class ArchivePipeline:
    """Record fetched, unchanged, missing and unlisted reports; open and close the crawl run."""

    def __init__(self, crawler: Crawler, db_path: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.site_failures: dict[str, list[str]] = {}
        self.started = time.monotonic()
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="nianbao-archive")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        db_path = crawler.settings.get("NIANBAO_DB")
        if not db_path:
            raise NotConfigured("NIANBAO_DB is not set")
        pipeline = cls(crawler, db_path)
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Open the archive, register the registry's sites and start a run."""
        states = self.crawler.spider.states
        self.archive = Archive(self.db_path)
        self.archive.upsert_sites([state.site.as_record() for state in states.values()])
        self.run_id = self.archive.start_run(list(states))
        self.crawler.stats.set_value("nianbao/run_id", self.run_id)
        self.pool.start()

    async def process_item(self, item: Any) -> Any:
        """Hand the item to the archive on the worker thread and count the outcome."""
        if isinstance(item, ReportDocument):
            outcome = await self.in_thread(
                self.archive.record_fetch, site_id=item.site_id, url=item.url, body=item.body,
                status=item.status, headers=item.headers, run_id=self.run_id)
            self.count(f"docs_{outcome}")
        elif isinstance(item, ReportNotModified):
            await self.in_thread(self.archive.record_not_modified, item.url, run_id=self.run_id)
            self.count("docs_not_modified")
        elif isinstance(item, ReportMissing):
            await self.record_missing(item.url, item.status, item.reason)
        elif isinstance(item, SiteCrawled):
            await self.site_crawled(item)
        return item

    async def site_crawled(self, item: SiteCrawled) -> None:
        """Note the site's failures; if it loaded completely, reports it no longer lists are missing."""
        if item.failures:
            self.site_failures[item.site_id] = item.failures
            return
        archived = await self.in_thread(self.archive.site_urls, item.site_id)
        for url in archived:
            if url not in item.listed:
                await self.record_missing(url, None, "unlisted")

    async def record_missing(self, url: str, status: int | None, reason: str) -> None:
        """Tell the archive ``url`` is missing; count it if that removes it."""
        outcome = await self.in_thread(self.archive.record_missing, url=url, status=status, reason=reason,
                                       run_id=self.run_id)
        self.count("docs_missing")
        if outcome == "removed":
            self.count("docs_removed")

    def in_thread(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``function`` on the archive thread; awaitable."""
        return maybe_deferred_to_future(threads.deferToThreadPool(reactor, self.pool, function, *args, **kwargs))

    def count(self, name: str) -> None:
        self.crawler.stats.inc_value(f"nianbao/{name}")

    def finish_run(self, spider: Spider, reason: str) -> None:
        """Close the run with its summary (also what ``nianbao crawl`` prints) and the archive."""
        self.pool.stop()
        if self.archive is None or self.run_id is None:
            return
        summary = run_summary(self.crawler.stats.get_stats(), self.site_failures, time.monotonic() - self.started)
        self.archive.finish_run(self.run_id, "finished" if reason == "finished" else reason, summary)
        self.archive.close()
        for site_id, failures in self.site_failures.items():
            logger.warning("site %s incomplete: %d failure(s), first: %s", site_id, len(failures), failures[0])


def run_summary(stats: dict[str, Any], site_failures: dict[str, list[str]], elapsed: float) -> dict[str, Any]:
    """The run's figures from Scrapy's stats: pages, bytes, document outcomes and failing sites."""
    not_modified = stats.get("downloader/response_status_count/304", 0)
    summary = {
        "pages_fetched": stats.get("downloader/response_count", 0) - not_modified,
        "pages_not_modified": not_modified,
        "pages_failed": stats.get("nianbao/pages_failed", 0),
        "bytes_received": stats.get("downloader/response_bytes", 0),
        "sites_done": stats.get("nianbao/sites_done", 0),
        "elapsed_seconds": round(elapsed, 1),
        "site_failures": site_failures,
    }
    for name in DOCUMENT_COUNTS:
        summary[name] = stats.get(f"nianbao/{name}", 0)
    return summary
