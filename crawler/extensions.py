"""Progress lines during a crawl: sites done, pages, reports new/modified/unchanged.

Logged on the ``nianbao.progress`` logger every ``NIANBAO_PROGRESS_INTERVAL`` seconds and whenever a
site finishes; ``nianbao crawl`` shows that logger on stderr even when Scrapy's own log is quiet.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.items import SiteCrawled

logger = logging.getLogger("nianbao.progress")


class CrawlProgress:
    """Log a one-line progress summary periodically and when each site is done."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.task = create_looping_call(self.log_progress)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.log_progress()

    def item_scraped(self, item: Any, response: Any, spider: Spider) -> None:
        """A site is done: say which, and how it went."""
        if isinstance(item, SiteCrawled):
            outcome = f"{len(item.failures)} failure(s)" if item.failures else "ok"
            self.log_progress(f"site {item.site_id} done ({len(item.listed)} reports listed, {outcome}); ")

    def log_progress(self, prefix: str = "") -> None:
        logger.info("%s%s", prefix, progress_line(self.crawler.stats.get_stats(), len(self.crawler.spider.states)))


def progress_line(stats: dict[str, Any], total_sites: int) -> str:
    """``sites 2/3 · pages 54 (20 not modified, 1 failed) · reports new 10, modified 0, unchanged 5``."""
    def value(name: str) -> int:
        return stats.get(name, 0)

    not_modified = value("downloader/response_status_count/304")
    unchanged = sum(value(f"nianbao/docs_{n}") for n in ("unchanged", "new_version", "not_modified"))
    return (
        f"sites {value('nianbao/sites_done')}/{total_sites} · "
        f"pages {value('downloader/response_count') - not_modified} "
        f"({not_modified} not modified, {value('nianbao/pages_failed')} failed) · "
        f"reports new {value('nianbao/docs_added')}, modified {value('nianbao/docs_modified')}, "
        f"unchanged {unchanged}"
    )
