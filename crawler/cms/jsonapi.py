"""Listings loaded from a JSON endpoint behind the page.

Newer sites (TRS sites rebuilt on a front-end framework, Guangdong's ``content/post_<id>.html`` sites)
render page 1 of a column statically and fetch the rest with script from an endpoint such as
``/api/channel/1234/docs.json?page=2``.  The endpoint is found as a URL string in the page's scripts
or ``data-api``/``data-url`` attributes; its answer is searched for records (any object with a
URL-like and a title-like field) and for a page count, whatever the JSON's shape.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from scrapy.http import Request, TextResponse

from .base import Link, Listing
from .generic import MAX_PAGES, PAGE_PARAMETERS

_ENDPOINT = re.compile(r"""["']((?:https?://[^"'\s/]+)?/?[\w./-]*(?:\.json|/api/)[^"'\s<>]*)["']""")
_URL_KEYS = ("url", "link", "href", "docpuburl", "puburl", "pageurl", "path")
_TITLE_KEYS = ("title", "doctitle", "name", "subject", "topic")
_PAGE_COUNT_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "page_count", "total_page")
_TOTAL_KEYS = ("total", "totalcount", "totalrecord", "recordcount", "count", "total_count")
_SIZE_KEYS = ("pagesize", "page_size", "size", "perpage", "rows", "limit")


class JsonEndpoint:
    """Endpoint URLs in a page's scripts; records and further pages in the endpoint's JSON."""

    name = "json"

    def extract(self, response: TextResponse) -> Listing:
        """From a page: the endpoint's first page.  From a JSON answer: its records and other pages."""
        document = parse_json(response)
        if document is None:
            return Listing(pages=[Request(url) for url in endpoints(response)])
        links = [Link(urljoin(response.url, url), title) for url, title in records(document)]
        return Listing(links, [Request(url) for url in other_pages(response.url, document)])


def parse_json(response: TextResponse) -> Any | None:
    """The decoded JSON of ``response``, or None when it is not JSON."""
    if response.text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(response.text)
    except ValueError:
        return None


def endpoints(response: TextResponse) -> list[str]:
    """Absolute URLs of JSON endpoints named in the page's scripts and data attributes, asking for page 1."""
    sources = [*response.css("script:not([src])::text").getall(),
               *(f'"{value}"' for value in response.css("[data-api]::attr(data-api), [data-url]::attr(data-url)")
                 .getall())]
    found = dict.fromkeys(match for text in sources for match in _ENDPOINT.findall(text))
    return [with_page(urljoin(response.url, url), 1) for url in found]


def with_page(url: str, page: int) -> str:
    """``url`` asking for ``page``: its page parameter set (or ``page`` added when it has none)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    name = next((p for p in PAGE_PARAMETERS if p in query), "page")
    return parts._replace(query=urlencode({**query, name: page})).geturl()


def records(document: Any) -> Iterator[tuple[str, str]]:
    """(url, title) of every object in ``document`` that has both a URL-like and a title-like field."""
    for item in _objects(document):
        fields = {key.lower(): value for key, value in item.items() if isinstance(value, str)}
        url = next((fields[k] for k in _URL_KEYS if fields.get(k)), None)
        title = next((fields[k] for k in _TITLE_KEYS if fields.get(k)), None)
        if url and title:
            yield url, title


def other_pages(url: str, document: Any) -> list[str]:
    """URLs of pages 2..N when this answer is page 1 and announces N pages."""
    query = dict(parse_qsl(urlsplit(url).query))
    current = next((query[p] for p in PAGE_PARAMETERS if p in query), "1")
    count = page_count(document)
    if current != "1" or count is None:
        return []
    return [with_page(url, page) for page in range(2, min(count, MAX_PAGES) + 1)]


def page_count(document: Any) -> int | None:
    """The number of pages an answer announces, directly or as total records / page size."""
    numbers: dict[str, int] = {}
    for item in _objects(document):
        for key, value in item.items():
            if isinstance(value, int | str) and str(value).isdigit():
                numbers.setdefault(key.lower(), int(value))
    direct = next((numbers[k] for k in _PAGE_COUNT_KEYS if k in numbers), None)
    if direct is not None:
        return direct
    total = next((numbers[k] for k in _TOTAL_KEYS if k in numbers), None)
    size = next((numbers[k] for k in _SIZE_KEYS if numbers.get(k)), None)
    return math.ceil(total / size) if total is not None and size else None


def _objects(document: Any) -> Iterator[dict]:
    """Every JSON object in ``document``, depth first."""
    if isinstance(document, dict):
        yield document
        for value in document.values():
            yield from _objects(value)
    elif isinstance(document, list):
        for value in document:
            yield from _objects(value)
