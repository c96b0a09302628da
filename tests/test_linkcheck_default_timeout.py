"""The default 15 s timeout, for real: a target answering after 20 s is broken (timeout),
one answering after 3 s is fine. Slow by nature (~50 s: the timeout is retried before it is
reported), so it is the only test that runs at the default profile's timeout."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

try:
    from cli_audit import audit_links
except ImportError:  # tests/ is a package
    from tests.cli_audit import audit_links

PAGE = """<html><head><meta charset="utf-8"><title>测试</title></head><body>
<a href="/slow3.pdf">三秒附件</a> <a href="/slow20.pdf">二十秒附件</a></body></html>""".encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, body: bool):
        if self.path in ("/", "/index.html"):
            delay, payload, ctype = 0, PAGE, "text/html; charset=utf-8"
        elif self.path == "/slow3.pdf":
            delay, payload, ctype = 3, b"%PDF-1.4 ok", "application/pdf"
        elif self.path == "/slow20.pdf":
            delay, payload, ctype = 20, b"%PDF-1.4 late", "application/pdf"
        else:
            self.send_error(404)
            return
        time.sleep(delay)
        try:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                self.wfile.write(payload)
        except OSError:
            pass

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)


@pytest.fixture()
def slow_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_default_timeout_20s_is_broken_3s_is_fine(slow_site, tmp_path):
    outcomes, broken = audit_links(f"{slow_site}/index.html", tmp_path / "a.sqlite")
    assert outcomes[f"{slow_site}/slow3.pdf"] == "ok"
    assert outcomes[f"{slow_site}/slow20.pdf"] == "timeout"
    assert set(broken) == {f"{slow_site}/slow20.pdf"}
