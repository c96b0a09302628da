"""link.broken, link.redirect, link.blocked from targets joined with links."""

from __future__ import annotations

import pytest
from records import SITE, Records, run_rule

from checks.links import BROKEN, check_link_blocked, check_link_broken, check_link_redirect

HOME = SITE + "/"


@pytest.fixture
def rec(tmp_path):
    r = Records(tmp_path)
    r.page(HOME, "home")
    r.page(SITE + "/a.html", "document", column_name="通知公告")
    r.page(SITE + "/b.html", "document")
    return r


def test_one_finding_per_page_and_url(rec):
    dead = SITE + "/gone.pdf"
    rec.target(dead, "http_status", 404, method="HEAD+GET", reason="HTTP 404 after GET", chain=[])
    rec.link(SITE + "/a.html", dead, "附件一")
    rec.link(SITE + "/a.html", dead, "附件一（下载）")  # same page, same target: one finding
    rec.link(SITE + "/b.html", dead, "附件")
    rec.link(HOME, dead, "", tag="img", attribute="src")
    found = run_rule(rec, check_link_broken)
    assert sorted(f.page_url for f in found) == [HOME, SITE + "/a.html", SITE + "/b.html"]
    a = next(f for f in found if f.page_url == SITE + "/a.html")
    assert a.url == dead and a.column_name == "通知公告"
    assert a.evidence["pages_with_link"] == 3 and a.evidence["occurrences"] == 2
    assert a.evidence["status"] == 404 and a.evidence["tag"] == "a" and a.evidence["text"] == "附件一"
    assert a.evidence["reason"] == "HTTP 404 after GET" and a.evidence["on_home"] is False
    assert "404" in a.message and "附件一" in a.message
    home = next(f for f in found if f.page_url == HOME)
    assert home.evidence["on_home"] is True and home.evidence["tag"] == "img"


@pytest.mark.parametrize("outcome", BROKEN)
def test_every_broken_outcome(rec, outcome):
    rec.target(SITE + "/x", outcome, None, error="boom")
    rec.link(SITE + "/a.html", SITE + "/x", "x")
    assert [f.evidence["outcome"] for f in run_rule(rec, check_link_broken)] == [outcome]


@pytest.mark.parametrize("outcome", ["ok", "redirect", "blocked", "not_checked", "ignored"])
def test_not_broken(rec, outcome):
    rec.target(SITE + "/x", outcome, 200)
    rec.link(SITE + "/a.html", SITE + "/x", "x")
    assert run_rule(rec, check_link_broken) == []


def test_redirect_and_blocked_are_info_rules(rec):
    rec.target(SITE + "/r", "redirect", 301, final_url=SITE + "/r/")
    rec.target("http://waf.test/", "blocked", 412)
    rec.link(SITE + "/a.html", SITE + "/r", "r")
    rec.link(SITE + "/a.html", "http://waf.test/", "w", internal=0)
    assert [f.url for f in run_rule(rec, check_link_redirect)] == [SITE + "/r"]
    assert [f.url for f in run_rule(rec, check_link_blocked)] == ["http://waf.test/"]
    assert "412" in run_rule(rec, check_link_blocked)[0].message
