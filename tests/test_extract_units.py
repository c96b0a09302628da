"""Unit tests of the extraction helpers and robustness of extract_page."""
from __future__ import annotations

import pytest

from crawler.extract import extract_page
from crawler.extract.dates import parse_date, pure_date
from crawler.extract.encoding import decode
from crawler.extract.text import fold, fold_cjk, halfwidth, t2s
from crawler.extract.urls import Resolver, resolve

KEYS = {"kind", "title", "column", "published", "written", "fields", "site", "links", "entries", "pages",
        "encoding", "encoding_note", "meta", "follow", "refresh", "breadcrumb", "published_source",
        "written_source", "body_text", "empty_note", "subcolumns", "error"}


@pytest.mark.parametrize("raw,iso", [
    ("2026年03月01日", "2026-03-01"), ("2026-03-01", "2026-03-01"), ("2026/3/1", "2026-03-01"),
    ("2023.11.09", "2023-11-09"), ("[2023-11-09]", "2023-11-09"), ("2007-08-20-23:59:59", "2007-08-20"),
    ("'2020年08月02日'", "2020-08-02"), ("２０２６年３月１日", "2026-03-01"), ("二〇二〇年八月二十二日", "2020-08-22"),
    ("时间：2019-09-18 06:23", "2019-09-18"), ("11-09", None), ("2019-13-01", None), ("", None), (None, None),
])
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


def test_pure_date():
    assert pure_date("2023-12-01 14:43") == "2023-12-01"
    assert pure_date("【2023-11-09】") == "2023-11-09"
    assert pure_date("发布于2023-11-09") is None


def test_text_helpers():
    assert fold(" a\u3000\xa0 b\n") == "a b"
    assert fold_cjk("调整2007\u3000年末\n国债") == "调整2007年末国债"
    assert halfwidth("２０２６－０３") == "2026-03"
    assert t2s("發布日期 索引號") == "发布日期 索引号"


B = "http://www.example.gov.cn/a/b/index.html"


@pytest.mark.parametrize("href,expected", [
    ("  ../c/d.html \n", "http://www.example.gov.cn/a/c/d.html"),
    ("//cdn.example.com/x.js", "http://cdn.example.com/x.js"),
    ("/x/./y/../z.html", "http://www.example.gov.cn/x/z.html"),
    ("?page=2", "http://www.example.gov.cn/a/b/index.html?page=2"),
    ("index_1.html#frag", "http://www.example.gov.cn/a/b/index_1.html"),
    ("HTTP://WWW.Example.GOV.CN", "http://www.example.gov.cn/"),
    ("附件 1.doc", "http://www.example.gov.cn/a/b/%E9%99%84%E4%BB%B6%201.doc"),
    ("f/%D5%C5.pdf", "http://www.example.gov.cn/a/b/f/%D5%C5.pdf"),
    ("d.jsp?n=张", "http://www.example.gov.cn/a/b/d.jsp?n=%D5%C5"),
    ("a\\b.html", "http://www.example.gov.cn/a/b/a/b.html"),
    ("mailto:x@y.cn", None), ("javascript:void(0)", None), ("JavaScript:;", None), ("tel:123", None),
    ("data:image/png;base64,AA", None), ("#top", None), ("", None), ("   ", None),
])
def test_resolve_gbk_page(href, expected):
    assert resolve(href, B, "gb18030") == expected
    assert Resolver(B, "gb18030")(href) == expected


def test_resolve_utf8_query():
    assert resolve("d.jsp?n=张", B, "utf-8") == "http://www.example.gov.cn/a/b/d.jsp?n=%E5%BC%A0"


