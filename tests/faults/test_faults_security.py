"""Security: what the crawler refuses to fetch, that nothing it reads reaches a shell, and how `serve` binds."""

from __future__ import annotations

import ast
import json
import socket
import subprocess
import sys
import time
from ipaddress import ip_address
from pathlib import Path
from types import SimpleNamespace

import pytest
from faults_testing import REPO, crawl, runs
from scrapy.http import HtmlResponse, Request

from crawler.faultweb import FaultWeb
from crawler.middlewares import UrlSafetyMiddleware
from crawler.safety import UnsafeRequest, url_refusal, without_session_ids


@pytest.mark.parametrize(("url", "refusal"), [
    ("http://www.yunhu.gov.cn/col/index.html", None),
    ("https://59.42.1.7/ndbg/2023.html", None),
    ("file:///etc/passwd", "not an http(s) URL (file scheme)"),
    ("ftp://www.yunhu.gov.cn/report.pdf", "not an http(s) URL (ftp scheme)"),
    ("data:text/html,<h1>x</h1>", "not an http(s) URL (data scheme)"),
    ("javascript:alert(1)", "not an http(s) URL (javascript scheme)"),
    ("http://127.0.0.1:8001/", "a loopback address (127.0.0.1)"),
    ("http://localhost/", "a loopback host name"),
    ("http://[::1]/", "a loopback address (::1)"),
    ("http://10.0.0.8/", "a private address (10.0.0.8)"),
    ("http://172.16.3.4/", "a private address (172.16.3.4)"),
    ("http://192.168.1.1/admin", "a private address (192.168.1.1)"),
    ("http://169.254.169.254/latest/meta-data/", "a link-local address (169.254.169.254)"),
    ("http://[fe80::1]/", "a link-local address (fe80::1)"),
    ("http://[::ffff:10.0.0.1]/", "a private address (10.0.0.1)"),
    ("http://0.0.0.0/", "a private address (0.0.0.0)"),
    ("http:///nohost", "no host"),
])
def test_url_refusals(url: str, refusal: str | None) -> None:
    assert url_refusal(url) == refusal


def test_loopback_is_allowed_only_by_the_setting() -> None:
    assert url_refusal("http://127.0.2.1:8080/", allow_loopback=True) is None
    assert url_refusal("http://localhost:8080/", allow_loopback=True) is None
    assert url_refusal("http://10.0.0.8/", allow_loopback=True) == "a private address (10.0.0.8)"


def test_a_host_name_that_answers_from_a_private_address_is_refused() -> None:
    counted: list[str] = []
    crawler = SimpleNamespace(stats=SimpleNamespace(inc_value=counted.append))
    middleware = UrlSafetyMiddleware(crawler, allow_loopback=True)
    request = Request("http://www.yunhu.gov.cn/ndbg/2023.html")
    public = HtmlResponse(request.url, body=b"<html></html>", request=request, ip_address=ip_address("59.42.1.7"))
    assert middleware.process_response(request, public) is public
    rebound = public.replace(ip_address=ip_address("192.168.0.10"))
    with pytest.raises(UnsafeRequest, match="private address"):
        middleware.process_response(request, rebound)
    assert counted == ["nianbao/unsafe_refused"]


def test_session_ids_are_dropped_from_urls() -> None:
    with_ids = "http://a.cn/list.jsp;jsessionid=AB12?page=2&sid=9f&x=1"
    assert without_session_ids(with_ids) == "http://a.cn/list.jsp?page=2&x=1"
    assert without_session_ids("http://a.cn/list.html?page=2") == "http://a.cn/list.html?page=2"


def test_a_loopback_web_is_not_touched_without_the_setting(tmp_path: Path) -> None:
    web = FaultWeb({"local": "none"}).start()
    try:
        result = crawl(web.registry(tmp_path / "sites.yaml"), tmp_path / "a.db", tmp_path,
                       NIANBAO_ALLOW_LOOPBACK="False")
    finally:
        web.stop()
    assert web.requests == []
    assert "refused: a loopback address (127.0.2.1)" in " ".join(runs(tmp_path / "a.db")[-1]["stats"]["site_failures"]
                                                                 ["local"])
    assert "site local: " in result.stdout


def shell_calls(path: Path) -> list[str]:
    """Calls in ``path`` that hand a string to a shell: ``shell=True``, ``os.system``, ``os.popen``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        shell = any(k.arg == "shell" and ast.unparse(k.value) != "False" for k in node.keywords)
        if shell or name in ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {name}")
    return found


def test_nothing_read_from_the_web_can_reach_a_shell() -> None:
    sources = [path for package in ("crawler", "pipeline", "storage", "nianbao")
               for path in (REPO / package).rglob("*.py")]
    assert len(sources) > 30
    assert [call for path in sources for call in shell_calls(path)] == []


def listening_addresses(port: int) -> set[str]:
    """Local IPv4 addresses with a socket listening on ``port`` (from /proc/net/tcp)."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        host, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:
            addresses.add(socket.inet_ntoa(bytes.fromhex(host)[::-1]))
    return addresses


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads listening sockets from /proc/net/tcp")
def test_serve_listens_on_loopback_only_by_default(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    subprocess.run([sys.executable, "-c", "from storage.archive import Archive; Archive(__import__('sys').argv[1])",
                    str(db)], check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", "from nianbao.cli import cli; cli()", "serve", "--db", str(db),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not listening_addresses(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        server.terminate()
        server.wait(timeout=10)
    help_text = subprocess.run([sys.executable, "-c", "from nianbao.cli import cli; cli()", "serve", "--help"],
                               capture_output=True, text=True, check=True).stdout
    assert "--host" in help_text and "127.0.0.1" in help_text


def loopback_host_name() -> str:
    """A name of this machine (not ``localhost``, which is refused by name) that resolves to loopback."""
    name = socket.gethostname()
    if name == "localhost" or not ip_address(socket.gethostbyname(name)).is_loopback:
        pytest.skip(f"host name {name!r} does not resolve to a loopback address here")
    return name


def test_a_host_name_resolving_to_loopback_is_never_connected_to(tmp_path: Path) -> None:
    name = loopback_host_name()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        site = {"id": "rebound", "name": "重绑定区人民政府", "region_code": "920099",
                "start_urls": [f"http://{name}:{port}/"]}
        (tmp_path / "sites.yaml").write_text(json.dumps({"sites": [site]}, ensure_ascii=False), encoding="utf-8")
        result = crawl(tmp_path / "sites.yaml", tmp_path / "a.db", tmp_path, NIANBAO_ALLOW_LOOPBACK="False")
        with pytest.raises(BlockingIOError):
            listener.accept()  # refused at the lookup: no connection was ever made
    assert f"refused: {name} resolves to a loopback address (127." in result.stderr
    assert "DNS lookup failed" in " ".join(runs(tmp_path / "a.db")[-1]["stats"]["site_failures"]["rebound"])
