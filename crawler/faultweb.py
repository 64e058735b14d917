"""A web of synthetic district sites on loopback where chosen sites misbehave, for the fault tests and benchmark.

Every site has the same small layout: ``/`` → 政务公开 ``/zwgk/`` → the 年报 column ``/ndbg/list.html``
→ one report per year ``/ndbg/<year>.html`` (a sample report of :mod:`nianbao.samples` with known
numbers), and a ``robots.txt`` that allows everything.  A site's *fault* says how it misbehaves; it
can be changed while the web is served (:meth:`FaultWeb.set_fault`), so a test can break a site
between two crawls and mend it for a third.

Faults on report pages: ``http_5xx`` (503), ``reset`` (TCP reset before any answer), ``timeout`` (no
answer), ``trickle`` (one byte per second), ``truncated`` (Content-Length beyond the body, then the
connection closes), ``bad_gzip`` (``Content-Encoding: gzip`` over bytes that are not gzip),
``gzip_bomb`` (a small gzip that inflates to :data:`BOMB_BYTES`), ``redirect_loop``, ``error_page``
(200 with a "系统繁忙" page).  Faults on every page: ``wrong_type`` (``application/octet-stream``),
``lying_charset`` (UTF-8 pages announced as GBK).  ``trap``: the column's pager never ends
(``?page=N+1&sid=<new id>``).  Extra hostile reports listed beside the good ones:
``unsafe_redirect`` (redirects to each of :data:`UNSAFE_TARGETS`: private, link-local, another
loopback origin, another host, ``file:``, ``data:``), ``oversize`` (a PDF of :data:`OVERSIZE_BYTES`),
``docx_bomb``, ``parse_limits`` (a PDF over the page limit, an HTML page of :data:`SLOW_ROWS` table rows
that takes seconds to parse), ``hostile_names`` (a path-traversal URL, a
``Content-Disposition`` file name and a script).  ``slow`` is no fault: reports answer after
:data:`SLOW_SECONDS`, so that a crawl lasts long enough to be killed in the middle.

Each site listens on its own loopback address (127.0.2.1, .2 …) and never anywhere else.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import select
import socket
import struct
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from nianbao.samples import random_meta, random_metrics, render

FIRST_ADDRESS = IPv4Address("127.0.2.1")
REPORT_FAULTS = ("http_5xx", "reset", "timeout", "trickle", "truncated", "bad_gzip", "gzip_bomb", "redirect_loop",
                 "error_page")
PAGE_FAULTS = ("wrong_type", "lying_charset")
EXTRA_REPORT_FAULTS = ("unsafe_redirect", "oversize", "docx_bomb", "parse_limits", "hostile_names")
MISBEHAVIOURS = (*REPORT_FAULTS, *PAGE_FAULTS, "trap", *EXTRA_REPORT_FAULTS)
FAULTS = ("none", "slow", *MISBEHAVIOURS)
# Both beyond the crawler's default DOWNLOAD_MAXSIZE (64 MB), so they trip it in production settings too.
BOMB_BYTES = 100 * 1024 * 1024
OVERSIZE_BYTES = 65 * 1024 * 1024
SLOW_SECONDS = 0.3
# Under the normalizer's row and cell limits (20,000 rows, 100,000 cells), yet seconds of label matching.
SLOW_ROWS = 19_000
# A hung or trickling answer gives up by itself after this long, even if the client never goes away.
HANG_SECONDS = 60.0
UNSAFE_TARGETS = ("http://10.1.2.3/ndbg/report.html", "http://169.254.169.254/latest/meta-data/",
                  "http://127.0.0.1:9/ndbg/report.html", "http://mirror.example.com/ndbg/2023.html",
                  "file:///etc/passwd", "data:text/html,<title>x</title>")
ERROR_PAGE = "<html><head><title>系统繁忙</title></head><body><p>系统繁忙，请稍后再试。</p></body></html>"
HOSTILE_PATH = "/ndbg/..%2F..%2F..%2Ftmp%2Fnianbao-pwned.html"


def page(title: str, body: str) -> str:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def link(href: str, text: str) -> str:
    return f'<li><a href="{href}" title="{text}">{text}</a></li>'


@functools.cache
def report_page(site_index: int, year: int) -> tuple[str, bytes]:
    """(title, UTF-8 page) of the site's report for ``year``: the same bytes on every call."""
    seed = site_index * 100 + year
    meta = random_meta(seed, year)
    template = "2021" if year >= 2021 else "2019"
    return meta["title"], render(meta, random_metrics(template, seed), template, "html_page")


