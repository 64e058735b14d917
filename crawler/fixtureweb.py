"""A fixture web on loopback, for the crawler's tests and benchmark (as ``scrapy bench`` ships its server).

Serves a directory laid out like ``../shared/corpus/sites``: ``manifest.json`` lists the sites,
``<site>/`` holds each site's files (``a/list.aspx?page=2`` is stored as ``a/list.aspx__page=2``) and
the optional ``_serve/<site>.json`` says what a plain file server would not do::

    {"charset": "gbk",            # charset announced in Content-Type of text files
     "header_charset": "utf-8",   # announce this instead (a server that lies about its encoding)
     "types": {"/path": "content/type"}, "lastmod": {"/path": unix time},
     "fail_once": ["/path"], "slow": {"/path": seconds}, "redirects": {"/old": "/new"},
     "dataproxy_paths": ["/module/jpage/dataproxy.jsp"], "dataproxy": {"columnid": ["<li>…</li>", …]}}

Each site gets its own loopback address (127.0.0.11, .12, …) and port, so sites are distinct origins
and distinct politeness slots as on the real web.  ``{{origin:SITE}}`` in a text file is replaced by
that site's base URL (without the final slash), so fixture pages (and redirects) can link between origins.
Conditional requests get 304; every request is logged as a JSON line (site, method, path, status, bytes).

    python -m crawler.fixtureweb WEB_DIR [--log requests.jsonl]
"""

from __future__ import annotations

import argparse
import email.utils
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FIRST_ADDRESS = IPv4Address("127.0.0.11")
DEFAULT_DATAPROXY_PATHS = ("/module/web/jpage/dataproxy.jsp",)
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".aspx": "text/html", ".jsp": "text/html",
    ".txt": "text/plain", ".json": "application/json", ".xml": "text/xml", ".pdf": "application/pdf",
    ".doc": "application/msword", ".wps": "application/vnd.ms-works",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class RequestLog:
    """JSON lines of every request, shared by all sites' threads."""

    def __init__(self, path: str | Path | None) -> None:
        self._file = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115 -- open for the web's life
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        """Append one record (no-op without a log file)."""
        if self._file:
            with self._lock:
                self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._file.flush()


def file_name(path: str, query: str = "") -> str:
    """URL path and query → file under the site directory: ``/a/list.aspx``, ``page=2`` → ``a/list.aspx__page=2``."""
    name = path.lstrip("/")
    if name == "" or name.endswith("/"):
        name += "index.html"
    return f"{name}__{query}" if query else name


