"""What the crawler may request at all, whatever a page, a redirect or the registry says.

Only http(s) URLs are fetched, and never from an address inside the machine's own networks
(loopback, private, link-local, multicast, reserved): a compromised district page or redirect must
not turn the nightly crawl into a probe of the host it runs on or of its intranet.  Addresses are
checked in the URL (:func:`url_refusal`, by ``UrlSafetyMiddleware``) and when a host name is
resolved (:class:`SafeResolver`), before any connection is made.  Loopback is allowed only when the
``NIANBAO_ALLOW_LOOPBACK`` setting says so (tests, the demo, benchmarks).
Session ids in URLs are dropped, so that a page minting a new id per visit is still one page.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

SCHEMES = frozenset({"http", "https"})
LOCAL_HOST_NAMES = ("localhost", ".localhost", ".localdomain")
SESSION_PARAMETERS = frozenset({"jsessionid", "phpsessid", "aspsessionid", "sid", "sessionid", "session_id",
                                "cfid", "cftoken"})
logger = logging.getLogger(__name__)
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)


class UnsafeRequest(IgnoreRequest):
    """A request refused because of its scheme or its server's address: a failure of its site, not a rule."""


def url_refusal(url: str, allow_loopback: bool = False) -> str | None:
    """Why ``url`` must not be requested (one phrase), or None if it may be."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return f"not an http(s) URL ({scheme or 'no'} scheme)"
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return "no host"
    if host.endswith(LOCAL_HOST_NAMES) or host in LOCAL_HOST_NAMES:
        return None if allow_loopback else "a loopback host name"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a host name: SafeResolver checks the address it resolves to
    return address_refusal(address, allow_loopback)


def address_refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address | str,
                    allow_loopback: bool = False) -> str | None:
    """Why a server at ``address`` must not be talked to, or None if it is a public address."""
    address = ipaddress.ip_address(address)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if allow_loopback else f"a loopback address ({address})"
    for kind in ("link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(address, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address ({address})"
    return None


def without_session_ids(url: str) -> str:
    """``url`` without session ids (``;jsessionid=…`` and ``sid=``-like query parameters)."""
    parts = urlsplit(url)
    path = _PATH_SESSION.sub("", parts.path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if name.lower() not in SESSION_PARAMETERS]
    if path == parts.path and len(kept) == len(pairs):
        return url
    return parts._replace(path=path, query=urlencode(kept)).geturl()


class SafeResolver(CachingThreadedResolver):
    """Scrapy's DNS resolver, failing a lookup whose address :func:`address_refusal` refuses.

    A registry host name pointed into the intranet, or re-pointed there between two lookups, is
    never connected to; ``TWISTED_DNS_RESOLVER`` names this class.
    """

    allow_loopback = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> SafeResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_loopback = crawler.settings.getbool("NIANBAO_ALLOW_LOOPBACK")
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """The address of ``name``; a :class:`DNSLookupError` if it is one the crawler must not talk to."""
        return super().getHostByName(name, timeout).addCallback(self.refuse_unsafe, name)

    def refuse_unsafe(self, address: str, name: str) -> str:
        """``address``, unless it is refused: then logged (Twisted reports only a failed lookup) and raised."""
        refusal = address_refusal(address, self.allow_loopback)
        if refusal:
            logger.warning("refused: %s resolves to %s", name, refusal)
            raise DNSLookupError(f"{name} resolves to {refusal}")
        return address
