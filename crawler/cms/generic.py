"""Plain pagination any CMS may use: next-page and page-number links, and ``?page=N`` up to "共N页".

A pager link is only trusted when it stays beside the listing (same directory), so a "下一页" in a
news box elsewhere on the page does not pull in another column.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy.http import Request, TextResponse

from .base import Listing, anchors, is_markup

_NEXT_TEXTS = {"下一页", "下页", "后一页", "尾页", "末页", "next", ">", ">>", "»", "›"}
_PAGE_NUMBER = re.compile(r"^\[?\d{1,3}\]?$")
_PAGE_COUNT = re.compile(r"共\s*(\d{1,3})\s*页")
PAGE_PARAMETERS = ("page", "pageNo", "pageNum", "pageIndex", "curPage", "currentPage", "p", "pn")
MAX_PAGES = 500


class GenericPager:
    """Pager links beside the listing, plus every ``?page=N`` up to the page count the pager prints."""

    name = "generic"

    def extract(self, response: TextResponse) -> Listing:
        """Requests for the listing's other pages."""
        if not is_markup(response):
            return Listing()
        pager = [link.url for link in anchors(response.selector, response.url)
                 if is_pager_text(link.text) and same_directory(response.url, link.url)]
        urls = dict.fromkeys(pager + numbered_pages(response, pager))
        urls.pop(response.url, None)
        return Listing(pages=[Request(url) for url in urls])


def is_pager_text(text: str) -> bool:
    """Text of a pager link: a page number or a next/last arrow."""
    text = text.strip().lower()
    return text in _NEXT_TEXTS or bool(_PAGE_NUMBER.match(text))


def same_directory(listing_url: str, url: str) -> bool:
    """Whether ``url`` is on the same host and in the same directory as ``listing_url``."""
    a, b = urlsplit(listing_url), urlsplit(url)
    return a.netloc == b.netloc and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]


def numbered_pages(response: TextResponse, pager: list[str]) -> list[str]:
    """``?page=1..N`` when the listing prints "共N页" and its pager uses a page parameter."""
    count = _PAGE_COUNT.search(response.text)
    if not count:
        return []
    for url in [response.url, *pager]:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        name = next((p for p in PAGE_PARAMETERS if p in query), None)
        if name:
            pages = range(1, min(int(count.group(1)), MAX_PAGES) + 1)
            return [parts._replace(query=urlencode({**query, name: page})).geturl() for page in pages]
    return []
