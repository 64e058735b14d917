"""The ``reports`` spider: from each registry site's home page to every annual report on it.

Requests and their roles::

    home / area  — navigation: follow links to the disclosure area and to annual-report columns
    column       — a listing: pagination strategies (crawler.cms) add hidden records and further pages
    document     — a report's article page or attachment: becomes an item for the archive

``scrapy crawl reports -a sites=sites.yaml [-a site=id1,id2]``.  The spider keeps its own per-site
record of what it asked for, so it knows when a site is finished (every request answered or failed)
and can tell the pipeline which reports the site still lists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.cms import Link, anchors, extract_listing, is_markup
from crawler.discovery import (
    Role,
    canonical_report_url,
    classify_link,
    clean_text,
    is_attachment_url,
    is_report_title,
)
from crawler.items import ReportDocument, ReportMissing, ReportNotModified, SiteCrawled
from crawler.registry import Site, load_registry
from crawler.safety import UnsafeRequest, without_session_ids

# Home → 政务公开 → 政府信息公开 → column: deeper navigation chains are menus leading elsewhere.
MAX_AREA_HOPS = 3
# An article page whose own text (links aside) is this short only introduces its attachments.
SHELL_TEXT_CHARS = 400
DOCUMENT_STATUSES = [304, 404, 410]
_SOFT_404_MARKERS = ("404", "页面不存在", "页面未找到", "找不到", "已删除", "已撤销")


@dataclass
class SiteState:
    """What the spider knows about one site during the run."""

    site: Site
    pending: int = 0
    requested: set[tuple[str, str, bytes]] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)
    columns: int = 0
    failures: list[str] = field(default_factory=list)
    limits_hit: set[str] = field(default_factory=set)


class ReportsSpider(scrapy.Spider):
    """Find and fetch every annual report of every site in the registry."""

    name = "reports"

    def __init__(self, sites: str | None = None, site: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not sites:
            raise ValueError("the reports spider needs a registry: scrapy crawl reports -a sites=FILE")
        only = [site_id for site_id in site.split(",") if site_id]
        self.states = {s.id: SiteState(s) for s in load_registry(sites, only)}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_requests = crawler.settings.getint("NIANBAO_MAX_REQUESTS_PER_SITE")
        spider.max_listing_depth = crawler.settings.getint("NIANBAO_MAX_LISTING_DEPTH")
        return spider

    # --- requests -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        """Each site's start URLs as home pages and its declared report columns as columns."""
        for state in self.states.values():
            requests = [self.page_request(state, url, "home") for url in state.site.start_urls]
            requests += [self.page_request(state, url, "column") for url in state.site.report_columns]
            for request in _present(requests):
                yield request

    def page_request(self, state: SiteState, url: str, role: str, hops: int = 0,
                     template: Request | None = None) -> Request | None:
        """A request for a navigation or listing page, or None if already asked for, off the site or too deep.

        ``hops`` counts navigation hops for areas and pager hops from the column's first page for
        columns: a pager that never ends (a calendar, page numbers that keep growing) stops there.
        """
        if role == "column" and hops > self.max_listing_depth:
            self.note_limit(state, "depth", f"listing deeper than {self.max_listing_depth} pages "
                                            f"(a pagination trap?), first cut at {url}")
            return None
        request = (template or Request(url)).replace(
            callback=self.parse_page, errback=self.request_failed, dont_filter=True,
            cb_kwargs={"site_id": state.site.id, "role": role, "hops": hops},
            meta={**(template.meta if template else {}), "site_id": state.site.id, "role": role},
        )
        return self.claim(state, request)

    def document_request(self, state: SiteState, link: Link, alternate: str | None = None) -> Request | None:
        """A request for a report's article page or attachment (conditional: see the middlewares)."""
        request = Request(
            link.url, callback=self.parse_document, errback=self.request_failed, dont_filter=True,
            cb_kwargs={"site_id": state.site.id, "title": clean_text(link.text), "alternate": alternate},
            meta={"site_id": state.site.id, "role": "document", "handle_httpstatus_list": DOCUMENT_STATUSES},
        )
        return self.claim(state, request)

    def claim(self, state: SiteState, request: Request) -> Request | None:
        """``request`` (without session ids) if on the site and new for this run (then pending), else None."""
        url = without_session_ids(request.url)
        if url != request.url:
            request = request.replace(url=url)
        key = (request.method, request.url, request.body)
        if key in state.requested or not state.site.allows(request.url):
            return None
        if len(state.requested) >= self.max_requests:
            self.note_limit(state, "requests", f"request budget of {self.max_requests} spent "
                                               f"(a crawler trap?), first refused {request.url}")
            return None
        state.requested.add(key)
        state.pending += 1
        return request

    # --- callbacks ----------------------------------------------------------------------------

    def parse_page(self, response: Response, site_id: str, role: str, hops: int) -> Iterator[Any]:
        """A home, area or column page: follow areas, columns, further listing pages and reports."""
        state = self.states[site_id]
        yield from self.settle(state, self.follow_page(state, response, role, hops))

    def follow_page(self, state: SiteState, response: Response, role: str, hops: int) -> Iterator[Request]:
        """Requests for the areas, columns, listing pages and reports a page leads to."""
        if not isinstance(response, TextResponse):
            return
        links: list[Link] = anchors(response.selector, response.url) if is_markup(response) else []
        requests: list[Request | None] = []
        if role == "column":
            state.columns += 1
            listing = extract_listing(response)
            links += listing.links
            requests += [self.page_request(state, page.url, "column", hops + 1, template=page)
                         for page in listing.pages]
        requests += [self.follow_link(state, link, role, hops) for link in links]
        yield from _present(requests)

    def follow_link(self, state: SiteState, link: Link, role: str, hops: int) -> Request | None:
        """The request a link on a ``role`` page deserves, by what the link leads to (None: skip it)."""
        kind = classify_link(link.text, link.url)
        if kind is Role.REPORT:
            return self.report_link(state, link)
        if kind is Role.COLUMN:
            return self.page_request(state, link.url, "column")
        if kind is Role.AREA and role != "column" and hops < MAX_AREA_HOPS:
            return self.page_request(state, link.url, "area", hops + 1)
        return None

    def report_link(self, state: SiteState, link: Link) -> Request | None:
        """The request for a listed report; a mobile twin is fetched as its desktop page."""
        canonical = without_session_ids(canonical_report_url(link.url))
        if not state.site.allows(canonical):
            return None
        state.listed.add(canonical)
        alternate = link.url if canonical != link.url else None
        return self.document_request(state, Link(canonical, link.text), alternate)

    def parse_document(self, response: Response, site_id: str, title: str, alternate: str | None) -> Iterator[Any]:
        """A report's answer: archive it, note a 304, follow a mobile twin or attachments, or note it missing."""
        state = self.states[site_id]
        yield from self.settle(state, self.judge_document(state, response, title, alternate))

    def judge_document(self, state: SiteState, response: Response, title: str,
                       alternate: str | None) -> Iterator[Any]:
        """The item or requests one document answer amounts to (recorded under the URL as listed)."""
        url = response.meta.get("redirect_urls", [response.url])[0]
        if response.status == 304:
            yield ReportNotModified(state.site.id, url)
        elif response.status in (404, 410):
            fallback = self.document_request(state, Link(alternate, title)) if alternate else None
            if fallback:
                state.listed.add(alternate)
                yield fallback
            else:
                yield ReportMissing(state.site.id, url, response.status, "not_found")
        elif is_soft_404(response):
            yield ReportMissing(state.site.id, url, response.status, "soft404")
        elif attachments := shell_attachments(response):
            for link in attachments:
                state.listed.add(without_session_ids(link.url))
                yield from _present([self.document_request(state, link)])
        else:
            yield ReportDocument(state.site.id, url, response.body, response.status,
                                 _headers(response), title)

    # --- failures -----------------------------------------------------------------------------

    def request_failed(self, failure: Failure) -> Iterator[Any]:
        """A request that failed for good (after retries): logged, and the site is marked incomplete.

        The archive keeps what it had; an incomplete site is never used to infer that reports are gone.
        """
        state = self.states[failure.request.meta["site_id"]]
        reason = f"{failure.request.url}: {_failure_reason(failure)}"
        if is_benign_failure(failure, self.settings.getint("REDIRECT_MAX_TIMES")):
            self.logger.info("site %s: %s", state.site.id, reason)
        else:
            self.logger.warning("site %s: %s", state.site.id, reason)
            state.failures.append(reason)
            self.crawler.stats.inc_value("nianbao/pages_failed")
        yield from self.settle(state, [])

    def note_limit(self, state: SiteState, limit: str, failure: str) -> None:
        """Record, once per site and limit, that a trap limit cut the site's crawl short."""
        if limit not in state.limits_hit:
            state.limits_hit.add(limit)
            self.logger.warning("site %s: %s", state.site.id, failure)
            state.failures.append(failure)

    def allows(self, request: Request) -> bool:
        """Whether ``request`` stays on its site (origin or declared extra domains); used after redirects."""
        state = self.states.get(request.meta.get("site_id", ""))
        return state is None or state.site.allows(request.url)

    def settle(self, state: SiteState, outputs: Iterable[Any]) -> Iterator[Any]:
        """Pass ``outputs`` on, then count this answer done; the site's last answer adds :class:`SiteCrawled`.

        A bug in a callback is logged and counted as a failure of the site, never left pending.
        """
        try:
            yield from outputs
        except Exception as error:
            self.logger.exception("site %s: callback failed", state.site.id)
            state.failures.append(f"callback error: {type(error).__name__}: {error}")
        state.pending -= 1
        if state.pending == 0:
            if not state.columns:
                state.failures.append("no annual-report column found")
            self.crawler.stats.inc_value("nianbao/sites_done")
            yield SiteCrawled(state.site.id, set(state.listed), list(state.failures))


