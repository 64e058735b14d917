"""Helpers of the schedule tests: the demo web served on loopback, and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler import fixtureweb
from nianbao.demoweb import registry, write_web


@dataclass
class Receiver:
    """A webhook endpoint: every POSTed JSON body, and an event set on each."""

    url: str
    server: ThreadingHTTPServer
    bodies: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)


def start_receiver(status: int = 204) -> Receiver:
    """Serve a receiver answering ``status`` on 127.0.0.1 (any free port)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.headers.append(dict(self.headers))
            receiver.bodies.append(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            receiver.received.set()

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook", server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver


def serve_demo_web(root: Path) -> tuple[dict, dict[str, str], list, Path]:
    """Write and serve the demo web; (manifest, origins, servers, registry path)."""
    manifest = write_web(root / "web")
    origins, servers = fixtureweb.start_web(root / "web")
    sites = root / "sites.yaml"
    sites.write_text(json.dumps(registry(manifest, origins), ensure_ascii=False), encoding="utf-8")
    return manifest, origins, servers, sites
