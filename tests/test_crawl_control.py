"""crawl() control paths: interruption (SIGINT and from on_progress), max_pages, off-site start
redirect, --ignore-robots; each a short crawl of its own (crawl() runs many times per process)."""

from __future__ import annotations

import json
import os
import signal
import threading

import pytest

from crawler.run import crawl
from xxgk import store

try:
    from mockserver import MockServer, external_router, page, portal_router
    from test_crawl_portal import make_profile, new_run
except ImportError:  # tests/ is a package
    from tests.mockserver import MockServer, external_router, page, portal_router
    from tests.test_crawl_portal import make_profile, new_run


def calendar_site():
    """A home page leading into an endless calendar, one slow-ish page after another."""
    inner = portal_router("http://127.0.0.2:9", "http://127.0.0.3:9/")

    def route(server, h):
        if h.path == "/":
            return h.send(200, page("首页", '<a href="/cal/2024/01.html">日历</a>'))
        return inner(server, h)

    return route


ENDLESS = {"crawl": {"max_per_pattern": 100000, "max_depth": 100000, "delay": 0.05, "concurrency": 2}}


def rows(db, table, run_id):
    return list(db.query(f"select * from {table} where run_id = ?", [run_id]))


def test_interrupt_from_on_progress(tmp_path):
    with MockServer("127.0.0.1", calendar_site()) as srv:
        db = store.open_db(tmp_path / "a.sqlite")
        run_id = new_run(db, srv.url("/"))

        def on_progress(snap):
            if snap.get("pages", 0) >= 3:
                raise KeyboardInterrupt

        stats = crawl(db, run_id, srv.url("/"), make_profile(**ENDLESS), on_progress=on_progress)
        assert stats["interrupted"] is True
        pages = rows(db, "pages", run_id)
        assert len(pages) >= 3
        assert json.loads(store.get_run(db, run_id)["stats"])["interrupted"] is True


def test_interrupt_by_sigint(tmp_path):
    with MockServer("127.0.0.1", calendar_site()) as srv:
        db = store.open_db(tmp_path / "a.sqlite")
        run_id = new_run(db, srv.url("/"))
        done = threading.Event()

        def interrupt_once_two_pages_are_in():  # (a fixed delay failed on a loaded machine)
            import sqlite3
            import time

            deadline = time.monotonic() + 60
            while not done.is_set() and time.monotonic() < deadline:
                try:
                    conn = sqlite3.connect(tmp_path / "a.sqlite", timeout=5)
                    n = conn.execute("select count(*) from pages where run_id = ?", [run_id]).fetchone()[0]
                    conn.close()
                except sqlite3.Error:
                    n = 0
                if n >= 2:
                    os.kill(os.getpid(), signal.SIGINT)
                    return
                time.sleep(0.1)

        watcher = threading.Thread(target=interrupt_once_two_pages_are_in, daemon=True)
        watcher.start()
        try:
            stats = crawl(db, run_id, srv.url("/"), make_profile(**ENDLESS))
        finally:
            done.set()
        assert stats["interrupted"] is True
        assert len(rows(db, "pages", run_id)) >= 2
        # what was fetched is in the database, page and target rows alike
        assert {p["url"] for p in rows(db, "pages", run_id)} >= {srv.url("/"), srv.url("/cal/2024/01.html")}


def test_max_pages(tmp_path):
    with MockServer("127.0.0.1", calendar_site()) as srv:
        db = store.open_db(tmp_path / "a.sqlite")
        run_id = new_run(db, srv.url("/"))
        stats = crawl(db, run_id, srv.url("/"), make_profile(**ENDLESS), max_pages=3, delay=0.0)
        assert stats["interrupted"] is False
        assert len(rows(db, "pages", run_id)) == 3
        assert [s["reason"] for s in rows(db, "skipped", run_id)] == ["max_pages"]


def test_start_url_redirects_off_site(tmp_path):
    with MockServer("127.0.0.2", external_router()) as ext:
        def route(server, h):
            if h.path == "/":
                return h.redirect(ext.url("/ok.html"))
            return h.send(404, b"")

        with MockServer("127.0.0.1", route) as srv:
            db = store.open_db(tmp_path / "a.sqlite")
            run_id = new_run(db, srv.url("/"))
            stats = crawl(db, run_id, srv.url("/"), make_profile())
            assert stats["start_redirect"] == ext.url("/ok.html")
            (start,) = rows(db, "pages", run_id)
            assert start["final_url"] == ext.url("/ok.html") and start["status"] == 302
            skipped = rows(db, "skipped", run_id)
            assert [(s["reason"], s["url"]) for s in skipped] == [("offsite", ext.url("/ok.html"))]
            target = rows(db, "targets", run_id)[0]
            assert target["outcome"] == "redirect" and target["final_url"] == ext.url("/ok.html")
            assert ("GET", "/robots.txt") not in ext.hits or True
            assert ext.hits[("GET", "/ok.html")] == 1  # checked once, not crawled further


@pytest.mark.parametrize("ignore", [False, True])
def test_robots(tmp_path, ignore):
    def route(server, h):
        if h.path == "/robots.txt":
            return h.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if h.path == "/":
            return h.send(200, page("首页", '<a href="/private/a.html">a</a><a href="/open.html">b</a>'))
        if h.path in ("/private/a.html", "/open.html"):
            return h.send(200, page("页", "<p>内容</p>"))
        return h.send(404, b"")

    with MockServer("127.0.0.1", route) as srv:
        db = store.open_db(tmp_path / "a.sqlite")
        run_id = new_run(db, srv.url("/"))
        crawl(db, run_id, srv.url("/"), make_profile(), ignore_robots=ignore)
        targets = {t["url"]: t["outcome"] for t in rows(db, "targets", run_id)}
        assert targets[srv.url("/open.html")] == "ok"
        if ignore:
            assert targets[srv.url("/private/a.html")] == "ok"
            assert ("GET", "/robots.txt") not in srv.hits
        else:
            assert targets[srv.url("/private/a.html")] == "not_checked"
            assert [s["reason"] for s in rows(db, "skipped", run_id)] == ["robots"]
            assert ("GET", "/private/a.html") not in srv.hits
