"""What a pagination strategy gives back: the links a listing holds and the requests for its other pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Request, TextResponse


@dataclass(frozen=True)
class Link:
    """A link found in a listing: absolute URL and the title shown for it."""

    url: str
    text: str


@dataclass
class Listing:
    """Links one listing response holds beyond its plain ``<a>`` tags, and requests for further pages.

    The requests carry no callback: the spider routes them back to its listing parser.
    """

    links: list[Link] = field(default_factory=list)
    pages: list[Request] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.links or self.pages)


class PaginationStrategy(Protocol):
    """One way a CMS spreads a column over several pages.  Add a module with one of these to support a CMS."""

    name: str

    def extract(self, response: TextResponse) -> Listing:
        """Links and further pages this strategy sees in ``response`` (empty when it does not apply)."""
        ...


def anchors(selector: Selector, base_url: str) -> list[Link]:
    """Every ``<a href>`` under ``selector`` as an absolute :class:`Link`.

    The shown title is the longer of the text and the ``title`` attribute: listings often cut the text
    short ("云湖区2023年政府信息公开…") and keep the whole title in the attribute.
    """
    links = []
    for anchor in selector.css("a[href]"):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        text = " ".join(anchor.css("::text").getall()).strip()
        title = (anchor.attrib.get("title") or "").strip()
        links.append(Link(urljoin(base_url, href), title if len(title) > len(text) else text))
    return links


def is_markup(response: TextResponse) -> bool:
    """Whether ``response`` is HTML or XML (not JSON or plain text), so CSS selectors apply."""
    return response.text.lstrip()[:1] == "<"
