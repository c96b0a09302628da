"""A misbehaving local web server for the crawl and link-check tests.

`MockServer(host)` serves, on `host` and a free port, one route per behaviour (see
`ROUTES` and `Handler.route`). Two instances make a portal (127.0.0.1) and an "external"
host (127.0.0.2). Raw request paths are compared byte-exact, so a crawler that re-encodes
a percent-encoded Chinese file name gets a 404, as on a real server.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

WEN_JIAN = quote("文件".encode())  # %E6%96%87%E4%BB%B6: the file exists
QUE_SHI = quote("缺失".encode())  # %E7%BC%BA%E5%A4%B1: it does not
TONG_ZHI = quote("通知".encode())  # linked raw as /files/通知.doc on the GBK page


def page(title: str, body: str, charset: str = "utf-8") -> bytes:
    html = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body>{body}</body></html>")
    return html.encode(charset)


def links(*hrefs: str) -> str:
    return "<ul>" + "".join(f'<li><a href="{h}">link {i}</a></li>' for i, h in enumerate(hrefs)) + "</ul>"


ARTICLE = "".join(
    f"<p>第{i}段：本文介绍网站建设情况。有读者反映访问时出现“页面不存在”或 404 的提示，现已修复。"
    "各单位要认真落实政府信息公开条例，做好主动公开工作。</p>" for i in range(40)
)
ERROR_TEMPLATE = "<h1>Sorry</h1><p>We could not serve {path}. Please go back to the home page.</p>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: MockHTTPServer

    def log_message(self, *args):  # quiet
        pass

    # ------------------------------------------------------------------ helpers

    def send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
             headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers={"Location": location})

    def do_HEAD(self):
        self.handle_any()

    def do_GET(self):
        self.handle_any()

    def handle_any(self):
        self.server.hits[(self.command, self.path)] += 1
        self.server.paths.append(self.path)
        try:
            self.server.route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass


class MockHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, router):
        super().__init__((host, 0), Handler)
        self.router = router
        self.hits: Counter = Counter()
        self.paths: list[str] = []

    def route(self, h: Handler) -> None:
        self.router(self, h)

    def handle_error(self, request, client_address):  # dropped connections are routine here
        pass


class MockServer:
    def __init__(self, host: str, router):
        self.httpd = MockHTTPServer(host, router)
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> MockServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def hits(self) -> Counter:
        return self.httpd.hits

    @property
    def paths(self) -> list[str]:
        return self.httpd.paths


# ---------------------------------------------------------------------------- the portal


def portal_router(external_base: str, refused_url: str):
    """Routes of the portal host (127.0.0.1)."""

    def route(server: MockHTTPServer, h: Handler) -> None:
        path = h.path
        hits = server.hits
        if path == "/robots.txt":
            return h.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path in ("/", "/index.html"):
            body = links(
                "/gbk.html", "/status/404", "/status/500", "/status/410", "/flaky503.html",
                "/nohead.pdf", "/challenge.html", "/rate.html", "/loop-a", "/chain/0", "/moved",
                "/old-deep/page.html", "/soft404.html", "/article.html", "/slow.html", "/slowish.html",
                "/garbage.html", "/binary.html", "/truncated.html", "/drop.html", "/big.html",
                "/private/secret.html", "/cal/2024/01.html", "/search?q=x", "/ignored/page.html",
                f"{external_base}/ok.html", f"{external_base}/gone.html", f"{external_base}/nohead.zip",
                f"{external_base}/challenge.html", f"{external_base}/nothing-here.html",
                f"{external_base}/real.html", f"{external_base}/slow.html", refused_url,
                "http://nonexistent.invalid/x.html",
                "mailto:office@example.gov.cn", "javascript:void(0)", "tel:12345", "#top",
                "ftp://example.invalid/file.txt",
            )
            return h.send(200, page("示例市人民政府", "<h1>首页</h1>" + body + '<img src="/logo.png">'))
        if path == "/logo.png":
            return h.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        if path == "/gbk.html":
            body = (f'<a href="/files/{WEN_JIAN}.pdf">附件一</a> <a href="/files/{QUE_SHI}.pdf">附件二</a> '
                    '<a href="/files/通知.doc">通知</a> <p>本页面使用GBK编码。</p>')
            return h.send(200, page("GBK页面", body, "gbk"), "text/html")
        if path == f"/files/{WEN_JIAN}.pdf" or path == f"/files/{TONG_ZHI}.doc":
            return h.send(200, b"%PDF-1.4 fake", "application/pdf")
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            return h.send(code, page(f"{code}", f"<p>status {code}</p>"))
        if path == "/flaky503.html":
            if hits[("GET", path)] == 1:
                return h.send(503, page("Service Unavailable", "busy"))
            return h.send(200, page("恢复正常", "<p>稍后恢复的页面</p>"))
        if path == "/nohead.pdf":
            if h.command == "HEAD":
                return h.send(405, b"")
            return h.send(200, b"%PDF-1.4 fake", "application/pdf")
        if path == "/challenge.html":
            return h.send(403, page("安全验证", "<script>/* challenge */</script><p>请开启JavaScript并刷新</p>"))
        if path == "/rate.html":
            if hits[("GET", path)] == 1:
                return h.send(429, page("Too Many Requests", "slow down"), headers={"Retry-After": "1"})
            return h.send(200, page("限流后的页面", "<p>第二次访问成功</p>"))
        if path == "/loop-a":
            return h.redirect("/loop-b")
        if path == "/loop-b":
            return h.redirect("/loop-a")
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            return h.redirect(f"/chain/{n + 1}", 301)
        if path == "/moved":
            return h.redirect("/target.html", 301)
        if path == "/target.html":
            return h.send(200, page("新地址", "<p>搬家后的页面</p>"))
        if path == "/old-deep/page.html":
            return h.redirect("/", 302)
        if path == "/soft404.html":
            return h.send(200, page("页面不存在", "<p>您访问的页面不存在</p>"))
        if path == "/article.html":
            return h.send(200, page("关于网站改版的说明", ARTICLE))
        if path == "/slow.html":
            time.sleep(3)
            return h.send(200, page("slow", "<p>too slow</p>"))
        if path == "/slowish.html":
            time.sleep(0.8)
            return h.send(200, page("slowish", "<p>a little slow</p>"))
        if path == "/garbage.html":
            return h.send(200, bytes(range(256)) * 40, "text/html")
        if path == "/binary.html":
            return h.send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "text/html; charset=utf-8")
        if path == "/truncated.html":
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(page("截断", "<p>cut")[:-10])
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return None
        if path == "/drop.html":
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return None
        if path == "/big.html":
            body = page("大页面", "<p>" + "大" * 100 + "</p>" + "<!-- padding -->" * (20 * 1024 * 1024 // 16))
            return h.send(200, body)
        if path.startswith("/private/"):
            return h.send(200, page("secret", "<p>robots say no</p>"))
        if path.startswith("/cal/"):
            parts = path.strip("/").split("/")  # cal, year, NN.html
            year, month = int(parts[1]), int(parts[2].split(".")[0])
            nxt_month = month % 12 + 1
            nxt_year = year + (1 if month == 12 else 0)
            return h.send(200, page(f"日历 {year}-{month}", links(f"/cal/{nxt_year}/{nxt_month:02d}.html")))
        if path.startswith("/search"):
            return h.send(200, page("搜索", links("/search?q=y", "/search?q=z")))
        if path.startswith("/ignored/"):
            return h.send(200, page("ignored", "<p>never fetched</p>"))
        return h.send(404, page("404 Not Found", "<p>not found</p>"))

    return route


def external_router():
    """Routes of the "external" host (127.0.0.2): a template 200 for every unknown path."""

    def route(server: MockHTTPServer, h: Handler) -> None:
        path = h.path
        if path == "/robots.txt":
            return h.send(404, b"", "text/plain")
        if path == "/ok.html":
            return h.send(200, page("外站页面", "<p>an external page that works</p>" + ARTICLE[:2000]))
        if path == "/real.html":
            return h.send(200, page("外站真实页面", "<p>这是一篇真实的文章。</p>" + ARTICLE[:3000]))
        if path == "/gone.html":
            return h.send(404, page("404", "<p>gone</p>"))
        if path == "/nohead.zip":
            if h.command == "HEAD":
                return h.send(501, b"")
            return h.send(200, b"PK\x03\x04" + b"\0" * 50, "application/zip")
        if path == "/challenge.html":
            return h.send(200, page("Just a moment", "<script>var __jsl_clearance=1;</script>"))
        if path == "/slow.html":
            time.sleep(3)
            return h.send(200, page("slow", "<p>slow</p>"))
        # every other path: the same template with status 200 (a soft-404 site)
        return h.send(200, page("外站", ERROR_TEMPLATE.format(path=path)))

    return route


def refused_url() -> str:
    """An http URL on 127.0.0.3 (another host) where nothing listens (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.3", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.3:{port}/nothing.html"
