"""Bodies that lie: compressed data that does not inflate whole or inflates too far, a charset the page contradicts."""

from __future__ import annotations

import gzip
import zlib

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.middlewares import EncodingMiddleware, compressed_body_problem

PAGE = "<html><head><meta charset=\"utf-8\"><title>云湖区2023年政府信息公开工作年度报告</title></head></html>".encode()


@pytest.mark.parametrize(("body", "encoding"), [
    (gzip.compress(PAGE), "gzip"),
    (gzip.compress(PAGE), "x-gzip"),
    (zlib.compress(PAGE), "deflate"),
    (zlib.compress(PAGE)[2:-4], "deflate"),  # raw deflate, as some servers send it
])
def test_whole_bodies_pass(body: bytes, encoding: str) -> None:
    assert compressed_body_problem(body, encoding, 2**20) is None


BROKEN = "does not decompress (corrupt or cut short)"


@pytest.mark.parametrize(("body", "encoding", "problem"), [
    (gzip.compress(PAGE)[:-30], "gzip", BROKEN),  # cut short: Scrapy alone would keep the part that inflates
    (b"\x1f\x8b\x08\x00 not gzip", "gzip", BROKEN),
    (b"plain text", "deflate", BROKEN),
    (gzip.compress(b"\0" * 2**22), "gzip", "decompresses beyond DOWNLOAD_MAXSIZE (1048576 B)"),
    (zlib.compress(b"\0" * 2**22), "deflate", "decompresses beyond DOWNLOAD_MAXSIZE (1048576 B)"),
])
def test_broken_or_bombing_bodies_are_named(body: bytes, encoding: str, problem: str) -> None:
    assert compressed_body_problem(body, encoding, 2**20) == problem


def test_utf8_page_announced_as_gbk_is_read_as_utf8() -> None:
    url = "http://a.cn/ndbg/list.html"
    lying = HtmlResponse(url, body=PAGE, headers={"Content-Type": "text/html; charset=gbk"}, request=Request(url))
    assert "年度报告" not in lying.css("title::text").get()  # what Scrapy alone makes of it
    fixed = EncodingMiddleware().process_response(lying.request, lying)
    assert fixed.css("title::text").get() == "云湖区2023年政府信息公开工作年度报告"
