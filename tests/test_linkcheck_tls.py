"""TLS failures are broken links that say so: an https:// link to a server that does not
speak TLS fails the handshake and is reported with outcome `tls`, on the portal's own host
and on another host."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

try:
    from cli_audit import audit_links
except ImportError:  # tests/ is a package
    from tests.cli_audit import audit_links


def _handler(page: bytes):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = page if self.path in ("/", "/index.html") else b"%PDF-1.4"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8" if body is page else "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

    return Handler


@pytest.fixture()
def servers():
    other = ThreadingHTTPServer(("127.0.0.2", 0), _handler(b"ok"))
    started = [other]
    try:
        port2 = other.server_address[1]
        holder: dict = {}

        class Lazy(BaseHTTPRequestHandler):
            pass

        portal = ThreadingHTTPServer(("127.0.0.1", 0), Lazy)
        port = portal.server_address[1]
        page = (f'<html><head><meta charset="utf-8"><title>首页</title></head><body>'
                f'<a href="https://127.0.0.1:{port}/a.pdf">本站附件</a>'
                f'<a href="https://127.0.0.2:{port2}/b.pdf">外站附件</a>'
                f'<a href="http://127.0.0.2:{port2}/c.pdf">外站正常附件</a></body></html>').encode()
        portal.RequestHandlerClass = _handler(page)
        started.append(portal)
        for s in started:
            s.daemon_threads = True
            threading.Thread(target=s.serve_forever, daemon=True).start()
        holder.update(base=f"http://127.0.0.1:{port}", port=port, port2=port2)
        yield holder
    finally:
        for s in started:
            s.shutdown()
            s.server_close()


def test_tls_handshake_failure_is_broken_with_its_class(servers, tmp_path):
    outcomes, broken = audit_links(f"{servers['base']}/index.html", tmp_path / "a.sqlite")
    internal = f"https://127.0.0.1:{servers['port']}/a.pdf"
    external = f"https://127.0.0.2:{servers['port2']}/b.pdf"
    assert outcomes[internal] == "tls"
    assert outcomes[external] == "tls"
    assert outcomes[f"http://127.0.0.2:{servers['port2']}/c.pdf"] == "ok"
    assert set(broken) == {internal, external}
    assert "tls" in json.dumps(broken[internal], ensure_ascii=False).lower()
