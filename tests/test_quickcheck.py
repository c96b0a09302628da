"""Quick HEAD checks (crawler/quickcheck.py): the same target rows as through Scrapy, fewer
Scrapy requests; anything but a plain success is asked again through Scrapy; robots.txt held."""

from __future__ import annotations

import json

from crawler.quickcheck import QuickChecker, parse_head
from crawler.run import crawl
from xxgk import store

try:
    from mockserver import MockServer, page
    from test_crawl_portal import make_profile, new_run
except ImportError:  # tests/ is a package
    from tests.mockserver import MockServer, page
    from tests.test_crawl_portal import make_profile, new_run


def test_parse_head():
    status, headers, keep = parse_head(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                                       b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n")
    assert (status, keep) == (200, True)
    assert headers == {"content-type": "application/pdf", "set-cookie": "a=1, b=2"}
    assert parse_head(b"HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n")[2] is False
    assert parse_head(b"HTTP/1.0 200 OK\r\n\r\n")[2] is False
    assert parse_head(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n")[2] is True
    for bad in (b"garbage\r\n\r\n", b"HTTP/1.1 abc\r\n\r\n", b"ICY 200 OK\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", b"HTTP/1.1 200 OK\r\n bad: fold\r\n\r\n"):
        assert parse_head(bad) is None, bad


def test_request_bytes():
    q = QuickChecker("ua/1", 5.0, 4, {"Accept": "*/*"})
    key, data = q.request_bytes("http://user@Example.org:8080/a%20b.pdf?x=1#f", "http://example.org/")
    assert key == ("http", "example.org", 8080)
    assert data == (b"HEAD /a%20b.pdf?x=1 HTTP/1.1\r\nHost: Example.org:8080\r\nUser-Agent: ua/1\r\n"
                    b"Accept: */*\r\nReferer: http://example.org/\r\n\r\n")
    assert q.request_bytes("https://example.org", None)[0] == ("https", "example.org", 443)
    assert q.request_bytes("ftp://example.org/a.pdf", None) is None
    assert q.request_bytes("http://example.org/a b.pdf", None) is None  # not escaped: Scrapy's job


def site(server, h):
    path = h.path
    if path == "/robots.txt":
        return h.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
    if path == "/":
        hrefs = ["/files/ok.pdf", "/files/gone.pdf", "/files/page.pdf", "/img/moved.jpg", "/private/secret.pdf",
                 "/files/slow.doc", "/files/error.xls"]
        body = "".join(f'<a href="{u}">附件{i}</a>' for i, u in enumerate(hrefs))
        return h.send(200, page("首页", body + '<img src="/img/logo.png">'))
    if path in ("/files/ok.pdf", "/img/logo.png", "/img/new.jpg", "/private/secret.pdf"):
        return h.send(200, b"%PDF-1.4 ...", "application/pdf")
    if path == "/files/page.pdf":  # an HTML answer: read by GET, judged for soft 404
        return h.send(200, page("页面不存在", "<h1>404 页面不存在</h1>"))
    if path == "/img/moved.jpg":
        return h.redirect("/img/new.jpg", 301)
    if path == "/files/slow.doc":  # HEAD slower than the quick timeout, fine for Scrapy's
        if h.command == "HEAD" and server.hits[("HEAD", path)] == 1:
            import time

            time.sleep(6)
        return h.send(200, b"doc", "application/msword")
    if path == "/files/error.xls":
        return h.send(500, b"oops", "text/plain")
    return h.send(404, page("页面不存在", "<h1>404</h1>"))


def audit(tmp_path, name, monkeypatch, quick: bool):
    if not quick:
        monkeypatch.setenv("XXGK_QUICK_CHECKS", "0")
    else:
        monkeypatch.delenv("XXGK_QUICK_CHECKS", raising=False)
    with MockServer("127.0.0.1", site) as srv:
        db = store.open_db(tmp_path / f"{name}.sqlite")
        run_id = new_run(db, srv.url("/"))
        stats = crawl(db, run_id, srv.url("/"), make_profile(links={"timeout": 8.0}))
        rows = {r["url"].replace(srv.base, ""): (r["outcome"], r["status"], r["method"],
                                                  (r["final_url"] or "").replace(srv.base, ""))
                for r in db.query("select * from targets where run_id = ?", [run_id])}
        return rows, stats, dict(srv.hits)


def test_quick_checks_same_rows_fewer_scrapy_requests(tmp_path, monkeypatch):
    slow, _, slow_hits = audit(tmp_path, "scrapy", monkeypatch, quick=False)
    fast, stats, hits = audit(tmp_path, "quick", monkeypatch, quick=True)
    assert fast == slow  # every outcome, status, method and final URL as through Scrapy
    assert fast["/files/ok.pdf"] == ("ok", 200, "HEAD", "/files/ok.pdf")
    assert fast["/files/gone.pdf"][:3] == ("http_status", 404, "HEAD+GET")
    assert fast["/files/error.xls"][:2] == ("http_status", 500)
    assert fast["/files/page.pdf"][0] == "soft_404"
    assert fast["/img/moved.jpg"][0] == "redirect"
    assert fast["/files/slow.doc"][:2] == ("ok", 200)  # quick timed out; Scrapy waited longer
    assert fast["/private/secret.pdf"][0] == "not_checked"
    # robots.txt held by both paths; a plain success asked once; a failure asked again by Scrapy
    assert ("HEAD", "/private/secret.pdf") not in hits
    assert hits[("HEAD", "/files/ok.pdf")] == slow_hits[("HEAD", "/files/ok.pdf")] == 1
    assert hits[("HEAD", "/files/gone.pdf")] == 2 and hits[("GET", "/files/gone.pdf")] >= 1
    # the run's request count includes the quick ones
    assert stats["requests"] == sum(hits.values())
    assert json.dumps(stats)  # plain data


def test_a_host_that_throttles_is_left_to_scrapy(tmp_path, monkeypatch):
    """After MAX_TROUBLES 429s to quick checks, a host's attachments go through Scrapy only."""
    from crawler.quickcheck import MAX_TROUBLES

    files = [f"/files/{i}.pdf" for i in range(30)]

    def throttling(server, h):
        if h.path == "/robots.txt":
            return h.send(404, b"", "text/plain")
        if h.path == "/":
            return h.send(200, page("首页", "".join(f'<a href="{u}">附件</a>' for u in files)))
        if h.command == "HEAD" and sum(n for (m, p), n in server.hits.items() if m == "HEAD") <= 6:
            return h.send(429, b"", "text/plain", headers={"Retry-After": "0"})
        return h.send(200, b"%PDF", "application/pdf")

    monkeypatch.delenv("XXGK_QUICK_CHECKS", raising=False)
    with MockServer("127.0.0.1", throttling) as srv:
        db = store.open_db(tmp_path / "t.sqlite")
        run_id = new_run(db, srv.url("/"))
        stats = crawl(db, run_id, srv.url("/"), make_profile())
        outcomes = {r["url"]: r["outcome"] for r in db.query("select * from targets where run_id = ?", [run_id])}
    assert all(outcomes[srv.url(u)] == "ok" for u in files)  # Scrapy's retries got them all
    # no more quick HEADs once the host was marked: at most MAX_TROUBLES + those in flight
    # (per-host concurrency: 8)
    assert stats["requests_quick"] <= MAX_TROUBLES + 8 < len(files)
