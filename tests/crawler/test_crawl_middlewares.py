"""Downloader middlewares that need no crawl: encodings, backoff."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request

from crawler.middlewares import EncodingMiddleware, backoff_delay

TITLE = "白沙区2023年政府信息公开工作年度报告"


def response(body: bytes, header_charset: str) -> HtmlResponse:
    url = "http://a.cn/show.aspx?id=1"
    return HtmlResponse(url, body=body, headers={"Content-Type": f"text/html; charset={header_charset}"},
                        request=Request(url))


def test_gbk_page_announced_as_utf8_is_decoded_as_gbk() -> None:
    body = f'<html><head><meta charset="gb2312"><title>{TITLE}</title></head></html>'.encode("gbk")
    lying = response(body, "utf-8")
    assert TITLE not in lying.text  # what Scrapy alone makes of it
    fixed = EncodingMiddleware().process_response(lying.request, lying)
    assert fixed.css("title::text").get() == TITLE


def test_gb18030_only_characters_survive_a_gb2312_declaration() -> None:
    body = f"<html><title>{TITLE}（䶮）</title></html>".encode("gb18030")  # 䶮 is outside GB2312
    fixed = EncodingMiddleware().process_response(None, response(body, "gb2312"))
    assert fixed.css("title::text").get() == f"{TITLE}（䶮）"


def test_honest_header_is_kept() -> None:
    honest = response(f"<html><title>{TITLE}</title></html>".encode(), "utf-8")
    assert EncodingMiddleware().process_response(honest.request, honest) is honest


def test_backoff_doubles_up_to_the_ceiling() -> None:
    assert [backoff_delay(n, 2.0, 10.0) for n in range(5)] == [0.0, 2.0, 4.0, 8.0, 10.0]
