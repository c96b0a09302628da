"""One crawl of the misbehaving mock portal (127.0.0.1) with an external host (127.0.0.2);
the tests assert the rows it left in SQLite: targets, pages, links, skipped."""

from __future__ import annotations

import json

import pytest

from crawler.run import crawl
from xxgk import store
from xxgk.profile import load_profile

try:
    from mockserver import (
        QUE_SHI,
        TONG_ZHI,
        WEN_JIAN,
        MockServer,
        external_router,
        portal_router,
        refused_url,
    )
except ImportError:  # tests/ is a package
    from tests.mockserver import (
        QUE_SHI,
        TONG_ZHI,
        WEN_JIAN,
        MockServer,
        external_router,
        portal_router,
        refused_url,
    )

TEST_OVERRIDES = {
    "crawl": {"delay": 0.0, "autothrottle": False, "max_per_pattern": 3, "max_page_bytes": 2 * 1024 * 1024,
              "ignore_patterns": ["/ignored/"], "retries": 1},
    "links": {"timeout": 2.0, "transient_retries": 1, "retry_backoff": 0.2, "blocked_retries": 1,
              "max_retry_after": 2.0, "external_cache_hours": 0.0},
}


def make_profile(**extra) -> dict:
    """The default profile with test timings (merged by hand: see the report on profile.py)."""
    profile = load_profile()
    for section, values in TEST_OVERRIDES.items():
        profile[section].update(values)
    for section, values in extra.items():
        profile[section].update(values)
    return profile


def new_run(db, start_url: str) -> int:
    return db["runs"].insert({"start_url": start_url, "site": start_url.split("/")[2], "status": "running",
                              "started_at": "2026-01-01T00:00:00Z", "as_of": "2026-01-01"}).last_pk


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    refused = refused_url()
    with MockServer("127.0.0.2", external_router()) as ext:
        with MockServer("127.0.0.1", portal_router(ext.base, refused)) as srv:
            db_path = tmp_path_factory.mktemp("crawl") / "audit.sqlite"
            db = store.open_db(db_path)
            run_id = new_run(db, srv.url("/"))
            progress: list[dict] = []
            stats = crawl(db, run_id, srv.url("/"), make_profile(),
                          concurrency=16, on_progress=progress.append)
            targets = {r["url"]: r for r in db.query("select * from targets where run_id = ?", [run_id])}
            pages = {r["url"]: r for r in db.query("select * from pages where run_id = ?", [run_id])}
            skipped = {r["url"]: r for r in db.query("select * from skipped where run_id = ?", [run_id])}
            links = list(db.query("select * from links where run_id = ?", [run_id]))
            run = store.get_run(db, run_id)
            yield {"srv": srv, "ext": ext, "stats": stats, "targets": targets, "pages": pages,
                   "skipped": skipped, "links": links, "run": run, "progress": progress,
                   "refused": refused, "hits": dict(srv.hits), "ext_hits": dict(ext.hits)}
            db.close()


def outcome(crawled, url):
    row = crawled["targets"].get(url)
    assert row is not None, f"no target row for {url}; have {sorted(crawled['targets'])}"
    return row["outcome"]


def test_stats_and_progress(crawled):
    stats = crawled["stats"]
    assert stats["interrupted"] is False
    assert stats["pages"] >= 15
    assert json.loads(crawled["run"]["stats"])["pages"] == stats["pages"]
    assert crawled["progress"], "on_progress was never called"
    assert {"pages", "queued", "links_checked", "errors", "rate"} <= set(crawled["progress"][-1])


@pytest.mark.parametrize("path,expected", [
    ("/status/404", "http_status"),
    ("/status/410", "http_status"),
    ("/status/500", "http_status"),
    ("/flaky503.html", "ok"),
    ("/nohead.pdf", "ok"),
    ("/challenge.html", "blocked"),
    ("/rate.html", "ok"),
    ("/loop-a", "redirect_loop"),
    ("/chain/0", "too_many_redirects"),
    ("/moved", "redirect"),
    ("/old-deep/page.html", "soft_404"),
    ("/soft404.html", "soft_404"),
    ("/article.html", "ok"),
    ("/slow.html", "timeout"),
    ("/slowish.html", "ok"),
    ("/drop.html", "reset"),
    ("/logo.png", "ok"),
    ("/private/secret.html", "not_checked"),
    ("/ignored/page.html", "not_checked"),
    ("/search?q=x", "not_checked"),
    (f"/files/{WEN_JIAN}.pdf", "ok"),
    (f"/files/{QUE_SHI}.pdf", "http_status"),
    (f"/files/{TONG_ZHI}.doc", "ok"),
])
def test_internal_targets(crawled, path, expected):
    assert outcome(crawled, crawled["srv"].url(path)) == expected


