"""Hostile servers: slow drip, endless body, gzip bomb, endless redirects, invalid status lines,
connections dropped mid-body, 20 MB pages, 100,000 links on a page, binary bytes labelled
text/html (one portal, one audit); a server that answers 200 to everything; a server that
blocks after N requests. For each: the audit completes, the crawler's memory stays bounded,
the problem is a finding or a `not checked` row, and the ordinary pages are all kept.
Timeouts and caps are lowered by a profile so the whole file runs in well under a minute."""

from __future__ import annotations

import gzip
import socket
import sqlite3
import threading
import time

import pytest

from xxgk.audit import run_audit
from xxgk.profile import load_profile
from xxgk.sample import AS_OF

try:
    from mockserver import MockServer, links, page
except ImportError:  # tests/ is a package
    from tests.mockserver import MockServer, links, page

CAP = 4 * 1024 * 1024  # crawl.max_page_bytes in these tests (the default is 10 MB)
MAX_RSS_MB = 600  # the crawler process (Scrapy, lxml, OpenCC) idles near 150 MB
PROFILE = {
    "crawl": {"timeout": 2.0, "retries": 0, "max_page_bytes": CAP, "max_per_pattern": 40, "delay": 0.0},
    "links": {"timeout": 2.0, "transient_retries": 0, "retry_backoff": 0.1, "blocked_retries": 1,
              "max_retry_after": 1.0, "max_redirects": 5},
}
ORDINARY = [f"/ok/{i}.html" for i in range(5)]
N_LINKS = 100_000


def ordinary(path: str) -> bytes:
    return page(f"正常页面 {path}", "<p>发布日期：2026-03-01</p><p>本页内容正常。</p>")


def raw(h, data: bytes) -> None:
    """Write bytes straight to the socket (no status line of the handler's making) and close."""
    h.close_connection = True
    try:
        h.wfile.write(data)
        h.wfile.flush()
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def stream(h, head: bytes, chunk: bytes, pause: float, limit_s: float) -> None:
    """Headers, then `chunk` every `pause` seconds until the client hangs up (or `limit_s`)."""
    h.close_connection = True
    end = time.monotonic() + limit_s
    try:
        h.wfile.write(head)
        while time.monotonic() < end:
            h.wfile.write(chunk)
            h.wfile.flush()
            if pause:
                time.sleep(pause)
    except OSError:
        pass


BOMB = gzip.compress(b"\0" * (256 * 1024 * 1024), compresslevel=9)  # 256 MB as ~250 KB
HOSTILE = ["/drip.html", "/endless.html", "/bomb.html", "/redirect/0", "/badstatus.html", "/nostatus.html",
           "/dropped.html", "/big.html", "/binary.html", "/links.html"]


