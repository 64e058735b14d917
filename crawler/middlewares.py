"""Downloader middlewares: staying on the site, backing off before retries, conditional requests, encodings."""

from __future__ import annotations

import codecs
import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, task

from pipeline.encoding import declared_charset
from storage.archive import Archive

logger = logging.getLogger(__name__)


class SiteOriginMiddleware:
    """Drop requests that leave their site, including redirects to mirror or spam domains.

    The spider only asks for on-site URLs; this catches what redirects make of them.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteOriginMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Raise :class:`IgnoreRequest` for a request its spider says is off the site."""
        allows = getattr(self.crawler.spider, "allows", None)
        if allows is not None and not allows(request):
            self.crawler.stats.inc_value("nianbao/offsite_dropped")
            raise IgnoreRequest(f"off the site: {request.url}")


class BackoffMiddleware:
    """Wait before each retry, doubling every time: ``RETRY_BACKOFF_BASE`` × 2^(n-1), at most ``RETRY_BACKOFF_MAX``.

    Scrapy's RetryMiddleware re-sends at once, which hits a struggling server again immediately.
    """

    def __init__(self, base: float, ceiling: float) -> None:
        self.base = base
        self.ceiling = ceiling

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        return cls(crawler.settings.getfloat("RETRY_BACKOFF_BASE"), crawler.settings.getfloat("RETRY_BACKOFF_MAX"))

    async def process_request(self, request: Request) -> None:
        """Sleep (without blocking other downloads) before a retried request."""
        delay = backoff_delay(request.meta.get("retry_times", 0), self.base, self.ceiling)
        if delay > 0:
            await maybe_deferred_to_future(task.deferLater(reactor, delay))


def backoff_delay(retry: int, base: float, ceiling: float) -> float:
    """Seconds to wait before retry number ``retry`` (0 = first attempt: no wait)."""
    return 0.0 if retry <= 0 else min(base * 2 ** (retry - 1), ceiling)


class ConditionalRequestMiddleware:
    """Send If-None-Match / If-Modified-Since on report requests, from the archive's current version.

    Only documents (``meta["role"] == "document"``) are conditional: listings are always fetched in
    full, because the links they hold are needed even when they have not changed.
    """

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self._archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        db_path = crawler.settings.get("NIANBAO_DB")
        if not db_path:
            raise NotConfigured("NIANBAO_DB is not set")
        middleware = cls(db_path)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    @property
    def archive(self) -> Archive:
        """A reading connection to the archive, opened on first use (the pipeline creates the file first)."""
        if self._archive is None:
            self._archive = Archive(self.db_path)
        return self._archive

    def process_request(self, request: Request) -> None:
        """Add the validators of the archived version of ``request.url``, if there is one."""
        if request.meta.get("role") != "document":
            return
        for header in ("If-None-Match", "If-Modified-Since"):
            request.headers.pop(header, None)
        validators = self.archive.validators(request.url) or {}
        if validators.get("etag"):
            request.headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            request.headers["If-Modified-Since"] = validators["last_modified"]

    def close(self) -> None:
        """Close the archive connection."""
        if self._archive is not None:
            self._archive.close()


class EncodingMiddleware:
    """Decode Chinese pages right when the HTTP header lies about their charset.

    Scrapy believes the Content-Type charset first; a GBK page announced as UTF-8 then comes out
    as mojibake and every title test fails.  A declared charset is kept only if the body decodes
    under it without error; otherwise the page's ``<meta>`` charset, UTF-8 and GB18030 are tried.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        """``response`` with an encoding its bytes actually decode under."""
        if not isinstance(response, TextResponse) or _decodes(response.body, response.encoding):
            return response
        for candidate in (declared_charset(response.body), "utf-8", "gb18030"):
            if candidate and _decodes(response.body, candidate):
                logger.debug("%s: decoding as %s, not %s", response.url, candidate, response.encoding)
                return response.replace(encoding=candidate)
        return response


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
