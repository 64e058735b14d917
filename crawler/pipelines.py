"""The item pipeline: every report outcome goes into the archive (storage.archive), one run per crawl.

Parsing a report takes from milliseconds (HTML) to seconds (PDF), so it never runs on the reactor:
with ``NIANBAO_PARSE_PROCESSES`` > 0 reports are parsed in that many worker processes (the crawl keeps
a core to itself), each parse given up after ``NIANBAO_PARSE_SECONDS``, otherwise on the archive
thread.  All archive writes run on one worker thread, so SQLite sees a single writer while the crawl
keeps downloading.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, threads
from twisted.python.threadpool import ThreadPool

from crawler.items import ReportDocument, ReportMissing, ReportNotModified, SiteCrawled
from storage.archive import Archive, parse_report
from storage.softerror import SOFT_ERROR

logger = logging.getLogger(__name__)

DOCUMENT_COUNTS = ("docs_added", "docs_modified", "docs_restored", "docs_unchanged", "docs_new_version",
                   "docs_error", "docs_soft_error", "docs_not_modified", "docs_missing", "docs_removed")


class ArchivePipeline:
    """Record fetched, unchanged, missing and unlisted reports; open and close the crawl run."""

    def __init__(self, crawler: Crawler, db_path: str, parse_processes: int = 0, parse_seconds: float = 0) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.parse_seconds = parse_seconds
        # Spawned, not forked: a fork would copy the running reactor and its threads.
        self.parsers = (ProcessPoolExecutor(parse_processes, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=exit_with_parent, initargs=(os.getpid(),))
                        if parse_processes > 0 else None)
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
        pipeline = cls(crawler, db_path, crawler.settings.getint("NIANBAO_PARSE_PROCESSES"),
                       crawler.settings.getfloat("NIANBAO_PARSE_SECONDS"))
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
            outcome = await self.archive_document(item)
            self.count(f"docs_{outcome}")
            if outcome == SOFT_ERROR:
                self.site_failures.setdefault(item.site_id, []).append(
                    f"{item.url}: soft error: the answer is not the archived report (kept as a version, not current)")
        elif isinstance(item, ReportNotModified):
            await self.in_thread(self.archive.record_not_modified, item.url, run_id=self.run_id)
            self.count("docs_not_modified")
        elif isinstance(item, ReportMissing):
            await self.record_missing(item.url, item.status, item.reason)
        elif isinstance(item, SiteCrawled):
            await self.site_crawled(item)
        return item

    async def archive_document(self, item: ReportDocument) -> str:
        """Parse (in a worker process if there are any) and archive one document; the archive's outcome."""
        fields = {"site_id": item.site_id, "url": item.url, "body": item.body, "status": item.status,
                  "headers": item.headers, "run_id": self.run_id}
        if self.parsers is None:
            return await self.in_thread(self.archive.record_fetch, **fields)
        parsing = self.parsers.submit(parse_in_time, item.body, item.url, self.parse_seconds)
        report, error = await maybe_deferred_to_future(threads.deferToThread(parsing.result))
        return await self.in_thread(self.archive.record_report, report=report, error=error, **fields)

    async def site_crawled(self, item: SiteCrawled) -> None:
        """Note the site's failures; if it loaded completely, reports it no longer lists are missing."""
        if item.failures:
            self.site_failures.setdefault(item.site_id, []).extend(item.failures)
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
        if self.parsers is not None:
            self.parsers.shutdown(cancel_futures=True)
        if self.archive is None or self.run_id is None:
            return
        summary = run_summary(self.crawler.stats.get_stats(), self.site_failures, time.monotonic() - self.started)
        self.archive.finish_run(self.run_id, "finished" if reason == "finished" else reason, summary)
        self.archive.close()
        for site_id, failures in self.site_failures.items():
            logger.warning("site %s incomplete: %d failure(s), first: %s", site_id, len(failures), failures[0])


class ParseTimeout(BaseException):
    """Raised in a parser process when a parse runs out of time; a BaseException, so that the
    normalizer's and ``parse_report``'s ``except Exception`` cannot mistake it for a parser bug."""


def parse_in_time(body: bytes, url: str, seconds: float) -> tuple[dict | None, str | None]:
    """``parse_report`` in a parser process, given up after ``seconds`` (0: no limit).

    The format readers' own limits (PDF read time, DOC conversion time) cover their slow parts; this
    covers any document, e.g. an HTML page of a hundred thousand table rows.  SIGALRM works because
    a process pool runs its tasks on the worker's main thread.
    """
    if seconds <= 0:
        return parse_report(body, url)

    def give_up(signum: int, frame: Any) -> None:
        raise ParseTimeout

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return parse_report(body, url)
    except ParseTimeout:
        return None, f"parsing took longer than {seconds:g} s (NIANBAO_PARSE_SECONDS)"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def exit_with_parent(parent_pid: int) -> None:
    """In a parser process: exit when the crawl that started it is gone (a killed crawl leaves no orphans)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


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
