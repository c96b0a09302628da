"""Unit tests of crawler.linkcheck: pure classification, no network."""

from __future__ import annotations

import socket

import pytest
from twisted.internet import error as txerror
from twisted.web._newclient import ResponseNeverReceived

from crawler import linkcheck as lc
from xxgk.profile import load_profile

LINKS = load_profile()["links"]


def text(html: str, ctype: str = "text/html; charset=utf-8") -> lc.PageText:
    return lc.page_text(html.encode("utf-8"), ctype)


@pytest.mark.parametrize("url,expected", [
    ("http://a.gov.cn/x.html", True),
    ("mailto:x@a.gov.cn", False),
    ("javascript:void(0)", False),
    ("  JavaScript:go()", False),
    ("tel:123", False),
    ("data:image/png;base64,xx", False),
    ("#top", False),
    ("", False),
    (None, False),
])
def test_is_link(url, expected):
    assert lc.is_link(url) is expected


@pytest.mark.parametrize("url,expected", [
    ("http://a/", True), ("http://a", True), ("http://a/index.html", True), ("http://a/default.aspx", True),
    ("http://a/xxgk/", False), ("http://a/index.html?x=1", False), ("http://a/col/index.shtml", False),
])
def test_is_home_url(url, expected):
    assert lc.is_home_url(url) is expected


def test_attachment_urls():
    assert lc.looks_like_attachment("http://a/files/%E6%96%87.PDF")
    assert lc.looks_like_attachment("http://a/a.docx?x=1")
    assert not lc.looks_like_attachment("http://a/t20240101_1.html")
    assert not lc.looks_like_attachment("http://a/col/")


def test_redirect_location_keeps_escapes_and_raw_bytes():
    assert lc.redirect_location("http://a/b/c", b"/files/%E6%96%87.pdf") == "http://a/files/%E6%96%87.pdf"
    assert lc.redirect_location("http://a/b/c", "d#frag") == "http://a/b/d"
    assert lc.redirect_location("http://a/b/c", "/文件.pdf".encode()) == "http://a/文件.pdf"
    assert lc.redirect_location("http://a/", b"  ") is None