def test_encoding_order():
    gbk = "<html><head><meta charset=gbk></head><body>鄚州 埗头 镕</body></html>".encode("gbk")
    text, enc, note = decode(gbk, {"Content-Type": "text/html; charset=utf-8"})
    assert enc == "gb18030" and "鄚州" in text and note
    text, enc, note = decode(b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>", {"Content-Type": "text/html; charset=gbk"})
    assert enc == "utf-8" and "中" in text
    text, enc, note = decode("<p>中文</p>".encode("gb2312"), None)
    assert enc == "gb18030" and "中文" in text and note
    text, enc, note = decode("<meta charset=gb2312><p>中文</p>".encode(), None)
    assert enc == "utf-8" and "中文" in text and note


def test_gbk_header_lowercase_key_and_bytes_header():
    body = "<p>中文</p>".encode("gbk")
    assert decode(body, {"content-type": "text/html;charset=GB2312"})[1] == "gb18030"


@pytest.mark.parametrize("body", [
    b"", b"   ", b"\x00\x01\x02\xff" * 100, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"x" * 1000,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, b"<html><head><title>trunc", b"<<<>>>&&&;;;",
    "<html><body><p>中文".encode()[:-1], b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00",
    b"<?xml version='1.0' encoding='gbk'?><html><body>x</body></html>",
    b"<div>" * 5000 + b"deep", b"<a href='http://[::1'>bad</a><a href='http://exa mple.com/\x00'>x</a>",
])
def test_never_raises(body):
    rec = extract_page(body, "http://www.example.gov.cn/")
    assert set(rec) == KEYS
    assert rec["kind"] in {"home", "platform", "guide", "list", "document", "error", "other"}


def test_unreadable_pages_say_why():
    assert extract_page(b"", "http://x.gov.cn/")["error"] == "empty body"
    assert "pdf" in extract_page(b"%PDF-1.7 ...", "http://x.gov.cn/a.html")["error"]
    rec = extract_page(b"<html>" + b"a" * (21 * 1024 * 1024), "http://x.gov.cn/")
    assert rec["kind"] == "other" and "too large" in rec["error"]
    assert extract_page(None, "http://x.gov.cn/")["error"]  # type: ignore[arg-type]


def test_bad_url_and_headers():
    rec = extract_page(b"<a href='x.html'>x</a>", "not a url", {"Content-Type": None})  # type: ignore[dict-item]
    assert set(rec) == KEYS


def test_label_variants():
    html = """<html><body><table>
    <tr><td>索 引 号:</td><td>A/2020-1</td><td>组配分类：</td><td>综合政务</td></tr>
    <tr><td>发文机关</td><td>某局</td><td>生成日期</td><td>2020-01-02</td></tr>
    <tr><td>【文号】</td><td>无</td><td>公开日期：</td><td>2020-01-05</td></tr>
    <tr><td>效力状态：</td><td>有效</td><td>主题词：</td><td></td></tr>
    </table>
    <p>文号为某府〔2020〕1号的文件名称相同。</p>
    <img alt="发布日期：2019-01-01" src="a.png"><!-- 施行日期：2019-01-01 -->
    <script>var s = "有效性：失效";</script></body></html>"""
    rec = extract_page(html.encode(), "http://x.gov.cn/a/t20200105_1.html")
    assert rec["fields"] == {"索引号": "A/2020-1", "主题分类": "综合政务", "发布机构": "某局", "成文日期": "2020-01-02",
                             "文号": "无", "发布日期": "2020-01-05", "有效性": "有效", "主题词": ""}
    assert (rec["published"], rec["written"]) == ("2020-01-05", "2020-01-02")


def test_list_header_row_is_not_a_metadata_table():
    html = """<table><tr><th>名称</th><th>索引号</th><th>发布日期</th></tr>
    <tr><td><a href="t20200101_1.html">关于某某事项的通知公告</a></td><td>1/2020-1</td><td>2020-01-01</td></tr></table>"""
    rec = extract_page(html.encode(), "http://x.gov.cn/list/")
    assert rec["fields"] == {} and rec["kind"] == "list"
    assert rec["entries"] == [{"title": "关于某某事项的通知公告", "url": "http://x.gov.cn/list/t20200101_1.html",
                               "date": "2020-01-01"}]


def test_date_line_and_source():
    html = "<h1>关于开展某某工作的通知</h1><div>发布时间：2021-05-06 来源：某局 浏览次数：10</div><div class=TRS_Editor><p>正文</p></div>"
    rec = extract_page(html.encode(), "http://x.gov.cn/a/t20210506_1.html")
    assert (rec["published"], rec["published_source"], rec["fields"]) == ("2021-05-06", "line", {})


def test_pagecontrol_and_plain_pager_links():
    html = """<ul><li><a href="./a/t20200101_1.html">关于某某事项的通知公告</a> 2020-01-01</li></ul>
    <script>pageControl(3, 0, "index", "htm");</script>"""
    rec = extract_page(html.encode(), "http://x.gov.cn/col/")
    assert rec["pages"] == ["http://x.gov.cn/col/index.htm", "http://x.gov.cn/col/index_1.htm",
                            "http://x.gov.cn/col/index_2.htm"]
    html = """<ul><li><a href="./a/t20200101_1.html">关于某某事项的通知公告</a> 2020-01-01</li></ul>
    <div class=page><a href="index_1.html">2</a><a href="index_4.html">尾页</a></div>"""
    rec = extract_page(html.encode(), "http://x.gov.cn/col/index.html")
    assert len(rec["pages"]) == 5 and rec["pages"][-1] == "http://x.gov.cn/col/index_4.html"


def test_query_pager_links():
    html = """<ul><li><a href="/doc/t20200101_1.html">关于某某事项的通知公告</a> 2020-01-01</li></ul>
    <div class=page><a href="list.jsp?cid=12&page=2">下一页</a><a href="list.jsp?cid=12&page=12">尾页</a></div>"""
    rec = extract_page(html.encode(), "http://x.gov.cn/c/list.jsp?cid=12")
    assert rec["pages"][0] == "http://x.gov.cn/c/list.jsp?cid=12&page=1"
    assert rec["pages"][-1] == "http://x.gov.cn/c/list.jsp?cid=12&page=12" and len(rec["pages"]) == 12


def test_50kb_list_page_all_entries():
    # (its speed is measured in bench/, not here: a timed unit test fails on a loaded machine)
    rows = "".join(f'<li><a href="/c/202401/t202401{i % 28 + 1:02d}_{i}.html">关于第{i}项工作的通知公告</a>'
                   f'<span>2024-01-{i % 28 + 1:02d}</span></li>' for i in range(400))
    body = f"<html><head><title>列表</title></head><body><ul>{rows}</ul></body></html>".encode()
    assert 40_000 < len(body) < 80_000
    rec = extract_page(body, "http://x.gov.cn/c/")
    assert len(rec["entries"]) == 400
    assert rec["entries"][399]["date"] == "2024-01-08"


def test_latin1_header_loses_to_gbk_meta():
    """A server's default ISO-8859-1 label must not turn a GBK page into mojibake."""
    from crawler.extract.encoding import decode

    body = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>历史沿革</body></html>'.encode("gbk")
    text, codec, note = decode(body, {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert "历史沿革" in text
    assert codec == "gb18030"
    assert "used the <meta>" in note