@functools.cache
def docx_bomb() -> bytes:
    """A DOCX of a few hundred KB whose document.xml inflates beyond the normalizer's unzipped limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(210):
                member.write(b" " * 2**20)
    return buffer.getvalue()


@functools.cache
def pdf_of_many_pages(pages: int = 301) -> bytes:
    """A blank PDF with more pages than the normalizer reads."""
    import pypdfium2  # the PDF reader's own dependency; only this fault needs it

    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(200, 200)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def slow_page() -> bytes:
    """An HTML "report" of :data:`SLOW_ROWS` table rows of label-like cells: seconds of parsing, about 5 MB."""
    cells = "".join(f"<td>第{{row}}项申请办理结果（{column}）其他处理情况说明</td>" for column in range(4))
    rows = "".join(f"<tr>{cells.format(row=row)}</tr>" for row in range(SLOW_ROWS))
    return page("2017年政府信息公开工作年度报告", f"<table>{rows}</table>").encode("utf-8")


@functools.cache
def gzip_bomb() -> bytes:
    """About 100 KB of gzip that inflates to :data:`BOMB_BYTES` of zeros."""
    return gzip.compress(b"\0" * BOMB_BYTES, compresslevel=9)


@functools.cache
def oversize_pdf() -> bytes:
    """A "PDF" of :data:`OVERSIZE_BYTES`."""
    return b"%PDF-1.4\n" + b"%" * OVERSIZE_BYTES


def prepare(fault: str) -> None:
    """Make the payload of ``fault`` now: made during a request, it would eat into the client's timeout."""
    payloads = {"gzip_bomb": [gzip_bomb], "oversize": [oversize_pdf], "docx_bomb": [docx_bomb],
                "parse_limits": [pdf_of_many_pages, slow_page]}
    for make in payloads.get(fault, []):
        make()


@dataclass
class Answer:
    """What a handler sends: a status, headers and a body, or a ``fault`` that sends something worse."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None


class QuietServer(ThreadingHTTPServer):
    """A threading server that does not print a traceback when a client gives up on a faulty answer."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on resets, trickles and hangs are the point here, not errors."""


