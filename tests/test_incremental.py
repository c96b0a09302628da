"""Incremental re-audits: conditional requests against the previous run, 304 answers reuse the
stored extraction (and its links are still followed), unchanged link targets are not checked
again within their age, changed / new / removed pages are handled, `--full` fetches all."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from checks import Context
from crawler import resume
from xxgk import store
from xxgk.audit import run_audit
from xxgk.profile import load_profile
from xxgk.sample import AS_OF

try:
    from mockserver import MockServer, page
except ImportError:  # tests/ is a package
    from tests.mockserver import MockServer, page

LAST_MODIFIED = "Mon, 02 Mar 2026 08:00:00 GMT"


def doc(title: str, extra: str = "") -> bytes:
    return page(title, f"<h1>{title}</h1><p>发布日期：2026-03-01</p><p>正文内容。</p>{extra}")


class Site:
    """A small portal whose pages the test edits between audits; ETag on most pages,
    Last-Modified only on /lm.html; records the conditional headers it receives."""

    def __init__(self):
        self.pages = {
            "/": page("示例市", '<a href="/a.html">甲</a><a href="/b.html">乙</a><a href="/c.html">丙</a>'
                              '<a href="/lm.html">丁</a><a href="/old.html">旧</a><a href="/files/a.pdf">附件</a>'
                              '<img src="/logo.png">'),
            "/a.html": doc("甲文件", '<a href="/a2.html">甲二</a>'),
            "/a2.html": doc("甲二文件"),
            "/b.html": doc("乙文件"),
            "/c.html": doc("丙文件"),
            "/lm.html": doc("丁文件"),
            "/old.html": doc("旧文件"),
        }
        self.conditional: list[tuple[str, str | None, str | None, str | None]] = []

    def route(self, server, h):
        path = h.path
        if path == "/robots.txt":
            return h.send(404, b"", "text/plain")
        if path == "/files/a.pdf":
            return h.send(200, b"%PDF-1.4 fake", "application/pdf")
        if path == "/logo.png":
            return h.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "image/png")
        inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
        if inm or ims:
            self.conditional.append((path, inm, ims, h.headers.get("Cache-Control")))
        body = self.pages.get(path)
        if body is None:
            return h.send(404, page("404 Not Found", "<p>not found</p>"))
        if path == "/lm.html":
            if ims == LAST_MODIFIED:
                return h.send(304, b"", headers={"Last-Modified": LAST_MODIFIED})
            return h.send(200, body, headers={"Last-Modified": LAST_MODIFIED})
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
        if inm == etag:
            return h.send(304, b"", headers={"ETag": etag})
        return h.send(200, body, headers={"ETag": etag})


def audit(db, url, **kw):
    profile = load_profile(None, {"links": {"retry_backoff": 0.1}})
    result = run_audit(url, db_path=db, profile=profile, as_of=AS_OF, delay=0.0, concurrency=4, **kw)
    assert result.status == "completed", result.error
    return result.run_id


def db_columns(db_path, table):
    conn = sqlite3.connect(db_path)
    try:
        return [r[1] for r in conn.execute(f"pragma table_info({table})")]
    finally:
        conn.close()


def rows(db_path, sql, *params):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def site():
    s = Site()
    with MockServer("127.0.0.1", s.route) as srv:
        s.srv = srv
        yield s


def test_unchanged_changed_new_and_removed_pages(tmp_path, site):
    db, srv = tmp_path / "a.sqlite", site.srv
    first = audit(db, srv.url("/"))
    assert site.conditional == []  # nothing to compare with yet
    pdf_requests = srv.hits[("HEAD", "/files/a.pdf")] + srv.hits[("GET", "/files/a.pdf")]

    site.pages["/b.html"] = doc("乙文件（修订）", '<a href="/new.html">新</a>')  # changed, links a new page
    site.pages["/new.html"] = doc("新文件")
    del site.pages["/c.html"]  # removed: still linked, now 404
    site.pages["/"] = site.pages["/"].replace(b'<a href="/old.html">', b'<a href="/gone-link">')  # unlinked
    second = audit(db, srv.url("/"))

    # conditional requests for every 200 page of the first run that is still linked
    sent = {path: (inm, ims, cc) for path, inm, ims, cc in site.conditional}
    assert set(sent) == {"/", "/a.html", "/a2.html", "/b.html", "/c.html", "/lm.html"}
    assert all(cc == "max-age=0" for _, _, cc in sent.values())
    assert sent["/lm.html"][1] == LAST_MODIFIED and sent["/lm.html"][0] is None
    assert sent["/a.html"][0].startswith('"')

    pages = {r["url"].removeprefix(srv.base): r for r in rows(db, "select * from pages where run_id = ?", second)}
    # unchanged (ETag and Last-Modified): the stored row, marked as reused; its record and links
    # are not copied: the row stands on the first run's (run_links has them for the second run)
    for path in ("/a.html", "/a2.html", "/lm.html"):
        assert pages[path]["reused_from"] == first and pages[path]["status"] == 200
        assert pages[path]["extract"] is None
    assert pages["/a.html"]["title"] == "甲文件"
    assert rows(db, "select count(*) n from links where run_id = ? and page_url = ?", second,
                srv.url("/a.html"))[0]["n"] == 0
    link_sql = "select url, tag, text from run_links where run_id = ? and page_url = ? order by url"
    assert rows(db, link_sql, second, srv.url("/a.html")) == rows(db, link_sql, first, srv.url("/a.html"))
    assert rows(db, link_sql, second, srv.url("/a.html"))  # /a2.html
    # a resumed crawl of the second run would replay the reused page's record (crawler.resume)
    conn = sqlite3.connect(db)
    try:
        # /b.html changed: the first run's rows of it are not the second run's (a filtered source)
        sources = store.link_sources(conn, second)
        assert [(run, bool(cond)) for run, cond, _ in sources] == [(second, False), (first, True)]
        ctx = Context(store.open_db(db), second, load_profile(None), AS_OF)
        seen = {(link["page_url"].removeprefix(srv.base), link["url"].removeprefix(srv.base))
                for link in ctx.links_where(("page_url in (?, ?)", [srv.url("/b.html"), srv.url("/a.html")]))}
        assert seen == {("/b.html", "/new.html"), ("/a.html", "/a2.html")}
        assert all(link["run_id"] == second for link in ctx.links_where(("url = ?", [srv.url("/a2.html")])))
        ctx.db.close()
        frontier = {url: record for url, _depth, record in resume.frontier(conn, second)}
        assert srv.url("/a2.html") in frontier[srv.url("/a.html")]["follow"]
        assert srv.url("/a.html") in {url for url, *_ in resume.done_pages(conn, second)}
    finally:
        conn.close()
    # ... and still followed: /a2.html is linked only from the unchanged /a.html
    assert "/a2.html" in pages
    # changed: read again
    assert pages["/b.html"]["reused_from"] is None and pages["/b.html"]["title"] == "乙文件（修订）"
    assert pages["/"]["reused_from"] is None
    # new page, found through the changed one
    assert pages["/new.html"]["status"] == 200 and pages["/new.html"]["reused_from"] is None
    # removed: the link is now broken
    assert pages["/c.html"]["status"] == 404
    targets = {r["url"].removeprefix(srv.base): r for r in rows(db, "select * from targets where run_id = ?", second)}
    assert targets["/c.html"]["outcome"] == "http_status"
    assert rows(db, "select count(*) n from findings where run_id = ? and rule = 'link.broken' and url = ?",
                second, srv.url("/c.html"))[0]["n"] == 1
    # no longer linked: not in the new run
    assert "/old.html" not in pages
    # unchanged page targets keep their judgement; the attachment is not checked again
    assert targets["/a.html"]["outcome"] == "ok" and targets["/a.html"]["reused_from"] == first
    assert targets["/files/a.pdf"]["outcome"] == "ok" and targets["/files/a.pdf"]["reused_from"] == first
    assert srv.hits[("HEAD", "/files/a.pdf")] + srv.hits[("GET", "/files/a.pdf")] == pdf_requests
    # nothing twice
    assert rows(db, "select count(*) n from (select page_url, url, tag from run_links where run_id = ? "
                    "group by 1, 2, 3 having count(*) > 1)", second)[0]["n"] == 0

    # --full: everything fetched and read again, nothing reused
    site.conditional.clear()
    third = audit(db, srv.url("/"), full=True)
    assert site.conditional == []
    assert rows(db, "select count(*) n from pages where run_id = ? and reused_from is not null", third)[0]["n"] == 0
    assert rows(db, "select count(*) n from targets where run_id = ? and reused_from is not null", third)[0]["n"] == 0
    assert srv.hits[("HEAD", "/files/a.pdf")] + srv.hits[("GET", "/files/a.pdf")] > pdf_requests


def test_target_results_older_than_the_age_are_checked_again(tmp_path, site):
    db, srv = tmp_path / "a.sqlite", site.srv
    first = audit(db, srv.url("/"))
    before = srv.hits[("HEAD", "/files/a.pdf")] + srv.hits[("GET", "/files/a.pdf")]
    conn = sqlite3.connect(db)
    with conn:  # the results are two days old now
        conn.execute("update targets set checked_at = '2000-01-01T00:00:00Z' where run_id = ?", [first])
    conn.close()
    second = audit(db, srv.url("/"))
    assert srv.hits[("HEAD", "/files/a.pdf")] + srv.hits[("GET", "/files/a.pdf")] > before
    (pdf,) = rows(db, "select * from targets where run_id = ? and url = ?", second, srv.url("/files/a.pdf"))
    assert pdf["reused_from"] is None and pdf["outcome"] == "ok"
    # pages still answer 304 (their own answer is fresh)
    assert rows(db, "select count(*) n from pages where run_id = ? and reused_from = ?", second, first)[0]["n"] >= 5


def test_profile_can_turn_incremental_off(tmp_path, site):
    db, srv = tmp_path / "a.sqlite", site.srv
    audit(db, srv.url("/"))
    profile = load_profile(None, {"crawl": {"incremental": False}})
    result = run_audit(srv.url("/"), db_path=db, profile=profile, as_of=AS_OF, delay=0.0)
    assert result.status == "completed"
    assert site.conditional == []


@pytest.mark.e2e
def test_unchanged_sample_portal_reaudit_has_the_same_findings(tmp_path):
    from xxgk.sample.server import SampleConfig, serve

    servers, base = serve(port=0, config=SampleConfig(slow_seconds=0.5))
    try:
        db = tmp_path / "a.sqlite"
        profile = load_profile(None, {"links": {"retry_backoff": 0.1}})
        # the third run's 304 pages stand on the first run too (not on the second's rows)
        runs = [run_audit(f"{base}/index.html", db_path=db, profile=profile, as_of=AS_OF, delay=0.0, concurrency=16)
                for _ in range(3)]
    finally:
        servers.shutdown()
    first, second, third = (r.run_id for r in runs)
    assert all(r.status == "completed" for r in runs)
    page_sql = "select url, status, kind, title from pages where run_id = ? order by url"
    for later in (second, third):
        key = "select rule, url, page_url, message from findings where run_id = ? order by 1, 2, 3, 4"
        assert rows(db, key, later) == rows(db, key, first)
        assert rows(db, page_sql, later) == rows(db, page_sql, first)
        reused = rows(db, "select count(*) n from pages where run_id = ? and reused_from = ?", later, first)[0]["n"]
        assert reused >= 0.9 * len(rows(db, page_sql, first))
        # a reused document's body is where its page stands (store.DOC_BODY): NULL in its own row
        assert rows(db, "select count(*) n from documents d join pages p on p.run_id = d.run_id and p.url = d.url "
                        "where d.run_id = ? and p.reused_from is not null and d.body_text is not null", later)[0]["n"] == 0
        doc_cols = [c for c in db_columns(db, "documents") if c not in ("run_id", "body_text")]
        for table, cols in (("run_links", "page_url, url, tag, attribute, text, internal"),
                            ("entries", "column_url, list_url, title, url, date, position"),
                            (f"documents d {store.DOC_BODY_JOIN}",
                             ", ".join(f"d.{c}" for c in doc_cols) + f", {store.DOC_BODY} as body"),
                            ("columns", "*"), ("scores", "*")):
            sql = f"select {cols} from {table} where {'d.' if table.startswith('documents') else ''}run_id = ?"
            same = [sorted(repr(tuple(v for k, v in r.items() if k != "run_id")) for r in rows(db, sql, run))
                    for run in (first, later)]
            assert same[0] == same[1] and same[0], table
        assert any("body" in r and r["body"] for r in rows(db, f"select {store.DOC_BODY} as body from documents d "
                                                            f"{store.DOC_BODY_JOIN} where d.run_id = ?", later))
    assert store.SCHEMA_VERSION >= 3


def test_reused_pages_stand_on_the_run_that_holds_their_rows(tmp_path):
    """copy_pages and the readers on a hand-made store: run 1 read /p; run 2 holds a copy made
    by an earlier version (record and links copied, reused_from = 1); run 3 copies from run 2 and
    stands on run 2 (the run whose row has the record); run 4 copies from run 3 and stands on 2."""
    from crawler import incremental

    db = store.open_db(tmp_path / "a.sqlite")
    conn = db.conn
    url, doc = "http://x/p", "http://x/d"
    record = json.dumps({"follow": ["http://x/q"], "encoding": "utf-8", "body_text": "正文"}, ensure_ascii=False)
    with conn:
        for run in (1, 2, 3, 4):
            conn.execute("insert into runs (id, start_url, site, status) values (?, 'http://x/', 'x', 'completed')", [run])
        for run, reused in ((1, None), (2, 1)):
            for page in (url, doc):
                conn.execute("insert into pages (run_id, url, status, kind, title, extract, reused_from) "
                             "values (?, ?, 200, ?, 'T', ?, ?)", [run, page, "document" if page == doc else "list",
                                                               record, reused])
            conn.executemany("insert into links (run_id, page_url, url, tag, text) values (?, ?, ?, 'a', ?)",
                             [(run, url, "http://x/q", "下一页"), (run, url, "http://x/r", "二")])
            conn.execute("insert into documents (run_id, url, title, body_text) values (?, ?, 'T', '正文')", [run, doc])
    with conn:
        assert incremental.copy_pages(conn, 3, [(url, 2, 1, None, "t"), (doc, 2, 1, None, "t")]) == (2, 2)
    with conn:
        incremental.copy_pages(conn, 4, [(url, 3, 1, None, "t"), (doc, 3, 1, None, "t")])
    for run in (3, 4):
        row = conn.execute("select extract, reused_from, title from pages where run_id = ? and url = ?",
                           [run, url]).fetchone()
        assert row == (None, 2, "T")
        assert conn.execute("select count(*) from links where run_id = ?", [run]).fetchone()[0] == 0
        assert sorted(conn.execute("select page_url, url, text from run_links where run_id = ?", [run])) == \
            sorted(conn.execute("select page_url, url, text from run_links where run_id = 2"))
        assert store.link_sources(conn, run) == [(run, "", []), (2, "", [])]  # all of run 2's links are its
        got = incremental.page_record(conn, run, url)
        assert got["follow"] == ["http://x/q"] and got["_targets"] == ["http://x/q", "http://x/r"]
        assert conn.execute(f"select {store.RECORD} from pages p {store.RECORD_JOIN} where p.run_id = ? "
                            "and p.url = ?", [run, url]).fetchone()[0] == record
        conn.execute("insert into documents (run_id, url, title) values (?, ?, 'T')", [run, doc])
        assert conn.execute(f"select {store.DOC_BODY} from documents d {store.DOC_BODY_JOIN} where d.run_id = ?",
                            [run]).fetchone()[0] == "正文"
    # the run 2 copy of a page that run 3 read again itself: run 3's own rows, run 2's are filtered
    with conn:
        conn.execute("insert into pages (run_id, url, status, kind, extract) values (3, 'http://x/n', 200, 'list', ?)",
                     [record])
        conn.execute("insert into pages (run_id, url, status, kind, extract) values (2, 'http://x/n', 200, 'list', ?)",
                     [record])
        conn.execute("insert into links (run_id, page_url, url, tag) values (2, 'http://x/n', 'http://x/old', 'a')")
    assert store.link_sources(conn, 3)[1][1]  # a condition: not every run 2 page with links stands
    assert "http://x/old" not in {u for (u,) in conn.execute("select url from run_links where run_id = 3")}
    # the document body falls back to the holder's record when the holder has no document row
    with conn:
        conn.execute("delete from documents where run_id = 2")
    assert conn.execute(f"select {store.DOC_BODY} from documents d {store.DOC_BODY_JOIN} where d.run_id = 4"
                        ).fetchone()[0] == "正文"
    db.close()
