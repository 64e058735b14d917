"""Downloader middlewares: safe URLs, staying on the site, backing off before retries, whole bodies,
conditional requests, encodings."""

from __future__ import annotations

import codecs
import logging
import zlib

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, task

from crawler.safety import UnsafeRequest, address_refusal, url_refusal
from pipeline.encoding import declared_charset
from storage.archive import Archive

logger = logging.getLogger(__name__)
# Decompress in slices of this size, so that checking a body never holds more than one slice of output.
_INFLATE_CHUNK = 1 << 20


class BadBody(Exception):
    """A body that cannot be used: compressed data that does not decompress, or decompresses too large."""


class UrlSafetyMiddleware:
    """Refuse non-http(s) URLs and servers on loopback (unless ``NIANBAO_ALLOW_LOOPBACK``) or private networks.

    Checked on every request, redirects included, and again on the address a response actually
    came from: behind :class:`crawler.safety.SafeResolver`, which refuses host names resolving into
    the local network before connecting, this is the last word on where an answer came from.
    """

    def __init__(self, crawler: Crawler, allow_loopback: bool) -> None:
        self.crawler = crawler
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlSafetyMiddleware:
        return cls(crawler, crawler.settings.getbool("NIANBAO_ALLOW_LOOPBACK"))

    def process_request(self, request: Request) -> None:
        """Raise :class:`UnsafeRequest` for a URL that must not be fetched."""
        self.refuse(request, url_refusal(request.url, self.allow_loopback))

    def process_response(self, request: Request, response: Response) -> Response:
        """Raise :class:`UnsafeRequest` for an answer from a refused address."""
        if response.ip_address is not None:
            self.refuse(request, address_refusal(response.ip_address, self.allow_loopback))
        return response

    def refuse(self, request: Request, refusal: str | None) -> None:
        if refusal:
            self.crawler.stats.inc_value("nianbao/unsafe_refused")
            raise UnsafeRequest(f"refused: {refusal}")


class WholeBodyMiddleware:
    """Retry, then fail, a gzip/deflate body that does not decompress to its end or beyond ``DOWNLOAD_MAXSIZE``.

    Runs before Scrapy's HttpCompressionMiddleware, which keeps whatever decompressed before the
    damage (a report cut short would be archived as a new version) and turns a decompression
    bomb into a silent IgnoreRequest (the document would vanish from the run summary).
    """

    def __init__(self, crawler: Crawler, max_size: int) -> None:
        self.crawler = crawler
        self.max_size = max_size

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WholeBodyMiddleware:
        return cls(crawler, crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """``response`` if its body is whole, else a retry of ``request`` (:class:`BadBody` once retries are spent)."""
        encoding = response.headers.get("Content-Encoding", b"").decode("latin-1").strip().lower()
        if request.method == "HEAD" or encoding not in ("gzip", "x-gzip", "deflate"):
            return response
        problem = compressed_body_problem(response.body, encoding, self.max_size)
        if problem is None:
            return response
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"bad {encoding} body")
        if retry is not None:
            return retry
        raise BadBody(f"{encoding} body ({len(response.body)} B) {problem}")


def compressed_body_problem(body: bytes, encoding: str, max_size: int) -> str | None:
    """What is wrong with a compressed ``body`` (one phrase), or None if it inflates whole within ``max_size``."""
    window_bits = (31,) if encoding in ("gzip", "x-gzip") else (15, -15)  # deflate is sent with or without header
    for bits in window_bits:
        inflater = zlib.decompressobj(bits)
        size, pending = 0, body
        try:
            while not inflater.eof:
                output = inflater.decompress(pending, _INFLATE_CHUNK)
                pending, size = inflater.unconsumed_tail, size + len(output)
                if max_size and size > max_size:
                    return f"decompresses beyond DOWNLOAD_MAXSIZE ({max_size} B)"
                if not output and not pending:
                    break
        except zlib.error:
            continue
        if inflater.eof:
            return None
    return "does not decompress (corrupt or cut short)"


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

    Scrapy believes the Content-Type charset first; a GBK page announced as UTF-8 (or the reverse)
    then comes out as mojibake and every title test fails.  A body that is valid UTF-8 is read as
    UTF-8; another declared charset is kept only if the body decodes under it without error;
    otherwise the page's ``<meta>`` charset, UTF-8 and GB18030 are tried.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        """``response`` with an encoding its bytes actually decode under."""
        if not isinstance(response, TextResponse):
            return response
        if is_utf8_text(response.body) and codecs.lookup(response.encoding).name != "utf-8":
            # Chinese text in UTF-8 also decodes as GBK, into nonsense: strict UTF-8 with non-ASCII
            # bytes is UTF-8 whatever the header says (GBK text is almost never valid UTF-8).
            return response.replace(encoding="utf-8")
        if _decodes(response.body, response.encoding):
            return response
        for candidate in (declared_charset(response.body), "utf-8", "gb18030"):
            if candidate and _decodes(response.body, candidate):
                logger.debug("%s: decoding as %s, not %s", response.url, candidate, response.encoding)
                return response.replace(encoding=candidate)
        return response


def is_utf8_text(body: bytes) -> bool:
    """Whether ``body`` has non-ASCII bytes and is valid UTF-8 throughout."""
    return not body.isascii() and _decodes(body, "utf-8")


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