def test_retry_after_and_backoff():
    assert lc.parse_retry_after("3") == 3.0
    assert lc.parse_retry_after(b"Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert lc.parse_retry_after("soon") is None
    assert lc.backoff_delay(1, 1.0, None, 60) == 1.0
    assert lc.backoff_delay(3, 1.0, None, 60) == 4.0
    assert lc.backoff_delay(1, 1.0, 500.0, 60) == 60
    assert lc.backoff_delay(2, 1.0, 2.0, 60) == 2.0


@pytest.mark.parametrize("exc,outcome", [
    (txerror.DNSLookupError("no such host"), "dns"),
    (socket.gaierror(-2, "Name or service not known"), "dns"),
    (txerror.ConnectionRefusedError("refused"), "refused"),
    (txerror.TimeoutError("Getting http://a took longer than 15.0 seconds."), "timeout"),
    (txerror.TCPTimedOutError(), "timeout"),
    (txerror.ConnectionLost("lost"), "reset"),
    (ResponseNeverReceived([]), "reset"),
    (Exception("[('SSL routines', '', 'certificate verify failed')]"), "tls"),
])
def test_classify_error(exc, outcome):
    got, cls, msg = lc.classify_error(exc)
    assert got == outcome, (cls, msg)
    if outcome == "tls":
        assert "certificate" in msg


def test_page_text_measures_text_outside_links():
    t = text("<title>首页</title><body>" + "<a href=x>导航</a>" * 500 + "<p>短</p></body>")
    assert t.title == "首页"
    assert t.plain_len < 10


def test_page_text_gbk_by_meta():
    body = '<html><head><meta charset="gb2312"><title>页面不存在</title></head><body>镕</body></html>'
    t = lc.page_text(body.encode("gb18030"), "text/html")
    assert t.title == "页面不存在"
    assert "镕" in t.text


def test_page_text_garbage_does_not_raise():
    lc.page_text(bytes(range(256)) * 50, "text/html")
    lc.page_text(b"\x00\x00", None)


def test_soft404_title_and_body():
    assert lc.soft404_reason("http://a/x.html", "http://a/x.html", False,
                             text("<title>页面不存在</title><p>对不起</p>"), LINKS)
    assert lc.soft404_reason("http://a/x.html", "http://a/x.html", False,
                             text("<title>市政府</title><p>您访问的页面不存在</p>"), LINKS)


def test_soft404_guards():
    long_article = "<title>关于网站改版的说明</title>" + "<p>有读者反映出现“您访问的页面不存在”提示。现已修复。</p>" * 100
    assert lc.soft404_reason("http://a/x.html", "http://a/x.html", False, text(long_article), LINKS) is None
    # the home page is never a soft 404, whatever it says
    assert lc.soft404_reason("http://a/", "http://a/", False, text("<title>404</title>"), LINKS) is None
    assert lc.soft404_reason("http://a/sy/index.shtml", "http://a/sy/index.shtml", False,
                             text("<title>404</title>"), LINKS, home_urls={"http://a/sy/index.shtml"}) is None


def test_soft404_deep_link_sent_home():
    ok = text("<title>首页</title><p>welcome</p>")
    assert "home page" in lc.soft404_reason("http://a/old/x.html", "http://a/", True, ok, LINKS)
    assert lc.soft404_reason("http://a/", "https://a/", True, ok, LINKS) is None
    assert lc.soft404_reason("http://a/xxgk", "http://a/xxgk/", True, ok, LINKS) is None


def test_soft404_fingerprint():
    template = "<title>外站</title><p>We could not serve {p}. Please go back.</p>"
    fp = lc.Fingerprint.from_answer("http://b/xxgk-audit-missing-abc.html", "http://b/xxgk-audit-missing-abc.html",
                                    text(template.format(p="/xxgk-audit-missing-abc.html")))
    missing = text(template.format(p="/nothing-here.html"))
    assert lc.soft404_reason("http://b/nothing-here.html", "http://b/nothing-here.html", False, missing, LINKS,
                             fingerprint=fp)
    real = text("<title>外站真实页面</title><p>这是一篇真实的文章。</p>")
    assert lc.soft404_reason("http://b/real.html", "http://b/real.html", False, real, LINKS, fingerprint=fp) is None
    # a host that sends missing paths to one error page
    fp2 = lc.Fingerprint.from_answer("http://b/m.html", "http://b/error.html", text("<title>x</title>"))
    assert fp2.matches("http://b/error.html", text("<title>y</title>"))


def test_blocked():
    assert lc.blocked_reason(429, {}, lc.PageText(), LINKS)
    assert lc.blocked_reason(503, {"retry-after": "30"}, lc.PageText(), LINKS)
    assert lc.blocked_reason(403, {"server": "cloudflare"}, lc.PageText(), LINKS)
    assert lc.blocked_reason(403, {}, text("<title>安全验证</title><p>请开启JavaScript</p>"), LINKS)
    assert lc.blocked_reason(521, {}, lc.PageText(), LINKS)
    assert lc.blocked_reason(200, {}, text("<title>Just a moment</title><script>__jsl</script><p>challenge</p>"),
                             LINKS)
    # plain statuses are not blocks
    assert lc.blocked_reason(403, {}, text("<title>Forbidden</title>"), LINKS) is None
    assert lc.blocked_reason(404, {"server": "cloudflare"}, lc.PageText(), LINKS) is None
    assert lc.blocked_reason(503, {}, text("<title>Service Unavailable</title>"), LINKS) is None
    # a long page that mentions 安全验证 is a page
    long = text("<title>通知</title>" + "<p>关于开展网络安全验证工作的通知。</p>" * 200)
    assert lc.blocked_reason(200, {"cf-ray": "1"}, long, LINKS) is None


def test_soft404_content_pages_keep_their_words():
    notice = text("<title>关于门户网站栏目整合调整的公告</title><p>部分原栏目地址可能出现“页面不存在”或“404 Not Found”提示。</p>")
    assert lc.soft404_reason("http://a/t1.html", "http://a/t1.html", False, notice, LINKS)  # words alone
    assert lc.soft404_reason("http://a/t1.html", "http://a/t1.html", False, notice, LINKS,
                             extractor_kind="document") is None
    assert lc.soft404_reason("http://a/t1.html", "http://a/t1.html", False, notice, LINKS, extractor_kind="error")
