"""TRS WCM (拓尔思) columns.

A TRS column is a directory of static pages, ``index.html``, ``index_1.html``, … ``index_{n-1}.html``,
whose only trace in the HTML is a script call ``createPageHTML(n, current, "index", "html")`` (the
arguments are sometimes variables: ``var countPage = 5; createPageHTML(countPage, currentPage, …)``;
newer templates start with the pager's element id: ``createPageHTML('page_div', n, current, …)``).
There are no page links to follow, so every page of the column is requested from whichever page is seen.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy.http import Request, TextResponse

from .base import Listing

_CALL = re.compile(r"createPageHTML\(\s*([^)]*?)\s*\)")
_VAR = re.compile(r"""var\s+(\w+)\s*=\s*["']?([\w.]+)["']?""")
# Real columns rarely pass a few hundred pages; a larger count is a template bug, not a column.
MAX_PAGES = 500


class TrsCreatePageHtml:
    """Every ``index_N`` page announced by ``createPageHTML``."""

    name = "trs"

    def extract(self, response: TextResponse) -> Listing:
        """Requests for all pages of the column ``response`` belongs to."""
        call = _CALL.search(response.text)
        if not call:
            return Listing()
        arguments = resolve_arguments(call.group(1), response.text)
        # Newer templates put the pager's element id first: createPageHTML('page_div', n, cur, "index", "html", total).
        first = next((i for i, value in enumerate(arguments) if value.isdigit()), None)
        if first is None or len(arguments) < first + 4:
            return Listing()
        count, prefix, suffix = min(int(arguments[first]), MAX_PAGES), arguments[first + 2], arguments[first + 3]
        return Listing(pages=[Request(urljoin(response.url, url)) for url in page_names(count, prefix, suffix)])


def resolve_arguments(arguments: str, text: str) -> list[str]:
    """The ``createPageHTML`` arguments as strings, variables replaced by their ``var`` values."""
    variables = dict(_VAR.findall(text))
    values = []
    for raw in arguments.split(","):
        value = raw.strip().strip("'\"")
        values.append(variables.get(value, value))
    return values


def page_names(count: int, prefix: str, suffix: str) -> list[str]:
    """File names of a column's ``count`` pages: ``index.html``, ``index_1.html``, …"""
    return [f"{prefix}.{suffix}"] + [f"{prefix}_{page}.{suffix}" for page in range(1, count)]
