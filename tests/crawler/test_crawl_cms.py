"""Pagination strategies on listing pages: Hanweb JCMS, TRS WCM, JSON endpoints, plain pagers."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import FormRequest, HtmlResponse, Request, TextResponse, XmlResponse

from crawler.cms import extract_listing
from crawler.cms.generic import GenericPager
from crawler.cms.hanweb import HanwebJpage
from crawler.cms.jsonapi import JsonEndpoint
from crawler.cms.trs import TrsCreatePageHtml

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
BASE = "http://127.0.0.13:8000"


def html(url: str, body: str | bytes, encoding: str = "utf-8") -> HtmlResponse:
    data = body.encode(encoding) if isinstance(body, str) else body
    return HtmlResponse(url, body=data, encoding=encoding, request=Request(url))


def fixture(site: str, path: str) -> bytes:
    return (SITES / site / path).read_bytes()


def test_hanweb_reads_cdata_records_and_posts_to_the_endpoint_named_by_the_page() -> None:
    page = html(f"{BASE}/col/col200/index.html", fixture("hw03", "col/col200/index.html"))
    listing = HanwebJpage().extract(page)
    assert [link.url for link in listing.links] == [
        f"{BASE}/art/2024/1/10/art_200_7000.html", f"{BASE}/art/2024/1/11/art_200_7001.html",
        f"{BASE}/art/2024/1/12/art_200_7002.html"]
    assert listing.links[0].text == "东湖区2023年政府信息公开工作年度报告"
    [request] = listing.pages
    assert isinstance(request, FormRequest) and request.method == "POST"
    assert request.url == f"{BASE}/module/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3"
    form = dict(parse_qsl(request.body.decode()))
    assert form["columnid"] == "200" and form["unitid"] == "8801" and form["webid"] == "3"


def test_hanweb_answer_gives_records_and_the_next_batch_until_totalrecord() -> None:
    post = FormRequest(f"{BASE}/module/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3",
                       formdata={"columnid": "200", "unitid": "8801"})
    records = "".join(f'<record><![CDATA[<li><a href="/art/{n}.html" title="T{n}">T{n}</a></li>]]></record>'
                      for n in (4, 5, 6))
    body = f"<datastore><totalrecord>7</totalrecord><recordset>{records}</recordset></datastore>"
    answer = XmlResponse(post.url, body=body.encode(), encoding="utf-8", request=post)
    listing = HanwebJpage().extract(answer)
    assert [link.text for link in listing.links] == ["T4", "T5", "T6"]
    [following] = listing.pages
    assert following.url.endswith("?startrecord=7&endrecord=9&perpage=3")
    assert dict(parse_qsl(following.body.decode())) == {"columnid": "200", "unitid": "8801"}
    last = XmlResponse(following.url, body=body.encode(), encoding="utf-8", request=following)
    assert HanwebJpage().extract(last).pages == []


def test_hanweb_nextgroup_supplies_ids_when_there_is_no_jpage_call() -> None:
    body = ('<div id="49603"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/'
            'dataproxy.jsp?page=1&webid=7&columnid=6044&unitid=49603"></a>]]></nextgroup><recordset>'
            '<record><![CDATA[<li><a href="/art/1.html">A</a></li>]]></record></recordset></datastore></script></div>')
    [request] = HanwebJpage().extract(html(f"{BASE}/col/col6044/index.html", body)).pages
    assert urlsplit(request.url).path == "/module/web/jpage/dataproxy.jsp"
    form = dict(parse_qsl(request.body.decode()))
    assert (form["columnid"], form["unitid"], form["webid"]) == ("6044", "49603", "7")


def test_hanweb_stops_when_the_page_shows_every_record() -> None:
    page = html(f"{BASE}/col/col201/index.html", fixture("hw03", "col/col201/index.html"))
    listing = HanwebJpage().extract(page)
    assert len(listing.links) == 1 and listing.pages == []


def test_trs_announces_every_index_page_literal_or_through_variables() -> None:
    url = "http://a.cn/zwgk/ndbg/index_1.html"
    literal = TrsCreatePageHtml().extract(html(url, '<script>createPageHTML(3, 1, "index", "html");</script>'))
    assert [r.url for r in literal.pages] == [
        "http://a.cn/zwgk/ndbg/index.html", "http://a.cn/zwgk/ndbg/index_1.html", "http://a.cn/zwgk/ndbg/index_2.html"]
    variables = ('<script>var countPage = 2//共多少页\nvar currentPage = 0;'
                 'createPageHTML(countPage, currentPage, "index", "shtml");</script>')
    assert [r.url for r in TrsCreatePageHtml().extract(html(url, variables)).pages] == [
        "http://a.cn/zwgk/ndbg/index.shtml", "http://a.cn/zwgk/ndbg/index_1.shtml"]
    with_element = "<script>createPageHTML('page_div', 2, 0, 'index', 'html', 37);</script>"
    assert [r.url for r in TrsCreatePageHtml().extract(html(url, with_element)).pages] == [
        "http://a.cn/zwgk/ndbg/index.html", "http://a.cn/zwgk/ndbg/index_1.html"]
    assert not TrsCreatePageHtml().extract(html(url, "<p>no pager</p>"))


def test_json_endpoint_is_found_in_the_page_and_read_whatever_its_shape() -> None:
    page = html(f"{BASE}/xxgk/ndbg/", fixture("trs02", "xxgk/ndbg/index.html"))
    [first] = JsonEndpoint().extract(page).pages
    assert first.url == f"{BASE}/api/channel/ndbg/docs.json?page=1"
    answer = TextResponse(first.url, body=fixture("trs02", "api/channel/ndbg/docs.json__page=1"), encoding="utf-8")
    listing = JsonEndpoint().extract(answer)
    assert [link.url for link in listing.links] == [
        f"{BASE}/xxgk/ndbg/202401/t20240120_5001.html", f"{BASE}/xxgk/ndbg/202301/t20230118_5002.html"]
    assert [r.url for r in listing.pages] == [f"{BASE}/api/channel/ndbg/docs.json?page={n}" for n in (2, 3)]
    later = TextResponse(f"{BASE}/api/channel/ndbg/docs.json?page=2", encoding="utf-8",
                         body=fixture("trs02", "api/channel/ndbg/docs.json__page=2"))
    assert JsonEndpoint().extract(later).pages == []  # only page 1 fans out


def test_json_page_count_from_total_and_size() -> None:
    body = json.dumps({"total": 45, "pageSize": 20, "rows": [{"DOCTITLE": "A", "DOCPUBURL": "/a.html"}]})
    listing = JsonEndpoint().extract(TextResponse("http://a.cn/api/list?pageNo=1", body=body.encode(),
                                                  encoding="utf-8"))
    assert [link.url for link in listing.links] == ["http://a.cn/a.html"]
    assert [r.url for r in listing.pages] == ["http://a.cn/api/list?pageNo=2", "http://a.cn/api/list?pageNo=3"]


def test_generic_pager_follows_next_and_numbers_beside_the_listing_and_page_count() -> None:
    body = ('<ul><li><a href="show.aspx?id=1">A</a></li></ul><div class="page">共 4 页 '
            '<a href="list.aspx?page=1">1</a> <a href="list.aspx?page=2">2</a> <a href="list.aspx?page=2">下一页</a>'
            '</div><div class="news"><a href="/other/list.aspx?page=2">下一页</a></div>')
    listing = GenericPager().extract(html("http://a.cn/xxgk/nd/list.aspx", body))
    assert [r.url for r in listing.pages] == [
        "http://a.cn/xxgk/nd/list.aspx?page=1", "http://a.cn/xxgk/nd/list.aspx?page=2",
        "http://a.cn/xxgk/nd/list.aspx?page=3", "http://a.cn/xxgk/nd/list.aspx?page=4"]


def test_strategies_combine_and_tag_their_requests() -> None:
    page = html(f"{BASE}/col/col200/index.html", fixture("hw03", "col/col200/index.html"))
    listing = extract_listing(page)
    assert len(listing.links) == 3
    assert [r.meta["pagination"] for r in listing.pages] == ["hanweb"]