def hostile_router(server, h):
    path = h.path
    if path == "/robots.txt":
        return h.send(404, b"", "text/plain")
    if path == "/":
        return h.send(200, page("示例市", links(*ORDINARY[:3], *HOSTILE, *ORDINARY[3:])))
    if path in ORDINARY or path.startswith("/p/"):
        return h.send(200, ordinary(path))
    if path == "/drip.html":  # one byte every 0.2 s: never done before the timeout
        return stream(h, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n",
                      b"<", 0.2, 20)
    if path == "/endless.html":  # no length, bytes forever
        return stream(h, b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
                      + page("无尽页面", "")[:-14], b"<p>" + "无尽".encode() * 2000 + b"</p>", 0, 20)
    if path == "/bomb.html":
        return h.send(200, BOMB, headers={"Content-Encoding": "gzip"})
    if path.startswith("/redirect/"):
        return h.redirect(f"/redirect/{int(path.rsplit('/', 1)[1]) + 1}")
    if path == "/badstatus.html":
        return raw(h, b"HTTP/1.1 OK FINE\r\nContent-Type: text/html\r\n\r\n<html>bad status line</html>")
    if path == "/nostatus.html":
        return raw(h, b"\x00\x01\x02 not http at all \xff\xfe\r\n\r\n")
    if path == "/dropped.html":  # promises 100 kB, sends a page's first half, hangs up
        body = page("中途断开", "<p>" + "内容" * 2000 + "</p>")
        return raw(h, b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 100000\r\n\r\n"
                   + body[: len(body) // 2])
    if path == "/big.html":  # 20 MB
        return h.send(200, page("大页面", "<p>大</p>" + "<!-- padding -->" * (20 * 1024 * 1024 // 16)))
    if path == "/binary.html":
        return h.send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400, "text/html; charset=utf-8")
    if path == "/links.html":
        anchors = "".join(f"<a href=\"/p/{i}.html\">{i}</a>" for i in range(N_LINKS))  # 3 MB
        return h.send(200, page("十万链接", anchors))
    return h.send(404, page("404 Not Found", "<p>not found</p>"))


def audit(db, url, profile=PROFILE):
    result = run_audit(url, db_path=db, profile=load_profile(None, profile), as_of=AS_OF, concurrency=16)
    assert result.status == "completed", result.error
    return result


def query(db, sql, *params):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "a.sqlite"
    with MockServer("127.0.0.1", hostile_router) as srv:
        started = time.monotonic()
        result = audit(db, srv.url("/"))
        seconds = time.monotonic() - started
        pages = {r["url"].removeprefix(srv.base): r for r in query(db, "select * from pages where run_id = ?",
                                                                     result.run_id)}
        targets = {r["url"].removeprefix(srv.base): r for r in query(db, "select * from targets where run_id = ?",
                                                                       result.run_id)}
        findings = {(r["rule"], r["url"].removeprefix(srv.base))
                    for r in query(db, "select rule, url from findings where run_id = ?", result.run_id)}
        yield {"db": db, "result": result, "pages": pages, "targets": targets, "findings": findings,
               "seconds": seconds, "srv": srv}


def test_audit_finishes_bounded_and_keeps_the_ordinary_pages(hostile):
    stats = hostile["result"].stats
    assert stats["peak_rss_mb"] < MAX_RSS_MB, stats["peak_rss_mb"]
    for path in ["/", *ORDINARY]:
        assert hostile["pages"][path]["status"] == 200 and hostile["targets"][path]["outcome"] == "ok"


def test_slow_drip_times_out(hostile):
    assert hostile["targets"]["/drip.html"]["outcome"] == "timeout"
    assert ("link.broken", "/drip.html") in hostile["findings"]


def test_endless_body_is_cut_at_the_cap(hostile):
    row = hostile["pages"]["/endless.html"]
    assert row["status"] == 200 and row["truncated"] == 1 and CAP <= row["size"] <= CAP + 256 * 1024
    assert row["title"] == "无尽页面"


def test_gzip_bomb_is_not_inflated(hostile):
    target = hostile["targets"]["/bomb.html"]
    assert target["outcome"] == "not_checked"
    assert "size" in (target["error"] or "").lower()


def test_endless_redirects(hostile):
    assert hostile["targets"]["/redirect/0"]["outcome"] == "too_many_redirects"
    assert ("link.broken", "/redirect/0") in hostile["findings"]


@pytest.mark.parametrize("path", ["/badstatus.html", "/nostatus.html"])
def test_invalid_status_lines(hostile, path):
    target = hostile["targets"][path]
    assert target["outcome"] not in ("ok", "redirect")
    assert target["error"]
    assert ("link.broken", path) in hostile["findings"] or target["outcome"] == "not_checked"


def test_connection_dropped_mid_body_keeps_what_came(hostile):
    row = hostile["pages"]["/dropped.html"]
    assert row["status"] == 200 and "incomplete" in row["error"]
    assert row["title"] == "中途断开"


def test_twenty_megabyte_page_is_cut(hostile):
    row = hostile["pages"]["/big.html"]
    assert row["truncated"] == 1 and row["size"] <= CAP + 256 * 1024 and row["title"] == "大页面"


def test_binary_labelled_html(hostile):
    row = hostile["pages"]["/binary.html"]
    assert row["status"] == 200 and row["kind"] in ("other", "error")
    assert hostile["targets"]["/binary.html"]["outcome"] in ("ok", "soft_404")


def test_hundred_thousand_links(hostile):
    db, run_id = hostile["db"], hostile["result"].run_id
    page_url = hostile["srv"].url("/links.html")
    (n,) = query(db, "select count(*) n from links where run_id = ? and page_url = ?", run_id, page_url)
    assert n["n"] == N_LINKS
    crawled = [p for p in hostile["pages"] if p.startswith("/p/")]
    assert len(crawled) == PROFILE["crawl"]["max_per_pattern"]
    (skipped,) = query(db, "select count(*) n from skipped where run_id = ? and reason = 'trap_pattern'", run_id)
    assert skipped["n"] == N_LINKS - len(crawled)
    (unchecked,) = query(db, "select count(*) n from targets where run_id = ? and outcome = 'not_checked' "
                             "and url like ?", run_id, hostile["srv"].url("/p/%"))
    assert unchecked["n"] == N_LINKS - len(crawled)


def test_server_that_answers_200_to_everything(tmp_path):
    template = page("示例市", "<p>欢迎访问</p>" + links("/a.html", "/b.html"))

    def route(server, h):
        if h.path in ("/", "/a.html"):
            return h.send(200, page("示例市", "<h1>首页</h1><p>正文" * 50 + links("/a.html", "/missing.html",
                                                                                 "/gone/x.html")))
        return h.send(200, template)  # robots.txt, every missing path: the same 200 template

    with MockServer("127.0.0.1", route) as srv:
        result = audit(tmp_path / "a.sqlite", srv.url("/"))
        targets = {r["url"].removeprefix(srv.base): r["outcome"]
                   for r in query(tmp_path / "a.sqlite", "select url, outcome from targets")}
        assert targets["/a.html"] == "ok"
        assert targets["/missing.html"] == "soft_404" and targets["/gone/x.html"] == "soft_404"
        assert result.stats["peak_rss_mb"] < MAX_RSS_MB


def test_server_that_blocks_after_n_requests(tmp_path):
    lock, served = threading.Lock(), []

    def route(server, h):
        with lock:
            served.append(h.path)
            n = len(served)
        if n > 8:  # a WAF that has seen enough of us
            return h.send(403, page("访问验证", "<p>安全验证：请开启JavaScript</p>"))
        if h.path == "/robots.txt":
            return h.send(404, b"", "text/plain")
        if h.path == "/":
            return h.send(200, page("示例市", links(*[f"/doc/{i}.html" for i in range(20)])))
        return h.send(200, ordinary(h.path))

    with MockServer("127.0.0.1", route) as srv:
        db = tmp_path / "a.sqlite"
        result = audit(db, srv.url("/"))
        rows = query(db, "select url, outcome from targets where run_id = ?", result.run_id)
        outcomes = {r["outcome"] for r in rows}
        assert outcomes <= {"ok", "blocked"} and "blocked" in outcomes
        # what was read before the block is kept; the rest is link.blocked, never link.broken
        ok = [r for r in rows if r["outcome"] == "ok"]
        assert len(ok) >= 3
        assert query(db, "select count(*) n from pages where run_id = ? and status = 200", result.run_id)[0]["n"] >= 3
        rules = {r["rule"] for r in query(db, "select rule from findings where run_id = ?", result.run_id)}
        assert "link.broken" not in rules
