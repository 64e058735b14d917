"""Pagination strategies, one module per CMS.

Every strategy is asked about every listing response and the spider takes the union of what they
find, so a site that mixes styles (a TRS column with a JSON endpoint behind it) needs no special
case.  To support another CMS, add a module with a class implementing
:class:`~crawler.cms.base.PaginationStrategy` and list an instance here.
"""

from __future__ import annotations

from scrapy.http import TextResponse

from .base import Link, Listing, PaginationStrategy, anchors, is_markup
from .generic import GenericPager
from .hanweb import HanwebJpage
from .jsonapi import JsonEndpoint
from .trs import TrsCreatePageHtml

STRATEGIES: tuple[PaginationStrategy, ...] = (HanwebJpage(), TrsCreatePageHtml(), JsonEndpoint(), GenericPager())


def extract_listing(response: TextResponse) -> Listing:
    """The union of what every strategy finds in ``response``."""
    combined = Listing()
    for strategy in STRATEGIES:
        found = strategy.extract(response)
        combined.links.extend(found.links)
        combined.pages.extend(request.replace(meta={**request.meta, "pagination": strategy.name})
                              for request in found.pages)
    return combined


__all__ = ["STRATEGIES", "Link", "Listing", "PaginationStrategy", "anchors", "extract_listing", "is_markup"]
