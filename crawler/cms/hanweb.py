"""Hanweb JCMS (大汉网络) columns.

A Hanweb column page (``/col/col6044/index.html``) holds its first records as CDATA inside
``<script type="text/xml"><datastore><recordset><record>…``, invisible to a plain link extractor, and
loads the rest from the ``dataproxy.jsp`` endpoint configured by a ``$('#unit').jpage({...})`` call::

    POST /module/web/jpage/dataproxy.jsp?startrecord=5&endrecord=8&perpage=4
    col=1&appid=1&webid=7&path=/&columnid=6044&unitid=49603&sourceContentType=1&...

Older installations serve it at ``/module/jpage/dataproxy.jsp``; the endpoint, ``columnid`` and
``unitid`` are read from the page (the jpage call, else the ``<nextgroup>`` link), never assumed.
The endpoint answers with the same ``<datastore>`` XML and a ``<totalrecord>``; batches are requested
one after the other, as a browser paging through the column would.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector
from scrapy.http import FormRequest, TextResponse

from .base import Link, Listing, anchors

DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
_JPAGE_CALL = re.compile(r"\.jpage\(\s*\{(.*?)\}\s*\)", re.S)
_JS_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([\w./-]+))""")
# Form fields the endpoint expects besides the record range; the page supplies their values.
_FORM_FIELDS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
                "permissiontype")
_FORM_DEFAULTS = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}


class HanwebJpage:
    """Records from ``<datastore>`` blocks, further records through ``dataproxy.jsp``."""

    name = "hanweb"

    def extract(self, response: TextResponse) -> Listing:
        """Records of a column page or a dataproxy answer, and the request for the next batch."""
        if "<datastore>" not in response.text:
            return Listing()
        links = record_links(response.text, response.url)
        if is_proxy_answer(response):
            return Listing(links, next_batch_from_answer(response))
        config = page_config(response.text)
        if not config.get("columnid"):
            return Listing(links)
        return Listing(links, first_batch(response, config, shown=len(links)))


def record_links(text: str, base_url: str) -> list[Link]:
    """Links inside every ``<record><![CDATA[…]]></record>`` of ``text``."""
    return [link for record in _RECORD.findall(text) for link in anchors(Selector(text=record), base_url)]


def is_proxy_answer(response: TextResponse) -> bool:
    """Whether ``response`` came from the dataproxy endpoint rather than a column page."""
    return urlsplit(response.url).path.endswith("dataproxy.jsp")


def page_config(text: str) -> dict[str, str]:
    """The jpage settings of a column page: ``proxyUrl``, ``columnid``, ``unitid``, ``perPage``, …

    Values of the ``jpage({...})`` call win; the ``<nextgroup>`` link fills in what it leaves out.
    """
    config: dict[str, str] = {}
    nextgroup = _NEXTGROUP.search(text)
    if nextgroup:
        href = Selector(text=nextgroup.group(1)).css("a::attr(href)").get() or ""
        parts = urlsplit(href)
        config.update(parse_qsl(parts.query))
        if parts.path:
            config["proxyUrl"] = parts.path
    call = _JPAGE_CALL.search(text)
    if call:
        for key, single, double, bare in _JS_PAIR.findall(call.group(1)):
            config[key] = single or double or bare
    return config


def first_batch(response: TextResponse, config: dict[str, str], shown: int) -> list[FormRequest]:
    """The request for the records after the ``shown`` ones, unless the page says there are no more."""
    total = _int(config.get("totalRecord"))
    if total is not None and total <= shown:
        return []
    per_page = _int(config.get("perPage")) or max(shown, 1)
    batch = per_page * (_int(config.get("groupSize")) or 1)
    proxy = urljoin(response.url, config.get("proxyUrl") or DEFAULT_PROXY)
    form = {name: config.get(name) or _FORM_DEFAULTS.get(name, "") for name in _FORM_FIELDS}
    return [batch_request(proxy, form, shown + 1, shown + batch, per_page)]


def next_batch_from_answer(response: TextResponse) -> list[FormRequest]:
    """The request for the batch after this dataproxy answer, while ``<totalrecord>`` says more exist."""
    total = _TOTAL.search(response.text)
    query = dict(parse_qsl(urlsplit(response.url).query))
    start, end = _int(query.get("startrecord")), _int(query.get("endrecord"))
    if total is None or start is None or end is None or end >= int(total.group(1)):
        return []
    form = dict(parse_qsl((response.request.body or b"").decode("utf-8"))) if response.request else {}
    proxy, size = response.url.split("?", 1)[0], end - start + 1
    return [batch_request(proxy, form, end + 1, end + size, _int(query.get("perpage")) or 1)]


def batch_request(proxy: str, form: dict[str, str], start: int, end: int, per_page: int) -> FormRequest:
    """A POST for records ``start``..``end`` (1-based, inclusive) of the column."""
    query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
    return FormRequest(f"{proxy}?{query}", formdata=form)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