class SiteHandler(BaseHTTPRequestHandler):
    """Answers for one site; ``site``, ``web``, ``log``, ``origins`` and ``failed`` are set per site."""

    protocol_version = "HTTP/1.1"
    site: str
    web: Path
    log: RequestLog
    origins: dict[str, str]
    failed: set[str]

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr line; requests go to the JSON log instead."""

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        """Serve a file, a redirect, a failure, a 304 or a Hanweb dataproxy answer."""
        config = self.config()
        url = urlsplit(self.path)
        form = self.read_form()
        if url.path in config.get("redirects", {}):
            location = self.fill_origins(config["redirects"][url.path].encode(), "utf-8").decode()
            return self.send(301, b"", {"Location": location})
        if url.path in config.get("dataproxy_paths", DEFAULT_DATAPROXY_PATHS):
            return self.dataproxy(config, {**dict(parse_qsl(url.query)), **form})
        key = url.path + (f"?{url.query}" if url.query else "")
        path = self.web / self.site / file_name(url.path, url.query)
        if ".." in url.path or not path.is_file():
            return self.send(404, "<html><body>404 页面不存在</body></html>".encode(), {"Content-Type": "text/html"})
        if key in config.get("fail_once", []) and key not in self.failed:
            self.failed.add(key)
            return self.send(500, b"<html><body>500</body></html>", {"Content-Type": "text/html"})
        time.sleep(config.get("slow", {}).get(key, 0))
        self.send_file(config, key, path)

    def send_file(self, config: dict[str, Any], key: str, path: Path) -> None:
        """The file with validators, or 304 when the request's validators still match."""
        content_type = config.get("types", {}).get(key) or CONTENT_TYPES.get(path.suffix.lower(), "text/html")
        body = path.read_bytes()
        if content_type.startswith("text/") or content_type == "application/json":
            body = self.fill_origins(body, config.get("charset", "utf-8"))
            content_type += f"; charset={config.get('header_charset', config.get('charset', 'utf-8'))}"
        modified = int(config.get("lastmod", {}).get(key, path.stat().st_mtime))
        etag = f'"{modified:x}-{len(body):x}"'
        headers = {"ETag": etag, "Last-Modified": email.utils.formatdate(modified, usegmt=True)}
        if self.not_modified(etag, modified):
            return self.send(304, b"", headers)
        self.send(200, body, {**headers, "Content-Type": content_type})

    def not_modified(self, etag: str, modified: int) -> bool:
        """Whether If-None-Match (or, without it, If-Modified-Since) says the client's copy is current."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        try:
            return bool(since) and email.utils.parsedate_to_datetime(since).timestamp() >= modified
        except (TypeError, ValueError):
            return False

    def dataproxy(self, config: dict[str, Any], query: dict[str, str]) -> None:
        """Hanweb's listing endpoint: records ``startrecord``..``endrecord`` of ``columnid`` as XML."""
        records = config.get("dataproxy", {}).get(query.get("columnid", ""))
        if records is None:
            return self.send(404, b"", {"Content-Type": "text/xml"})
        start, end = int(query.get("startrecord", 1)), int(query.get("endrecord", len(records)))
        body = "".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records[max(0, start - 1):end])
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(records)}</totalrecord>'
               f"<recordset>{body}</recordset></datastore>")
        self.send(200, xml.encode("utf-8"), {"Content-Type": "text/xml; charset=UTF-8"})

    def config(self) -> dict[str, Any]:
        """The site's ``_serve`` settings, read per request so tests may change them between crawls."""
        path = self.web / "_serve" / f"{self.site}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def read_form(self) -> dict[str, str]:
        """The urlencoded body of a POST (empty for other methods)."""
        length = int(self.headers.get("Content-Length") or 0)
        return dict(parse_qsl(self.rfile.read(length).decode("utf-8", "replace"))) if length else {}

    def fill_origins(self, body: bytes, charset: str) -> bytes:
        """Replace ``{{origin:SITE}}`` markers with the sites' base URLs."""
        if b"{{origin:" not in body:
            return body
        text = body.decode(charset, "replace")
        for site, url in self.origins.items():
            text = text.replace(f"{{{{origin:{site}}}}}", url.rstrip("/"))
        return text.encode(charset, "replace")

    def send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        """Write the response and log it."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        sent = 0 if self.command == "HEAD" else len(body)
        if sent:
            self.wfile.write(body)
        self.log.write({"site": self.site, "method": self.command, "path": self.path, "status": status,
                        "bytes": sent, "ts": round(time.time(), 3)})


def start_web(web: str | Path, log_path: str | Path | None = None) -> tuple[dict[str, str], list[ThreadingHTTPServer]]:
    """Serve every site of ``web`` on its own loopback address; returns ({site: base URL}, servers)."""
    web = Path(web)
    sites = [site["id"] for site in json.loads((web / "manifest.json").read_text(encoding="utf-8"))["sites"]]
    log, origins, servers = RequestLog(log_path), {}, []
    for index, site in enumerate(sites):
        handler = type(f"Handler_{index}", (SiteHandler,),
                       {"site": site, "web": web, "log": log, "origins": origins, "failed": set()})
        server = ThreadingHTTPServer((str(FIRST_ADDRESS + index), 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origins[site] = f"http://{server.server_address[0]}:{server.server_address[1]}/"
        servers.append(server)
    return origins, servers


def stop_web(servers: list[ThreadingHTTPServer]) -> None:
    """Shut every server down and close its socket."""
    for server in servers:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    """Serve a fixture web until interrupted, after printing {site: base URL} as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m crawler.fixtureweb", description=__doc__.split("\n")[0])
    parser.add_argument("web", help="directory with manifest.json, one directory per site and _serve/")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    arguments = parser.parse_args(argv)
    origins, servers = start_web(arguments.web, arguments.log)
    print(json.dumps(origins), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stop_web(servers)


if __name__ == "__main__":
    main()