class FaultWeb:
    """Sites with their faults; :meth:`start` serves them, :meth:`registry` writes a sites registry for them."""

    def __init__(self, faults: dict[str, str], years: tuple[int, ...] = (2022, 2023)) -> None:
        self.faults: dict[str, str] = {}
        for site, fault in faults.items():
            self.set_fault(site, fault)
        self.years = years
        self.urls: dict[str, str] = {}
        self.requests: list[tuple[str, str]] = []
        self._servers: list[ThreadingHTTPServer] = []
        self._lock = threading.Lock()

    # --- serving ------------------------------------------------------------------------------

    def start(self) -> FaultWeb:
        """Serve every site on its own loopback address and an ephemeral port."""
        for index, site in enumerate(self.faults):
            handler = type(f"FaultHandler_{index}", (FaultHandler,), {"web": self, "site": site, "index": index})
            server = QuietServer((str(FIRST_ADDRESS + index), 0), handler)
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True, name=f"faultweb-{site}").start()
            self.urls[site] = f"http://{server.server_address[0]}:{server.server_address[1]}/"
            self._servers.append(server)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def set_fault(self, site: str, fault: str) -> None:
        """Make ``site`` misbehave this way from its next request on (``none`` mends it)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        prepare(fault)
        self.faults[site] = fault

    def note(self, site: str, path: str) -> None:
        with self._lock:
            self.requests.append((site, path))

    # --- what a crawl should find --------------------------------------------------------------

    def report_urls(self, site: str) -> list[str]:
        """URLs of the site's good reports (one per year)."""
        return [f"{self.urls[site]}ndbg/{year}.html" for year in self.years]

    def registry(self, path: Path) -> Path:
        """Write a sites registry (JSON is YAML) of every site; returns ``path``."""
        sites = [{"id": site, "name": f"故障测试{index:02d}区人民政府", "region_code": f"{920000 + index}",
                  "start_urls": [self.urls[site]]} for index, site in enumerate(self.faults)]
        path.write_text(json.dumps({"sites": sites}, ensure_ascii=False), encoding="utf-8")
        return path

    # --- answers -------------------------------------------------------------------------------

    def answer(self, site: str, index: int, target: str) -> Answer:
        """The answer of ``site`` to a GET of ``target`` (path and query), its fault applied."""
        fault = self.faults[site]
        url = urlsplit(target)
        if url.path == "/robots.txt":
            return Answer(body=b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        if url.path == "/":
            return self.html(fault, page("首页", link("/zwgk/", "政务公开")))
        if url.path == "/zwgk/":
            return self.html(fault, page("政务公开", link("/ndbg/list.html", "政府信息公开年报")))
        if url.path == "/ndbg/list.html":
            return self.html(fault, self.listing(index, fault, dict(parse_qsl(url.query))))
        extra = self.extra_report(fault, target)
        if extra is not None:
            return extra
        year, _, suffix = url.path.removeprefix("/ndbg/").partition(".")
        if url.path.startswith("/ndbg/") and year.isdigit() and int(year) in self.years and suffix in ("html", "htm"):
            return self.report(fault, index, int(year), url.path)
        return Answer(404, page("404", "页面不存在").encode(), {"Content-Type": "text/html; charset=utf-8"})

    def listing(self, index: int, fault: str, query: dict[str, str]) -> str:
        """The column: every report, the extra hostile ones, and under ``trap`` a pager that never ends."""
        items = [link(f"/ndbg/{year}.html", report_page(index, year)[0]) for year in self.years]
        name = f"故障测试{index:02d}区"
        if fault == "oversize":
            items.append(link("/ndbg/2018.pdf", f"{name}2018年政府信息公开工作年度报告"))
        elif fault == "docx_bomb":
            items.append(link("/ndbg/2021.docx", f"{name}2021年政府信息公开工作年度报告"))
        elif fault == "parse_limits":
            items += [link("/ndbg/2020.pdf", f"{name}2020年政府信息公开工作年度报告"),
                      link("/ndbg/2017.html", f"{name}2017年政府信息公开工作年度报告")]
        elif fault == "hostile_names":
            items.append(link(HOSTILE_PATH, f"{name}2019年政府信息公开工作年度报告"))
        elif fault == "unsafe_redirect":
            items += [link(f"/ndbg/moved-{number}.html", f"{name}{2010 + number}年政府信息公开工作年度报告")
                      for number in range(len(UNSAFE_TARGETS))]
        if fault == "trap":
            number = int(query.get("page", "1"))
            # A fresh session id on every link: without dropping it, page 1 alone would never end.
            items += [f'<a href="list.html?page=1&amp;sid={uuid.uuid4().hex}">1</a>',
                      f'<a href="list.html?page={number + 1}&amp;sid={uuid.uuid4().hex}">下一页</a>']
        return page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>")

    def report(self, fault: str, index: int, year: int, path: str) -> Answer:
        """A report page, or the fault that takes its place."""
        body = report_page(index, year)[1]
        if fault == "http_5xx":
            return Answer(503, b"<html><body>503 Service Unavailable</body></html>", {"Content-Type": "text/html"})
        if fault == "redirect_loop":
            return Answer(302, headers={"Location": path.replace(".html", ".htm") if path.endswith(".html")
                                        else path.replace(".htm", ".html")})
        if fault == "error_page":
            return Answer(body=ERROR_PAGE.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
        if fault == "bad_gzip":
            return Answer(body=b"\x1f\x8b\x08\x00not gzip at all" + body[:200],
                          headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})
        if fault == "gzip_bomb":
            return Answer(body=gzip_bomb(), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        if fault == "slow":
            time.sleep(SLOW_SECONDS)
        answer = self.html(fault, body.decode("utf-8"))
        answer.fault = fault if fault in ("reset", "timeout", "trickle", "truncated") else None
        return answer

    def extra_report(self, fault: str, target: str) -> Answer | None:
        """The hostile document an :data:`EXTRA_REPORT_FAULTS` site lists, if ``target`` is it."""
        if fault == "docx_bomb" and target == "/ndbg/2021.docx":
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            return Answer(body=docx_bomb(), headers={"Content-Type": content_type})
        if fault == "oversize" and target == "/ndbg/2018.pdf":
            return Answer(body=oversize_pdf(), headers={"Content-Type": "application/pdf"})
        if fault == "parse_limits" and target == "/ndbg/2020.pdf":
            return Answer(body=pdf_of_many_pages(), headers={"Content-Type": "application/pdf"})
        if fault == "parse_limits" and target == "/ndbg/2017.html":
            return Answer(body=slow_page(), headers={"Content-Type": "text/html; charset=utf-8"})
        moved = target.removeprefix("/ndbg/moved-").removesuffix(".html")
        if fault == "unsafe_redirect" and moved.isdigit() and int(moved) < len(UNSAFE_TARGETS):
            return Answer(302, headers={"Location": UNSAFE_TARGETS[int(moved)]})
        if fault == "hostile_names" and target == HOSTILE_PATH:
            body = page("2019年政府信息公开工作年度报告", "<script>document.write('pwned')</script>"
                        "<p>$(touch /tmp/nianbao-pwned) `touch /tmp/nianbao-pwned`</p>")
            return Answer(body=body.encode(), headers={"Content-Type": "text/html; charset=utf-8",
                                                       "Content-Disposition": 'attachment; filename="../../pwned.sh"'})
        return None

    @staticmethod
    def html(fault: str, text: str) -> Answer:
        """A UTF-8 page with the Content-Type the site's fault gives it."""
        content_type = {"wrong_type": "application/octet-stream",
                        "lying_charset": "text/html; charset=gbk"}.get(fault, "text/html; charset=utf-8")
        return Answer(body=text.encode("utf-8"), headers={"Content-Type": content_type})


class FaultHandler(BaseHTTPRequestHandler):
    """Answers for one site of a :class:`FaultWeb`; ``web``, ``site`` and ``index`` are set per site."""

    protocol_version = "HTTP/1.1"
    web: FaultWeb
    site: str
    index: int

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr line (requests are noted on the web)."""

    def do_GET(self) -> None:
        self.web.note(self.site, self.path)
        answer = self.web.answer(self.site, self.index, self.path)
        if answer.fault == "reset":
            return self.reset()
        if answer.fault == "timeout":
            return self.hang()
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        declared = len(answer.body) + (1000 if answer.fault == "truncated" else 0)
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        if answer.fault == "trickle":
            return self.trickle(answer.body)
        self.wfile.write(answer.body)
        if answer.fault == "truncated":
            self.close_connection = True

    def reset(self) -> None:
        """Close the connection with a TCP reset (SO_LINGER 0) before answering."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def hang(self) -> None:
        """Say nothing until the client hangs up (or :data:`HANG_SECONDS` pass)."""
        self.close_connection = True
        deadline = time.monotonic() + HANG_SECONDS
        while time.monotonic() < deadline and not self.client_gone(0.2):
            pass

    def trickle(self, body: bytes) -> None:
        """Send ``body`` one byte per second until the client hangs up (or :data:`HANG_SECONDS` pass)."""
        self.close_connection = True
        deadline = time.monotonic() + HANG_SECONDS
        for offset in range(len(body)):
            if time.monotonic() > deadline or self.client_gone(1.0):
                return
            try:
                self.wfile.write(body[offset:offset + 1])
                self.wfile.flush()
            except OSError:
                return

    def client_gone(self, wait: float) -> bool:
        """Wait up to ``wait`` seconds; True if the client closed its end meanwhile."""
        readable, _, _ = select.select([self.connection], [], [], wait)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