def is_soft_404(response: Response) -> bool:
    """A 200 answer that is an error page, or an article redirected to a page that is not a report."""
    if not isinstance(response, TextResponse) or not is_markup(response):
        return False
    heading = " ".join(response.css("title::text, h1::text").getall())
    if is_report_title(heading):
        return False
    redirected = bool(response.meta.get("redirect_urls"))
    return redirected or any(marker in heading for marker in _SOFT_404_MARKERS)


def shell_attachments(response: Response) -> list[Link]:
    """The attachments of an article page that only introduces them (the report is the attachment).

    Attachments titled as reports are preferred; otherwise all of them are taken, since a shell page
    under a report title often names its only attachment "附件1.pdf".
    """
    if not isinstance(response, TextResponse) or not is_markup(response) or response.css("table"):
        return []
    own_text = "".join(response.xpath("//body//text()[not(ancestor::a or ancestor::script or ancestor::style)]")
                       .getall())
    if len(clean_text(own_text)) > SHELL_TEXT_CHARS:
        return []
    files = [link for link in anchors(response.selector, response.url) if is_attachment_url(link.url)]
    titled = [link for link in files if is_report_title(link.text)]
    return titled or files


def _present(requests: Iterable[Request | None]) -> Iterator[Request]:
    return (request for request in requests if request is not None)


def _headers(response: Response) -> dict[str, str]:
    return {name.decode("latin-1"): b", ".join(values).decode("latin-1")
            for name, values in response.headers.items()}


def is_benign_failure(failure: Failure, max_redirects: int) -> bool:
    """A failure that says nothing about the site's health.

    A refusal by robots.txt or of a redirect off the site is a rule, not a fault (a refusal for
    safety, :class:`UnsafeRequest`, and giving up on a redirect loop after ``max_redirects`` are
    faults); a pager linking a page that does not exist ("1" as ``list.aspx?page=1``) leaves the
    listing whole.
    """
    status = _http_status(failure)
    if status is None:
        redirect_loop = failure.request.meta.get("redirect_times", 0) >= max_redirects
        return failure.check(IgnoreRequest) is not None and failure.check(UnsafeRequest) is None and not redirect_loop
    return bool(failure.request.meta.get("pagination")) and status in (404, 410)


def _http_status(failure: Failure) -> int | None:
    response = getattr(failure.value, "response", None)
    return response.status if response is not None else None


def _failure_reason(failure: Failure) -> str:
    status = _http_status(failure)
    if status is not None:
        return f"HTTP {status}"
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