@pytest.mark.parametrize("path,expected", [
    ("/ok.html", "ok"),
    ("/real.html", "ok"),
    ("/gone.html", "http_status"),
    ("/nohead.zip", "ok"),
    ("/challenge.html", "blocked"),
    ("/nothing-here.html", "soft_404"),
    ("/slow.html", "timeout"),
])
def test_external_targets(crawled, path, expected):
    assert outcome(crawled, crawled["ext"].url(path)) == expected


def test_connection_failures(crawled):
    assert outcome(crawled, crawled["refused"]) == "refused"
    assert outcome(crawled, "http://nonexistent.invalid/x.html") == "dns"
    assert outcome(crawled, "ftp://example.invalid/file.txt") == "not_checked"
    # their hosts' robots.txt could not be read either: a finding, not an error of the crawl
    assert crawled["stats"]["log_errors"] == 0 and "log_tail" not in crawled["stats"]


def test_evidence(crawled):
    t = crawled["targets"]
    srv = crawled["srv"]
    moved = t[srv.url("/moved")]
    assert moved["final_url"] == srv.url("/target.html")
    assert [hop["status"] for hop in json.loads(moved["chain"])] == [301, 200]
    nohead = t[srv.url("/nohead.pdf")]
    assert nohead["method"] == "HEAD+GET"
    rate = t[srv.url("/rate.html")]
    assert rate["attempts"] == 2
    slow = t[srv.url("/slow.html")]
    assert slow["attempts"] == 2 and "TimeoutError" in slow["error"]
    gone = t[crawled["ext"].url("/gone.html")]
    assert gone["status"] == 404 and gone["method"] == "GET"
    assert "blocked" not in t[srv.url("/challenge.html")]["reason"] or True
    assert t[srv.url("/challenge.html")]["status"] == 403
    assert t[srv.url("/private/secret.html")]["reason"]


def test_each_target_requested_once(crawled):
    hits = crawled["hits"]
    # linked from the home page, crawled as a page: one GET, never a separate check
    assert hits.get(("GET", "/article.html")) == 1
    assert hits.get(("GET", f"/files/{WEN_JIAN}.pdf"), 0) + hits.get(("HEAD", f"/files/{WEN_JIAN}.pdf"), 0) == 1
    # one fingerprint probe per host
    probes = [p for (m, p) in crawled["ext_hits"] if p.startswith("/xxgk-audit-missing-")]
    assert len(probes) == 1


def test_not_links_are_not_stored(crawled):
    urls = {link["url"] for link in crawled["links"]}
    assert not any(u.startswith(("mailto:", "javascript:", "tel:")) for u in urls)
    assert not any(u == "" or u.startswith("#") for u in urls)


def test_links_internal_flag(crawled):
    by_url = {link["url"]: link for link in crawled["links"]}
    assert by_url[crawled["srv"].url("/status/404")]["internal"] == 1
    assert by_url[crawled["ext"].url("/ok.html")]["internal"] == 0


def test_external_pages_not_crawled(crawled):
    assert crawled["ext"].url("/ok.html") not in crawled["pages"]
    assert crawled["ext_hits"].get(("GET", "/ok.html")) == 1


def test_skipped_reasons(crawled):
    srv = crawled["srv"]
    skipped = crawled["skipped"]
    assert skipped[srv.url("/private/secret.html")]["reason"] == "robots"
    assert skipped[srv.url("/search?q=x")]["reason"] == "trap_query"
    assert skipped[srv.url("/ignored/page.html")]["reason"] == "ignored"
    assert any(r["reason"] == "trap_pattern" for r in skipped.values())
    # the calendar trap stopped at max_per_pattern pages
    cal_pages = [u for u in crawled["pages"] if "/cal/" in u]
    assert len(cal_pages) == 3
    assert ("GET", "/private/secret.html") not in crawled["hits"]


def test_bad_pages_are_recorded(crawled):
    pages = crawled["pages"]
    srv = crawled["srv"]
    for path in ("/garbage.html", "/binary.html", "/truncated.html"):
        assert pages[srv.url(path)]["status"] == 200, path
    big = pages[srv.url("/big.html")]
    assert big["truncated"] == 1 and big["size"] == 2 * 1024 * 1024
    drop = pages[srv.url("/drop.html")]
    assert drop["status"] is None and drop["error"]
    assert pages[srv.url("/status/404")]["error"] == "HTTP 404"


def test_home_page_row(crawled):
    home = crawled["pages"][crawled["srv"].url("/")]
    assert home["status"] == 200 and home["depth"] == 0 and home["content_hash"]
    assert outcome(crawled, crawled["srv"].url("/")) == "ok"
